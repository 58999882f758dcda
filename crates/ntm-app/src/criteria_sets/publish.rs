//! Publishing a draft: checked once more, refused when its validity overlaps another
//! published version of the same set and scope (both named; see [`clashes`]), then frozen.

use ntm_domain::authz::Permission;
use ntm_domain::text::format_date_vi;
use ntm_store::{CriteriaSetVersion, Publish};
use uuid::Uuid;

use super::edit::published_refusal;
use super::runtime::check_content;
use super::{LANG_SEP, VersionView, audit, load, require_scope, view};
use crate::{Actor, App, AppError, FieldError, now};

fn period(r: &CriteriaSetVersion) -> (String, String) {
    let d = |s: &str| ntm_domain::text::parse_date(s).map_or(s.to_string(), format_date_vi);
    match &r.valid_to {
        Some(t) => (
            format!("{} – {}", d(&r.valid_from), d(t)),
            format!("{} – {}", r.valid_from, t),
        ),
        None => (
            format!("từ {}", d(&r.valid_from)),
            format!("from {}", r.valid_from),
        ),
    }
}

/// Do two versions of one set claim the same days? The same first day, or a start inside the
/// other's explicit period. An open end is no clash with a later start: the later version
/// supersedes it from its first day (the domain ends the earlier one the day before), as a
/// new decision replaces the old one from its effective date. Dates are ISO text.
fn clashes(a: &CriteriaSetVersion, b: &CriteriaSetVersion) -> bool {
    let inside = |x: &CriteriaSetVersion, y: &CriteriaSetVersion| {
        x.valid_from < y.valid_from
            && x.valid_to
                .as_deref()
                .is_some_and(|t| t >= y.valid_from.as_str())
    };
    a.valid_from == b.valid_from || inside(a, b) || inside(b, a)
}

/// Publishes draft `id` seen at `revision` (see the module documentation). From then on the
/// version is used by evaluations of the years it is in force and never changes.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), id = %id))]
pub async fn publish_version(
    app: &App,
    actor: &Actor,
    id: Uuid,
    revision: i64,
) -> Result<VersionView, AppError> {
    let r = load(app, id).await?;
    require_scope(app, actor, &r.scope, Permission::ManageCriteria).await?;
    if r.is_published() {
        return Err(published_refusal(&r.label));
    }
    let content = view(&r)?.content;
    let siblings: Vec<CriteriaSetVersion> = app
        .db
        .published_criteria_set_versions(&r.scope)
        .await?
        .into_iter()
        .filter(|s| s.set_id == r.set_id && s.id != r.id)
        .collect();
    // Overlap first: the clearer message (resolve would only say "same day").
    let overlap = |others: &[CriteriaSetVersion]| -> AppError {
        let (mine_vi, mine_en) = period(&r);
        AppError::Validation(
            others
                .iter()
                .map(|o| {
                    let (p_vi, p_en) = period(o);
                    FieldError::new(
                        "valid_from",
                        format!(
                            "phiên bản “{}” ({mine_vi}) chồng lấn hiệu lực với phiên bản đã công bố “{}” ({p_vi}) của bộ {}{LANG_SEP}version “{}” ({mine_en}) overlaps the published version “{}” ({p_en}) of {}",
                            r.label, o.label, r.set_id, r.label, o.label, r.set_id
                        ),
                    )
                })
                .collect(),
        )
    };
    let clash: Vec<CriteriaSetVersion> = siblings
        .iter()
        .filter(|o| clashes(&r, o))
        .cloned()
        .collect();
    if !clash.is_empty() {
        return Err(overlap(&clash));
    }
    check_content(app, &content, &siblings).await?;
    let entry = audit(
        actor,
        "criteria_version.publish",
        &r.scope,
        serde_json::json!({
            "id": id, "set_id": r.set_id, "label": r.label,
            "valid_from": r.valid_from, "valid_to": r.valid_to,
        }),
    );
    match app
        .db
        .publish_criteria_set_version(id, revision, &actor.audit_name(), now(), entry)
        .await?
    {
        Publish::Done(row) => view(&row),
        Publish::Overlaps(o) => Err(overlap(&o)),
        Publish::Stale(row) if row.is_published() => Err(published_refusal(&row.label)),
        Publish::Stale(row) => Err(AppError::Conflict(format!(
            "phiên bản đã được sửa bởi {} sau khi bạn mở trang; hãy tải lại{LANG_SEP}the version was changed by {} since you opened it; reload",
            row.updated_by, row.updated_by
        ))),
        Publish::NotFound => Err(AppError::NotFound(format!("criteria set version {id}"))),
    }
}
