//! Indicators computed from the platform's own records instead of typed by an officer: an
//! indicator of a criteria set may name one of these measures in `computed_from` (a product
//! binding, not legal text), and the application then writes its value from the records of
//! the feedback module or the commune portal (`docs/measures.md`).
//!
//! Each measure is evaluated for a unit over the **evaluation year up to the day of the
//! computation** (`period`). The rules that turn the records into one value live here, pure:
//! - `portal.dx_posts_min_per_month`: the fewest digital-transformation posts published in
//!   any **complete** month of the year so far ("at least 2 posts a month" holds when the
//!   fewest is ≥ 2). No value while no month of the year is complete.
//! - `portal.dx_posts_mean_per_month`: the DX posts published from 1 January to the day, per
//!   month elapsed (days elapsed ÷ the mean month of the year): moves with every post.
//! - `portal.dx_segment_every_week`: whether every **complete** ISO week of the year (the
//!   weeks whose Thursday is in the year) so far had a held loudspeaker programme with a
//!   digital-transformation segment.
//! - `portal.dx_weeks_held_share`: the share of those weeks that had one, in percent.
//! - `feedback.*`: the feedback measures of the year so far (`feedback::measures`).

mod period;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use period::{
    complete_months, complete_weeks, iso_year_span, months_elapsed, period, records_span,
};

use crate::criteria::ValueKind;

/// The module whose records a measure is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Module {
    /// The commune portal: news posts and the loudspeaker schedule.
    Portal,
    /// Citizens' feedback and petitions.
    Feedback,
}

/// A measure an indicator can be computed from (serialized as its name in criteria files).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum MeasureKey {
    #[serde(rename = "portal.dx_posts_min_per_month")]
    DxPostsMinPerMonth,
    #[serde(rename = "portal.dx_posts_mean_per_month")]
    DxPostsMeanPerMonth,
    #[serde(rename = "portal.dx_segment_every_week")]
    DxSegmentEveryWeek,
    #[serde(rename = "portal.dx_weeks_held_share")]
    DxWeeksHeldShare,
    #[serde(rename = "feedback.received")]
    FeedbackReceived,
    #[serde(rename = "feedback.on_time_share")]
    FeedbackOnTimeShare,
    #[serde(rename = "feedback.mean_days_to_resolve")]
    FeedbackMeanDaysToResolve,
    #[serde(rename = "feedback.satisfied_share")]
    FeedbackSatisfiedShare,
}

impl MeasureKey {
    pub const ALL: [MeasureKey; 8] = [
        MeasureKey::DxPostsMinPerMonth,
        MeasureKey::DxPostsMeanPerMonth,
        MeasureKey::DxSegmentEveryWeek,
        MeasureKey::DxWeeksHeldShare,
        MeasureKey::FeedbackReceived,
        MeasureKey::FeedbackOnTimeShare,
        MeasureKey::FeedbackMeanDaysToResolve,
        MeasureKey::FeedbackSatisfiedShare,
    ];

    /// The name used in criteria files (`computed_from:`).
    pub fn as_str(self) -> &'static str {
        match self {
            MeasureKey::DxPostsMinPerMonth => "portal.dx_posts_min_per_month",
            MeasureKey::DxPostsMeanPerMonth => "portal.dx_posts_mean_per_month",
            MeasureKey::DxSegmentEveryWeek => "portal.dx_segment_every_week",
            MeasureKey::DxWeeksHeldShare => "portal.dx_weeks_held_share",
            MeasureKey::FeedbackReceived => "feedback.received",
            MeasureKey::FeedbackOnTimeShare => "feedback.on_time_share",
            MeasureKey::FeedbackMeanDaysToResolve => "feedback.mean_days_to_resolve",
            MeasureKey::FeedbackSatisfiedShare => "feedback.satisfied_share",
        }
    }

    pub fn parse(s: &str) -> Option<MeasureKey> {
        let s = s.trim();
        MeasureKey::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kind of value the measure gives; the indicator bound to it must take that kind.
    pub fn value_kind(self) -> ValueKind {
        match self {
            MeasureKey::DxPostsMinPerMonth
            | MeasureKey::DxPostsMeanPerMonth
            | MeasureKey::FeedbackMeanDaysToResolve => ValueKind::Number,
            MeasureKey::DxSegmentEveryWeek => ValueKind::Boolean,
            MeasureKey::DxWeeksHeldShare
            | MeasureKey::FeedbackOnTimeShare
            | MeasureKey::FeedbackSatisfiedShare => ValueKind::Percent,
            MeasureKey::FeedbackReceived => ValueKind::Count,
        }
    }

    /// Whether an indicator of kind `kind` can take this measure's values (a count is also
    /// a number).
    pub fn fits(self, kind: ValueKind) -> bool {
        let own = self.value_kind();
        own == kind || (own == ValueKind::Count && kind == ValueKind::Number)
    }

    pub fn module(self) -> Module {
        match self {
            MeasureKey::DxPostsMinPerMonth
            | MeasureKey::DxPostsMeanPerMonth
            | MeasureKey::DxSegmentEveryWeek
            | MeasureKey::DxWeeksHeldShare => Module::Portal,
            _ => Module::Feedback,
        }
    }

    /// What the measure counts, in Vietnamese.
    pub fn name_vi(self) -> &'static str {
        match self {
            MeasureKey::DxPostsMinPerMonth => {
                "Số tin, bài về chuyển đổi số ít nhất trong một tháng (các tháng đã qua của năm)"
            }
            MeasureKey::DxPostsMeanPerMonth => {
                "Số tin, bài về chuyển đổi số bình quân mỗi tháng (từ đầu năm)"
            }
            MeasureKey::DxSegmentEveryWeek => {
                "Tuần nào cũng phát chuyên mục chuyển đổi số trên đài truyền thanh xã"
            }
            MeasureKey::DxWeeksHeldShare => {
                "Tỷ lệ tuần có phát chuyên mục chuyển đổi số trên đài truyền thanh xã"
            }
            MeasureKey::FeedbackReceived => "Số phản ánh, kiến nghị đã tiếp nhận",
            MeasureKey::FeedbackOnTimeShare => "Tỷ lệ phản ánh, kiến nghị được trả lời đúng hạn",
            MeasureKey::FeedbackMeanDaysToResolve => "Số ngày trung bình để giải quyết phản ánh",
            MeasureKey::FeedbackSatisfiedShare => {
                "Tỷ lệ người dân hài lòng với trả lời phản ánh, kiến nghị"
            }
        }
    }

    /// What the measure counts, in English.
    pub fn name_en(self) -> &'static str {
        match self {
            MeasureKey::DxPostsMinPerMonth => {
                "Fewest digital-transformation posts in a month (complete months of the year)"
            }
            MeasureKey::DxPostsMeanPerMonth => {
                "Digital-transformation posts per month on average (since 1 January)"
            }
            MeasureKey::DxSegmentEveryWeek => {
                "A digital-transformation loudspeaker segment held every week"
            }
            MeasureKey::DxWeeksHeldShare => {
                "Share of weeks with a digital-transformation loudspeaker segment held"
            }
            MeasureKey::FeedbackReceived => "Feedback reports received",
            MeasureKey::FeedbackOnTimeShare => "Share of feedback answered on time",
            MeasureKey::FeedbackMeanDaysToResolve => "Mean days to resolve feedback",
            MeasureKey::FeedbackSatisfiedShare => "Share of citizens satisfied with the answers",
        }
    }
}

