//! The review of values: submit (with the evidence a set requires), verify, return with a
//! comment. Each move is a new version of the value.

use ntm_domain::authz::Permission;
use ntm_domain::observation::ObsStatus;
use ntm_store::{NewObservation, ObservationRecord};
use uuid::Uuid;

use ntm_domain::units::Unit;

use super::catalog::{evaluation_date, lookup_set, unit_in_year};
use crate::access::require_on_unit;
use crate::{Actor, App, AppError, FieldError, now};

/// Moves current values of a unit to `to` (submitted by those who enter values, verified by
/// those who verify), as new versions. `codes` empty: every current value in the state
/// before. Draft → submitted → verified; other moves are refused naming the indicators.
/// Returning values needs a comment: use [`review`].
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code, set = %set_id, year))]
pub async fn change_status(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    set_id: &str,
    year: i32,
    codes: &[String],
    to: ObsStatus,
) -> Result<Vec<ObservationRecord>, AppError> {
    let change = StatusChange {
        set_id: set_id.to_string(),
        year,
        codes: codes.to_vec(),
        to,
        comment: String::new(),
    };
    review(app, actor, unit_code, change).await
}

/// A status change of current values of one unit (see [`review`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub set_id: String,
    pub year: i32,
    /// Indicator codes; empty: every current value in a state `to` may follow.
    pub codes: Vec<String>,
    pub to: ObsStatus,
    /// Why values are returned (required for `Returned`, kept on the new versions).
    pub comment: String,
}

/// Longest review comment accepted.
pub const MAX_COMMENT_CHARS: usize = 2000;

/// Field name of the four-eyes refusals of a verification: `four_eyes (CODE)`.
pub const FOUR_EYES_FIELD: &str = "four_eyes";

/// Field name of the "no evidence" errors of a submission: `evidence (CODE)`.
pub const EVIDENCE_FIELD: &str = "evidence";

