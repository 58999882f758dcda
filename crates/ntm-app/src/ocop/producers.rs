//! Producers and their products; a unit's OCOP overview; a product's page for officers.

use ntm_domain::authz::Permission;
use ntm_domain::ocop::{Certificate, CertificateStatus, ImportedValidity, ProducerKind};
use ntm_domain::units::Unit;
use ntm_store::{OcopDocumentRecord, OcopProducerRecord, OcopProductRecord};
use uuid::Uuid;

use super::rating::{DecisionView, RoundView, round_views};
use super::{opt, require_producer, require_view_producer, scheme};
use crate::access::require_on_unit;
use crate::{Actor, App, AppError, FieldError, now, today};

#[derive(Debug, Clone, Default)]
pub struct NewProducer {
    pub unit_code: String,
    /// `cooperative`, `enterprise`, `household_business`, `cooperative_group`.
    pub kind: String,
    pub name: String,
    pub address: Option<String>,
    pub legal_id: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Username of the producer account that will manage the record (officers only).
    pub owner_username: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct NewProduct {
    pub name: String,
    /// Text from a form: a group code of the rubric (1–6), empty when unknown.
    pub group: String,
    pub product_set: Option<String>,
    pub where_to_buy: Option<String>,
}

/// A unit's producers and products.
#[derive(Debug, Clone)]
pub struct UnitOcop {
    pub unit: Unit,
    pub producers: Vec<OcopProducerRecord>,
    pub products: Vec<OcopProductRecord>,
    pub may_manage: bool,
}

/// A product as officers and its producer see it.
#[derive(Debug, Clone)]
pub struct ProductDetail {
    pub product: OcopProductRecord,
    pub producer: OcopProducerRecord,
    pub documents: Vec<OcopDocumentRecord>,
    pub rounds: Vec<RoundView>,
    pub decisions: Vec<DecisionView>,
    pub may_manage: bool,
}

/// Status of a stored decision on `today` (an imported year-only rating is never valid).
pub(crate) fn decision_status(
    d: &ntm_store::OcopDecisionRecord,
    day: time::Date,
) -> CertificateStatus {
    match (d.issued_on, d.valid_until) {
        (Some(issued), Some(valid_until)) => Certificate {
            issued,
            valid_until,
            superseded_on: d.superseded_on,
        }
        .status_on(day),
        _ if d.superseded_on.is_some_and(|s| s <= day) => CertificateStatus::Superseded,
        _ if d.imported
            && ImportedValidity::on(d.year, scheme().certificate_months, day)
                == ImportedValidity::Unknown =>
        {
            CertificateStatus::Unknown
        }
        _ => CertificateStatus::Expired,
    }
}

fn check_group(s: &str) -> Result<Option<i32>, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<u8>() {
        Ok(g) if scheme().product_groups.iter().any(|(c, _)| *c == g) => Ok(Some(i32::from(g))),
        _ => Err(FieldError::new(
            "group",
            format!("“{s}” không phải nhóm sản phẩm OCOP (1–6)"),
        )),
    }
}

