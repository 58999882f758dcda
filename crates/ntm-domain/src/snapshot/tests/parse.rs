//! Reading unit lists, the mapping table and the region table.

use super::*;

#[test]
fn parses_a_good_file_with_bom_reordered_and_extra_columns() {
    let csv = "\u{feff}name, code ,level,kind,parent_code,note\n\
                   Tỉnh Trà Vinh,84,province,Tỉnh,,x\n\
                   \"Huyện Càng Long, TV\",842, district ,Huyện, 84 ,\n\
                   \n\
                   Xã Tân An,28756,Commune,Xã,842,\n\
                   ,,,,,\n";
    let rows = parse_units_csv(csv.as_bytes()).unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows[0],
        row(2, "84", "Tỉnh Trà Vinh", Level::Province, "Tỉnh", None)
    );
    assert_eq!(
        rows[1],
        row(
            3,
            "842",
            "Huyện Càng Long, TV",
            Level::District,
            "Huyện",
            Some("84")
        )
    );
    // The blank line 4 still counts as a file line.
    assert_eq!(
        rows[2],
        row(5, "28756", "Xã Tân An", Level::Commune, "Xã", Some("842"))
    );
}

#[test]
fn names_are_normalized_to_nfc() {
    let decomposed: String = "Xã Tân Hòa".nfd().collect();
    let csv = format!("code,name,level,kind,parent_code\n28756,{decomposed},commune,Xã,842\n");
    let rows = parse_units_csv(csv.as_bytes()).unwrap();
    assert_eq!(rows[0].name, "Xã Tân Hòa");
}

#[test]
fn reports_every_bad_row_with_line_and_reason() {
    let mut csv = "code,name,level,kind,parent_code\n\
                    01,Tỉnh Một,province,Tỉnh,\n\
                    ,Xã Không Mã,commune,Xã,001\n\
                    00002,,commune,Xã,001\n\
                    00003,Xã Ba,ward,Xã,001\n\
                    00004,Xã Bốn,commune,Xã\n\
                    00005,Xã Năm,commune,Xã,001,extra\n"
        .as_bytes()
        .to_vec();
    csv.extend_from_slice(b"00006,X\xE3 S\xE1u,commune,X\xC3\xA3,001\n");
    csv.extend_from_slice(",,hamlet,Thôn,\n".as_bytes());
    let errs = parse_units_csv(&csv).unwrap_err();
    let got: Vec<(usize, Option<&str>)> =
        errs.iter().map(|e| (e.line, e.field.as_deref())).collect();
    assert_eq!(
        got,
        vec![
            (3, Some("code")),
            (4, Some("name")),
            (5, Some("level")),
            (6, None),
            (7, None),
            (8, Some("name")),
            (9, Some("code")),
            (9, Some("name")),
        ],
        "{errs:#?}"
    );
    assert!(
        errs[2].message.contains("unknown level \"ward\""),
        "{}",
        errs[2]
    );
    assert!(
        errs[3].message.contains("4 fields, but the header has 5"),
        "{}",
        errs[3]
    );
    assert!(errs[4].message.contains("6 fields"), "{}", errs[4]);
    assert!(errs[5].message.contains("UTF-8"), "{}", errs[5]);
    assert_eq!(
        errs[2].to_string(),
        "line 5, column level: unknown level \"ward\" (expected province, district, commune or hamlet)"
    );
}

#[test]
fn missing_header_columns_fail_the_whole_file() {
    let errs = parse_units_csv("code,name,kind\n01,Tỉnh Một,Tỉnh\n".as_bytes()).unwrap_err();
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(errs.iter().all(|e| e.line == 1));
    assert_eq!(errs[0].field.as_deref(), Some("level"));
    assert_eq!(errs[1].field.as_deref(), Some("parent_code"));
    assert!(errs[1].message.contains("missing column \"parent_code\""));

    let errs = parse_units_csv(b"").unwrap_err();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].line, 0);
    let errs = parse_units_csv("code,code,name,level,kind,parent_code\n".as_bytes()).unwrap_err();
    assert!(errs[0].message.contains("more than once"), "{errs:?}");
    // A header alone is an empty but valid list.
    assert_eq!(
        parse_units_csv(b"code,name,level,kind,parent_code\n").unwrap(),
        vec![]
    );
}