/// Moves current values of a unit along the review (see [`ObsStatus`]): draft or returned →
/// submitted by those who enter values; submitted → verified, or → returned with a
/// comment, by those who verify. Each move is a new version. Submitting refuses values of
/// indicators that require evidence (`evidence_required` of the set) and have neither a note
/// nor an attached file, naming each as `evidence (CODE)`; nothing is written then.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code))]
pub async fn review(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    change: StatusChange,
) -> Result<Vec<ObservationRecord>, AppError> {
    let StatusChange {
        set_id,
        year,
        codes,
        to,
        comment,
    } = change;
    let set_id = set_id.as_str();
    let set = lookup_set(app, set_id, year)?;
    let unit = unit_in_year(app, unit_code, evaluation_date(set, year)).await?;
    let perm = match to {
        ObsStatus::Submitted => Permission::EnterObservations,
        ObsStatus::Verified | ObsStatus::Returned => Permission::VerifyObservations,
        ObsStatus::Draft => {
            return Err(AppError::invalid(
                "status",
                "values go back to draft by changing them",
            ));
        }
    };
    require_on_unit(app, actor, perm, &unit).await?;
    let comment = comment.trim();
    if to.needs_comment() && comment.is_empty() {
        return Err(AppError::invalid(
            "comment",
            "say why the values are returned (a comment is required)",
        ));
    }
    if comment.chars().count() > MAX_COMMENT_CHARS {
        return Err(AppError::invalid(
            "comment",
            format!("the comment is longer than {MAX_COMMENT_CHARS} characters"),
        ));
    }
    let from = to.allowed_from();
    let from_text = from
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" or ");
    let current = app.db.current_observations(unit.id, set_id, year).await?;
    let chosen: Vec<&ObservationRecord> = if codes.is_empty() {
        current
            .iter()
            .filter(|o| from.contains(&o.status))
            .collect()
    } else {
        let mut errors = Vec::new();
        let mut out = Vec::new();
        for (i, c) in codes.iter().enumerate() {
            match current.iter().find(|o| &o.indicator_code == c) {
                None => errors.push(FieldError::new(
                    format!("codes[{i}] ({c})"),
                    "no value recorded for this indicator",
                )),
                Some(o) if !from.contains(&o.status) => errors.push(FieldError::new(
                    format!("codes[{i}] ({c})"),
                    format!("is {}, must be {from_text} first", o.status.as_str()),
                )),
                Some(o) => out.push(o),
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        out
    };
    if chosen.is_empty() {
        return Err(AppError::invalid(
            "codes",
            format!("no value is {from_text}"),
        ));
    }
    if to == ObsStatus::Verified {
        four_eyes(app, actor, &unit, set_id, year, &chosen).await?;
    }
    if to == ObsStatus::Submitted {
        let with_files: std::collections::HashSet<String> = app
            .db
            .observation_files_of_unit(unit.id, set_id, year)
            .await?
            .into_iter()
            .map(|(code, _)| code)
            .collect();
        let errors: Vec<FieldError> = chosen
            .iter()
            .filter(|o| {
                set.indicator_index(&o.indicator_code)
                    .is_some_and(|i| set.requires_evidence(i))
                    && o.note.trim().is_empty()
                    && !with_files.contains(&o.indicator_code)
            })
            .map(|o| {
                FieldError::new(
                    format!("{EVIDENCE_FIELD} ({})", o.indicator_code),
                    "evidence is required: add a note or attach a file before submitting",
                )
            })
            .collect();
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
    }
    let comment = (to == ObsStatus::Returned).then(|| comment.to_string());
    let at = now();
    let rows: Vec<NewObservation> = chosen
        .iter()
        .map(|o| NewObservation {
            record: ObservationRecord {
                id: Uuid::now_v7(),
                status: to,
                version: o.version + 1,
                created_by: actor.audit_name(),
                created_at: at,
                comment: comment.clone(),
                ..(*o).clone()
            },
            expected_version: Some(o.version),
            files: vec![],
        })
        .collect();
    let codes: Vec<&str> = chosen.iter().map(|o| o.indicator_code.as_str()).collect();
    let mut detail = serde_json::json!({"set": set_id, "year": year, "indicators": codes});
    if let Some(c) = &comment {
        detail["comment"] = serde_json::Value::from(c.as_str());
    }
    let entry = actor.audit_entry(&format!("observations.{}", to.as_str()), &unit.code, detail);
    Ok(app.db.insert_observations(&rows, entry).await?)
}

/// Refuses a verification when the province requires four eyes
/// ([`crate::procedure_settings::FOUR_EYES`]) and the actor entered or submitted one of the
/// values since it was last verified, naming each such value; nothing is written then. The
/// province is the unit's own, or a province that succeeded it (Vĩnh Long's setting applies
/// to values of old Trà Vinh's communes, which its officers now verify).
async fn four_eyes(
    app: &App,
    actor: &Actor,
    unit: &Unit,
    set_id: &str,
    year: i32,
    chosen: &[&ObservationRecord],
) -> Result<(), AppError> {
    let succession = crate::access::succession(app).await?;
    let mut provinces: Vec<&str> = succession
        .successor_paths(&unit.path)
        .into_iter()
        .filter_map(|p| p.trim_start_matches('/').split('/').next())
        .collect();
    provinces.push(unit.province_code.as_str());
    provinces.sort_unstable();
    provinces.dedup();
    let mut required = false;
    for p in provinces.into_iter().filter(|p| !p.is_empty()) {
        if crate::procedure_settings::load(app, p)
            .await?
            .four_eyes()
            .is_some()
        {
            required = true;
            break;
        }
    }
    if !required {
        return Ok(());
    }
    let me = actor.audit_name();
    let versions = app.db.observation_versions(unit.id, set_id, year).await?;
    let errors: Vec<FieldError> = chosen
        .iter()
        .filter(|o| {
            ntm_domain::observation::authors_since_verified(
                versions
                    .iter()
                    .filter(|v| v.indicator_code == o.indicator_code)
                    .map(|v| (v.status, v.created_by.as_str())),
            )
            .contains(me.as_str())
        })
        .map(|o| {
            FieldError::new(
                format!("{FOUR_EYES_FIELD} ({})", o.indicator_code),
                "xác minh bốn mắt: người đã nhập hoặc gửi giá trị này không được tự xác minh; \
                 cần một cán bộ khác (four-eyes: whoever entered or submitted a value may not \
                 verify it)",
            )
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}
