//! Plans of a province, their report schedule, and the province record of a year.

use ntm_domain::authz::Permission;
use ntm_domain::plans::{Plan, ReportDue};
use ntm_domain::units::{Level, Unit};
use serde::Serialize;
use time::{Date, Month};

use crate::{Actor, App, AppError};

use super::catalog::{plan_by_id, shipped};

/// A plan in a list.
#[derive(Debug, Clone, Serialize)]
pub struct PlanSummary {
    pub id: String,
    pub name: String,
    pub document: Option<String>,
    #[serde(serialize_with = "ser_opt_date")]
    pub issued: Option<Date>,
    pub issuer: Option<String>,
    /// The document as cited: "Kế hoạch số 38/KH-UBND ngày 18/04/2023 của UBND tỉnh Trà Vinh".
    pub citation: String,
    /// Short reference for reports: "Kế hoạch số 38/KH-UBND".
    pub reference: String,
    /// Caveat on the citation ("theo bản tin tóm tắt, không có số văn bản").
    pub document_note: Option<String>,
    pub province: String,
    #[serde(serialize_with = "ser_date")]
    pub period_from: Date,
    #[serde(serialize_with = "ser_date")]
    pub period_to: Date,
    pub targets: usize,
    pub tasks: usize,
    pub reports: Vec<ReportDue>,
    /// Years the dashboard offers.
    pub years: Vec<i32>,
    /// A plan of a predecessor province (merged in 2025): its name, e.g. "Tỉnh Trà Vinh".
    pub predecessor: Option<String>,
}

impl PlanSummary {
    /// "Kế hoạch số 38/KH-UBND ngày 18/04/2023 của UBND tỉnh Trà Vinh", with the caveat when
    /// the plan has one ("… (theo bản tin tóm tắt, không có số văn bản)").
    pub fn citation_text(&self) -> String {
        match &self.document_note {
            Some(n) => format!("{} ({n})", self.citation),
            None => self.citation.clone(),
        }
    }

    pub(super) fn of(p: &Plan) -> PlanSummary {
        PlanSummary {
            id: p.id.clone(),
            name: p.name.clone(),
            document: p.document.clone(),
            issued: p.issued,
            issuer: p.issuer.clone(),
            citation: p.citation(),
            reference: p.reference(),
            document_note: p.document_note.clone(),
            province: p.province.clone(),
            period_from: p.period_from,
            period_to: p.period_to,
            targets: p.targets.len(),
            tasks: p.tasks.len(),
            reports: p.reports.clone(),
            years: p.years().collect(),
            predecessor: None,
        }
    }
}

pub(super) fn ser_date<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&d.to_string())
}

pub(super) fn ser_opt_date<S: serde::Serializer>(
    d: &Option<Date>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&d.to_string()),
        None => s.serialize_none(),
    }
}

pub(super) fn dec31(year: i32) -> Date {
    Date::from_calendar_date(year, Month::December, 31).unwrap_or(Date::MAX)
}

pub(super) fn jun30(year: i32) -> Date {
    Date::from_calendar_date(year, Month::June, 30).unwrap_or(Date::MAX)
}

/// The record of a province code around a year: valid on 31 December, else on 30 June (a
/// province merged in the 2025 reform keeps its pre-reform half year), else today.
pub(super) async fn province_record(app: &App, code: &str, year: i32) -> Result<Unit, AppError> {
    if let Some(u) = app
        .db
        .unit_on(code, crate::today().min(dec31(year)))
        .await?
    {
        return Ok(u);
    }
    // A unit closed since (Trà Vinh, 84, until 30/06/2025): its last record before the year.
    for y in (2000..=year).rev().take(12) {
        for d in [dec31(y), jun30(y)] {
            if let Some(u) = app.db.unit_on(code, d).await? {
                return Ok(u);
            }
        }
    }
    Err(AppError::NotFound(format!("unit {code}")))
}

/// Plans of a province, for users whose scope covers the province or a unit in it.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %province_code))]
pub async fn list_plans(
    app: &App,
    actor: &Actor,
    province_code: &str,
) -> Result<Vec<PlanSummary>, AppError> {
    let prov = province_record(app, province_code, crate::today().year()).await?;
    require_view(app, actor, &prov).await?;
    let mut out: Vec<PlanSummary> = shipped()
        .plans
        .iter()
        .filter(|p| p.province == prov.province_code || p.province == province_code)
        .map(PlanSummary::of)
        .collect();
    // The plans of the provinces merged into this one, as history.
    for pre in crate::history::predecessors(app, actor, &prov.province_code).await? {
        if pre.level != Level::Province {
            continue;
        }
        out.extend(
            shipped()
                .plans
                .iter()
                .filter(|p| p.province == pre.code)
                .map(|p| PlanSummary {
                    predecessor: Some(pre.name.clone()),
                    ..PlanSummary::of(p)
                }),
        );
    }
    Ok(out)
}

/// The periodic reports a plan asks for, with their due dates in `year` (for the reports).
pub fn report_schedule(
    plan_id: &str,
    year: i32,
) -> Result<Vec<(ReportDue, Option<Date>)>, AppError> {
    let p = plan_by_id(plan_id)?;
    Ok(p.reports
        .iter()
        .map(|r| (r.clone(), r.due_in(year)))
        .collect())
}

/// Viewing plan figures: `ViewUnits` on the unit (a province officer, or a district /
/// commune officer on a unit of theirs; the figures of a plan are then those of the unit's
/// subtree). A grant on today's record of the same code also counts.
pub(super) async fn require_view(app: &App, actor: &Actor, unit: &Unit) -> Result<(), AppError> {
    crate::criteria::require_on_unit(app, actor, Permission::ViewUnits, unit).await
}
