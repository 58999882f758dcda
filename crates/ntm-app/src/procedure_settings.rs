//! A province's own procedure settings: extra public holidays (Tết, Giỗ Tổ, compensatory
//! days…), time limits per step, the satisfaction threshold and the minimum share of
//! households surveyed per dossier kind, each with the basis it cites (decision, article).
//! The minimum share is not confirmed for Hướng dẫn 90/HD-MTTW-BTT (2022): without a
//! configured value nothing is blocked. The dossier use cases apply them when computing
//! deadlines and checking recognition ([`procedure_for`], [`calendar_for`]).
//!
//! Who may change them: a holder of `ManageCriteria` on the province (province officer,
//! admin). Everyone who may view the province may read them.

use ntm_domain::authz::Permission;
use ntm_domain::dossier::survey::MinCoverage;
use ntm_domain::dossier::{
    self, DayUnit, DossierKind, HolidayCalendar, NationalDayExtra, Procedure, ProcedureError,
    StepKind,
};
use ntm_domain::units::{Level, Unit};
use ntm_store::ProcedureSetting;
use time::Date;

use crate::authz::Actor;
use crate::criteria::require_on_unit;
use crate::{App, AppError, now, today};

pub const HOLIDAY: &str = "holiday";
pub const TIME_LIMIT: &str = "time_limit";
pub const SATISFACTION: &str = "satisfaction";
pub const COVERAGE: &str = "household_coverage";
/// Separation of duties for indicator values (key [`FOUR_EYES_OBSERVATIONS`]): whoever
/// entered or submitted a value may not verify it.
pub const FOUR_EYES: &str = "four_eyes";
pub const FOUR_EYES_OBSERVATIONS: &str = "observations";

/// One setting to store.
#[derive(Debug, Clone)]
pub enum SettingInput {
    /// An extra day off (not a working day).
    Holiday { date: Date },
    /// A time limit for a step of a dossier kind.
    TimeLimit {
        kind: DossierKind,
        step: StepKind,
        days: u32,
        unit: DayUnit,
    },
    /// The satisfaction threshold (percent) for a dossier kind.
    Satisfaction { kind: DossierKind, percent: u32 },
    /// The minimum share of households surveyed (percent) for a dossier kind.
    Coverage { kind: DossierKind, percent: u32 },
    /// Four-eyes verification of indicator values: on while the setting exists (delete it
    /// to turn it off).
    FourEyes,
}

/// The settings of a province, parsed.
#[derive(Debug, Clone, Default)]
pub struct ProvinceSettings {
    pub rows: Vec<ProcedureSetting>,
}

impl ProvinceSettings {
    pub fn holidays(&self) -> impl Iterator<Item = Date> + '_ {
        self.rows
            .iter()
            .filter(|r| r.kind == HOLIDAY)
            .filter_map(|r| ntm_domain::text::parse_date(&r.key))
    }

    /// The procedure of a dossier with this province's time limits and threshold applied.
    pub fn apply(&self, mut p: Procedure) -> Result<Procedure, ProcedureError> {
        let kind = kind_str(p.kind);
        for r in &self.rows {
            match r.kind.as_str() {
                TIME_LIMIT => {
                    let Some((k, step)) = r.key.split_once('/') else {
                        continue;
                    };
                    if k != kind {
                        continue;
                    }
                    let Some(step) = parse_step(step) else {
                        continue;
                    };
                    let Some((days, unit)) = parse_limit(&r.value) else {
                        continue;
                    };
                    if p.has_step(step) {
                        p = p.with_time_limit(step, days, unit, &r.basis)?;
                    }
                }
                SATISFACTION if r.key == kind => {
                    if let Ok(percent) = r.value.parse::<u32>() {
                        p = p.with_satisfaction_threshold(percent, &r.basis)?;
                    }
                }
                _ => {}
            }
        }
        Ok(p)
    }

    /// The configured threshold of a dossier kind: (percent, basis).
    pub fn satisfaction(&self, kind: DossierKind) -> Option<(u32, String)> {
        let k = kind_str(kind);
        self.rows
            .iter()
            .find(|r| r.kind == SATISFACTION && r.key == k)
            .and_then(|r| r.value.parse().ok().map(|p| (p, r.basis.clone())))
    }

    /// Whether values of this province must be verified by someone other than those who
    /// entered or submitted them (with the basis), `None` when not required.
    pub fn four_eyes(&self) -> Option<&str> {
        self.rows
            .iter()
            .find(|r| r.kind == FOUR_EYES && r.key == FOUR_EYES_OBSERVATIONS)
            .map(|r| r.basis.as_str())
    }

    /// The configured minimum share of households surveyed for a dossier kind, with its
    /// basis; `None`: not configured (nothing is checked).
    pub fn min_coverage(&self, kind: DossierKind) -> Option<MinCoverage> {
        let k = kind_str(kind);
        self.rows
            .iter()
            .find(|r| r.kind == COVERAGE && r.key == k)
            .and_then(|r| {
                r.value.parse().ok().map(|percent| MinCoverage {
                    percent,
                    basis: r.basis.clone(),
                })
            })
    }
}

