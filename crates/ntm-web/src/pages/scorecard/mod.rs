//! The scorecard of one unit of a set's level (a commune with a commune set, a hamlet with
//! the smart-hamlet set): every criterion with a status light, every indicator with its
//! value, the threshold for the unit's region, evidence, who/when, history; value entry
//! with inline validation and stale-edit detection, evidence upload and download, and the
//! review (submit, verify, return with a comment).
//!
//! Works without JavaScript (forms POST and redirect back to the indicator's anchor); with
//! htmx the value form swaps just its indicator (`HX-Request` → the row fragment).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use ntm_app::criteria::{
    EVIDENCE_FIELD, EvidenceInput, FOUR_EYES_FIELD, IndicatorView, MAX_EVIDENCE_BYTES,
    ObservationFile, ObservationRecord, Scorecard, StatusChange, ValueBatch, ValueEntryError,
    ValueInput, ValueRef,
};
use ntm_domain::criteria::{Status, Value, ValueError, ValueKind};
use ntm_domain::observation::{ObsSource, ObsStatus};
use ntm_domain::text::format_int_vi;
use serde::Deserialize;

use crate::ctx::{Ctx, url_encode};
use crate::error::{ErrorInfo, WebError, field_error_text};
use crate::i18n::Lang;
use crate::request::is_htmx;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::format::{date_time, number_short};
use crate::view::{html, level_label, render};

// One file per part; each file starts with `use super::*;` (the imports above and its
// siblings' `pub(super)` items), and the handlers are re-exported for the route table.
mod evidence;
mod history;
mod page;
mod review;
mod rows;
mod values;
mod views;

pub use evidence::*;
pub use history::*;
pub use page::*;
pub use review::*;
use rows::*;
pub use values::*;
pub use views::*;
