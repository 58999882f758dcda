//! Evaluation rounds, council score sheets, the consolidated result and the decision.

use ntm_domain::authz::Permission;
use ntm_domain::ocop::{CertificateStatus, Consolidated, EvalLevel, ScoreSheet, consolidate};
use ntm_store::{OcopDecisionRecord, OcopProductRecord, OcopRoundRecord, OcopSheetRecord};
use time::Date;
use uuid::Uuid;

use super::{opt, scheme};
use crate::access::require_on_unit;
use crate::{Actor, App, AppError, FieldError, now};

/// A round with its members and sheets (and the result when every sheet is valid).
#[derive(Debug, Clone)]
pub struct RoundView {
    pub round: OcopRoundRecord,
    /// `(user id, username)` of the council members.
    pub members: Vec<(Uuid, String)>,
    pub sheets: Vec<(String, ScoreSheet)>,
    pub result: Option<Consolidated>,
    pub decided: bool,
    /// The producer's dossier documents linked to this round.
    pub documents: Vec<Uuid>,
}

#[derive(Debug, Clone)]
pub struct DecisionView {
    pub decision: OcopDecisionRecord,
    pub status: CertificateStatus,
}

/// A sheet as typed in a form: points per part code, as text.
#[derive(Debug, Clone, Default)]
pub struct SheetInput {
    pub parts: Vec<(String, String)>,
}

async fn product_unit(
    app: &App,
    product_id: Uuid,
) -> Result<(OcopProductRecord, ntm_domain::units::Unit), AppError> {
    let product = app
        .db
        .ocop_product(product_id)
        .await?
        .ok_or_else(|| AppError::NotFound("OCOP product".into()))?;
    let producer = app
        .db
        .ocop_producer(product.producer_id)
        .await?
        .ok_or_else(|| AppError::NotFound("OCOP producer".into()))?;
    let unit = crate::units::latest_record(app, &producer.unit_code).await?;
    Ok((product, unit))
}

fn parse_points(s: &str) -> Option<ScoreSheet> {
    let v: serde_json::Map<String, serde_json::Value> = serde_json::from_str(s).ok()?;
    Some(ScoreSheet {
        member: String::new(),
        parts: v
            .into_iter()
            .filter_map(|(k, v)| v.as_f64().map(|x| (k, x)))
            .collect(),
    })
}

pub(crate) async fn round_views(
    app: &App,
    product: &OcopProductRecord,
) -> Result<Vec<RoundView>, AppError> {
    let decided: Vec<Option<Uuid>> = app
        .db
        .ocop_decisions_of(product.id)
        .await?
        .into_iter()
        .map(|d| d.round_id)
        .collect();
    let mut out = Vec::new();
    for round in app.db.ocop_rounds_of(product.id).await? {
        let mut members = Vec::new();
        for id in app.db.ocop_round_members(round.id).await? {
            let name = app
                .db
                .user_by_id(id)
                .await?
                .map(|u| u.username)
                .unwrap_or_else(|| id.to_string());
            members.push((id, name));
        }
        let mut sheets = Vec::new();
        for s in app.db.ocop_sheets(round.id).await? {
            let name = members
                .iter()
                .find(|(id, _)| *id == s.member_id)
                .map(|m| m.1.clone())
                .unwrap_or_else(|| s.member_id.to_string());
            if let Some(mut sheet) = parse_points(&s.points) {
                sheet.member = s.member_id.to_string();
                sheets.push((name, sheet));
            }
        }
        let plain: Vec<ScoreSheet> = sheets.iter().map(|s| s.1.clone()).collect();
        let result = consolidate(scheme(), &plain).ok();
        out.push(RoundView {
            documents: app.db.ocop_round_documents(round.id).await?,
            decided: decided.contains(&Some(round.id)),
            round,
            members,
            sheets,
            result,
        });
    }
    Ok(out)
}

