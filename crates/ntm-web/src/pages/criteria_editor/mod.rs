//! One criteria-set version: the draft editor (metadata, criteria, one indicator per form
//! with its thresholds by region or commune group and the legal basis of each value,
//! publish with confirmation) or, once published, the read-only view. Refusals are shown
//! next to their field with what was typed kept. Work is done by `ntm_app::criteria_sets`.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::criteria_sets::{self as cs, VersionView, edit::Edit};
use ntm_app::{AppError, FieldError};
use ntm_domain::criteria::authoring::{
    AuthoredIndicator, AuthoredSet, AuthoredThreshold, BasisInput, IndicatorInput, MetaInput,
    ThresholdInput, base_threshold, threshold_text,
};
use ntm_domain::criteria::{CommuneGroup, Kind, ResolvedSet, ThresholdValue};
use ntm_domain::units::Region;
use serde::Deserialize;
use uuid::Uuid;

use super::criteria_sets::{
    Choice, scope_href, split_errors, status_text, validity_text, yaml_response,
};
use crate::ctx::Ctx;
use crate::error::{ErrorInfo, WebError};
use crate::i18n::Lang;
use crate::request::parse_id;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::render;

// One file per part; each file starts with `use super::*;` (the imports above and its
// siblings' `pub(super)` items), and the handlers are re-exported for the route table.
mod criterion;
mod indicator;
mod indicator_form;
mod meta;
mod publish;
mod thresholds;
mod version;

pub use criterion::*;
pub use indicator::*;
pub use indicator_form::*;
pub use meta::*;
pub use publish::*;
use thresholds::*;
pub use version::*;
