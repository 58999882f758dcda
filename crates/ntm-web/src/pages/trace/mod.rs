//! Traceability pages (issue 15, parts 4–5): the producer's lots and the form recording
//! one (`lots`), a lot's page with its history, the simple event form, its QR code and
//! label sheet (`lot`), and the public page behind the QR code, also answering the GS1
//! Digital Link linkset (`public`).

pub mod lot;
pub mod lots;
pub mod public;

use ntm_app::FieldError;
use ntm_app::trace::HistoryItem;
use ntm_domain::text::format_date_vi;
use ntm_domain::trace::simple::BIZ_STEPS;

use crate::i18n::Lang;
use crate::view::format::number;

/// A refusal's messages for one field of a form (joined), if any.
pub(crate) fn field_error(errors: &[FieldError], field: &str) -> Option<String> {
    let m: Vec<&str> = errors
        .iter()
        .filter(|e| e.field == field)
        .map(|e| e.message.as_str())
        .collect();
    (!m.is_empty()).then(|| m.join("; "))
}

/// The messages of a refusal (validation errors listed, others as one line).
pub(crate) fn refusal_messages(e: &ntm_app::AppError) -> (Vec<FieldError>, Option<String>) {
    match e {
        ntm_app::AppError::Validation(v) => (v.clone(), None),
        ntm_app::AppError::Conflict(m) | ntm_app::AppError::NotFound(m) => {
            (Vec::new(), Some(m.clone()))
        }
        other => (Vec::new(), Some(other.to_string())),
    }
}

/// A CBV business step in words (`shipping` → "Xuất hàng, gửi đi"); a step outside CBV
/// as written.
pub(crate) fn step_label(lang: Lang, step: &str) -> String {
    if BIZ_STEPS.contains(&step) {
        lang.t(&format!("cbv-step-{step}"))
    } else {
        step.to_owned()
    }
}

/// A CBV disposition in words.
pub(crate) fn disposition_label(lang: Lang, d: &str) -> String {
    if ntm_domain::trace::simple::DISPOSITIONS.contains(&d) {
        lang.t(&format!("cbv-disp-{d}"))
    } else {
        d.to_owned()
    }
}

/// One line of a lot's history, in words.
#[derive(Debug, Clone)]
pub struct HistoryLine {
    /// dd/mm/yyyy HH:mm in the event's own offset.
    pub when: String,
    /// The ISO time for `<time datetime>`.
    pub iso: String,
    pub what: String,
    pub disposition: Option<String>,
    pub place: Option<String>,
    pub quantity: Option<String>,
}

/// The history in words, in chain order.
pub(crate) fn history_lines(lang: Lang, items: &[HistoryItem]) -> Vec<HistoryLine> {
    items
        .iter()
        .map(|h| {
            let s = &h.summary;
            let (when, iso) = match s.local_time {
                Some(t) => (
                    format!(
                        "{} {:02}:{:02}",
                        format_date_vi(t.date()),
                        t.hour(),
                        t.minute()
                    ),
                    t.format(&time::format_description::well_known::Rfc3339)
                        .unwrap_or_default(),
                ),
                None => (String::new(), String::new()),
            };
            let what = match &s.biz_step {
                Some(b) => step_label(lang, b),
                None => s.event_type.clone(),
            };
            let quantity = s.quantity.as_ref().map(|(n, uom)| {
                // Up to three decimals, without trailing zeros: 1.200,5 (vi), 1,200.5 (en).
                let decimals = if n.fract() == 0.0 { 0 } else { 3 };
                let unit = match uom.as_deref() {
                    Some(u) if ntm_domain::trace::simple::FORM_UOMS.contains(&u) => {
                        lang.t(&format!("trace-uom-{u}"))
                    }
                    Some(u) => u.to_owned(),
                    None => String::new(),
                };
                let mut amount = number(lang, *n, decimals);
                let point = if lang == Lang::En { '.' } else { ',' };
                if amount.contains(point) {
                    amount = amount
                        .trim_end_matches('0')
                        .trim_end_matches(point)
                        .to_owned();
                }
                format!("{amount} {unit}").trim().to_owned()
            });
            HistoryLine {
                when,
                iso,
                what,
                disposition: s.disposition.as_deref().map(|d| disposition_label(lang, d)),
                place: s.place.clone(),
                quantity,
            }
        })
        .collect()
}
