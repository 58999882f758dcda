//! Thresholds in words, as officials read them: the one wording used by the scorecard, the
//! dossier PDF, the workbook template and the criteria editor (`≥ 80 %`, `≤ 2 km`, `Đạt`).
//!
//! Numbers are written the Vietnamese way (`1.234,5`) with at most two decimals and no
//! trailing zeros; a percentage takes a space before `%`, as everywhere else in the product;
//! another unit is named after the number when the set gives one.

use super::model::{Indicator, Kind, Op, Threshold, ThresholdValue};
use crate::text::format_number_vi;

/// A threshold's number: `80`, `80,5`, `1.234`, `0,25` (at most two decimals).
pub fn number_words(x: f64) -> String {
    if x.fract() == 0.0 {
        format_number_vi(x, 0)
    } else {
        format_number_vi(x, 2)
            .trim_end_matches('0')
            .trim_end_matches(',')
            .to_string()
    }
}

/// `op value` in words with the indicator's unit: "≥ 80 %", "≤ 5 km", "Đạt" / "Không",
/// "một trong: 1; 2" (a list: the value must be one of them).
pub fn threshold_text(op: Op, value: &ThresholdValue, kind: Kind, unit: Option<&str>) -> String {
    let n = |x: f64| {
        let s = number_words(x);
        match (kind, unit) {
            (Kind::Percent, _) => format!("{s} %"),
            (_, Some(u)) if !u.trim().is_empty() => format!("{s} {}", u.trim()),
            _ => s,
        }
    };
    let op = match op {
        Op::Ge => "≥ ",
        Op::Le => "≤ ",
        Op::Eq | Op::In => "",
    };
    match value {
        ThresholdValue::Bool(true) => "Đạt".into(),
        ThresholdValue::Bool(false) => "Không".into(),
        ThresholdValue::Num(x) => format!("{op}{}", n(*x)),
        ThresholdValue::List(l) => format!(
            "một trong: {}",
            l.iter().map(|x| n(*x)).collect::<Vec<_>>().join("; ")
        ),
    }
}

/// A resolved threshold of `ind` in words: the wording of the legal table when the set gives
/// one (`text`), else [`threshold_text`].
pub fn threshold_words(ind: &Indicator, t: &Threshold) -> String {
    if let Some(text) = t.text.as_deref().filter(|s| !s.trim().is_empty()) {
        return text.trim().to_string();
    }
    threshold_text(t.op, &t.value, ind.kind, ind.unit.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_percentages_units_and_lists() {
        assert_eq!(number_words(80.0), "80");
        assert_eq!(number_words(80.5), "80,5");
        assert_eq!(number_words(1234.0), "1.234");
        // Two decimals at most, and never a dangling comma.
        assert_eq!(number_words(80.001), "80");
        assert_eq!(number_words(0.25), "0,25");
        let t = |op, v, kind, unit| threshold_text(op, &v, kind, unit);
        use ThresholdValue::*;
        assert_eq!(t(Op::Ge, Num(80.0), Kind::Percent, None), "≥ 80 %");
        assert_eq!(t(Op::Le, Num(2.5), Kind::Number, Some("km")), "≤ 2,5 km");
        assert_eq!(t(Op::Ge, Num(5.0), Kind::Count, None), "≥ 5");
        assert_eq!(t(Op::Eq, Bool(true), Kind::Boolean, None), "Đạt");
        assert_eq!(t(Op::Eq, Bool(false), Kind::Boolean, None), "Không");
        assert_eq!(
            t(Op::In, List(vec![1.0, 2.0]), Kind::Level, None),
            "một trong: 1; 2"
        );
    }
}
