//! Citizens' feedback pages (`docs/feedback.md`): `public` the citizens' form, the tracking
//! page, the rating and photos (no login, no JavaScript); `officer` the inbox, a report's
//! page with its steps, assignment and bulk steps; `measures` the figures with their
//! reports; `settings` a province's categories, routing rules and answer templates.

pub mod measures;
pub mod officer;
pub mod public;
pub mod settings;

use ntm_domain::feedback::{Status, Timeliness};

use crate::ctx::Ctx;

pub(crate) fn status_text(ctx: &Ctx, s: Status) -> String {
    ctx.t(&format!("fb-st-{}", s.as_str()))
}

pub(crate) fn time_text(ctx: &Ctx, t: Timeliness) -> String {
    ctx.t(&format!("fb-time-{}", t.as_str()))
}

/// A form's field errors: (field, message in the page's language).
pub(crate) fn field_errors(ctx: &Ctx, errs: &[ntm_app::FieldError]) -> Vec<(String, String)> {
    errs.iter()
        .map(|e| {
            // Messages are "Vietnamese — English".
            let msg = match e.message.split_once(" — ") {
                Some((vi, en)) => {
                    if ctx.is_lang("en") {
                        en.to_string()
                    } else {
                        vi.to_string()
                    }
                }
                None => e.message.clone(),
            };
            (e.field.clone(), msg)
        })
        .collect()
}
