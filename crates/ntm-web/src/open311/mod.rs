//! Open311 GeoReport v2 at `/open311/v2/` (`docs/feedback.md`): services (categories of a
//! province, `jurisdiction_id` = the province code), service definitions, requests (GET with
//! filters, POST), one request. JSON and XML as the spec shows them. Statuses: `open`/`closed`
//! with our state in `status_notes` (words) and the extension field `ntm_status`.
//!
//! Every route is public: filing goes through `ntm_app::feedback::file_report` (its limits per
//! address and contact apply; the HTML form's check question is not asked), reading shows
//! what the public tracking page shows (never the contact).

mod format;

use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use ntm_app::feedback::{self, NewReport, Open311Query, PublicReport};
use ntm_app::{Actor, AppError};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::ctx::Ctx;
use crate::error::{ErrorInfo, ErrorKind};
use crate::state::AppState;
use format::{Fmt, Node, error_response, respond};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/open311/v2/{file}", get(list_get).post(requests_post))
        .route("/open311/v2/services/{file}", get(service_definition))
        .route("/open311/v2/requests/{file}", get(request_get))
}

/// `services.json` → ("services", Json).
fn split(file: &str) -> Option<(&str, Fmt)> {
    if let Some(s) = file.strip_suffix(".json") {
        Some((s, Fmt::Json))
    } else {
        file.strip_suffix(".xml").map(|s| (s, Fmt::Xml))
    }
}

fn get_p<'a>(p: &'a [(String, String)], k: &str) -> Option<&'a str> {
    p.iter()
        .find(|(n, _)| n == k)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.trim().is_empty())
}

fn not_found(f: Fmt, what: &str) -> Response {
    error_response(f, StatusCode::NOT_FOUND, what)
}

/// Every error under `/open311/` leaves as the spec's error list in the path's format
/// (called by the context middleware for any status ≥ 400): answers the handlers made
/// already pass; an error from the layers around them (body too large, wrong content type,
/// method not allowed, unknown path, NUL character, …) is rewritten with its status and an
/// English description. Internal errors name the request id only.
pub async fn finish_error(
    res: Response,
    info: Option<ErrorInfo>,
    path: &str,
    request_id: &str,
) -> Response {
    let f = format::fmt_for_path(path);
    let ours = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/xml") || ct.starts_with("application/json"));
    if ours && info.is_none() {
        return res;
    }
    let status = res.status();
    let info = match info {
        Some(i) => i,
        None => {
            let body = axum::body::to_bytes(res.into_body(), 64 * 1024)
                .await
                .unwrap_or_default();
            ErrorInfo::from_status(status, &String::from_utf8_lossy(&body))
        }
    };
    let status = info.kind.status();
    let description = match info.kind {
        ErrorKind::Internal | ErrorKind::Unavailable => format!(
            "{}; quote request id {request_id} to support",
            status
                .canonical_reason()
                .unwrap_or("internal error")
                .to_lowercase()
        ),
        _ => info
            .detail
            .clone()
            .filter(|d| !d.trim().is_empty())
            .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_lowercase()),
    };
    let mut out = error_response(f, status, &description);
    if let Some(secs) = info.retry_after_secs {
        out.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    out
}