/// A computed value: the text stored as the indicator's value (`None`: no value yet, e.g. no
/// complete month) and what it was computed from, in words, kept as the value's note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Computed {
    pub text: Option<String>,
    pub note: String,
}

/// Formats a number the way values are stored (a dot for decimals, at most 2 of them).
pub fn value_text(x: f64) -> String {
    let r = (x * 100.0).round() / 100.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        let s = format!("{r:.2}");
        s.trim_end_matches('0').to_string()
    }
}

/// `portal.dx_posts_min_per_month` from the number of DX posts published in each complete
/// month (`counts[i]` for the i-th complete month; months with no post count 0).
pub fn min_posts_per_month(counts: &[(u8, u32)]) -> Computed {
    match counts.iter().min_by_key(|(_, n)| *n) {
        None => Computed {
            text: None,
            note: "Chưa có tháng nào trọn vẹn trong năm (no complete month yet)".into(),
        },
        Some((month, n)) => {
            let list: Vec<String> = counts.iter().map(|(m, c)| format!("T{m}: {c}")).collect();
            Computed {
                text: Some(n.to_string()),
                note: format!(
                    "Tính từ tin bài chuyển đổi số đã đăng; ít nhất {n} tin bài (tháng {month}). {}",
                    list.join(", ")
                ),
            }
        }
    }
}

/// `portal.dx_posts_mean_per_month` from the DX posts published since 1 January and the
/// months elapsed ([`months_elapsed`]).
pub fn mean_posts_per_month(posts: u32, months: f64) -> Computed {
    let value = posts as f64 / months.max(1.0 / 31.0);
    Computed {
        text: Some(value_text(value)),
        note: format!(
            "Tính từ tin bài chuyển đổi số đã đăng: {posts} tin bài trong {} tháng từ đầu năm",
            crate::text::format_number_vi(months, 2)
        ),
    }
}

/// `portal.dx_segment_every_week` and `portal.dx_weeks_held_share` from whether each
/// complete week had a held DX segment.
pub fn weeks_held(weeks: &[bool], key: MeasureKey) -> Computed {
    if weeks.is_empty() {
        return Computed {
            text: None,
            note: "Chưa có tuần nào trọn vẹn trong năm (no complete week yet)".into(),
        };
    }
    let held = weeks.iter().filter(|h| **h).count();
    let note = format!(
        "Tính từ lịch phát thanh: {held}/{} tuần trọn vẹn có chuyên mục chuyển đổi số đã phát",
        weeks.len()
    );
    let text = if key == MeasureKey::DxSegmentEveryWeek {
        if held == weeks.len() { "true" } else { "false" }.to_string()
    } else {
        value_text(held as f64 * 100.0 / weeks.len() as f64)
    };
    Computed {
        text: Some(text),
        note,
    }
}

/// A feedback figure: its value (`None` when nothing was counted) and the numbers behind it.
pub fn feedback_figure(value: Option<f64>, counted: usize, of: usize, key: MeasureKey) -> Computed {
    let note = match key {
        MeasureKey::FeedbackReceived => {
            format!("Tính từ phản ánh, kiến nghị: {counted} đã tiếp nhận")
        }
        MeasureKey::FeedbackMeanDaysToResolve => {
            format!("Tính từ phản ánh, kiến nghị: {counted} đã giải quyết")
        }
        _ => format!("Tính từ phản ánh, kiến nghị: {counted}/{of}"),
    };
    Computed {
        text: value.map(value_text),
        note,
    }
}
