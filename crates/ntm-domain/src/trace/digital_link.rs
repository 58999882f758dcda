//! GS1 Digital Link URIs for lots: `https://{domain}/01/{gtin}/10/{lot}` (with the optional
//! qualifiers `/22/{cpv}` before the lot and `/21/{serial}` after it, in that order, as the
//! Digital Link 1.2 grammar fixes), and this project's short form for producers without a
//! GTIN: `https://{domain}/p/{code}/10/{lot}` (answered by our resolver only; `p` is not a
//! GS1 application identifier, so no GS1 resolver mistakes it for one).
//!
//! Values are percent-decoded when parsed and percent-encoded when built: everything but
//! `A–Z a–z 0–9 - . _` is written `%XX` (the grammar's XCHAR: those symbols appear only
//! encoded). A value must use GS1's character set 82 (GS1 General Specifications §7.11).
//! The query string (data attributes such as `?17=201225`) is kept as decoded pairs; a
//! `#fragment` is ignored.

use std::fmt;

use super::gtin::{Gtin, GtinError};

/// What a lot's product is identified by.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProductRef {
    /// A GS1 GTIN (kept as 14 digits).
    Gtin(Gtin),
    /// A short product code given by this platform: 2–32 of `A–Z 0–9 -`, starting with a
    /// letter or digit.
    Code(String),
}

impl ProductRef {
    /// Parses the text form stored with a lot: 8–14 digits are a GTIN (check digit
    /// verified), anything else must be a short code.
    pub fn parse(s: &str) -> Result<ProductRef, DlError> {
        if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(ProductRef::Gtin(Gtin::parse(s)?));
        }
        if valid_code(s) {
            Ok(ProductRef::Code(s.to_owned()))
        } else {
            Err(DlError::BadCode(s.to_owned()))
        }
    }

    /// The text stored with a lot (the 14 digits or the code).
    pub fn as_str(&self) -> &str {
        match self {
            ProductRef::Gtin(g) => g.as_str(),
            ProductRef::Code(c) => c,
        }
    }
}

impl fmt::Display for ProductRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn valid_code(s: &str) -> bool {
    (2..=32).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
}

/// A Digital Link URI of a product, a lot or a serialised item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigitalLink {
    /// Scheme, domain and any path before the identifier, without a trailing `/`
    /// (`https://id.gs1.org`, `https://example.com/some/stem`).
    pub stem: String,
    pub product: ProductRef,
    /// Consumer product variant (AI 22).
    pub cpv: Option<String>,
    /// Batch or lot (AI 10).
    pub lot: Option<String>,
    /// Serial number (AI 21).
    pub serial: Option<String>,
    /// Query-string pairs, decoded, in their order (`?17=201225` → `("17", "201225")`).
    pub attributes: Vec<(String, String)>,
}

/// Why a text is not a Digital Link URI this platform reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DlError {
    #[error("not an http:// or https:// address")]
    Scheme,
    #[error("the address has no domain")]
    NoDomain,
    #[error("character {0:?} is not allowed in a Digital Link address")]
    BadChar(char),
    #[error("no /01/{{GTIN}} or /p/{{code}} in the path")]
    NoKey,
    #[error("the path {0:?} does not end in identifier / value pairs")]
    BadPath(String),
    #[error("qualifier {0} is unknown or out of order (allowed: 22, then 10, then 21)")]
    Qualifier(String),
    #[error("empty value after /{0}/")]
    Empty(String),
    #[error("value of /{ai}/ is longer than {max} characters")]
    TooLong { ai: String, max: usize },
    #[error("value {0:?} has a character outside GS1's character set 82")]
    Charset(String),
    #[error("bad percent-encoding in {0:?}")]
    Percent(String),
    #[error("{0:?} is not a product code (2–32 of A–Z, 0–9, -)")]
    BadCode(String),
    #[error(transparent)]
    Gtin(#[from] GtinError),
}

/// GS1 AI encodable character set 82.
pub fn in_charset82(s: &str) -> bool {
    s.bytes().all(|b| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'"'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b'-'
                    | b'.'
                    | b'/'
                    | b':'
                    | b';'
                    | b'<'
                    | b'='
                    | b'>'
                    | b'?'
                    | b'_'
            )
    })
}

