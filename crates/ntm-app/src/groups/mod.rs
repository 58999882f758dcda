//! Commune groups of the 2026–2030 programme (QĐ 51/2025/QĐ-TTg: nhóm 1, 2, 3, defined in
//! `unit_groups` of `data/criteria/xa-ntm-2026-2030.yaml`).
//!
//! The province assigns each commune (by official code) to a group **with its basis**
//! (document number, date, issuer, article: all required); assignments are append-only
//! per (period, commune), the current one is the latest. An assignment applies to the
//! programme period (`2026-2030`), not to one set: every set of the period whose
//! thresholds vary by group (`by_group`) reads it. For an evaluation on date `d` the group
//! is the latest assignment whose basis is dated on or before `d` (a later reassignment
//! does not rewrite earlier years). Who: `ManageCriteria` on the province (province
//! officer) or an admin. Assignment one by one here, by XLSX in [`xlsx`].

mod page;
pub mod xlsx;

pub use page::{GroupsChange, apply_on_page, assign_on_page, preview_on_page};

use std::collections::HashMap;

use ntm_domain::audit::NewAuditEntry;
use ntm_domain::authz::Permission;
use ntm_domain::criteria::{CommuneGroup, ResolvedSet};
use ntm_domain::units::{Level, Unit};
use ntm_store::CommuneGroupRecord;
use time::Date;
use uuid::Uuid;

use crate::authz::Actor;
use crate::criteria::require_on_unit;
use crate::{App, AppError, FieldError, now, today};

/// The programme period groups are assigned for (the only one with commune groups).
pub const PERIOD: &str = "2026-2030";

/// The set whose `unit_groups` define the groups and whose `applies_to` says which
/// communes get one.
pub const GROUP_SET: &str = "xa-ntm-2026-2030";

/// The programme period of a year, when it has commune groups.
pub fn period_of_year(year: i32) -> Option<&'static str> {
    (2026..=2030).contains(&year).then_some(PERIOD)
}

/// 1, 2, 3 ↔ nhom-1, nhom-2, nhom-3.
pub fn group_of_number(n: i32) -> Option<CommuneGroup> {
    match n {
        1 => Some(CommuneGroup::Nhom1),
        2 => Some(CommuneGroup::Nhom2),
        3 => Some(CommuneGroup::Nhom3),
        _ => None,
    }
}

pub fn number_of_group(g: CommuneGroup) -> i32 {
    match g {
        CommuneGroup::Nhom1 => 1,
        CommuneGroup::Nhom2 => 2,
        CommuneGroup::Nhom3 => 3,
    }
}

/// Reads a group as typed ("2", " 2 ", "nhóm 2", "nhom-2"); `None` outside 1–3.
pub fn parse_group(s: &str) -> Option<CommuneGroup> {
    let key = ntm_domain::text::search_key(s);
    let key = key.trim();
    // "Nhóm 3", "nhom-1": the separator is allowed only after the word (so "-1" stays -1).
    let t = match key.strip_prefix("nhom") {
        Some(rest) => rest.trim_start_matches(['-', ' ']).trim(),
        None => key,
    };
    let t = t.strip_suffix(".0").unwrap_or(t);
    t.parse::<i32>().ok().and_then(group_of_number)
}

/// The basis of an assignment, as typed (all four required).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BasisInput {
    pub doc: String,
    /// dd/mm/yyyy or YYYY-MM-DD.
    pub date: String,
    pub issuer: String,
    pub article: String,
}

/// One assignment as typed (a form row or a workbook row).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssignInput {
    pub commune_code: String,
    pub group: String,
    pub basis: BasisInput,
    pub note: String,
}

/// A checked assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub commune_code: String,
    pub group: CommuneGroup,
    pub basis_doc: String,
    pub basis_date: Date,
    pub basis_issuer: String,
    pub basis_article: String,
    pub note: String,
}

/// Which field of an input is wrong (for cell references in the workbook).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Code,
    Group,
    Doc,
    Date,
    Issuer,
    Article,
    Note,
}

impl Field {
    pub fn name(self) -> &'static str {
        match self {
            Field::Code => "commune_code",
            Field::Group => "group",
            Field::Doc => "basis_doc",
            Field::Date => "basis_date",
            Field::Issuer => "basis_issuer",
            Field::Article => "basis_article",
            Field::Note => "note",
        }
    }
}

const MAX_TEXT: usize = 300;

