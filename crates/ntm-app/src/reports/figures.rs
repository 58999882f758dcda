//! The live figures of a report: targets and actuals from the plan's progress.

use ntm_domain::plans::Plan;
use ntm_domain::text::format_number_vi;
use ntm_domain::units::Unit;
use serde::Serialize;

use crate::authz::Actor;
use crate::{App, AppError};

/// One figure of a report: a target of the plan with its actual value for the unit.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Figure {
    pub code: String,
    pub text: String,
    /// ">=", ">", "<=", "<", "="
    pub op: String,
    pub target: f64,
    /// The target as the plan dashboard shows it ("≥ 30 %").
    pub target_display: String,
    pub percent: bool,
    pub actual: Option<f64>,
    /// The actual as the plan dashboard shows it ("12,5 %", "—").
    pub actual_display: String,
    /// Status key (`met`, `on_track`, `at_risk`, `off_track`, `no_data`…) as the plan
    /// dashboard gives it.
    pub status: String,
    pub agency: Option<String>,
    /// The agency is the plan's lead (the plan names none for this target).
    #[serde(default)]
    pub agency_inherited: bool,
    pub level: String,
    pub due_year: i32,
}

impl Figure {
    /// "≥ 30 %", as the plan dashboard shows it.
    pub fn target_text(&self) -> String {
        self.target_display.clone()
    }

    /// "30,5 %" as the plan dashboard shows it, or "" when there is no value.
    pub fn actual_text(&self) -> String {
        if self.actual.is_some() {
            self.actual_display.clone()
        } else {
            String::new()
        }
    }
}

/// vi-VN number: whole numbers without decimals, others with one ("1.234,5"), "%" for shares.
pub fn number_text(v: f64, percent: bool) -> String {
    let s = if (v - v.round()).abs() < 1e-9 {
        format_number_vi(v, 0)
    } else {
        format_number_vi(v, 1)
    };
    if percent { format!("{s} %") } else { s }
}

/// The figures of `unit` for a plan and year, as the plan dashboard computes them.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn live_figures(
    app: &App,
    actor: &Actor,
    plan: &Plan,
    unit: &Unit,
    year: i32,
) -> Result<Vec<Figure>, AppError> {
    let progress =
        crate::plans::plan_progress(app, actor, &plan.id, year, Some(&unit.code)).await?;
    // The targets measured at the unit's level or below (a district does not report the
    // province's own figures); counts of pilots have no level and are kept.
    Ok(progress
        .targets
        .iter()
        .filter(|t| t.levels.is_empty() || t.levels.iter().any(|l| *l >= unit.level))
        .map(|t| Figure {
            code: t.code.clone(),
            text: t.text.clone(),
            op: t.op.to_owned(),
            target: t.value,
            target_display: t.target_display.clone(),
            percent: t.is_percent,
            actual: t.actual,
            actual_display: t.actual_display.clone(),
            status: t.status.as_str().to_owned(),
            agency: t.agency.clone(),
            agency_inherited: t.agency_inherited,
            level: t
                .levels
                .iter()
                .map(|l| l.as_str())
                .collect::<Vec<_>>()
                .join(","),
            due_year: t.due,
        })
        .collect())
}
