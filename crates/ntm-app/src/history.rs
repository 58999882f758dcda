//! The predecessors whose records a successor's officer sees as history ("Trước sáp nhập:
//! Tỉnh Trà Vinh — hồ sơ, kế hoạch, báo cáo"), for the links on a successor's pages.

use ntm_domain::units::{Level, Unit};
use serde::Serialize;
use time::Date;

use crate::access::Access;
use crate::{Actor, App, AppError};

/// An earlier unit that became (part of) the unit, with a code of its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Predecessor {
    pub code: String,
    pub name: String,
    pub level: Level,
    /// The day it ended (exclusive), e.g. 01/07/2025.
    pub until: Option<Date>,
}

/// The outermost predecessors of the unit `code` (its record valid today, else its last one)
/// that the actor may see, other than earlier records of the same code (their records are on
/// the unit's own pages): Trà Vinh (84) for Vĩnh Long (86); Xã Đa Lộc (29377) for Xã Châu
/// Thành (29374). Empty when not logged in.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code))]
pub async fn predecessors(
    app: &App,
    actor: &Actor,
    code: &str,
) -> Result<Vec<Predecessor>, AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Ok(Vec::new());
    }
    let unit = crate::units::latest_record(app, code).await?;
    let access = Access::of(app, actor).await?;
    let mut out = Vec::new();
    for path in access.predecessors_of(&unit.path) {
        let Some(pcode) = path.trim_end_matches('/').rsplit('/').next() else {
            continue;
        };
        if pcode == unit.code {
            continue;
        }
        let record: Option<Unit> = app
            .db
            .unit_versions(pcode)
            .await?
            .into_iter()
            .rfind(|u| u.path == path);
        if let Some(u) = record {
            out.push(Predecessor {
                code: u.code,
                name: u.name,
                level: u.level,
                until: u.valid_to,
            });
        }
    }
    out.sort_by(|a, b| a.level.cmp(&b.level).then(a.code.cmp(&b.code)));
    out.dedup_by(|a, b| a.code == b.code);
    Ok(out)
}

/// The predecessors a page of the unit `code` links to, as part of that page's use case:
/// [`predecessors`], empty for visitors and for a code without records.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code))]
pub async fn on_page(app: &App, actor: &Actor, code: &str) -> Result<Vec<Predecessor>, AppError> {
    match predecessors(app, actor, code).await {
        Ok(list) => Ok(list),
        Err(AppError::NotFound(_)) => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// May the actor see the unit record's data (its own grants, or a successor's)? For the
/// links a page offers; every use case checks again.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn can_view(app: &App, actor: &Actor, unit: &Unit) -> Result<bool, AppError> {
    match crate::access::require_on_unit(app, actor, ntm_domain::authz::Permission::ViewUnits, unit)
        .await
    {
        Ok(()) => Ok(true),
        Err(AppError::Forbidden(_) | AppError::Unauthorized(_)) => Ok(false),
        Err(e) => Err(e),
    }
}