/// Checks the group and the basis (not the commune): every problem, with its field.
pub fn check_input(i: &AssignInput) -> Result<Checked, Vec<(Field, String)>> {
    let mut errs = Vec::new();
    let group = parse_group(&i.group);
    if group.is_none() {
        errs.push((
            Field::Group,
            if i.group.trim().is_empty() {
                "cần chọn nhóm 1, 2 hoặc 3 (the group is required)".to_string()
            } else {
                format!(
                    "nhóm \"{}\" không hợp lệ: chỉ có nhóm 1, 2 hoặc 3 (QĐ 51/2025/QĐ-TTg) \
                     (group must be 1, 2 or 3)",
                    i.group.trim()
                )
            },
        ));
    }
    let mut text = |f: Field, v: &str, what: &str| {
        let v = v.trim();
        if v.is_empty() {
            errs.push((
                f,
                format!(
                    "cần ghi {what} của căn cứ (the basis {} is required)",
                    f.name()
                ),
            ));
        } else if v.chars().count() > MAX_TEXT {
            errs.push((f, format!("dài quá {MAX_TEXT} ký tự (too long)")));
        }
        v.to_string()
    };
    let doc = text(Field::Doc, &i.basis.doc, "số văn bản");
    let issuer = text(Field::Issuer, &i.basis.issuer, "cơ quan ban hành");
    let article = text(Field::Article, &i.basis.article, "điều khoản");
    let date = parse_basis_date(&i.basis.date);
    if date.is_none() {
        errs.push((
            Field::Date,
            if i.basis.date.trim().is_empty() {
                "cần ghi ngày văn bản (the basis date is required)".to_string()
            } else {
                format!(
                    "ngày \"{}\" không hợp lệ: ghi dd/mm/yyyy (date must be dd/mm/yyyy)",
                    i.basis.date.trim()
                )
            },
        ));
    }
    if i.note.chars().count() > MAX_TEXT {
        errs.push((Field::Note, format!("dài quá {MAX_TEXT} ký tự (too long)")));
    }
    match (group, date) {
        (Some(group), Some(basis_date)) if errs.is_empty() => Ok(Checked {
            commune_code: i.commune_code.trim().to_string(),
            group,
            basis_doc: doc,
            basis_date,
            basis_issuer: issuer,
            basis_article: article,
            note: i.note.trim().to_string(),
        }),
        _ => Err(errs),
    }
}

/// dd/mm/yyyy, YYYY-MM-DD, or an Excel date serial (a date cell read as a number).
pub fn parse_basis_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if let Some(d) = ntm_domain::text::parse_date(s) {
        return Some(d);
    }
    let serial: f64 = s.parse().ok()?;
    if !(20_000.0..80_000.0).contains(&serial) {
        return None;
    }
    let epoch = Date::from_calendar_date(1899, time::Month::December, 30).ok()?;
    epoch.checked_add(time::Duration::days(serial.trunc() as i64))
}

/// One assignment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub seq: i64,
    pub group: i32,
    pub basis_doc: String,
    pub basis_date: String,
    pub basis_issuer: String,
    pub basis_article: String,
    pub note: String,
    pub by: String,
    pub at: time::OffsetDateTime,
}

impl Assignment {
    fn of(r: &CommuneGroupRecord) -> Assignment {
        Assignment {
            seq: r.seq,
            group: r.grp,
            basis_doc: r.basis_doc.clone(),
            basis_date: r.basis_date.clone(),
            basis_issuer: r.basis_issuer.clone(),
            basis_article: r.basis_article.clone(),
            note: r.note.clone(),
            by: r.created_by.clone(),
            at: r.created_at,
        }
    }

    /// The basis date, dd/mm/yyyy.
    pub fn basis_date_vi(&self) -> String {
        ntm_domain::text::parse_date(&self.basis_date)
            .map(ntm_domain::text::format_date_vi)
            .unwrap_or_else(|| self.basis_date.clone())
    }
}

/// A commune of the province with its current group.
#[derive(Debug, Clone)]
pub struct CommuneGroupRow {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub current: Option<Assignment>,
    /// Earlier assignments, oldest first.
    pub history: Vec<Assignment>,
}

/// A province's communes (valid today, of the kinds the 2026–2030 set applies to) with
/// their groups.
#[derive(Debug, Clone)]
pub struct ProvinceGroups {
    pub province: Unit,
    pub period: &'static str,
    pub communes: Vec<CommuneGroupRow>,
    /// The actor may assign groups.
    pub can_edit: bool,
}

impl ProvinceGroups {
    pub fn without_group(&self) -> usize {
        self.communes.iter().filter(|c| c.current.is_none()).count()
    }
}

async fn province_today(app: &App, code: &str) -> Result<Unit, AppError> {
    let u = app
        .db
        .unit_on(code.trim(), today())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("unit {code}")))?;
    if u.level != Level::Province {
        return Err(AppError::invalid(
            "unit",
            format!("{code} không phải là tỉnh (not a province)"),
        ));
    }
    Ok(u)
}