/// Percent-encodes a value for a path segment or query value (all but `A–Z a–z 0–9 - . _`).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes; the result must be UTF-8 and free of control characters.
pub fn decode(s: &str) -> Result<String, DlError> {
    let bad = || DlError::Percent(s.to_owned());
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3).ok_or_else(bad)?;
            let v = u8::from_str_radix(hex, 16).map_err(|_| bad())?;
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    let text = String::from_utf8(out).map_err(|_| bad())?;
    if text.chars().any(char::is_control) {
        return Err(bad());
    }
    Ok(text)
}

/// Characters that may appear literally in the URI we read (RFC 3986 unreserved,
/// sub-delims, `:@/?%` and `[]` for IPv6 hosts).
fn uri_char_ok(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/?%[]".contains(c)
}

fn qualifier_rank(ai: &str) -> Option<(u8, usize)> {
    match ai {
        "22" => Some((0, 20)),
        "10" => Some((1, 20)),
        "21" => Some((2, 20)),
        _ => None,
    }
}

impl DigitalLink {
    /// A lot's URI on `stem` (for example `https://id.gs1.org` or this site's address).
    pub fn for_lot(stem: &str, product: ProductRef, lot: &str) -> Result<DigitalLink, DlError> {
        check_value("10", lot, 20)?;
        Ok(DigitalLink {
            stem: stem.trim_end_matches('/').to_owned(),
            product,
            cpv: None,
            lot: Some(lot.to_owned()),
            serial: None,
            attributes: Vec::new(),
        })
    }

    /// Parses a Digital Link URI (see the module documentation for what is read).
    pub fn parse(uri: &str) -> Result<DigitalLink, DlError> {
        let uri = uri.split_once('#').map_or(uri, |(u, _)| u);
        if let Some(c) = uri.chars().find(|c| !uri_char_ok(*c)) {
            return Err(DlError::BadChar(c));
        }
        let rest = ["http://", "https://", "HTTP://", "HTTPS://"]
            .iter()
            .find_map(|p| uri.strip_prefix(p).map(|r| (&uri[..p.len()], r)));
        let (scheme, rest) = rest.ok_or(DlError::Scheme)?;
        let (path_part, query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (rest, None),
        };
        let (host, path) = match path_part.find('/') {
            Some(i) => (&path_part[..i], &path_part[i + 1..]),
            None => (path_part, ""),
        };
        if host.is_empty() || host.starts_with(['.', ':']) || host.contains(['%', '@']) {
            return Err(DlError::NoDomain);
        }
        let segs: Vec<&str> = path.split('/').collect();
        // The identifier is the rightmost `01` or `p` followed only by pairs.
        let n = segs.len();
        let start = (0..n)
            .rev()
            .find(|&i| matches!(segs[i], "01" | "p") && (n - i).is_multiple_of(2))
            .ok_or(DlError::NoKey)?;
        let stem = if start == 0 {
            format!("{}{host}", scheme.to_ascii_lowercase())
        } else {
            format!(
                "{}{host}/{}",
                scheme.to_ascii_lowercase(),
                segs[..start].join("/")
            )
        };
        let key_value = decode(segs[start + 1])?;
        if key_value.is_empty() {
            return Err(DlError::Empty(segs[start].to_owned()));
        }
        let product = if segs[start] == "01" {
            if key_value.len() != 14 {
                // The canonical form has 14 digits; shorter GTINs are accepted padded.
                Gtin::parse(&key_value)?;
            }
            ProductRef::Gtin(Gtin::parse(&key_value)?)
        } else if valid_code(&key_value) {
            ProductRef::Code(key_value)
        } else {
            return Err(DlError::BadCode(key_value));
        };
        let mut dl = DigitalLink {
            stem,
            product,
            cpv: None,
            lot: None,
            serial: None,
            attributes: Vec::new(),
        };
        let mut last_rank = None;
        for pair in segs[start + 2..].chunks(2) {
            let ai = pair[0];
            let (rank, max) = qualifier_rank(ai).ok_or_else(|| DlError::Qualifier(ai.into()))?;
            if last_rank.is_some_and(|r| r >= rank) {
                return Err(DlError::Qualifier(ai.into()));
            }
            last_rank = Some(rank);
            let v = decode(pair[1])?;
            check_value(ai, &v, max)?;
            match rank {
                0 => dl.cpv = Some(v),
                1 => dl.lot = Some(v),
                _ => dl.serial = Some(v),
            }
        }
        if let Some(q) = query {
            for part in q.split('&').filter(|p| !p.is_empty()) {
                let (k, v) = part.split_once('=').unwrap_or((part, ""));
                dl.attributes.push((decode(k)?, decode(v)?));
            }
        }
        Ok(dl)
    }

