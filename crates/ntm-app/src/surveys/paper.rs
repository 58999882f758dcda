//! Paper forms: the template, reading a filled one, checking it, applying it.

use std::collections::{BTreeMap, BTreeSet};

use ntm_domain::dossier::campaign::{CampaignStatus, Questionnaire};
use ntm_domain::dossier::survey::{Answer, ContentAnswer};
use ntm_domain::dossier::{campaign, survey};
use ntm_reports::survey_xlsx::PaperRow;
use ntm_store::NewSurveyAnswer;

use super::{
    MAX_PAPER_ROWS, PaperCheck, answer_str, areas, internal, managed, parse_status, record,
};
use crate::authz::Actor;
use crate::{App, AppError, FieldError};

/// The paper-form template of a campaign (one row per form, `forms` per hamlet).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), campaign = %code))]
pub async fn paper_template(
    app: &App,
    actor: &Actor,
    code: &str,
    forms: usize,
) -> Result<Vec<u8>, AppError> {
    let (r, _) = managed(app, actor, code).await?;
    let areas: Vec<(String, String)> = areas(app, &r.unit_code)
        .await?
        .into_iter()
        .map(|a| (a.code, a.name))
        .collect();
    let q: Questionnaire = serde_json::from_str(&r.questionnaire).map_err(internal)?;
    ntm_reports::survey_xlsx::paper_template(&r.title, &areas, &q.contents, forms.clamp(1, 500))
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// Reads a filled paper-form file (a problem with the file as a whole is a `file` error).
/// Parsed on the bounded pool of [`crate::spreadsheets`].
#[tracing::instrument(skip_all)]
pub async fn read_paper(bytes: Vec<u8>, file_name: String) -> Result<Vec<PaperRow>, AppError> {
    crate::spreadsheets::read_paper(bytes, file_name)
        .await?
        .map_err(|e| AppError::invalid("file", e.to_string()))
}

/// Checks paper rows without writing: hamlet of the unit, household id given and not seen
/// before (in the file or among earlier paper answers), answer readable, one readable cell
/// per content of the questionnaire at most (blank: not answered).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), campaign = %code))]
pub async fn paper_check(
    app: &App,
    actor: &Actor,
    code: &str,
    rows: &[PaperRow],
) -> Result<PaperCheck, AppError> {
    let (r, _) = managed(app, actor, code).await?;
    if parse_status(&r.status)? != CampaignStatus::Open {
        return Err(AppError::Conflict(
            "chỉ nhập phiếu giấy khi đợt lấy ý kiến đang mở (before it is closed)".into(),
        ));
    }
    if rows.len() > MAX_PAPER_ROWS {
        return Err(AppError::invalid(
            "file",
            format!("tối đa {MAX_PAPER_ROWS} phiếu mỗi tệp"),
        ));
    }
    let areas: BTreeSet<String> = areas(app, &r.unit_code)
        .await?
        .into_iter()
        .map(|a| a.code)
        .collect();
    let existing: BTreeSet<String> = app
        .db
        .survey_household_keys(r.id, "h:")
        .await?
        .into_iter()
        .collect();
    let q: Questionnaire = serde_json::from_str(&r.questionnaire).map_err(internal)?;
    let n_contents = q.contents.len();
    let mut in_file: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = PaperCheck::default();
    for row in rows {
        let mut ok = true;
        if !areas.contains(&row.hamlet) {
            ok = false;
            out.errors.push(FieldError::new(
                row.cell(0),
                format!("mã ấp \"{}\" không thuộc đơn vị", row.hamlet),
            ));
        }
        let household = row.household.trim().to_owned();
        if household.is_empty() {
            ok = false;
            out.errors
                .push(FieldError::new(row.cell(1), "thiếu mã hộ".to_owned()));
        } else if household.chars().count() > 60 {
            ok = false;
            out.errors.push(FieldError::new(
                row.cell(1),
                "mã hộ tối đa 60 ký tự".to_owned(),
            ));
        } else if existing.contains(&format!("h:{household}")) {
            ok = false;
            out.errors.push(FieldError::new(
                row.cell(1),
                format!("hộ {household} đã có phiếu (đã nhập trước đây)"),
            ));
        } else if let Some(first) = in_file.get(&household) {
            ok = false;
            out.errors.push(FieldError::new(
                row.cell(1),
                format!("hộ {household} đã có phiếu ở dòng {first}: mỗi hộ một phiếu"),
            ));
        } else {
            in_file.insert(household.clone(), row.row);
        }
        let answer = campaign::parse_paper_answer(&row.answer);
        if answer.is_none() {
            ok = false;
            out.errors.push(FieldError::new(
                row.cell(2),
                format!(
                    "câu trả lời \"{}\" không đọc được (1 = hài lòng, 0 = chưa hài lòng, - = không hợp lệ)",
                    row.answer
                ),
            ));
        }
        let mut contents = Vec::with_capacity(n_contents);
        for (i, cell) in row.contents.iter().enumerate() {
            if i >= n_contents {
                if !cell.is_empty() {
                    ok = false;
                    out.errors.push(FieldError::new(
                        row.cell(3 + i),
                        format!("cột thừa: đợt lấy ý kiến có {n_contents} nội dung (extra column)"),
                    ));
                }
                continue;
            }
            match campaign::parse_paper_content(cell) {
                Some(c) => contents.push(c),
                None => {
                    ok = false;
                    out.errors.push(FieldError::new(
                        row.cell(3 + i),
                        format!(
                            "nội dung \"{}\": \"{cell}\" không đọc được (1 = hài lòng, 0 = chưa hài lòng, để trống = không trả lời)",
                            q.contents[i]
                        ),
                    ));
                }
            }
        }
        contents.resize(n_contents, ContentAnswer::Blank);
        if let (true, Some(a)) = (ok, answer) {
            if a == Answer::Invalid {
                // A spoiled form counts for no content either.
                contents = vec![ContentAnswer::Blank; n_contents];
            }
            out.ok
                .push((row.row, row.hamlet.clone(), household, a, contents));
        }
    }
    Ok(out)
}

/// Imports paper rows, all or nothing: any problem refuses the whole file (errors by cell).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), campaign = %code))]
pub async fn paper_apply(
    app: &App,
    actor: &Actor,
    code: &str,
    file_name: &str,
    rows: &[PaperRow],
) -> Result<usize, AppError> {
    let check = paper_check(app, actor, code, rows).await?;
    if !check.errors.is_empty() {
        return Err(AppError::Validation(check.errors));
    }
    if check.ok.is_empty() {
        return Err(AppError::invalid("file", "tệp không có phiếu nào"));
    }
    let r = record(app, code).await?;
    // Random ids and the day only, as the public path (no order or time to join on).
    let created_at = ntm_store::answer_time(crate::today());
    let answers: Vec<NewSurveyAnswer> = check
        .ok
        .iter()
        .map(|(_, hamlet, household, a, contents)| NewSurveyAnswer {
            id: uuid::Builder::from_random_bytes(rand::random()).into_uuid(),
            campaign_id: r.id,
            household_key: format!("h:{household}"),
            hamlet_code: hamlet.clone(),
            answer: answer_str(*a).into(),
            extra: "[]".into(),
            contents: survey::encode_contents(contents),
            channel: "paper".into(),
            created_at,
        })
        .collect();
    let mut counts = [0u32; 3];
    for (_, _, _, a, _) in &check.ok {
        counts[match a {
            Answer::Satisfied => 0,
            Answer::NotSatisfied => 1,
            Answer::Invalid => 2,
        }] += 1;
    }
    let entry = actor.audit_entry(
        "survey.paper_import",
        &format!("survey:{}", r.code),
        serde_json::json!({
            "file": file_name, "forms": answers.len(), "satisfied": counts[0],
            "not_satisfied": counts[1], "invalid": counts[2],
        }),
    );
    app.db
        .import_survey_answers(&answers, entry)
        .await
        .map_err(|e| match e {
            ntm_store::StoreError::Conflict(m) => AppError::Conflict(m),
            e => e.into(),
        })?;
    Ok(answers.len())
}