/// The communes of a province valid today that can have a group.
async fn communes_today(app: &App, province: &Unit) -> Result<Vec<Unit>, AppError> {
    let mut units = app
        .db
        .subtree_on(&province.path, today(), Some(Level::Commune))
        .await?;
    if let Ok(set) = app.catalog.set_for_year(GROUP_SET, 2026) {
        units = crate::criteria::applicable_units(set, units);
    }
    units.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(units)
}

/// The current assignment of each commune code from a history (ordered by code, seq),
/// keeping only those whose basis is dated on or before `on` when given.
fn current_of(
    rows: &[CommuneGroupRecord],
    on: Option<Date>,
) -> HashMap<String, CommuneGroupRecord> {
    let mut out: HashMap<String, CommuneGroupRecord> = HashMap::new();
    for r in rows {
        if let Some(d) = on {
            match ntm_domain::text::parse_date(&r.basis_date) {
                Some(b) if b <= d => {}
                _ => continue,
            }
        }
        match out.get(&r.commune_code) {
            Some(o) if o.seq > r.seq => {}
            _ => {
                out.insert(r.commune_code.clone(), r.clone());
            }
        }
    }
    out
}

/// The communes of a province with their groups (logged-in users who may view the
/// province; `can_edit` for those who may assign).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %province_code))]
pub async fn list(
    app: &App,
    actor: &Actor,
    province_code: &str,
) -> Result<ProvinceGroups, AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let province = province_today(app, province_code).await?;
    require_on_unit(app, actor, Permission::ViewUnits, &province).await?;
    let can_edit = require_on_unit(app, actor, Permission::ManageCriteria, &province)
        .await
        .is_ok();
    let rows = app
        .db
        .commune_groups_of_province(&province.code, PERIOD)
        .await?;
    let mut hist: HashMap<&str, Vec<Assignment>> = HashMap::new();
    for r in &rows {
        hist.entry(r.commune_code.as_str())
            .or_default()
            .push(Assignment::of(r));
    }
    let communes = communes_today(app, &province)
        .await?
        .into_iter()
        .map(|u| {
            let mut history = hist.remove(u.code.as_str()).unwrap_or_default();
            let current = history.pop();
            CommuneGroupRow {
                code: u.code,
                name: u.name,
                kind: u.kind,
                current,
                history,
            }
        })
        .collect();
    Ok(ProvinceGroups {
        province,
        period: PERIOD,
        communes,
        can_edit,
    })
}

fn audit(actor: &Actor, target: &str, detail: serde_json::Value) -> NewAuditEntry {
    actor.audit_entry("commune_groups.assign", target, detail)
}

/// Checks the actor may assign groups in the province; returns the province and its
/// communes (valid today, that can have a group).
pub(crate) async fn may_assign(
    app: &App,
    actor: &Actor,
    province_code: &str,
) -> Result<(Unit, Vec<Unit>), AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let province = province_today(app, province_code).await?;
    require_on_unit(app, actor, Permission::ManageCriteria, &province).await?;
    let communes = communes_today(app, &province).await?;
    Ok((province, communes))
}

fn record_of(actor: &Actor, province: &Unit, c: &Checked) -> CommuneGroupRecord {
    CommuneGroupRecord {
        id: Uuid::now_v7(),
        province_code: province.code.clone(),
        commune_code: c.commune_code.clone(),
        period: PERIOD.to_string(),
        seq: 0,
        grp: number_of_group(c.group),
        basis_doc: c.basis_doc.clone(),
        basis_date: c.basis_date.to_string(),
        basis_issuer: c.basis_issuer.clone(),
        basis_article: c.basis_article.clone(),
        note: c.note.clone(),
        created_by: actor.audit_name(),
        created_at: now(),
    }
}

/// Writes checked assignments of one province, all or nothing, with one audit entry.
pub(crate) async fn write(
    app: &App,
    actor: &Actor,
    province: &Unit,
    rows: &[Checked],
    how: &str,
) -> Result<Vec<Assignment>, AppError> {
    let records: Vec<CommuneGroupRecord> =
        rows.iter().map(|c| record_of(actor, province, c)).collect();
    let entry = audit(
        actor,
        &province.code,
        serde_json::json!({
            "period": PERIOD,
            "how": how,
            "assignments": rows.iter().map(|c| serde_json::json!({
                "commune": c.commune_code,
                "group": number_of_group(c.group),
                "basis": {
                    "doc": c.basis_doc,
                    "date": c.basis_date.to_string(),
                    "issuer": c.basis_issuer,
                    "article": c.basis_article,
                },
            })).collect::<Vec<_>>(),
        }),
    );
    let stored = app.db.append_commune_groups(&records, entry).await?;
    Ok(stored.iter().map(Assignment::of).collect())
}