#[test]
fn parses_mapping_rows_and_reports_bad_ones() {
    let csv = "old_commune_code,new_commune_code,old_commune_name,new_commune_name,old_district_code,old_province_code,new_province_code,merge_type,note_vi\n\
                   00001,00097,Phường Phúc Xá,Phường Hồng Hà,001,01,01,whole,Nhập toàn bộ\n\
                   ,11948,,Đặc khu Bạch Long Vĩ,318,31,31,district_to_special_zone,Sắp xếp\n\
                   ,14698,,Xã Kim Đông,376,37,37,other,Nhập toàn bộ\n\
                   00007,00008,a,b,001,01,01,merged,x\n\
                   ,00008,a,b,001,01,01,partial,x\n\
                   00009,,a,b,001,01,01,whole,x\n\
                   ,00010,,b,,01,01,district_to_special_zone,x\n";
    let errs = parse_mapping_csv(csv.as_bytes()).unwrap_err();
    let got: Vec<(usize, Option<&str>)> =
        errs.iter().map(|e| (e.line, e.field.as_deref())).collect();
    assert_eq!(
        got,
        vec![
            (5, Some("merge_type")),
            (6, Some("old_commune_code")),
            (7, Some("new_commune_code")),
            (8, Some("old_district_code"))
        ],
        "{errs:#?}"
    );
    assert!(errs[0].message.contains("unknown merge_type \"merged\""));

    let good: String = csv.lines().take(4).collect::<Vec<_>>().join("\n");
    let rows = parse_mapping_csv(good.as_bytes()).unwrap();
    assert_eq!(
        rows[0],
        mrow(
            2,
            ["00001", "00097", "001", "01", "01", "whole", "Nhập toàn bộ"]
        )
    );
    assert_eq!(rows[1].old_commune_code, None);
    assert_eq!(rows[1].old_district_code.as_deref(), Some("318"));
    assert_eq!(rows[1].lineage_kind(), Some(LineageKind::Reorganize));
    assert_eq!(rows[2].lineage_kind(), None);
    // The name columns are optional.
    let short = "old_commune_code,new_commune_code,old_district_code,old_province_code,new_province_code,merge_type,note_vi\n\
                     00001,00097,001,01,01,partial,Nhập một phần\n";
    assert_eq!(
        parse_mapping_csv(short.as_bytes()).unwrap()[0].lineage_kind(),
        Some(LineageKind::Split)
    );
}

#[test]
fn regions_are_keyed_by_code_and_name() {
    let csv = "code,name,region\n80,Tỉnh Long An,DBSCL\n80,Tỉnh Tây Ninh,DNB\n46,Tỉnh Thừa Thiên Huế,BTB\n";
    let t = parse_regions_csv(csv.as_bytes()).unwrap();
    assert_eq!(t.region_of("80", "Tỉnh Long An"), Some(Region::DBSCL));
    assert_eq!(t.region_of("80", "tinh tay  ninh"), Some(Region::DNB));
    assert_eq!(t.region_of("80", "Tỉnh Bến Tre"), None);
    let bad = "code,name,region\n80,Tỉnh Long An,MEKONG\n,Tỉnh X,DNB\n80,Tỉnh Long An,DNB\n80,Tỉnh Long An,DBSCL\n";
    let errs = parse_regions_csv(bad.as_bytes()).unwrap_err();
    let got: Vec<usize> = errs.iter().map(|e| e.line).collect();
    assert_eq!(got, vec![2, 3, 5], "{errs:#?}");
    assert!(errs[0].message.contains("unknown region \"MEKONG\""));
    assert!(
        errs[2]
            .message
            .contains("already given region DNB on line 4"),
        "{}",
        errs[2]
    );
}

#[test]
fn bundled_regions_file_parses() {
    let t = parse_regions_csv(include_bytes!(
        "../../../../../data/admin-units/regions.csv"
    ))
    .unwrap();
    assert_eq!(t.region_of("84", "Tỉnh Trà Vinh"), Some(Region::DBSCL));
    assert_eq!(t.region_of("04", "Tỉnh Cao Bằng"), Some(Region::TDMNPB));
}
