//! OCOP pages of officers and producers: a unit's producers and products (register, add a
//! product, import a published list with a preview), a product's rounds and decisions
//! (open a round, score as a council member, record the decision), the producer's own page.

use askama::Template;
use axum::extract::{Form, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use ntm_app::ocop::{self, ImportPreview, ProductDetail, SheetInput, UnitOcop};
use serde::Deserialize;

use super::forms::{MineKept, ProducerForm, ProductForm, UnitKept};
use crate::ctx::Ctx;
use crate::error::{ErrorInfo, WebError, field_error_text};
use crate::request::parse_id;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::render;

pub(super) fn errors_text(ctx: &Ctx, e: &AppError) -> String {
    match e {
        AppError::Validation(fs) => fs
            .iter()
            .map(|f| field_error_text(ctx.lang, f))
            .collect::<Vec<_>>()
            .join("; "),
        AppError::NotFound(m) | AppError::Conflict(m) => m.clone(),
        other => other.to_string(),
    }
}

/// A refusal the user can act on is shown on the page; others become error pages.
pub(super) fn shown(e: AppError, ctx: &Ctx) -> Result<String, WebError> {
    match e {
        e @ (AppError::Validation(_) | AppError::Conflict(_)) => Ok(errors_text(ctx, &e)),
        e => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "ocop_unit.html")]
pub struct UnitView {
    pub ctx: Ctx,
    pub v: UnitOcop,
    pub kept: UnitKept,
    pub kinds: Vec<(&'static str, &'static str)>,
    pub groups: Vec<(u8, String)>,
}

pub(super) fn kinds() -> Vec<(&'static str, &'static str)> {
    ntm_domain::ocop::ProducerKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.name_vi()))
        .collect()
}

impl UnitView {
    /// The add-product form of producer `id`: as typed when it was just refused, else empty.
    pub fn product_form(&self, id: &uuid::Uuid) -> ProductForm {
        self.kept.product_form(id)
    }
}

/// The unit's page, with what a refused form held kept in `kept`.
pub(super) async fn unit_view(
    st: &AppState,
    ctx: Ctx,
    code: &str,
    kept: UnitKept,
    status: StatusCode,
) -> Result<Response, WebError> {
    let v = ocop::unit_overview(&st.app, &ctx.actor(), code).await?;
    let page = UnitView {
        v,
        kept,
        kinds: kinds(),
        groups: ocop::product_groups().to_vec(),
        ctx,
    };
    Ok(render(&page, status))
}

/// `GET /units/{code}/ocop`: the unit's producers and products.
pub async fn unit_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    unit_view(&st, ctx, &code, UnitKept::default(), StatusCode::OK).await
}

#[derive(Template)]
#[template(path = "ocop_import_preview.html")]
pub struct ImportView {
    pub ctx: Ctx,
    pub p: ImportPreview,
}