/// Assigns one commune of the province to a group, with its basis.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %province_code))]
pub async fn assign(
    app: &App,
    actor: &Actor,
    province_code: &str,
    input: AssignInput,
) -> Result<Assignment, AppError> {
    let (province, communes) = may_assign(app, actor, province_code).await?;
    let code = input.commune_code.trim();
    if !communes.iter().any(|u| u.code == code) {
        return Err(AppError::invalid(
            "commune_code",
            format!(
                "xã {code} không thuộc {} hoặc không áp dụng nhóm xã (commune {code} is not a \
                 commune of {} that has a group)",
                province.name, province.code
            ),
        ));
    }
    let checked = check_input(&input).map_err(|errs| {
        AppError::Validation(
            errs.into_iter()
                .map(|(f, m)| FieldError::new(f.name(), m))
                .collect(),
        )
    })?;
    let mut out = write(app, actor, &province, &[checked], "form").await?;
    out.pop()
        .ok_or_else(|| AppError::Internal("no assignment stored".into()))
}

/// The group of each commune of `units` for an evaluation of `set` on `date`: empty when
/// the set's thresholds do not vary by group or the date is outside a period with groups.
pub(crate) async fn groups_for_evaluation(
    app: &App,
    set: &ResolvedSet,
    units: &[Unit],
    date: Date,
) -> Result<HashMap<String, CommuneGroup>, AppError> {
    let mut out = HashMap::new();
    let Some(period) = period_of_year(date.year()) else {
        return Ok(out);
    };
    if !set.varies_by_group() || set.level != Level::Commune {
        return Ok(out);
    }
    let mut provinces: Vec<&str> = units.iter().map(|u| u.province_code.as_str()).collect();
    provinces.sort_unstable();
    provinces.dedup();
    for p in provinces {
        let rows = app.db.commune_groups_of_province(p, period).await?;
        for (code, r) in current_of(&rows, Some(date)) {
            if let Some(g) = group_of_number(r.grp) {
                out.insert(code, g);
            }
        }
    }
    Ok(out)
}

/// The communes (code, name) of a province's evaluation of `set` for `year` that have no
/// group, when the set's thresholds vary by group (empty otherwise).
pub(crate) async fn without_group(
    app: &App,
    province: &Unit,
    set: &ResolvedSet,
    year: i32,
    communes: &[(String, String)],
) -> Result<Vec<(String, String)>, AppError> {
    if !set.varies_by_group() || set.level != Level::Commune {
        return Ok(Vec::new());
    }
    let Some(period) = period_of_year(year) else {
        return Ok(Vec::new());
    };
    let date = crate::criteria::evaluation_date(set, year);
    let rows = app
        .db
        .commune_groups_of_province(&province.province_code, period)
        .await?;
    let current = current_of(&rows, Some(date));
    Ok(communes
        .iter()
        .filter(|(code, _)| !current.contains_key(code))
        .cloned()
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_dates_as_typed() {
        assert_eq!(parse_group("2"), Some(CommuneGroup::Nhom2));
        assert_eq!(parse_group(" Nhóm 3 "), Some(CommuneGroup::Nhom3));
        assert_eq!(parse_group("nhom-1"), Some(CommuneGroup::Nhom1));
        assert_eq!(parse_group("1.0"), Some(CommuneGroup::Nhom1));
        for bad in ["4", "0", "", "hai", "-1"] {
            assert_eq!(parse_group(bad), None, "{bad}");
        }
        let d = Date::from_calendar_date(2026, time::Month::March, 2).expect("date");
        assert_eq!(parse_basis_date("02/03/2026"), Some(d));
        assert_eq!(parse_basis_date("2026-03-02"), Some(d));
        assert_eq!(parse_basis_date("46083"), Some(d), "Excel serial");
        assert_eq!(parse_basis_date("31/02/2026"), None);
        let e = check_input(&AssignInput {
            commune_code: "29374".into(),
            group: "4".into(),
            basis: BasisInput {
                doc: "12/QĐ-UBND".into(),
                date: String::new(),
                issuer: "UBND tỉnh".into(),
                article: String::new(),
            },
            note: String::new(),
        })
        .expect_err("bad");
        let fields: Vec<Field> = e.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, [Field::Group, Field::Article, Field::Date]);
        assert!(e[0].1.contains("chỉ có nhóm 1, 2 hoặc 3"));
    }
}