/// Opens an evaluation round of a product: level, day, council members (usernames).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), product = %product_id))]
pub async fn open_round(
    app: &App,
    actor: &Actor,
    product_id: Uuid,
    level: &str,
    held_on: Option<Date>,
    members: &[String],
) -> Result<OcopRoundRecord, AppError> {
    let (product, unit) = product_unit(app, product_id).await?;
    require_on_unit(app, actor, Permission::ManageOcop, &unit).await?;
    let mut errors = Vec::new();
    let level = EvalLevel::parse(level);
    if level.is_none() {
        errors.push(FieldError::new("level", "Chọn cấp đánh giá"));
    }
    let Some(held_on) = held_on else {
        errors.push(FieldError::new(
            "held_on",
            "Nhập ngày họp hội đồng (dd/mm/yyyy)",
        ));
        return Err(AppError::Validation(errors));
    };
    let mut ids = Vec::new();
    for m in members.iter().map(|m| m.trim()).filter(|m| !m.is_empty()) {
        match app.db.user_by_username(m).await? {
            Some(u) if !ids.contains(&u.id) => ids.push(u.id),
            Some(_) => errors.push(FieldError::new(
                "members",
                format!("“{m}” được nhập hai lần"),
            )),
            None => errors.push(FieldError::new(
                "members",
                format!("không có tài khoản “{m}”"),
            )),
        }
    }
    if ids.is_empty() && errors.is_empty() {
        errors.push(FieldError::new(
            "members",
            "Nhập ít nhất một thành viên hội đồng",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let documents: Vec<Uuid> = app
        .db
        .ocop_documents_of(product.producer_id)
        .await?
        .into_iter()
        .map(|d| d.id)
        .collect();
    let rec = OcopRoundRecord {
        id: Uuid::now_v7(),
        product_id,
        level: level.map(|l| l.as_str()).unwrap_or("province").to_string(),
        held_on,
        created_at: now(),
        created_by: actor.audit_name(),
    };
    let audit = actor.audit_entry(
        "ocop.round.open",
        &rec.id.to_string(),
        serde_json::json!({"product": product_id, "level": rec.level, "members": members}),
    );
    app.db
        .insert_ocop_round(&rec, &ids, &documents, audit)
        .await?;
    Ok(rec)
}

/// A council member hands in a sheet: points within each part's range; once per member.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), round = %round_id))]
pub async fn submit_sheet(
    app: &App,
    actor: &Actor,
    round_id: Uuid,
    input: SheetInput,
) -> Result<(), AppError> {
    let round = app
        .db
        .ocop_round(round_id)
        .await?
        .ok_or_else(|| AppError::NotFound("OCOP round".into()))?;
    let (_, unit) = product_unit(app, round.product_id).await?;
    require_on_unit(app, actor, Permission::ScoreOcop, &unit).await?;
    let Actor::User { id, .. } = actor else {
        return Err(AppError::Forbidden("only a council member scores".into()));
    };
    if !app.db.ocop_round_members(round_id).await?.contains(id) {
        return Err(AppError::Forbidden("not a member of this council".into()));
    }
    let mut errors = Vec::new();
    let mut parts = Vec::new();
    for p in &scheme().parts {
        let text = input
            .parts
            .iter()
            .find(|(c, _)| *c == p.code)
            .map(|(_, v)| v.trim().replace(',', "."))
            .unwrap_or_default();
        match text.parse::<f64>() {
            Ok(x) if x.is_finite() && (0.0..=p.max_points).contains(&x) => {
                parts.push((p.code.clone(), x))
            }
            _ => errors.push(FieldError::new(
                format!("part_{}", p.code),
                format!(
                    "Phần {}: nhập số điểm từ 0 đến {}",
                    p.code,
                    ntm_domain::text::format_number_vi(p.max_points, 0)
                ),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let sheet = ScoreSheet {
        member: id.to_string(),
        parts,
    };
    consolidate(scheme(), std::slice::from_ref(&sheet))
        .map_err(|e| AppError::invalid("sheet", e.to_string()))?;
    let points: serde_json::Map<String, serde_json::Value> = sheet
        .parts
        .iter()
        .map(|(c, x)| (c.clone(), serde_json::json!(x)))
        .collect();
    let rec = OcopSheetRecord {
        id: Uuid::now_v7(),
        round_id,
        member_id: *id,
        points: serde_json::Value::Object(points).to_string(),
        created_at: now(),
    };
    let audit = actor.audit_entry(
        "ocop.sheet.submit",
        &round_id.to_string(),
        serde_json::json!({"points": rec.points}),
    );
    app.db
        .insert_ocop_sheet(&rec, audit)
        .await
        .map_err(|e| match e {
            ntm_store::StoreError::Conflict(_) => {
                AppError::Conflict("Bạn đã chấm phiếu cho vòng đánh giá này".into())
            }
            e => e.into(),
        })
}

/// The consolidated result of a round's sheets so far.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), round = %round_id))]
pub async fn round_result(
    app: &App,
    actor: &Actor,
    round_id: Uuid,
) -> Result<Consolidated, AppError> {
    let round = app
        .db
        .ocop_round(round_id)
        .await?
        .ok_or_else(|| AppError::NotFound("OCOP round".into()))?;
    let (product, unit) = product_unit(app, round.product_id).await?;
    require_on_unit(app, actor, Permission::ScoreOcop, &unit)
        .await
        .or(require_on_unit(app, actor, Permission::ManageOcop, &unit).await)?;
    let views = round_views(app, &product).await?;
    let v = views
        .into_iter()
        .find(|v| v.round.id == round_id)
        .ok_or_else(|| AppError::NotFound("OCOP round".into()))?;
    let sheets: Vec<ScoreSheet> = v.sheets.into_iter().map(|s| s.1).collect();
    consolidate(scheme(), &sheets).map_err(|e| AppError::invalid("sheets", e.to_string()))
}

/// Records the council's decision on a round: stars from the consolidated result; for a
/// certified rank the certificate number and issue day (valid for the rubric's months). A
/// later decision supersedes the product's current certificate (re-evaluation, downgrade).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), round = %round_id))]
pub async fn record_decision(
    app: &App,
    actor: &Actor,
    round_id: Uuid,
    certificate_no: Option<String>,
    issued_on: Option<Date>,
) -> Result<OcopDecisionRecord, AppError> {
    let round = app
        .db
        .ocop_round(round_id)
        .await?
        .ok_or_else(|| AppError::NotFound("OCOP round".into()))?;
    let (product, unit) = product_unit(app, round.product_id).await?;
    require_on_unit(app, actor, Permission::ManageOcop, &unit).await?;
    let views = round_views(app, &product).await?;
    let v = views
        .into_iter()
        .find(|v| v.round.id == round_id)
        .ok_or_else(|| AppError::NotFound("OCOP round".into()))?;
    let sheets: Vec<ScoreSheet> = v.sheets.into_iter().map(|s| s.1).collect();
    let result = consolidate(scheme(), &sheets)
        .map_err(|e| AppError::invalid("sheets", format!("Chưa thể tổng hợp kết quả: {e}")))?;
    let certificate_no = opt(certificate_no);
    let mut errors = Vec::new();
    if result.certified {
        if certificate_no.is_none() {
            errors.push(FieldError::new("certificate_no", "Nhập số giấy chứng nhận"));
        }
        if issued_on.is_none() {
            errors.push(FieldError::new("issued_on", "Nhập ngày cấp (dd/mm/yyyy)"));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let issued_on = issued_on.filter(|_| result.certified);
    let rec = OcopDecisionRecord {
        id: Uuid::now_v7(),
        product_id: product.id,
        round_id: Some(round_id),
        stars: i32::from(result.stars),
        average: Some(result.average),
        year: issued_on.unwrap_or(round.held_on).year(),
        certificate_no: certificate_no.filter(|_| result.certified),
        issued_on,
        valid_until: issued_on.map(|d| scheme().certificate_valid_until(d)),
        imported: false,
        source_url: None,
        source_note: None,
        status_text: None,
        superseded_on: None,
        superseded_by: None,
        created_at: now(),
        created_by: actor.audit_name(),
    };
    let audit = actor.audit_entry(
        "ocop.decision.record",
        &product.id.to_string(),
        serde_json::json!({"round": round_id, "stars": rec.stars, "average": result.average,
            "certificate": rec.certificate_no}),
    );
    app.db
        .record_ocop_decision(&rec, audit)
        .await
        .map_err(|e| match e {
            ntm_store::StoreError::Conflict(_) => {
                AppError::Conflict("Vòng đánh giá này đã có quyết định".into())
            }
            e => e.into(),
        })?;
    Ok(rec)
}
