//! A plan's target table as XLSX (`GET /plans/{id}/plan.xlsx`, `ntm export plan`), and the
//! texts of a target's row, which the plan page shows too.

use ntm_domain::plans::TargetStatus;
use ntm_domain::units::Level;

use super::{Download, Labels, file_safe, write_error};
use crate::plans::TargetProgress;
use crate::{Actor, App, AppError};

/// The row of a target as the plan page and its table show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetTexts {
    pub code: String,
    pub text: String,
    pub cite: String,
    pub metric: String,
    pub levels: String,
    /// "≥ 30 % (đến năm 2025)".
    pub target: String,
    pub actual: String,
    /// (level, actual) when the target has several levels, else empty.
    pub per_level: Vec<(String, String)>,
    pub provisional: String,
    pub status: String,
    pub agency: String,
    /// "2023: 20,0 % · 2024: …".
    pub trend: String,
}

/// "Đạt", "Đúng tiến độ", … (`plans-status-<status>`).
pub fn target_status_text(labels: &dyn Labels, s: TargetStatus) -> String {
    labels.text(&format!("plans-status-{}", s.as_str().replace('_', "-")))
}

/// The texts of a target's row.
pub fn target_texts(labels: &dyn Labels, t: &TargetProgress) -> TargetTexts {
    let provisional = t
        .per_level
        .iter()
        .filter_map(|l| {
            Some(labels.text_with(
                "plans-provisional",
                &[
                    ("tentative", l.tentative_display.clone()?),
                    ("nks", l.no_known_shortfall_display.clone()?),
                ],
            ))
        })
        .collect::<Vec<_>>()
        .join("; ");
    TargetTexts {
        code: t.code.clone(),
        text: t.text.clone(),
        cite: t.cite.clone().unwrap_or_default(),
        metric: t.metric_label.clone(),
        levels: t
            .levels
            .iter()
            .map(|l| labels.level(*l))
            .collect::<Vec<_>>()
            .join(", "),
        target: format!(
            "{} ({} {})",
            t.target_display,
            labels.text("plans-due"),
            t.due
        ),
        actual: t.actual_display.clone(),
        per_level: if t.per_level.len() > 1 {
            t.per_level
                .iter()
                .map(|l| (labels.level(l.level), l.display.clone()))
                .collect()
        } else {
            Vec::new()
        },
        provisional,
        status: target_status_text(labels, t.status),
        agency: t.agency.clone().unwrap_or_default(),
        trend: t
            .trend
            .iter()
            .map(|p| format!("{}: {}", p.year, p.display))
            .collect::<Vec<_>>()
            .join(" · "),
    }
}

/// Whether the page's filters keep a target: its agency (empty: any) and one of its levels.
pub fn shows(t: &TargetProgress, agency: &str, level: Option<Level>) -> bool {
    (agency.is_empty() || t.agency.as_deref() == Some(agency))
        && level.is_none_or(|l| t.levels.contains(&l))
}

/// Which figures: the year, the unit they are for (default: the plan's province), and the
/// page's filters.
#[derive(Debug, Clone, Copy)]
pub struct PlanExport<'a> {
    pub year: i32,
    pub unit: Option<&'a str>,
    /// Lead agency (empty: every agency).
    pub agency: &'a str,
    pub level: Option<Level>,
}

const COLUMNS: [&str; 11] = [
    "plans-col-code",
    "plans-col-target",
    "plans-col-cite",
    "plans-col-metric",
    "plans-col-level",
    "plans-col-value",
    "plans-col-actual",
    "plans-col-provisional",
    "plans-col-status",
    "plans-col-agency",
    "plans-col-trend",
];

/// The plan's targets (filtered as on the page) with their figures for the year, as XLSX:
/// the plan and year, the document cited, then a row per target. Permission as
/// [`crate::plans::plan_progress`].
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), plan = %plan_id, unit = ?q.unit, year = q.year))]
pub async fn plan_xlsx(
    app: &App,
    actor: &Actor,
    plan_id: &str,
    q: &PlanExport<'_>,
    labels: &dyn Labels,
) -> Result<Download, AppError> {
    let pr = crate::plans::plan_progress(app, actor, plan_id, q.year, q.unit).await?;
    let bytes = ntm_reports::plans_xlsx::write_plan(&ntm_reports::plans_xlsx::PlanTable {
        title: format!(
            "{} — {} {}",
            pr.plan.name,
            labels.text("plans-year"),
            pr.year
        ),
        subtitle: format!(
            "{}: {}",
            labels.text("plans-document"),
            pr.plan.citation_text()
        ),
        header: COLUMNS.iter().map(|k| labels.text(k)).collect(),
        rows: pr
            .targets
            .iter()
            .filter(|t| shows(t, q.agency, q.level))
            .map(|t| {
                let r = target_texts(labels, t);
                vec![
                    r.code,
                    r.text,
                    r.cite,
                    r.metric,
                    r.levels,
                    r.target,
                    if r.per_level.is_empty() {
                        r.actual
                    } else {
                        r.per_level
                            .iter()
                            .map(|(l, v)| format!("{l}: {v}"))
                            .collect::<Vec<_>>()
                            .join("; ")
                    },
                    r.provisional,
                    r.status,
                    r.agency,
                    r.trend,
                ]
            })
            .collect(),
    })
    .map_err(write_error)?;
    Ok(Download {
        file_name: format!("plan-{}-{}.xlsx", file_safe(plan_id), pr.year),
        bytes,
    })
}

/// The table of the plan page (`GET /plans/{id}/plan.xlsx`): as [`plan_xlsx`] with the
/// page's query, whose year defaults to this year within the plan's years.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), plan = %plan_id, unit = ?q.unit, year = ?q.year))]
pub async fn plan_page_xlsx(
    app: &App,
    actor: &Actor,
    plan_id: &str,
    q: &crate::plans::PlanQuery<'_>,
    labels: &dyn Labels,
) -> Result<Download, AppError> {
    let plan = crate::plans::plan_by_id(plan_id)?;
    let export = PlanExport {
        year: crate::plans::year_of(plan, q.year),
        unit: q.unit,
        agency: q.agency,
        level: q.level,
    };
    plan_xlsx(app, actor, plan_id, &export, labels).await
}
