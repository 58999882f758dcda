//! Plans, targets and their actuals (issue 6 §1–3).
//!
//! The plans are the YAML files of `data/plans` (format in `docs/plans-format.md`),
//! embedded in the binary and checked against the measures and the criteria sets once per
//! process ([`plans`]). Measures (values entered per unit and year) and task statuses are
//! stored append-only with who/when, each write audited (`ntm_store::plans`).
//!
//! The API for pages, REST, CLI and the periodic reports:
//! - [`list_plans`] — plans of a province (any logged-in user whose scope covers a unit of it);
//! - [`plan_progress`] — every target of a plan with its actual for a year (number and vi
//!   display), status, agency, levels, trend and the units behind it;
//! - [`report_schedule`] — the plan's `reports:` entries (six-month / annual, due date, to);
//! - [`enter_measures`], [`measure_history`], [`set_task_status`], [`tasks`];
//! - the pages' use cases, one call per page: [`list_page`], [`page_view`], [`target_view`],
//!   [`measure_page`], [`save_measures`].
//!
//! One file per step: [`catalog`] (the shipped plans and measures), [`list`] (plans of a
//! province, report schedule), [`progress`] and [`actuals`] (targets and their actuals),
//! [`measures`], [`tasks`] and [`sample`] (demo values); [`list_page`], [`page`] and
//! [`measure_form`] (what the pages show).

mod actuals;
mod api;
mod catalog;
mod list;
mod list_page;
mod measure_form;
mod measures;
mod page;
mod progress;
mod published;
mod sample;
mod tasks;

pub use api::progress_for;
pub(crate) use catalog::plan_with_source;
pub use catalog::{
    MEASURES_FILE, PlanSource, Shipped, check_file, install, load, measure, plan_by_id, shipped,
};
pub use list::{PlanSummary, list_plans, report_schedule};
pub use list_page::{PlanListPage, list_page};
pub use measure_form::{MeasureField, MeasurePage, MeasureSave, measure_page, save_measures};
pub use measures::{
    MeasureInput, MeasureUnit, enter_measures, measure_history, measure_units, measure_values_of,
};
pub(crate) use page::year_of;
pub use page::{PlanPage, PlanQuery, PlanRow, StatusCount, TargetPage, page_view, target_view};
pub use progress::{
    LevelActual, PlanProgress, TargetProgress, TrendPoint, UnitFigure, as_of_for, display_value,
    plan_progress, plan_progress_for,
};
pub(crate) use published::{
    PlanUnits, ScopeFigure, TargetFigures, judge, metric_name, plan_units, published_modified,
    scope_figure, target_figures,
};
pub use sample::{SAMPLE_NOTE, seed_sample_measures};
pub use tasks::{TaskView, can_edit_tasks, set_task_status, tasks};