#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %input.unit_code))]
pub async fn register_producer(
    app: &App,
    actor: &Actor,
    input: NewProducer,
) -> Result<OcopProducerRecord, AppError> {
    let unit = crate::units::latest_record(app, &input.unit_code).await?;
    let officer = require_on_unit(app, actor, Permission::ManageOcop, &unit).await;
    let owner = match (&officer, actor) {
        (Ok(()), _) => match opt(input.owner_username.clone()) {
            Some(u) => Some(
                app.db
                    .user_by_username(&u)
                    .await?
                    .ok_or_else(|| AppError::invalid("owner", format!("không có tài khoản “{u}”")))?
                    .id,
            ),
            None => None,
        },
        // A producer account registers itself as the owner.
        (Err(_), Actor::User { id, .. }) => {
            require_on_unit(app, actor, Permission::ManageOwnOcop, &unit).await?;
            Some(*id)
        }
        (Err(_), _) => return Err(officer.err().unwrap_or(AppError::Forbidden("ocop".into()))),
    };
    let mut errors = Vec::new();
    let name = input.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 300 {
        errors.push(FieldError::new(
            "name",
            "Nhập tên chủ thể (tối đa 300 ký tự)",
        ));
    }
    let kind = ProducerKind::parse(&input.kind);
    if kind.is_none() {
        errors.push(FieldError::new("kind", "Chọn loại chủ thể"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let rec = OcopProducerRecord {
        id: Uuid::now_v7(),
        unit_code: unit.code.clone(),
        unit_path: unit.path.clone(),
        province_code: unit.province_code.clone(),
        kind: kind.map(|k| k.as_str().to_string()),
        name,
        address: opt(input.address),
        legal_id: opt(input.legal_id),
        phone: opt(input.phone),
        email: opt(input.email),
        owner_user_id: owner,
        sample: false,
        created_at: now(),
        created_by: actor.audit_name(),
    };
    let audit = actor.audit_entry(
        "ocop.producer.register",
        &rec.id.to_string(),
        serde_json::json!({"unit": unit.code, "name": rec.name}),
    );
    Ok(app.db.insert_ocop_producer(&rec, audit).await?)
}

#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), producer = %producer_id))]
pub async fn add_product(
    app: &App,
    actor: &Actor,
    producer_id: Uuid,
    input: NewProduct,
) -> Result<OcopProductRecord, AppError> {
    let producer = app
        .db
        .ocop_producer(producer_id)
        .await?
        .ok_or_else(|| AppError::NotFound("OCOP producer".into()))?;
    require_producer(app, actor, &producer).await?;
    let mut errors = Vec::new();
    let name = input.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 300 {
        errors.push(FieldError::new(
            "name",
            "Nhập tên sản phẩm (tối đa 300 ký tự)",
        ));
    }
    let group = check_group(&input.group)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let rec = OcopProductRecord {
        id: Uuid::now_v7(),
        producer_id,
        province_code: producer.province_code.clone(),
        unit_path: producer.unit_path.clone(),
        search_key: ntm_domain::text::search_key(&name),
        name,
        product_group: group,
        product_set: opt(input.product_set),
        where_to_buy: opt(input.where_to_buy),
        photo_path: None,
        photo_type: None,
        stars: None,
        created_at: now(),
        created_by: actor.audit_name(),
    };
    let audit = actor.audit_entry(
        "ocop.product.add",
        &rec.id.to_string(),
        serde_json::json!({"producer": producer_id, "name": rec.name}),
    );
    Ok(app.db.insert_ocop_product(&rec, audit).await?)
}

/// The producers and products of a unit's subtree (officers who see the unit).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code))]
pub async fn unit_overview(app: &App, actor: &Actor, code: &str) -> Result<UnitOcop, AppError> {
    let unit = crate::units::latest_record(app, code).await?;
    require_on_unit(app, actor, Permission::ViewUnits, &unit).await?;
    let may_manage = require_on_unit(app, actor, Permission::ManageOcop, &unit)
        .await
        .is_ok();
    if !may_manage
        && !actor
            .grants()
            .iter()
            .any(|g| g.role.allows(Permission::ScoreOcop))
        && !matches!(actor, Actor::Cli { .. })
    {
        return Err(AppError::Forbidden("OCOP records of the unit".into()));
    }
    let producers = app.db.ocop_producers_under(&unit.path).await?;
    let products = app.db.ocop_products_under(&unit.path).await?;
    Ok(UnitOcop {
        unit,
        producers,
        products,
        may_manage,
    })
}

/// A producer record the actor's account owns, with its products and dossier documents.
#[derive(Debug, Clone)]
pub struct MyProducer {
    pub producer: OcopProducerRecord,
    pub products: Vec<OcopProductRecord>,
    pub documents: Vec<OcopDocumentRecord>,
}

/// The producer records the actor's account owns, with their products and documents.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn my_producers(app: &App, actor: &Actor) -> Result<Vec<MyProducer>, AppError> {
    let Actor::User { id, .. } = actor else {
        return Err(AppError::Unauthorized("login required".into()));
    };
    let mut out = Vec::new();
    for producer in app.db.ocop_producers_owned(*id).await? {
        let products = app.db.ocop_products_of(producer.id).await?;
        let documents = app.db.ocop_documents_of(producer.id).await?;
        out.push(MyProducer {
            producer,
            products,
            documents,
        });
    }
    Ok(out)
}

#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), product = %id))]
pub async fn product_detail(app: &App, actor: &Actor, id: Uuid) -> Result<ProductDetail, AppError> {
    let product = app
        .db
        .ocop_product(id)
        .await?
        .ok_or_else(|| AppError::NotFound("OCOP product".into()))?;
    let producer = app
        .db
        .ocop_producer(product.producer_id)
        .await?
        .ok_or_else(|| AppError::NotFound("OCOP producer".into()))?;
    require_view_producer(app, actor, &producer).await?;
    let may_manage = require_producer(app, actor, &producer).await.is_ok();
    let documents = app.db.ocop_documents_of(producer.id).await?;
    let rounds = round_views(app, &product).await?;
    let day = today();
    let decisions = app
        .db
        .ocop_decisions_of(id)
        .await?
        .into_iter()
        .map(|d| DecisionView {
            status: decision_status(&d, day),
            decision: d,
        })
        .collect();
    Ok(ProductDetail {
        product,
        producer,
        documents,
        rounds,
        decisions,
        may_manage,
    })
}