    /// The URI, with the values percent-encoded.
    pub fn to_uri(&self) -> String {
        let mut s = self.stem.clone();
        match &self.product {
            ProductRef::Gtin(g) => s.push_str(&format!("/01/{g}")),
            ProductRef::Code(c) => s.push_str(&format!("/p/{}", encode(c))),
        }
        for (ai, v) in [("22", &self.cpv), ("10", &self.lot), ("21", &self.serial)] {
            if let Some(v) = v {
                s.push_str(&format!("/{ai}/{}", encode(v)));
            }
        }
        for (i, (k, v)) in self.attributes.iter().enumerate() {
            s.push(if i == 0 { '?' } else { '&' });
            s.push_str(&encode(k));
            s.push('=');
            s.push_str(&encode(v));
        }
        s
    }

    /// The path our resolver answers (`/01/…/10/…` or `/p/…/10/…`), without stem and query.
    pub fn path(&self) -> String {
        let stemless = DigitalLink {
            stem: String::new(),
            attributes: Vec::new(),
            ..self.clone()
        };
        stemless.to_uri()
    }
}

fn check_value(ai: &str, v: &str, max: usize) -> Result<(), DlError> {
    if v.is_empty() {
        return Err(DlError::Empty(ai.into()));
    }
    if v.chars().count() > max {
        return Err(DlError::TooLong { ai: ai.into(), max });
    }
    if !in_charset82(v) {
        return Err(DlError::Charset(v.into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn gtin(s: &str) -> ProductRef {
        ProductRef::Gtin(Gtin::parse(s).unwrap())
    }

    #[test]
    fn lot_uri_round_trip() {
        let dl =
            DigitalLink::parse("https://id.gs1.org/01/09520123456788/10/ABC1/21/12345?17=180426")
                .unwrap();
        assert_eq!(dl.stem, "https://id.gs1.org");
        assert_eq!(dl.product, gtin("09520123456788"));
        assert_eq!(dl.lot.as_deref(), Some("ABC1"));
        assert_eq!(dl.serial.as_deref(), Some("12345"));
        assert_eq!(dl.attributes, vec![("17".into(), "180426".into())]);
        assert_eq!(
            dl.to_uri(),
            "https://id.gs1.org/01/09520123456788/10/ABC1/21/12345?17=180426"
        );
        assert_eq!(dl.path(), "/01/09520123456788/10/ABC1/21/12345");
    }

    #[test]
    fn percent_encoding_and_stems() {
        let dl =
            DigitalLink::parse("https://a/more/stem/01/12312312312333/22/ABC%2d123/10/L%2F1#x")
                .unwrap();
        assert_eq!(dl.stem, "https://a/more/stem");
        assert_eq!(dl.cpv.as_deref(), Some("ABC-123"));
        assert_eq!(dl.lot.as_deref(), Some("L/1"));
        assert_eq!(
            dl.to_uri(),
            "https://a/more/stem/01/12312312312333/22/ABC-123/10/L%2F1"
        );
        // GTIN-13 is padded to 14 digits.
        let dl = DigitalLink::parse("https://example.com/01/9520123456788/10/X").unwrap();
        assert_eq!(dl.to_uri(), "https://example.com/01/09520123456788/10/X");
    }

    #[test]
    fn short_code_form() {
        let dl = DigitalLink::parse("https://ntm.example.vn/p/OCOP-TV-0012/10/2026-03").unwrap();
        assert_eq!(dl.product, ProductRef::Code("OCOP-TV-0012".into()));
        assert_eq!(dl.lot.as_deref(), Some("2026-03"));
        assert_eq!(dl.path(), "/p/OCOP-TV-0012/10/2026-03");
    }

    #[test]
    fn errors() {
        use DlError::*;
        assert_eq!(DigitalLink::parse("ftp://a/01/12312312312333"), Err(Scheme));
        assert_eq!(
            DigitalLink::parse("HtTp://a/01/12312312312333"),
            Err(Scheme)
        );
        assert_eq!(
            DigitalLink::parse("https:///01/12312312312333"),
            Err(NoDomain)
        );
        assert_eq!(
            DigitalLink::parse("https://a/00/006141411234567890"),
            Err(NoKey)
        );
        assert!(matches!(
            DigitalLink::parse("https://a/01/12312312312334"),
            Err(Gtin(GtinError::CheckDigit { expected: 3 }))
        ));
        assert_eq!(
            DigitalLink::parse("https://a/01/12312312312333/21/X/10/Y"),
            Err(Qualifier("10".into()))
        );
        assert_eq!(
            DigitalLink::parse("https://a/01/12312312312333/99/ABC"),
            Err(Qualifier("99".into()))
        );
        assert_eq!(
            DigitalLink::parse("https://a/01/12312312312333/10/"),
            Err(Empty("10".into()))
        );
        assert!(matches!(
            DigitalLink::parse("https://a/01/12312312312333/10/%00"),
            Err(Percent(_))
        ));
        assert_eq!(
            DigitalLink::parse("https://a/01/12312312312333/10/123456789012345678901"),
            Err(TooLong {
                ai: "10".into(),
                max: 20
            })
        );
        assert_eq!(
            DigitalLink::parse("https://a/01/12312312312333<bad"),
            Err(BadChar('<'))
        );
        assert_eq!(
            DigitalLink::parse("https://a/p/x/10/1"),
            Err(BadCode("x".into()))
        );
        assert!(DigitalLink::for_lot("https://a", gtin("12312312312333"), "lô 1").is_err());
    }

    /// The cases of gs1-syntax-engine's `test_dl_parseDLuri` (src/c-lib/dl.c, Apache-2.0,
    /// copied in testdata/digitallink/) whose identifier is a GTIN with only the 22/10/21
    /// qualifiers and no query string, run with the engine's default options.
    #[test]
    fn gs1_syntax_engine_vectors() {
        let text =
            include_str!("../../../../testdata/digitallink/gs1-syntax-engine-parse-tests.json");
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        let mut checked = 0;
        for t in v["parse_tests"].as_array().unwrap() {
            let uri = t["uri"].as_str().unwrap();
            let ok = t["should_succeed"].as_bool().unwrap();
            let expected = t["expected_element_string"].as_str().unwrap();
            if t.get("flags").is_some() || !uri.contains("/01/") || uri.contains('?') {
                continue;
            }
            let path = uri.split('#').next().unwrap();
            let after = &path[path.rfind("/01/").unwrap() + 1..];
            let ais: Vec<&str> = after.split('/').step_by(2).collect();
            if !ais.iter().all(|a| matches!(*a, "01" | "22" | "10" | "21")) {
                continue;
            }
            // This parser accepts GTIN-8/12/13 padded to 14 digits, the engine only with
            // its `permitZeroSuppressedGTINinDLuris` option: those cases are not compared.
            let key_len = after.split('/').nth(1).map_or(0, str::len);
            if matches!(key_len, 8 | 12 | 13) {
                continue;
            }
            let got = DigitalLink::parse(uri);
            assert_eq!(got.is_ok(), ok, "{uri}: {got:?}");
            if let Ok(dl) = got {
                let mut es = format!("^01{}", dl.product);
                let mut first = true;
                for (ai, v) in [("22", &dl.cpv), ("10", &dl.lot), ("21", &dl.serial)] {
                    if let Some(v) = v {
                        if !first {
                            es.push('^');
                        }
                        first = false;
                        es.push_str(ai);
                        es.push_str(v);
                    }
                }
                assert_eq!(es, expected, "{uri}");
                // Built again, it parses to the same.
                assert_eq!(DigitalLink::parse(&dl.to_uri()).unwrap(), dl);
            }
            checked += 1;
        }
        assert!(checked >= 20, "only {checked} vectors checked");
    }

    proptest! {
        #[test]
        fn build_then_parse(
            data in "[0-9]{13}",
            lot in "[!-\"%-/0-9:-?A-Z_a-z]{1,20}",
            serial in proptest::option::of("[0-9A-Za-z/+%]{1,20}"),
            code in proptest::option::of("[A-Z0-9][A-Z0-9-]{1,31}"),
            stem in "https://[a-z]{1,10}\\.vn(/[a-z]{1,5})?",
        ) {
            let product = match code {
                Some(c) => ProductRef::Code(c),
                None => ProductRef::Gtin(Gtin::from_data(&data).unwrap()),
            };
            let mut dl = DigitalLink::for_lot(&stem, product, &lot).unwrap();
            dl.serial = serial;
            let uri = dl.to_uri();
            prop_assert_eq!(DigitalLink::parse(&uri).unwrap(), dl.clone());
            prop_assert_eq!(DigitalLink::parse(&uri).unwrap().to_uri(), uri);
        }
    }
}
