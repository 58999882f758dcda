//! The values of one unit's bound indicators, computed from the records.

use ntm_domain::criteria::Indicator;
use ntm_domain::measures::{self as m, Computed, MeasureKey, Module};
use ntm_domain::units::Unit;
use time::Date;

use crate::{App, AppError};

/// One bound indicator of a set with the value computed for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComputedValue {
    pub set_id: String,
    pub code: String,
    pub key: MeasureKey,
    pub computed: Computed,
}

/// The figures of one module, read once for all the indicators bound to it.
#[derive(Default)]
struct Figures {
    feedback: Option<ntm_domain::feedback::Measures>,
    portal: Option<ntm_domain::portal::DxFigures>,
}

impl Figures {
    async fn load(
        &mut self,
        app: &App,
        unit: &Unit,
        module: Module,
        year: i32,
        as_of: Date,
    ) -> Result<(), AppError> {
        let Some((from, to)) = m::records_span(module, year, as_of) else {
            return Ok(());
        };
        match module {
            Module::Feedback if self.feedback.is_none() => {
                self.feedback =
                    Some(crate::feedback::compute_measures(app, unit, from, to, as_of).await?);
            }
            Module::Portal if self.portal.is_none() => {
                self.portal = Some(crate::portal::dx_figures(app, unit, from, to).await?);
            }
            _ => {}
        }
        Ok(())
    }
}

/// The DX posts of the months lying within `first..=last` in the portal's figures.
fn posts_in(p: &ntm_domain::portal::DxFigures, first: Date, last: Date) -> u32 {
    p.months
        .iter()
        .filter(|m| m.first >= first && m.last <= last)
        .map(|m| m.posts.len() as u32)
        .sum()
}

/// Whether the week `monday..=sunday` had a held DX segment in the portal's figures.
fn held_in(p: &ntm_domain::portal::DxFigures, monday: Date, sunday: Date) -> bool {
    p.weeks
        .iter()
        .any(|w| w.first >= monday && w.last <= sunday && w.held())
}

/// The value of `key` for `unit` in `year`, computed on `as_of`.
fn value_of(f: &Figures, key: MeasureKey, year: i32, as_of: Date) -> Computed {
    match key {
        MeasureKey::DxPostsMinPerMonth => {
            let months = m::complete_months(year, as_of);
            let counts: Vec<(u8, u32)> = months
                .iter()
                .map(|(n, first, last)| {
                    (
                        *n,
                        f.portal.as_ref().map_or(0, |p| posts_in(p, *first, *last)),
                    )
                })
                .collect();
            m::min_posts_per_month(&counts)
        }
        MeasureKey::DxPostsMeanPerMonth => {
            let Some((jan1, end)) = m::period(year, as_of) else {
                return m::min_posts_per_month(&[]);
            };
            let posts = f.portal.as_ref().map_or(0, |p| posts_in(p, jan1, end));
            m::mean_posts_per_month(posts, m::months_elapsed(year, as_of).unwrap_or(1.0))
        }
        MeasureKey::DxSegmentEveryWeek | MeasureKey::DxWeeksHeldShare => {
            let weeks: Vec<bool> = m::complete_weeks(year, as_of)
                .iter()
                .map(|(mon, sun)| f.portal.as_ref().is_some_and(|p| held_in(p, *mon, *sun)))
                .collect();
            m::weeks_held(&weeks, key)
        }
        MeasureKey::FeedbackReceived
        | MeasureKey::FeedbackOnTimeShare
        | MeasureKey::FeedbackMeanDaysToResolve
        | MeasureKey::FeedbackSatisfiedShare => {
            let Some(fm) = f.feedback.as_ref() else {
                return m::feedback_figure(None, 0, 0, key);
            };
            let fig = match key {
                MeasureKey::FeedbackReceived => &fm.received,
                MeasureKey::FeedbackOnTimeShare => &fm.on_time,
                MeasureKey::FeedbackMeanDaysToResolve => &fm.mean_days_to_resolve,
                _ => &fm.satisfied,
            };
            m::feedback_figure(fig.value, fig.ids.len(), fig.of.len(), key)
        }
    }
}

/// The value of one measure for `unit` in `year`, computed on `as_of` from the records,
/// whether or not a criteria set binds it (plan targets read it this way). No permission
/// check: the callers are use cases that checked theirs.
pub async fn measure_of(
    app: &App,
    unit: &Unit,
    key: MeasureKey,
    year: i32,
    as_of: Date,
) -> Result<Computed, AppError> {
    let mut figures = Figures::default();
    figures.load(app, unit, key.module(), year, as_of).await?;
    Ok(value_of(&figures, key, year, as_of))
}

/// The computed values of every bound indicator of the sets in force for `unit` in `year`,
/// as of `as_of` (no permission check: the callers are use cases that checked theirs, and
/// the daily pass).
pub async fn computed_values(
    app: &App,
    unit: &Unit,
    year: i32,
    as_of: Date,
) -> Result<Vec<ComputedValue>, AppError> {
    let mut out = Vec::new();
    let mut figures = Figures::default();
    for summary in crate::criteria::sets_for_level(app, unit.level, year) {
        let Ok(national) = app.catalog.set_for_year(&summary.id, year) else {
            continue;
        };
        let in_force =
            crate::criteria_sets::in_force(app, unit, &summary.id, year, national).await?;
        let set = &in_force.set;
        if set.level != unit.level || !set.applies_to_kind(&unit.kind) {
            continue;
        }
        let bound: Vec<&Indicator> = set
            .indicators
            .iter()
            .filter(|i| i.computed_from.is_some())
            .collect();
        for ind in bound {
            let Some(key) = ind.computed_from else {
                continue;
            };
            figures.load(app, unit, key.module(), year, as_of).await?;
            out.push(ComputedValue {
                set_id: summary.id.clone(),
                code: ind.code.clone(),
                key,
                computed: value_of(&figures, key, year, as_of),
            });
        }
    }
    Ok(out)
}