pub fn kind_str(k: DossierKind) -> String {
    match serde_json::to_value(k) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

pub fn parse_kind(s: &str) -> Option<DossierKind> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
}

pub fn parse_step(s: &str) -> Option<StepKind> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
}

pub fn unit_str(u: DayUnit) -> &'static str {
    match u {
        DayUnit::WorkingDays => "working",
        DayUnit::CalendarDays => "calendar",
    }
}

/// `"20 working"` → (20, working days).
pub fn parse_limit(s: &str) -> Option<(u32, DayUnit)> {
    let (d, u) = s.split_once(' ')?;
    let unit = match u {
        "working" => DayUnit::WorkingDays,
        "calendar" => DayUnit::CalendarDays,
        _ => return None,
    };
    Some((d.parse().ok()?, unit))
}

/// Every dossier kind a unit of `level` may open.
pub fn kinds_for(level: Level) -> Vec<DossierKind> {
    [
        DossierKind::CommuneNtm,
        DossierKind::CommuneAdvanced,
        DossierKind::CommuneModel,
        DossierKind::DistrictNtm,
        DossierKind::DistrictAdvanced,
    ]
    .into_iter()
    .filter(|k| k.level() == level)
    .collect()
}

/// The settings of a province (no permission check: for use cases that checked already).
pub(crate) async fn load(app: &App, province_code: &str) -> Result<ProvinceSettings, AppError> {
    Ok(ProvinceSettings {
        rows: app.db.procedure_settings(province_code).await?,
    })
}

/// Fixed-date public holidays around `today` plus the province's configured days.
pub fn calendar_for(settings: &ProvinceSettings, today: Date) -> HolidayCalendar {
    HolidayCalendar::new(
        (today.year() - 2..=today.year() + 1)
            .flat_map(|y| dossier::fixed_date_holidays(y, NationalDayExtra::After)),
    )
    .with(settings.holidays())
}

/// The procedure of a dossier with the province's settings.
pub fn procedure_for(
    settings: &ProvinceSettings,
    d: &dossier::Dossier,
) -> Result<Procedure, ProcedureError> {
    settings.apply(d.procedure()?)
}

/// The province valid today or, for a province merged away (Trà Vinh, 84, since
/// 01/07/2025), its last record: dossiers dated before the merger keep their province's
/// settings, which its officers must still be able to set.
async fn province(app: &App, code: &str) -> Result<Unit, AppError> {
    let u = match app.db.unit_on(code, today()).await? {
        Some(u) => u,
        None => app
            .db
            .unit_versions(code)
            .await?
            .pop()
            .ok_or_else(|| AppError::NotFound(format!("unit {code}")))?,
    };
    if u.level != Level::Province {
        return Err(AppError::invalid(
            "unit",
            format!("{code} không phải là tỉnh (not a province)"),
        ));
    }
    Ok(u)
}

/// The settings of a province, for people who may view it; `true` when the actor may edit.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %province_code))]
pub async fn get(
    app: &App,
    actor: &Actor,
    province_code: &str,
) -> Result<(Unit, ProvinceSettings, bool), AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let u = province(app, province_code).await?;
    require_on_unit(app, actor, Permission::ViewUnits, &u).await?;
    let can_edit = require_on_unit(app, actor, Permission::ManageCriteria, &u)
        .await
        .is_ok();
    Ok((u, load(app, province_code).await?, can_edit))
}