fn app_error(f: Fmt, e: AppError) -> Response {
    match e {
        AppError::NotFound(m) => not_found(f, &format!("not found: {m}")),
        AppError::Validation(errs) => {
            let msg = errs
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; ");
            error_response(f, StatusCode::BAD_REQUEST, &msg)
        }
        AppError::TooManyRequests { retry_after_secs } => {
            let mut r = error_response(
                f,
                StatusCode::TOO_MANY_REQUESTS,
                &format!("too many requests; retry after {retry_after_secs} s"),
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            r
        }
        AppError::Conflict(m) => error_response(f, StatusCode::CONFLICT, &m),
        AppError::Forbidden(m) => error_response(f, StatusCode::FORBIDDEN, &m),
        AppError::Unauthorized(m) => error_response(f, StatusCode::UNAUTHORIZED, &m),
        AppError::SessionExpired => {
            error_response(f, StatusCode::UNAUTHORIZED, "the session expired")
        }
        other => {
            tracing::error!(error = %other, "open311: internal error");
            error_response(
                f,
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal error; quote the x-request-id header to support",
            )
        }
    }
}

async fn jurisdiction(st: &AppState, f: Fmt, p: &[(String, String)]) -> Result<String, Response> {
    let Some(j) = get_p(p, "jurisdiction_id") else {
        return Err(error_response(
            f,
            StatusCode::BAD_REQUEST,
            "jurisdiction_id was not provided: this endpoint serves every province (the province code, e.g. 86)",
        ));
    };
    match feedback::form_choices(&st.app, j).await {
        Ok(c) if !c.categories.is_empty() => Ok(c.province.code),
        _ => Err(not_found(f, &format!("jurisdiction_id {j} was not found"))),
    }
}

fn dt(t: OffsetDateTime) -> String {
    t.to_offset(ntm_domain::dossier::campaign::VN_OFFSET)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// `GET /open311/v2/discovery.{fmt}` (Service Discovery).
fn discovery(f: Fmt) -> Response {
    let base = "/open311/v2/";
    respond(
        f,
        Node::obj(vec![
            ("changeset", Node::s("2026-12-06T00:00:00+07:00")),
            ("contact", Node::s("NTM Số — see /feedback")),
            (
                "key_service",
                Node::s("API keys are not required; filing is limited per address and contact"),
            ),
            (
                "endpoints",
                Node::list(
                    "endpoint",
                    vec![Node::obj(vec![
                        (
                            "specification",
                            Node::s("http://wiki.open311.org/GeoReport_v2"),
                        ),
                        ("url", Node::s(base)),
                        ("changeset", Node::s("2026-12-06T00:00:00+07:00")),
                        ("type", Node::s("production")),
                        (
                            "formats",
                            Node::list(
                                "format",
                                vec![Node::s("application/json"), Node::s("text/xml")],
                            ),
                        ),
                    ])],
                ),
            ),
        ])
        .root("discovery"),
    )
}

/// `GET services.{fmt}` and `GET requests.{fmt}`.
async fn list_get(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(file): Path<String>,
    Query(p): Query<Vec<(String, String)>>,
) -> Response {
    let Some((name, f)) = split(&file) else {
        return not_found(Fmt::Json, "unknown resource");
    };
    match name {
        "services" => services(&st, f, &p).await,
        "requests" => requests_list(&st, &ctx, f, &p).await,
        "discovery" => discovery(f),
        _ => not_found(f, "unknown resource"),
    }
}

async fn services(st: &AppState, f: Fmt, p: &[(String, String)]) -> Response {
    let j = match jurisdiction(st, f, p).await {
        Ok(j) => j,
        Err(r) => return r,
    };
    let cats = match feedback::categories(&st.app, &j).await {
        Ok(c) => c,
        Err(e) => return app_error(f, e),
    };
    let items = cats
        .into_iter()
        .map(|c| {
            Node::obj(vec![
                ("service_code", Node::s(&c.code)),
                ("service_name", Node::s(&c.name_vi)),
                (
                    "description",
                    Node::s(&format!("{} — {}", c.name_en, c.description)),
                ),
                ("metadata", Node::Bool(true)),
                ("type", Node::s("realtime")),
                ("keywords", Node::s(&c.code.replace('-', ","))),
                ("group", Node::s("phan-anh-kien-nghi")),
                (
                    "ntm_deadline_working_days",
                    Node::Int(i64::from(c.deadline_days)),
                ),
            ])
        })
        .collect();
    respond(f, Node::list("service", items).root("services"))
}

/// `GET services/{code}.{fmt}`: the definition: where it happened (a commune of the
/// province) and whether to keep a photo's location.
async fn service_definition(
    State(st): State<AppState>,
    Path(file): Path<String>,
    Query(p): Query<Vec<(String, String)>>,
) -> Response {
    let Some((code, f)) = split(&file) else {
        return not_found(Fmt::Json, "unknown resource");
    };
    let j = match jurisdiction(&st, f, &p).await {
        Ok(j) => j,
        Err(r) => return r,
    };
    let choices = match feedback::form_choices(&st.app, &j).await {
        Ok(c) => c,
        Err(e) => return app_error(f, e),
    };
    if !choices.categories.iter().any(|c| c.code == code) {
        return not_found(f, &format!("service_code {code} was not found"));
    }
    let communes = choices
        .communes
        .iter()
        .map(|(k, n)| Node::obj(vec![("key", Node::s(k)), ("name", Node::s(n))]))
        .collect();
    let attrs = vec![
        Node::obj(vec![
            ("variable", Node::Bool(true)),
            ("code", Node::s("unit_code")),
            ("datatype", Node::s("singlevaluelist")),
            ("required", Node::Bool(false)),
            (
                "datatype_description",
                Node::s("Xã, phường nơi xảy ra sự việc (bắt buộc khi không gửi lat/long)"),
            ),
            ("order", Node::Int(1)),
            ("description", Node::s("Xã, phường — commune or ward")),
            ("values", Node::list("value", communes)),
        ]),
        Node::obj(vec![
            ("variable", Node::Bool(true)),
            ("code", Node::s("client_token")),
            ("datatype", Node::s("string")),
            ("required", Node::Bool(false)),
            (
                "datatype_description",
                Node::s("Một mã ngẫu nhiên của lần gửi: gửi lại cùng mã trả về cùng phản ánh"),
            ),
            ("order", Node::Int(2)),
            (
                "description",
                Node::s("Idempotency token — a repeated POST returns the same request"),
            ),
        ]),
    ];
    respond(
        f,
        Node::obj(vec![
            ("service_code", Node::s(code)),
            ("attributes", Node::list("attribute", attrs)),
        ])
        .root("service_definition"),
    )
}

fn status_notes(r: &PublicReport) -> String {
    let mut s = r.status.name_vi().to_string();
    if let Some(t) = &r.refer_to {
        s.push_str(&format!(". Đề nghị gửi đến: {t}"));
    }
    if let Some(c) = &r.merged_into_code {
        s.push_str(&format!(". Trùng với phản ánh {c}"));
    }
    s
}

fn request_node(r: &PublicReport) -> Node {
    let num = |v: Option<f64>| v.map(Node::Num).unwrap_or(Node::Null);
    let media = r
        .photos
        .first()
        .map(|p| Node::s(&crate::urls::Urls::feedback_photo(*p)))
        .unwrap_or(Node::Null);
    Node::obj(vec![
        ("service_request_id", Node::s(&r.tracking_code)),
        ("status", Node::s(r.status.open311())),
        ("status_notes", Node::s(&status_notes(r))),
        ("service_name", Node::s(&r.category_vi)),
        ("service_code", Node::s(&r.category_code)),
        ("description", Node::s(&r.body)),
        ("agency_responsible", Node::s(&r.responsible_name)),
        (
            "service_notice",
            r.answer.as_deref().map(Node::s).unwrap_or(Node::Null),
        ),
        ("requested_datetime", Node::s(&dt(r.received_at))),
        ("updated_datetime", Node::s(&dt(r.updated_at))),
        (
            "expected_datetime",
            Node::s(&format!("{}T23:59:59+07:00", r.due_on)),
        ),
        (
            "address",
            r.location_name
                .as_deref()
                .map(Node::s)
                .unwrap_or(Node::Null),
        ),
        ("address_id", Node::Null),
        ("zipcode", Node::Null),
        ("lat", num(r.lat)),
        ("long", num(r.lon)),
        ("media_url", media),
        ("ntm_status", Node::s(r.status.as_str())),
        (
            "ntm_answer",
            r.answer.as_deref().map(Node::s).unwrap_or(Node::Null),
        ),
        (
            "ntm_refer_to",
            r.refer_to.as_deref().map(Node::s).unwrap_or(Node::Null),
        ),
        ("ntm_rating", r.rating.map(Node::Int).unwrap_or(Node::Null)),
    ])
}

fn parse_time(s: Option<&str>) -> Result<Option<OffsetDateTime>, String> {
    match s {
        None => Ok(None),
        Some(s) => OffsetDateTime::parse(s.trim(), &Rfc3339)
            .map(Some)
            .map_err(|_| format!("{s} is not a w3 date-time (e.g. 2026-12-01T00:00:00+07:00)")),
    }
}

async fn requests_list(st: &AppState, ctx: &Ctx, f: Fmt, p: &[(String, String)]) -> Response {
    let j = match jurisdiction(st, f, p).await {
        Ok(j) => j,
        Err(r) => return r,
    };
    let (start, end) = match (
        parse_time(get_p(p, "start_date")),
        parse_time(get_p(p, "end_date")),
    ) {
        (Ok(s), Ok(e)) => (s, e),
        (Err(m), _) | (_, Err(m)) => return error_response(f, StatusCode::BAD_REQUEST, &m),
    };
    let q = Open311Query {
        jurisdiction: j,
        ids: get_p(p, "service_request_id")
            .map(|s| s.split(',').map(|x| x.trim().to_string()).collect())
            .unwrap_or_default(),
        service_code: get_p(p, "service_code").map(str::to_string),
        start,
        end,
        status: get_p(p, "status").map(str::to_string),
    };
    match feedback::open311_requests(&st.app, &ctx.actor(), q).await {
        Ok(rs) => respond(
            f,
            Node::list("request", rs.iter().map(request_node).collect()).root("service_requests"),
        ),
        Err(e) => app_error(f, e),
    }
}

/// `GET requests/{id}.{fmt}`
async fn request_get(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(file): Path<String>,
    Query(p): Query<Vec<(String, String)>>,
) -> Response {
    let Some((id, f)) = split(&file) else {
        return not_found(Fmt::Json, "unknown resource");
    };
    let j = match jurisdiction(&st, f, &p).await {
        Ok(j) => j,
        Err(r) => return r,
    };
    match feedback::track(&st.app, &ctx.actor(), id).await {
        Ok(r) if r.province_code == j => respond(
            f,
            Node::list("request", vec![request_node(&r)]).root("service_requests"),
        ),
        Ok(_) => not_found(f, &format!("service_request_id {id} was not found")),
        Err(e) => app_error(f, e),
    }
}

/// `POST requests.{fmt}` (form-encoded, as the spec says).
async fn requests_post(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(file): Path<String>,
    Form(p): Form<Vec<(String, String)>>,
) -> Response {
    let Some((name, f)) = split(&file) else {
        return not_found(Fmt::Json, "unknown resource");
    };
    if name != "requests" {
        return error_response(
            f,
            StatusCode::METHOD_NOT_ALLOWED,
            "only requests accepts POST",
        );
    }
    let j = match jurisdiction(&st, f, &p).await {
        Ok(j) => j,
        Err(r) => return r,
    };
    let Some(code) = get_p(&p, "service_code") else {
        return error_response(f, StatusCode::BAD_REQUEST, "service_code was not provided");
    };
    match feedback::categories(&st.app, &j).await {
        Ok(cats) if cats.iter().any(|c| c.code == code) => {}
        Ok(_) => return not_found(f, &format!("service_code {code} was not found")),
        Err(e) => return app_error(f, e),
    }
    let attr = |k: &str| get_p(&p, &format!("attribute[{k}]")).map(str::to_string);
    let has_location =
        get_p(&p, "lat").is_some() && get_p(&p, "long").is_some() || attr("unit_code").is_some();
    if !has_location {
        return error_response(
            f,
            StatusCode::BAD_REQUEST,
            "a location is required: lat and long, or attribute[unit_code] (address_string alone cannot be placed)",
        );
    }
    let name = [get_p(&p, "first_name"), get_p(&p, "last_name")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let contact = [get_p(&p, "phone"), get_p(&p, "email")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" / ");
    let mut text = get_p(&p, "description").unwrap_or_default().to_string();
    if let Some(a) = get_p(&p, "address_string") {
        text = format!("{text}\n\nĐịa chỉ: {a}");
    }
    let attributes: Vec<(String, String)> = p
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("attribute[")
                .and_then(|k| k.strip_suffix(']'))
                .map(|k| (k.to_string(), v.clone()))
        })
        .chain(get_p(&p, "media_url").map(|m| ("media_url".to_string(), m.to_string())))
        .chain(get_p(&p, "address_string").map(|m| ("address_string".to_string(), m.to_string())))
        .collect();
    let token = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| attr("client_token"))
        .unwrap_or_default();
    let form = NewReport {
        province_code: j,
        category: code.to_string(),
        text,
        lat: get_p(&p, "lat").unwrap_or_default().into(),
        lon: get_p(&p, "long").unwrap_or_default().into(),
        unit_code: attr("unit_code").unwrap_or_default(),
        contact_name: name,
        contact,
        client_token: token,
        attributes,
        via_api: true,
        ..NewReport::default()
    };
    // Always as an anonymous citizen: a browser session never files through the API.
    let actor = Actor::Anonymous {
        origin: ctx.origin.clone(),
    };
    match feedback::file_report(&st.app, &actor, form).await {
        Ok(done) => {
            let node = Node::list(
                "request",
                vec![Node::obj(vec![
                    ("service_request_id", Node::s(&done.tracking_code)),
                    (
                        "service_notice",
                        Node::s(&format!(
                            "Đã tiếp nhận; hạn trả lời {} (ngày làm việc theo lịch của tỉnh)",
                            done.due_on
                        )),
                    ),
                    ("account_id", Node::Null),
                ])],
            )
            .root("service_requests");
            let mut res = respond(f, node);
            if done.created {
                *res.status_mut() = StatusCode::CREATED;
            }
            res
        }
        Err(AppError::NotFound(_)) => not_found(f, &format!("service_code {code} was not found")),
        Err(e) => app_error(f, e),
    }
}
