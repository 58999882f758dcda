//! Hostile spreadsheets built in code for the size-limit tests (no binary files in the
//! repository): tiny XLSX files that declare or use huge sheets, zip entries that lie about
//! their size, ODS files with repeated rows.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        z.start_file(*name, opts).expect("zip entry");
        z.write_all(data).expect("zip write");
    }
    z.finish().expect("zip finish").into_inner()
}

/// An XLSX of one sheet whose worksheet XML is `sheet_xml` as given (for fuzzing the reader
/// with damaged XML inside a valid zip).
pub fn xlsx_with_sheet_xml(sheet_xml: &[u8]) -> Vec<u8> {
    zip_of(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet_xml),
    ])
}

/// An XLSX of one sheet with `dimension` (e.g. `Some("A1:XFD1048576")`) and inline-string
/// cells at the given references (e.g. `[("A1", "x"), ("XFD1048576", "y")]`).
pub fn xlsx(dimension: Option<&str>, cells: &[(&str, &str)]) -> Vec<u8> {
    xlsx_with_sheet_xml(sheet_xml(dimension, cells).as_bytes())
}

/// The worksheet XML of [`xlsx`].
pub fn sheet_xml(dimension: Option<&str>, cells: &[(&str, &str)]) -> String {
    let mut rows: Vec<(u64, Vec<(&str, &str)>)> = Vec::new();
    for (r, v) in cells {
        let n: u64 = r
            .trim_start_matches(|c: char| c.is_ascii_alphabetic())
            .parse()
            .expect("cell reference");
        match rows.iter_mut().find(|(k, _)| *k == n) {
            Some((_, cs)) => cs.push((r, v)),
            None => rows.push((n, vec![(r, v)])),
        }
    }
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
    );
    if let Some(d) = dimension {
        sheet.push_str(&format!(r#"<dimension ref="{d}"/>"#));
    }
    sheet.push_str("<sheetData>");
    for (n, cs) in rows {
        sheet.push_str(&format!(r#"<row r="{n}">"#));
        for (r, v) in cs {
            sheet.push_str(&format!(
                r#"<c r="{r}" t="inlineStr"><is><t>{v}</t></is></c>"#
            ));
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    sheet
}

/// The 1.5 KB file of the security review: cells `A1` and `XFD1048576`, with the matching
/// declared dimension.
pub fn xlsx_bomb() -> Vec<u8> {
    xlsx(Some("A1:XFD1048576"), &[("A1", "a"), ("XFD1048576", "b")])
}

/// A zip container whose entries add up to `bytes` uncompressed (zeros compress ~1000:1).
pub fn xlsx_with_padding(bytes: usize) -> Vec<u8> {
    let base = xlsx(Some("A1"), &[("A1", "a")]);
    let mut z = zip::ZipWriter::new_append(Cursor::new(base)).expect("zip append");
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    z.start_file("xl/media/padding.bin", opts)
        .expect("zip entry");
    let chunk = vec![0u8; 1024 * 1024];
    let mut left = bytes;
    while left > 0 {
        let n = left.min(chunk.len());
        z.write_all(&chunk[..n]).expect("zip write");
        left -= n;
    }
    z.finish().expect("zip finish").into_inner()
}

/// `workbook` with an extra stored (uncompressed) entry of `bytes` pseudo-random bytes, as
/// an embedded picture: a real file whose upload weighs that much.
pub fn with_media(workbook: Vec<u8>, bytes: usize) -> Vec<u8> {
    let mut z = zip::ZipWriter::new_append(Cursor::new(workbook)).expect("zip append");
    let stored = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(bytes >= u32::MAX as usize);
    z.start_file("xl/media/image1.png", stored)
        .expect("zip entry");
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let data: Vec<u8> = (0..bytes)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    z.write_all(&data).expect("zip write");
    z.finish().expect("zip finish").into_inner()
}

/// An ODS whose one table has a non-empty row repeated `rows` times with a value repeated
/// over `columns` columns (calamine would expand it into rows × columns cells).
pub fn ods_repeated(rows: u64, columns: u64) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="T"><table:table-row table:number-rows-repeated="{rows}"><table:table-cell table:number-columns-repeated="{columns}" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    z.start_file("mimetype", stored).expect("zip entry");
    z.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .expect("zip write");
    z.start_file("content.xml", stored).expect("zip entry");
    z.write_all(content.as_bytes()).expect("zip write");
    z.start_file("META-INF/manifest.xml", stored)
        .expect("zip entry");
    z.write_all(manifest.as_bytes()).expect("zip write");
    z.finish().expect("zip finish").into_inner()
}

/// The first bytes of an Excel 97-2003 (BIFF, compound file) workbook.
pub fn xls_header() -> Vec<u8> {
    let mut v = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    v.resize(512, 0);
    v
}