/// Stores one setting with its basis (required).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %province_code))]
pub async fn put(
    app: &App,
    actor: &Actor,
    province_code: &str,
    input: SettingInput,
    basis: &str,
) -> Result<(), AppError> {
    let u = province(app, province_code).await?;
    require_on_unit(app, actor, Permission::ManageCriteria, &u).await?;
    let basis = basis.trim();
    if basis.is_empty() {
        return Err(AppError::invalid(
            "basis",
            "cần ghi căn cứ (văn bản, điều khoản) (the basis is required)",
        ));
    }
    if basis.chars().count() > 500 {
        return Err(AppError::invalid("basis", "căn cứ dài quá 500 ký tự"));
    }
    let (kind, key, value) = match input {
        SettingInput::Holiday { date } => (HOLIDAY, date.to_string(), String::new()),
        SettingInput::TimeLimit {
            kind,
            step,
            days,
            unit,
        } => {
            if days == 0 || days > 365 {
                return Err(AppError::invalid(
                    "days",
                    "số ngày phải từ 1 đến 365 (days must be 1 to 365)",
                ));
            }
            let p = Procedure::for_dossier(kind, today())
                .or_else(|_| {
                    Procedure::for_dossier(
                        kind,
                        dossier::TWO_TIER_FROM
                            .previous_day()
                            .unwrap_or(dossier::TWO_TIER_FROM),
                    )
                })
                .map_err(|e| AppError::invalid("kind", e.to_string()))?;
            if !p.has_step(step) {
                return Err(AppError::invalid(
                    "step",
                    format!(
                        "quy trình {} không có bước {}",
                        kind.name_vi(),
                        step.name_vi()
                    ),
                ));
            }
            (
                TIME_LIMIT,
                format!("{}/{}", kind_str(kind), step.as_str()),
                format!("{days} {}", unit_str(unit)),
            )
        }
        SettingInput::Satisfaction { kind, percent } => {
            if percent == 0 || percent > 100 {
                return Err(AppError::invalid(
                    "percent",
                    "ngưỡng phải từ 1 đến 100 % (1 to 100)",
                ));
            }
            (SATISFACTION, kind_str(kind), percent.to_string())
        }
        SettingInput::Coverage { kind, percent } => {
            if percent == 0 || percent > 100 {
                return Err(AppError::invalid(
                    "percent",
                    "tỷ lệ hộ phải từ 1 đến 100 % (1 to 100)",
                ));
            }
            (COVERAGE, kind_str(kind), percent.to_string())
        }
        SettingInput::FourEyes => (
            FOUR_EYES,
            FOUR_EYES_OBSERVATIONS.to_owned(),
            "on".to_owned(),
        ),
    };
    let s = ProcedureSetting {
        province_code: u.code.clone(),
        kind: kind.to_owned(),
        key: key.clone(),
        value: value.clone(),
        basis: basis.to_owned(),
        updated_by: actor.audit_name(),
        updated_at: now(),
    };
    let entry = actor.audit_entry(
        "procedure_settings.put",
        &u.code,
        serde_json::json!({"kind": kind, "key": key, "value": value, "basis": basis}),
    );
    app.db.put_procedure_setting(&s, entry).await?;
    Ok(())
}

/// Removes one setting.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %province_code))]
pub async fn delete(
    app: &App,
    actor: &Actor,
    province_code: &str,
    kind: &str,
    key: &str,
) -> Result<(), AppError> {
    let u = province(app, province_code).await?;
    require_on_unit(app, actor, Permission::ManageCriteria, &u).await?;
    let entry = actor.audit_entry(
        "procedure_settings.delete",
        &u.code,
        serde_json::json!({"kind": kind, "key": key}),
    );
    let n = app
        .db
        .delete_procedure_setting(&u.code, kind, key, entry)
        .await?;
    if n == 0 {
        return Err(AppError::NotFound(format!("setting {kind} {key}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn row(kind: &str, key: &str, value: &str, basis: &str) -> ProcedureSetting {
        ProcedureSetting {
            province_code: "86".into(),
            kind: kind.into(),
            key: key.into(),
            value: value.into(),
            basis: basis.into(),
            updated_by: "tinh".into(),
            updated_at: datetime!(2026-10-01 0:00 UTC),
        }
    }

    #[test]
    fn settings_apply_to_the_procedure_of_their_kind() {
        let s = ProvinceSettings {
            rows: vec![
                row(
                    TIME_LIMIT,
                    "commune_ntm/appraisal",
                    "20 working",
                    "QĐ 9, Điều 2",
                ),
                row(
                    TIME_LIMIT,
                    "district_ntm/appraisal",
                    "30 calendar",
                    "QĐ 9, Điều 3",
                ),
                row(SATISFACTION, "commune_ntm", "80", "QĐ 9, Điều 4"),
                row(COVERAGE, "commune_ntm", "60", "KH 12, mục 3"),
                row(HOLIDAY, "2026-02-17", "", "Tết"),
            ],
        };
        let p = Procedure::for_dossier(DossierKind::CommuneNtm, date!(2026 - 10 - 01)).unwrap();
        let p = s.apply(p).unwrap();
        let limit = &p.step(StepKind::Appraisal).unwrap().time_limit;
        assert_eq!((limit.days, limit.unit), (Some(20), DayUnit::WorkingDays));
        assert!(limit.confirmed);
        let t = p.satisfaction.unwrap();
        assert_eq!(t.percent, 80);
        assert!(matches!(t.basis, dossier::Basis::Configured { .. }));
        assert_eq!(
            s.satisfaction(DossierKind::CommuneNtm),
            Some((80, "QĐ 9, Điều 4".into()))
        );
        assert_eq!(s.satisfaction(DossierKind::CommuneAdvanced), None);
        assert_eq!(
            s.min_coverage(DossierKind::CommuneNtm),
            Some(MinCoverage {
                percent: 60,
                basis: "KH 12, mục 3".into()
            })
        );
        assert_eq!(s.min_coverage(DossierKind::DistrictNtm), None);
        let cal = calendar_for(&s, date!(2026 - 10 - 01));
        assert!(cal.is_holiday(date!(2026 - 02 - 17)));
        assert!(cal.is_holiday(date!(2026 - 09 - 02)));
        assert_eq!(parse_limit("5 calendar"), Some((5, DayUnit::CalendarDays)));
        assert_eq!(parse_limit("5 weeks"), None);
    }
}
