//! `GET /trace/lots/{id}`: a lot — its trace address and QR code, the print button, its
//! history in words with the chain check, and the simple event form (`POST
//! /trace/lots/{id}/events`: what was done, when, where, how much; captured as an EPCIS
//! 2.0 ObjectEvent). `…/qr.svg`, `…/qr.png` and `…/labels.pdf` (a sheet of labels).

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::page::Submitted;
use ntm_app::trace::{EventForm, LotPage};
use ntm_app::{AppError, FieldError};
use ntm_domain::trace::simple::{DISPOSITIONS, FORM_STEPS, FORM_UOMS};
use serde::Deserialize;

use super::lots::Choice;
use super::{
    HistoryLine, disposition_label, field_error, history_lines, refusal_messages, step_label,
};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::pages::survey::base_url;
use crate::request::parse_id;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::render;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct EventFields {
    #[serde(default)]
    pub biz_step: String,
    #[serde(default)]
    pub disposition: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub time: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub quantity: String,
    #[serde(default)]
    pub uom: String,
}

#[derive(Template)]
#[template(path = "trace_lot.html")]
pub struct LotTemplate {
    pub ctx: Ctx,
    pub css: String,
    pub title: String,
    pub lot: String,
    pub product: String,
    pub producer: String,
    pub uri: String,
    pub public_href: String,
    pub qr_svg: String,
    pub qr_png: String,
    pub labels: String,
    pub action: String,
    pub history: Vec<HistoryLine>,
    pub chain_ok: bool,
    pub chain_text: String,
    pub steps: Vec<Choice>,
    pub dispositions: Vec<Choice>,
    pub uoms: Vec<Choice>,
    pub form: EventFields,
    pub flash: Option<String>,
    pub error: Option<String>,
    pub errors: Vec<String>,
    pub step_error: Option<String>,
    pub disposition_error: Option<String>,
    pub date_error: Option<String>,
    pub time_error: Option<String>,
    pub place_error: Option<String>,
    pub quantity_error: Option<String>,
    pub uom_error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Flash {
    #[serde(default)]
    pub flash: Option<String>,
}

fn page(
    ctx: Ctx,
    base: &str,
    p: LotPage,
    form: EventFields,
    errors: &[FieldError],
    error: Option<String>,
) -> LotTemplate {
    let lang = ctx.lang;
    let id = p.lot.id;
    let uri = format!("{base}{}", p.path);
    let chain_text = match p.chain.broken_at {
        None => ctx.lang.t_args(
            "trace-chain-ok",
            &[("count", ctx.int(p.chain.events as i64).into())],
        ),
        Some(n) => ctx
            .lang
            .t_args("trace-chain-broken", &[("n", ctx.int(n).into())]),
    };
    let pick = |list: &[&str], chosen: &str, label: &dyn Fn(&str) -> String| -> Vec<Choice> {
        list.iter()
            .map(|v| Choice {
                value: (*v).to_owned(),
                label: label(v),
                selected: *v == chosen,
            })
            .collect()
    };
    let mut form = form;
    if form.uom.is_empty() {
        form.uom = "KGM".into();
    }
    LotTemplate {
        css: ctx.asset("trace.css"),
        title: ctx.t1("trace-lot-title", &p.lot.lot),
        lot: p.lot.lot.clone(),
        product: match &p.lot.product_name {
            Some(n) => format!("{n} ({})", p.lot.product),
            None => p.lot.product.clone(),
        },
        producer: p.lot.producer_name.clone().unwrap_or_default(),
        public_href: p.path.clone(),
        uri,
        qr_svg: Urls::trace_lot_file(id, "qr.svg"),
        qr_png: Urls::trace_lot_file(id, "qr.png"),
        labels: Urls::trace_lot_file(id, "labels.pdf"),
        action: Urls::trace_lot_file(id, "events"),
        history: history_lines(lang, &p.history),
        chain_ok: p.chain.broken_at.is_none(),
        chain_text,
        steps: pick(FORM_STEPS, &form.biz_step, &|v| step_label(lang, v)),
        dispositions: pick(DISPOSITIONS, &form.disposition, &|v| {
            disposition_label(lang, v)
        }),
        uoms: pick(FORM_UOMS, &form.uom, &|v| lang.t(&format!("trace-uom-{v}"))),
        flash: None,
        errors: errors.iter().map(|e| e.message.clone()).collect(),
        step_error: field_error(errors, "biz_step"),
        disposition_error: field_error(errors, "disposition"),
        date_error: field_error(errors, "date"),
        time_error: field_error(errors, "time"),
        place_error: field_error(errors, "place"),
        quantity_error: field_error(errors, "quantity"),
        uom_error: field_error(errors, "uom"),
        error,
        form,
        ctx,
    }
}

pub async fn lot_page(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<Flash>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "lot")?;
    let p = ntm_app::trace::lot_page(&st.app, &ctx.actor(), id).await?;
    let base = base_url(&st.cfg, &headers);
    let today = crate::view::format::vn(ntm_app::now());
    let form = EventFields {
        date: today.date().to_string(),
        time: format!("{:02}:{:02}", today.hour(), today.minute()),
        ..Default::default()
    };
    let mut t = page(ctx, &base, p, form, &[], None);
    t.flash = match q.flash.as_deref() {
        Some("lot") => Some(t.ctx.t("trace-lot-saved")),
        Some("event") => Some(t.ctx.t("trace-event-saved")),
        Some("duplicate") => Some(t.ctx.t("trace-event-duplicate")),
        _ => None,
    };
    Ok(render(&t, StatusCode::OK))
}

