//! Household phone lists of survey campaigns (security review, finding 2: the public page
//! took any phone number in place of a slip code, so anyone could stuff a campaign).
//!
//! Phone answers are **off** unless the campaign enables them, and then only numbers on the
//! list the commune imported for the campaign are accepted, each once, counted in the
//! hamlet the list gives. The list is a CSV/XLSX file (columns hamlet code and phone
//! number), previewed then applied as a whole; it replaces the previous list. Numbers are
//! kept only as a hash keyed by the survey key, a file outside the database ([`super::key`]);
//! an answer marks its number used and shares nothing with it; the audit entry records
//! the file name and how many numbers, never the numbers.
//!
//! With an SMS gateway configured, a phone answer also needs the one-time code sent to the
//! number ([`super::sms_codes`]).

use std::collections::{BTreeMap, BTreeSet};

use ntm_domain::dossier::campaign;
use ntm_store::SurveyPhoneList;

use super::{key, managed, phone_key};
use crate::authz::Actor;
use crate::{App, AppError, FieldError, now};

/// Most numbers on one campaign's list.
pub const MAX_PHONES: usize = 50_000;

/// One row of a phone list file (row number as the spreadsheet shows it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneRow {
    pub row: usize,
    pub hamlet: String,
    pub phone: String,
}

/// A list checked: numbers per hamlet that would be stored, and every problem by row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhoneCheck {
    /// Normalized number → hamlet code.
    pub ok: BTreeMap<String, String>,
    pub errors: Vec<FieldError>,
}

/// Whether phone answers are on, and how many numbers the list holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhoneStatus {
    pub enabled: bool,
    pub phones: i64,
    pub updated_by: Option<String>,
}

fn header_key(s: &str) -> String {
    ntm_domain::text::search_key(s.trim().trim_start_matches('\u{feff}'))
        .replace(['_', ' ', '-', ','], "")
}

/// Reads a phone list file (CSV or spreadsheet; first row: headers naming the hamlet code
/// column, `Mã thôn, ấp` or `hamlet`, and the number column, `Số điện thoại` or `phone`),
/// parsed on the bounded pool of [`crate::spreadsheets`].
#[tracing::instrument(skip_all)]
pub async fn read_list(bytes: Vec<u8>, file_name: String) -> Result<Vec<PhoneRow>, AppError> {
    let table = crate::spreadsheets::read_table(bytes, file_name)
        .await?
        .map_err(|e| AppError::invalid("file", e.to_string()))?;
    let Some(head) = table.first() else {
        return Err(AppError::invalid("file", "tệp trống (the file is empty)"));
    };
    let find = |names: &[&str]| {
        head.iter()
            .position(|h| names.contains(&header_key(h).as_str()))
    };
    let hamlet = find(&[
        "mathonap",
        "mathon",
        "maap",
        "hamlet",
        "hamletcode",
        "thonap",
    ]);
    let phone = find(&["sodienthoai", "dienthoai", "sdt", "phone", "phonenumber"]);
    let (Some(hamlet), Some(phone)) = (hamlet, phone) else {
        return Err(AppError::invalid(
            "file",
            "dòng 1 phải có cột «Mã thôn, ấp» và cột «Số điện thoại» \
             (the first row must name the hamlet code and phone columns)",
        ));
    };
    let cell =
        |r: &Vec<String>, i: usize| r.get(i).map(|s| s.trim().to_owned()).unwrap_or_default();
    Ok(table
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, r)| !cell(r, hamlet).is_empty() || !cell(r, phone).is_empty())
        .map(|(i, r)| PhoneRow {
            row: i + 1,
            hamlet: cell(r, hamlet),
            phone: cell(r, phone),
        })
        .collect())
}

