//! Vietnamese text helpers: search keys without diacritics, vi-VN number and date formats.

use time::Date;
use unicode_normalization::UnicodeNormalization;

/// Lower-case, diacritics stripped, `đ` → `d`, whitespace collapsed.
/// "Xã Tân Hòa" → "xa tan hoa"; "Càng  Long" → "cang long".
pub fn search_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_space = true;
    for c in s.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
            continue;
        }
        for l in c.to_lowercase() {
            out.push(l);
        }
        last_space = false;
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// vi-VN number: `.` groups thousands, `,` is the decimal mark: 1234.5 → "1.234,5".
pub fn format_number_vi(value: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, value.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s.as_str(), None),
    };
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(ch);
    }
    let mut out = String::new();
    if value < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.push('-');
    }
    out.push_str(&grouped);
    if let Some(f) = frac {
        out.push(',');
        out.push_str(f);
    }
    out
}

/// Integer with vi-VN thousands grouping: 10598 → "10.598".
pub fn format_int_vi(value: i64) -> String {
    format_number_vi(value as f64, 0)
}

/// dd/mm/yyyy.
pub fn format_date_vi(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year())
}

/// yyyy-mm-dd (ISO 8601), as in files and forms.
pub fn format_date_iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Parses `YYYY-MM-DD` or `dd/mm/yyyy`.
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let (y, m, d) = if let Some((d, rest)) = s.split_once('/') {
        let (m, y) = rest.split_once('/')?;
        (y, m, d)
    } else {
        let mut it = s.splitn(3, '-');
        (it.next()?, it.next()?, it.next()?)
    };
    let y: i32 = y.parse().ok()?;
    let m: u8 = m.parse().ok()?;
    let d: u8 = d.parse().ok()?;
    Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn search_keys() {
        assert_eq!(search_key("Xã Tân Hòa"), "xa tan hoa");
        assert_eq!(search_key("Huyện Càng Long"), "huyen cang long");
        assert_eq!(search_key("  ĐỒNG   Tháp "), "dong thap");
        assert_eq!(search_key("Thành phố Hồ Chí Minh"), "thanh pho ho chi minh");
        assert_eq!(search_key("Thuỵ  Hoà"), search_key("thụy hòa"));
    }

    #[test]
    fn numbers_and_dates() {
        assert_eq!(format_number_vi(1234.5, 1), "1.234,5");
        assert_eq!(format_number_vi(1234567.0, 0), "1.234.567");
        assert_eq!(format_number_vi(-12.25, 2), "-12,25");
        assert_eq!(format_number_vi(0.0, 1), "0,0");
        assert_eq!(format_int_vi(10598), "10.598");
        assert_eq!(format_int_vi(999), "999");
        assert_eq!(format_date_vi(date!(2025 - 07 - 01)), "01/07/2025");
        assert_eq!(parse_date("01/07/2025"), Some(date!(2025 - 07 - 01)));
        assert_eq!(parse_date("2023-05-07"), Some(date!(2023 - 05 - 07)));
        assert_eq!(parse_date("31/02/2025"), None);
        assert_eq!(parse_date("hôm qua"), None);
    }

    proptest! {
        #[test]
        fn search_key_is_ascii_lowercase_for_vietnamese(s in "[a-zA-ZàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđĐÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚĂĐƠƯ ]{0,40}") {
            let k = search_key(&s);
            prop_assert!(k.chars().all(|c| c.is_ascii_lowercase() || c == ' '));
            prop_assert_eq!(search_key(&k), k.clone());
        }

        #[test]
        fn number_round_trips(n in -1_000_000_000i64..1_000_000_000) {
            let s = format_int_vi(n);
            let back: i64 = s.replace('.', "").parse().unwrap();
            prop_assert_eq!(back, n);
        }
    }
}
