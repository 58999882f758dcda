//! Rows of an existing OCOP list being imported (columns as in a province's published list:
//! `product, producer, locality, stars, year, status, source_url, source_note`, optionally
//! `group` (1–6, the rubric's product groups) and `product_set`). Every row keeps its source
//! URL; every problem is reported with its line so the whole file can be refused at once.

use std::collections::BTreeSet;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// Line in the file (the header is line 1).
    pub line: usize,
    pub product: String,
    /// `None` when the list does not name the producer.
    pub producer: Option<String>,
    pub locality: Option<String>,
    /// `None`: listed without a star rank (e.g. a candidate awaiting a higher council).
    pub stars: Option<u8>,
    pub year: i32,
    pub status: String,
    pub source_url: String,
    pub source_note: Option<String>,
    pub group: Option<u8>,
    pub product_set: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRowError {
    pub line: usize,
    pub field: String,
    pub message: String,
}

impl fmt::Display for ImportRowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}: {}", self.line, self.field, self.message)
    }
}

/// The rows read, and the problems found (a file with any problem is not applied).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportParse {
    pub rows: Vec<ImportRow>,
    pub errors: Vec<ImportRowError>,
}

const REQUIRED: [&str; 6] = [
    "product",
    "producer",
    "locality",
    "stars",
    "year",
    "source_url",
];

/// "(not stated)", "(not named in the source excerpt)", empty → `None`.
fn stated(s: &str) -> Option<String> {
    let t = s.trim();
    if t.is_empty() || (t.starts_with("(not ") && t.ends_with(')')) {
        None
    } else {
        Some(t.to_string())
    }
}

/// Reads a CSV list (UTF-8, header row). `groups` are the rubric's product group codes.
pub fn parse_import_csv(text: &str, groups: &[u8]) -> ImportParse {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_lowercase()).collect(),
        Err(e) => {
            return ImportParse {
                rows: vec![],
                errors: vec![ImportRowError {
                    line: 1,
                    field: "header".into(),
                    message: e.to_string(),
                }],
            };
        }
    };
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for (i, r) in rdr.records().enumerate() {
        match r {
            Ok(r) => records.push(r.iter().map(str::to_string).collect()),
            Err(e) => errors.push(ImportRowError {
                line: i + 2,
                field: "csv".into(),
                message: e.to_string(),
            }),
        }
    }
    let mut out = parse_import_records(&header, records, groups);
    out.errors.splice(0..0, errors);
    out
}

/// Reads rows given as cells (from CSV or a spreadsheet); `header` names the columns.
pub fn parse_import_records(
    header: &[String],
    records: Vec<Vec<String>>,
    groups: &[u8],
) -> ImportParse {
    let mut out = ImportParse::default();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    for name in REQUIRED {
        if col(name).is_none() {
            out.errors.push(ImportRowError {
                line: 1,
                field: name.into(),
                message: format!("the header has no `{name}` column"),
            });
        }
    }
    if !out.errors.is_empty() {
        return out;
    }
    let get = |r: &[String], name: &str| -> String {
        col(name)
            .and_then(|i| r.get(i))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let mut seen = BTreeSet::new();
    for (i, r) in records.iter().enumerate() {
        let line = i + 2;
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut err = |field: &str, message: String| {
            out.errors.push(ImportRowError {
                line,
                field: field.into(),
                message,
            })
        };
        let product = get(r, "product");
        if product.is_empty() {
            err("product", "the product name is empty".into());
        }
        let stars_s = get(r, "stars");
        let stars = if stars_s.is_empty() {
            None
        } else {
            match stars_s.parse::<u8>() {
                Ok(s @ 1..=5) => Some(s),
                _ => {
                    err(
                        "stars",
                        format!("`{stars_s}` is not a star rank from 1 to 5"),
                    );
                    None
                }
            }
        };
        let year_s = get(r, "year");
        let year = match year_s.parse::<i32>() {
            Ok(y @ 1990..=2100) => y,
            _ => {
                err("year", format!("`{year_s}` is not a year"));
                0
            }
        };
        let source_url = get(r, "source_url");
        if !(source_url.starts_with("https://") || source_url.starts_with("http://")) {
            err(
                "source_url",
                "every rating needs the web address of its source (http:// or https://)".into(),
            );
        }
        let group_s = get(r, "group");
        let group = if group_s.is_empty() {
            None
        } else {
            match group_s.parse::<u8>() {
                Ok(g) if groups.contains(&g) => Some(g),
                _ => {
                    err(
                        "group",
                        format!("`{group_s}` is not an OCOP product group ({groups:?})"),
                    );
                    None
                }
            }
        };
        let producer = stated(&get(r, "producer"));
        let key = (
            product.to_lowercase(),
            producer.clone().unwrap_or_default().to_lowercase(),
        );
        if !product.is_empty() && !seen.insert(key) {
            err(
                "product",
                format!("`{product}` of this producer is listed twice"),
            );
        }
        out.rows.push(ImportRow {
            line,
            product,
            producer,
            locality: stated(&get(r, "locality")),
            stars,
            year,
            status: get(r, "status"),
            source_url,
            source_note: stated(&get(r, "source_note")),
            group,
            product_set: stated(&get(r, "product_set")),
        });
    }
    out
}