/// Checks a list without writing: numbers valid and once only, hamlets of the campaign.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), campaign = %code))]
pub async fn check(
    app: &App,
    actor: &Actor,
    code: &str,
    rows: &[PhoneRow],
) -> Result<PhoneCheck, AppError> {
    let (r, _) = managed(app, actor, code).await?;
    let hamlets: BTreeSet<String> = crate::surveys::areas(app, &r.unit_code)
        .await?
        .into_iter()
        .map(|a| a.code)
        .collect();
    let mut out = PhoneCheck::default();
    if rows.len() > MAX_PHONES {
        out.errors.push(FieldError::new(
            "file",
            format!("quá {MAX_PHONES} số (more than {MAX_PHONES} numbers)"),
        ));
        return Ok(out);
    }
    let mut first_row: BTreeMap<String, usize> = BTreeMap::new();
    for p in rows {
        let field = format!("line {}", p.row);
        if !hamlets.contains(&p.hamlet) {
            out.errors.push(FieldError::new(
                field,
                format!(
                    "mã thôn, ấp «{}» không thuộc đơn vị của đợt lấy ý kiến (not a hamlet of the campaign's unit)",
                    p.hamlet
                ),
            ));
            continue;
        }
        let Ok(n) = campaign::normalize_phone(&p.phone) else {
            out.errors.push(FieldError::new(
                field,
                format!(
                    "số điện thoại «{}» không hợp lệ (not a valid number)",
                    p.phone
                ),
            ));
            continue;
        };
        if let Some(first) = first_row.get(&n) {
            out.errors.push(FieldError::new(
                field,
                format!("số {n} đã có ở dòng {first} (the number is on row {first} already)"),
            ));
            continue;
        }
        first_row.insert(n.clone(), p.row);
        out.ok.insert(n, p.hamlet.clone());
    }
    Ok(out)
}

/// Stores the list (replacing the previous one) and turns phone answers on, all or nothing,
/// audited; a list with any problem is refused (`Validation`). Returns how many numbers.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), campaign = %code))]
pub async fn apply(
    app: &App,
    actor: &Actor,
    code: &str,
    file_name: &str,
    rows: &[PhoneRow],
) -> Result<usize, AppError> {
    let checked = check(app, actor, code, rows).await?;
    if !checked.errors.is_empty() {
        return Err(AppError::Validation(checked.errors));
    }
    if checked.ok.is_empty() {
        return Err(AppError::invalid(
            "file",
            "danh sách không có số nào (the list has no number)",
        ));
    }
    let (r, _) = managed(app, actor, code).await?;
    let key = key::survey_key(app).await?;
    let keyed: Vec<(String, String)> = checked
        .ok
        .iter()
        .map(|(n, hamlet)| (phone_key(&key, r.id, n), hamlet.clone()))
        .collect();
    let entry = actor.audit_entry(
        "survey.phones_import",
        &r.code,
        serde_json::json!({"file": file_name, "phones": keyed.len()}),
    );
    app.db
        .replace_survey_phones(r.id, &keyed, true, &actor.audit_name(), now(), entry)
        .await?;
    Ok(keyed.len())
}

/// Turns phone answers on or off (the list is kept), audited.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), campaign = %code))]
pub async fn set_enabled(
    app: &App,
    actor: &Actor,
    code: &str,
    enabled: bool,
) -> Result<(), AppError> {
    let (r, _) = managed(app, actor, code).await?;
    let action = if enabled {
        "survey.phones_enable"
    } else {
        "survey.phones_disable"
    };
    let entry = actor.audit_entry(action, &r.code, serde_json::json!({}));
    app.db
        .set_survey_phones_enabled(r.id, enabled, &actor.audit_name(), now(), entry)
        .await?;
    Ok(())
}

/// The campaign's phone list, for its officers.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), campaign = %code))]
pub async fn status(app: &App, actor: &Actor, code: &str) -> Result<PhoneStatus, AppError> {
    let (r, _) = managed(app, actor, code).await?;
    Ok(to_status(app.db.survey_phone_list(r.id).await?))
}

fn to_status(l: Option<SurveyPhoneList>) -> PhoneStatus {
    l.map(|l| PhoneStatus {
        enabled: l.enabled,
        phones: l.phones,
        updated_by: Some(l.updated_by),
    })
    .unwrap_or_default()
}

/// Whether the public form offers phone answers (no login: only a yes or no).
pub(crate) async fn accepting(app: &App, campaign_id: uuid::Uuid) -> Result<bool, AppError> {
    Ok(app
        .db
        .survey_phone_list(campaign_id)
        .await?
        .is_some_and(|l| l.enabled && l.phones > 0))
}
