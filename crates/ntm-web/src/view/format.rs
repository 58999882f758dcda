//! Vietnamese formatting of dates, times and numbers, once: these functions for handlers,
//! the same as askama filters in [`super::filters`] for templates.
//!
//! Dates are dd/mm/yyyy in both languages (what Vietnamese documents use); times are in
//! Vietnam's time (UTC+7, [`VN_OFFSET`]); numbers are 1.234,5 (vi) and 1,234.5 (en).

use ntm_domain::dossier::campaign::VN_OFFSET;
use ntm_domain::text::{format_date_vi, format_number_vi};
use time::{Date, OffsetDateTime};

use crate::i18n::Lang;

/// `t` in Vietnam's time.
pub fn vn(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(VN_OFFSET)
}

/// "14:05" in Vietnam's time.
pub fn hour_minute(t: OffsetDateTime) -> String {
    let t = vn(t);
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// "14:05": Vietnam's time of day `secs` seconds from now (when a wait ends).
pub fn hour_minute_after(secs: u64) -> String {
    hour_minute(OffsetDateTime::now_utc() + time::Duration::seconds(secs as i64))
}

/// "29/11/2026 14:05" in Vietnam's time (a record's date and time: who saved what when).
pub fn date_time(t: OffsetDateTime) -> String {
    format!("{} {}", format_date_vi(vn(t).date()), hour_minute(t))
}

/// "14:05 29/11/2026" in Vietnam's time (a deadline: an upload kept until then).
pub fn time_date(t: OffsetDateTime) -> String {
    format!("{} {}", hour_minute(t), format_date_vi(vn(t).date()))
}

/// "29/11/2026".
pub fn date(d: Date) -> String {
    format_date_vi(d)
}

/// A number with `decimals` decimals in `lang`'s format: 14.33 → "14,3" (vi), "14.3" (en).
pub fn number(lang: Lang, value: f64, decimals: usize) -> String {
    let value = if value.is_finite() { value } else { 0.0 };
    let vi = format_number_vi(value, decimals);
    match lang {
        Lang::Vi => vi,
        Lang::En => vi
            .chars()
            .map(|c| match c {
                '.' => ',',
                ',' => '.',
                c => c,
            })
            .collect(),
    }
}

/// A value as typed back to the user (vi): whole numbers without decimals, others with at
/// most two and no trailing zeros: 12 → "12", 1234.5 → "1.234,5".
pub fn number_short(x: f64) -> String {
    ntm_domain::criteria::words::number_words(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn vietnamese_times_dates_and_numbers() {
        let t = datetime!(2026-11-29 07:05 UTC);
        assert_eq!(date_time(t), "29/11/2026 14:05");
        assert_eq!(time_date(t), "14:05 29/11/2026");
        assert_eq!(hour_minute(datetime!(2026-11-29 17:30 UTC)), "00:30");
        assert_eq!(
            date_time(datetime!(2026-11-29 17:30 UTC)),
            "30/11/2026 00:30"
        );
        assert_eq!(number(Lang::Vi, 1234.5, 1), "1.234,5");
        assert_eq!(number(Lang::En, 1234.5, 1), "1,234.5");
        assert_eq!(number(Lang::Vi, f64::NAN, 0), "0");
        assert_eq!(number_short(12.0), "12");
        assert_eq!(number_short(1234.5), "1.234,5");
        assert_eq!(number_short(0.25), "0,25");
    }
}