pub async fn record_event(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<EventFields>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "lot")?;
    let base = base_url(&st.cfg, &headers);
    let input = EventForm {
        biz_step: f.biz_step.clone(),
        disposition: f.disposition.clone(),
        date: f.date.clone(),
        time: f.time.clone(),
        place: f.place.clone(),
        quantity: f.quantity.clone(),
        uom: f.uom.clone(),
    };
    match ntm_app::trace::record_event_on_page(&st.app, &ctx.actor(), id, &base, &input).await? {
        Submitted::Done(r) => {
            let flash = if r.stored > 0 { "event" } else { "duplicate" };
            Ok(Redirect::to(&Urls::trace_lot_saved(id, flash)).into_response())
        }
        Submitted::Again { refusal, page: p } => {
            let (errors, error) = refusal.as_ref().map(refusal_messages).unwrap_or_default();
            let status = match refusal {
                Some(AppError::Conflict(_)) => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            Ok(render(&page(ctx, &base, p, f, &errors, error), status))
        }
    }
}

async fn link(st: &AppState, ctx: &Ctx, headers: &HeaderMap, id: &str) -> Result<String, WebError> {
    ctx.require_user()?;
    let id = parse_id(id, "lot")?;
    let base = base_url(&st.cfg, headers);
    Ok(ntm_app::trace::lot_link(&st.app, &ctx.actor(), id, &base).await?)
}

/// The lot's QR code (its Digital Link URI) as SVG.
pub async fn qr_svg(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let uri = link(&st, &ctx, &headers, &id).await?;
    let svg = ntm_reports::qr::svg(&uri, 320).map_err(|e| WebError::internal(e.to_string()))?;
    let mut res = svg.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    Ok(res)
}

/// The lot's QR code as PNG.
pub async fn qr_png(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let uri = link(&st, &ctx, &headers, &id).await?;
    let png = ntm_reports::qr::png(&uri, 8).map_err(|e| WebError::internal(e.to_string()))?;
    let mut res = png.into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    Ok(res)
}

/// A sheet of labels (A4, 3 × 8): product name, lot, QR code.
pub async fn labels_pdf(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "lot")?;
    let base = base_url(&st.cfg, &headers);
    let sheet = ntm_app::trace::label_sheet(&st.app, &ctx.actor(), id, &base).await?;
    let svg =
        ntm_reports::qr::svg(&sheet.uri, 320).map_err(|e| WebError::internal(e.to_string()))?;
    let json = serde_json::json!({
        "product": sheet.product_name,
        "producer": sheet.producer_name,
        "lot": sheet.lot,
        "lot_label": format!("Số lô / Lot: {}", sheet.lot),
        "uri": sheet.uri,
        "qr": svg,
        "count": sheet.count,
    });
    let file_name: String = format!("tem-lo-{}.pdf", sheet.lot)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let bytes = tokio::task::spawn_blocking(move || {
        ntm_pdf::render(ntm_pdf::templates::TRACE_LABELS, &json)
    })
    .await
    .map_err(|e| WebError::internal(e.to_string()))?
    .map_err(|e| WebError::internal(e.to_string()))?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{file_name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(res)
}