/// `POST /units/{code}/ocop/import` (multipart `file`, CSV or XLSX): the preview.
pub async fn import_upload(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    mut mp: Multipart,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(WebError(ErrorInfo::from_status(e.status(), &e.body_text()))),
        };
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| WebError(ErrorInfo::from_status(e.status(), &e.body_text())))?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let result = match file {
        Some((name, bytes)) if !name.is_empty() && !bytes.is_empty() => {
            ocop::import_preview(&st.app, &ctx.actor(), &code, bytes, &name).await
        }
        _ => Err(AppError::invalid("file", ctx.t("ocop-import-file"))),
    };
    match result {
        Ok(p) => Ok(render(&ImportView { p, ctx }, StatusCode::OK)),
        Err(e) => {
            let msg = shown(e, &ctx)?;
            unit_view(
                &st,
                ctx,
                &code,
                UnitKept::error(msg),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ApplyForm {
    #[serde(default)]
    pub upload: String,
}

/// `POST /units/{code}/ocop/import/apply`: all rows or none.
pub async fn import_apply(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<ApplyForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&f.upload, "upload")?;
    match ocop::import_apply(&st.app, &ctx.actor(), &code, id).await {
        Ok(_) => Ok(Redirect::to(&Urls::ocop_unit(&code)).into_response()),
        Err(e) => {
            let msg = shown(e, &ctx)?;
            unit_view(
                &st,
                ctx,
                &code,
                UnitKept::error(msg),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// A decision with its texts ready for the template.
pub struct DecRow {
    pub line: String,
    pub status: String,
    pub valid: bool,
    pub imported: bool,
    pub source_url: Option<String>,
}

/// A round with its texts ready for the template.
pub struct RoundRow {
    pub id: String,
    /// Dossier documents linked to the round `(title, download link)`.
    pub documents: Vec<(String, String)>,
    /// The producer's documents not linked yet `(id, title)`.
    pub attachable: Vec<(String, String)>,
    pub title: String,
    pub members: String,
    pub sheets: Vec<String>,
    pub result: Option<String>,
    pub decided: bool,
}

#[derive(Template)]
#[template(path = "ocop_manage.html")]
pub struct ManageView {
    pub ctx: Ctx,
    pub d: ProductDetail,
    pub error: Option<String>,
    /// The document upload form (what was typed, its error).
    pub doc: DocForm,
    pub doc_hint: String,
    /// The dossier's documents `(title, file type, date, download link)`.
    pub documents: Vec<DocRow>,
    pub levels: Vec<(&'static str, String)>,
    pub parts: Vec<(String, String, String)>,
    pub decisions: Vec<DecRow>,
    pub rounds: Vec<RoundRow>,
    /// The details form: where to buy (as typed after a refusal, else as stored), its error.
    pub details: DetailsForm,
    /// The photo's public address, when the product has one and is rated.
    pub photo_src: Option<String>,
    pub has_photo: bool,
    pub details_action: String,
    pub photo_hint: String,
}

/// The product details form as typed, with its refusal.
#[derive(Debug, Clone, Default)]
pub struct DetailsForm {
    /// `None`: show the stored text.
    pub where_to_buy: Option<String>,
    pub error: Option<String>,
}

fn num(x: f64) -> String {
    ntm_domain::text::format_number_vi(x, 2)
}

/// The document upload form as typed, with its refusal.
#[derive(Debug, Clone, Default)]
pub struct DocForm {
    pub title: String,
    pub error: Option<String>,
}

/// A dossier document with its texts ready for the template.
#[derive(Debug, Clone)]
pub struct DocRow {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub date: String,
    pub size: String,
    pub link: String,
}

pub(super) fn doc_rows(ctx: &Ctx, docs: &[ntm_app::ocop::OcopDocumentRecord]) -> Vec<DocRow> {
    docs.iter()
        .map(|doc| DocRow {
            id: doc.id.to_string(),
            title: doc.title.clone(),
            kind: match doc.media_type.as_str() {
                "application/pdf" => "PDF".into(),
                "image/jpeg" => "JPEG".into(),
                "image/png" => "PNG".into(),
                other => other.to_string(),
            },
            date: ctx.date(doc.created_at.date()),
            size: match doc.size {
                n if n < 1024 => format!("{n} B"),
                n if n < 1024 * 1024 => format!(
                    "{} KB",
                    ntm_domain::text::format_number_vi(n as f64 / 1024.0, 0)
                ),
                n => format!(
                    "{} MB",
                    ntm_domain::text::format_number_vi(n as f64 / 1024.0 / 1024.0, 1)
                ),
            },
            link: Urls::ocop_document(&doc.id.to_string()),
        })
        .collect()
}

pub(super) fn doc_hint(ctx: &Ctx) -> String {
    ctx.t1(
        "ocop-doc-hint",
        &(ntm_app::dossiers::MAX_DOCUMENT_BYTES / 1024 / 1024).to_string(),
    )
}

pub(super) async fn manage_view(
    st: &AppState,
    ctx: Ctx,
    id: uuid::Uuid,
    error: Option<String>,
    doc: DocForm,
    status: StatusCode,
) -> Result<Response, WebError> {
    manage_view_with(st, ctx, id, error, doc, DetailsForm::default(), status).await
}

pub(super) async fn manage_view_with(
    st: &AppState,
    ctx: Ctx,
    id: uuid::Uuid,
    error: Option<String>,
    doc: DocForm,
    details: DetailsForm,
    status: StatusCode,
) -> Result<Response, WebError> {
    let d = ocop::product_detail(&st.app, &ctx.actor(), id).await?;
    let details = DetailsForm {
        where_to_buy: Some(
            details
                .where_to_buy
                .unwrap_or_else(|| d.product.where_to_buy.clone().unwrap_or_default()),
        ),
        error: details.error,
    };
    let product_id = d.product.id.to_string();
    let has_photo = d.product.photo_path.is_some();
    let photo_src =
        (has_photo && d.product.stars.is_some()).then(|| Urls::ocop_product_photo(&product_id));
    let details_action = Urls::ocop_product_details(&product_id);
    let photo_hint = ctx.t1(
        "ocop-photo-hint",
        &(ocop::MAX_PHOTO_BYTES / 1024 / 1024).to_string(),
    );
    let documents = doc_rows(&ctx, &d.documents);
    let parts = ocop::scheme()
        .parts
        .iter()
        .map(|p| {
            (
                p.code.clone(),
                p.name_vi.clone(),
                ntm_domain::text::format_number_vi(p.max_points, 0),
            )
        })
        .collect();
    let decisions = d
        .decisions
        .iter()
        .map(|x| {
            let dd = &x.decision;
            let mut line = format!("{} ★ · {}", dd.stars, dd.year);
            if let Some(n) = &dd.certificate_no {
                line.push_str(&format!(" · {} {n}", ctx.t("ocop-certificate-no")));
            }
            if let Some(v) = dd.valid_until {
                line.push_str(&format!(" · {} {}", ctx.t("ocop-valid-until"), ctx.date(v)));
            }
            if let Some(a) = dd.average {
                line.push_str(&format!(" · {} {}", ctx.t("ocop-average"), num(a)));
            }
            DecRow {
                line,
                status: ctx.t(super::status_key(x.status)),
                valid: x.status.is_valid(),
                imported: dd.imported,
                source_url: dd.source_url.clone(),
            }
        })
        .collect();
    let rounds = d
        .rounds
        .iter()
        .map(|r| RoundRow {
            id: r.round.id.to_string(),
            documents: d
                .documents
                .iter()
                .filter(|x| r.documents.contains(&x.id))
                .map(|x| (x.title.clone(), Urls::ocop_document(&x.id.to_string())))
                .collect(),
            attachable: d
                .documents
                .iter()
                .filter(|x| !r.documents.contains(&x.id))
                .map(|x| (x.id.to_string(), x.title.clone()))
                .collect(),
            title: format!(
                "{} · {}",
                ctx.t(&format!("ocop-level-{}", r.round.level)),
                ctx.date(r.round.held_on)
            ),
            members: r
                .members
                .iter()
                .map(|m| m.1.clone())
                .collect::<Vec<_>>()
                .join(", "),
            sheets: r
                .sheets
                .iter()
                .map(|(n, s)| {
                    let parts: Vec<String> = s
                        .parts
                        .iter()
                        .map(|(c, x)| format!("{c} {}", num(*x)))
                        .collect();
                    format!("{n}: {}", parts.join(" · "))
                })
                .collect(),
            result: r.result.as_ref().map(|res| {
                let cert = if res.certified {
                    ctx.t("ocop-certified")
                } else {
                    ctx.t("ocop-not-certified")
                };
                format!(
                    "{}: {} → {} ★ ({cert})",
                    ctx.t("ocop-average"),
                    num(res.average),
                    res.stars
                )
            }),
            decided: r.decided,
        })
        .collect();
    let levels = ntm_domain::ocop::EvalLevel::ALL
        .iter()
        .map(|l| (l.as_str(), ctx.t(&format!("ocop-level-{}", l.as_str()))))
        .collect();
    let page = ManageView {
        d,
        error,
        doc,
        doc_hint: doc_hint(&ctx),
        documents,
        levels,
        parts,
        decisions,
        rounds,
        details,
        photo_src,
        has_photo,
        details_action,
        photo_hint,
        ctx,
    };
    Ok(render(&page, status))
}

/// `GET /ocop/manage/{id}`: a product with its documents, rounds and decisions.
pub async fn manage_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "product")?;
    manage_view(&st, ctx, id, None, DocForm::default(), StatusCode::OK).await
}

#[derive(Debug, Default, Deserialize)]
pub struct RoundForm {
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    pub members: String,
}

/// `POST /ocop/manage/{id}/rounds`: opens an evaluation round.
pub async fn open_round(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<RoundForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "product")?;
    let members: Vec<String> = f
        .members
        .split([',', ' ', '\n'])
        .map(str::to_string)
        .collect();
    let held_on = ntm_domain::text::parse_date(&f.held_on);
    match ocop::open_round(&st.app, &ctx.actor(), id, &f.level, held_on, &members).await {
        Ok(_) => Ok(Redirect::to(&Urls::ocop_manage(&id.to_string())).into_response()),
        Err(e) => {
            let msg = shown(e, &ctx)?;
            manage_view(
                &st,
                ctx,
                id,
                Some(msg),
                DocForm::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct SheetForm {
    #[serde(default)]
    pub part_a: String,
    #[serde(default)]
    pub part_b: String,
    #[serde(default)]
    pub part_c: String,
    #[serde(default)]
    pub product: String,
}

/// `POST /ocop/rounds/{id}/sheets`: a council member's sheet.
pub async fn submit_sheet(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<SheetForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let round = parse_id(&id, "round")?;
    let input = SheetInput {
        parts: vec![
            ("A".into(), f.part_a),
            ("B".into(), f.part_b),
            ("C".into(), f.part_c),
        ],
    };
    let back = parse_id(&f.product, "product")?;
    match ocop::submit_sheet(&st.app, &ctx.actor(), round, input).await {
        Ok(()) => Ok(Redirect::to(&Urls::ocop_manage(&back.to_string())).into_response()),
        Err(e) => {
            let msg = shown(e, &ctx)?;
            manage_view(
                &st,
                ctx,
                back,
                Some(msg),
                DocForm::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    pub certificate_no: String,
    #[serde(default)]
    pub issued_on: String,
    #[serde(default)]
    pub product: String,
}

/// `POST /ocop/rounds/{id}/decision`: records the council's decision.
pub async fn decide(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let round = parse_id(&id, "round")?;
    let back = parse_id(&f.product, "product")?;
    let issued = ntm_domain::text::parse_date(&f.issued_on);
    match ocop::record_decision(&st.app, &ctx.actor(), round, Some(f.certificate_no), issued).await
    {
        Ok(_) => Ok(Redirect::to(&Urls::ocop_manage(&back.to_string())).into_response()),
        Err(e) => {
            let msg = shown(e, &ctx)?;
            manage_view(
                &st,
                ctx,
                back,
                Some(msg),
                DocForm::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// A producer record of the account with its texts ready for the template.
pub struct MineRow {
    pub p: ntm_app::ocop::MyProducer,
    pub documents: Vec<DocRow>,
    /// The upload form of this producer as typed, when it was refused.
    pub doc: DocForm,
    /// The add-product form of this producer as typed, when it was refused.
    pub product: ProductForm,
}

#[derive(Template)]
#[template(path = "ocop_mine.html")]
pub struct MineView {
    pub ctx: Ctx,
    pub mine: Vec<MineRow>,
    pub kinds: Vec<(&'static str, &'static str)>,
    pub groups: Vec<(u8, String)>,
    pub scope: Option<String>,
    pub doc_hint: String,
    /// The own-registration form as typed, when it was refused.
    pub register: ProducerForm,
}

/// The producer's own page, with a refused upload's form kept for producer `doc.0`.
pub(super) async fn mine_view(
    st: &AppState,
    ctx: Ctx,
    kept: MineKept,
    status: StatusCode,
) -> Result<Response, WebError> {
    let user = ctx.require_user()?;
    let scope = user.grants.iter().find_map(|g| g.scope_code.clone());
    let mine = ocop::my_producers(&st.app, &ctx.actor())
        .await?
        .into_iter()
        .map(|p| MineRow {
            documents: doc_rows(&ctx, &p.documents),
            doc: kept
                .doc
                .as_ref()
                .filter(|(id, _)| *id == p.producer.id)
                .map(|(_, f)| f.clone())
                .unwrap_or_default(),
            product: kept.product_form(&p.producer.id),
            p,
        })
        .collect();
    let page = MineView {
        mine,
        kinds: kinds(),
        groups: ocop::product_groups().to_vec(),
        scope,
        doc_hint: doc_hint(&ctx),
        register: kept.register,
        ctx,
    };
    Ok(render(&page, status))
}

/// `GET /ocop/mine`: the producer's own records.
pub async fn mine(State(st): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    mine_view(&st, ctx, MineKept::default(), StatusCode::OK).await
}
