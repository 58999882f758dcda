//! JSON API under `/api/v1`, described by an OpenAPI document generated from the
//! handlers themselves (utoipa-axum's `OpenApiRouter`), so the two cannot drift.
//!
//! Errors are RFC 9457 problem details (`application/problem+json`). Dates are ISO
//! `YYYY-MM-DD`. Clients authenticate with the session cookie (unsafe methods then need the
//! `X-CSRF-Token` header, the `ntm_csrf` cookie's value) or with an API token,
//! `Authorization: Bearer <token>` (no cookie, no CSRF token; see [`crate::bearer`]).

pub mod areas;
pub mod campaigns;
pub mod criteria;
pub mod criteria_versions;
pub mod docs;
pub mod dossiers;
pub mod epcis;
pub mod ogc;
pub mod paging;
pub mod plans;
pub mod provincial;
pub mod reports;
pub mod surveys;
pub mod units;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Json;
use ntm_app::App;
use ntm_app::users::CurrentUser;
use ntm_domain::authz::Grant;
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::ctx::Ctx;
use crate::error::{Problem, WebError};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "NTM Số API",
        description = "Administrative units of Vietnam over time, hamlets, criteria sets and their versions, evaluations, dossiers, plans, periodic reports, survey campaigns, and the audit log of NTM Số \
                       (digital transformation of the New Countryside programme). Dates are YYYY-MM-DD. \
                       Errors are RFC 9457 problem details. Machine clients send an API token \
                       (Authorization: Bearer ntm_…; created on the account page or with `ntm token create`; \
                       scope read: GET only, scope write: also writes; never more than the owner's roles). \
                       Lists that grow are paged by key: ?after=<key>&limit=<1–200>, and `next` gives the following page's address (null on the last). \
                       Browsers use the session cookie, and writes then need the X-CSRF-Token header \
                       (value of the ntm_csrf cookie)."
    ),
    tags(
        (name = "units", description = "Administrative units (đơn vị hành chính) and their lineage"),
        (name = "account", description = "The logged-in user"),
        (name = "audit", description = "The hash-chained audit log"),
        (name = "criteria", description = "Criteria sets (bộ tiêu chí), indicator values and evaluations"),
        (name = "dossiers", description = "Recognition dossiers (hồ sơ xét, công nhận) under QĐ 18/2022/QĐ-TTg, and their PDF"),
        (name = "surveys", description = "Satisfaction surveys of residents (lấy ý kiến sự hài lòng): campaigns and results"),
        (name = "plans", description = "Provincial plans (kế hoạch), their targets and progress, and periodic reports (báo cáo định kỳ)"),
        (name = "areas", description = "Raw-material and growing areas (vùng trồng, vùng nguyên liệu): polygons, certifications, seasons"),
        (name = "traceability", description = "Lots and GS1 EPCIS 2.0 events (truy xuất nguồn gốc): capture, query, hash chains"),
    ),
    components(schemas(Problem)),
    modifiers(&SecuritySchemes)
)]
struct ApiDoc;

/// Declares the two ways to authenticate: an API token (`bearer`) or the session cookie
/// (`session`); either, or none for the public reads.
struct SecuritySchemes;

impl utoipa::Modify for SecuritySchemes {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
        };
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("ntm_<43 characters>")
                    .description(Some(
                        "API token: scope read (GET) or write; expires; acts with its owner's roles",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::middleware::SESSION_COOKIE,
            ))),
        );
        doc.security = Some(vec![
            SecurityRequirement::new("bearer", Vec::<String>::new()),
            SecurityRequirement::new("session", Vec::<String>::new()),
            SecurityRequirement::default(),
        ]);
    }
}

/// The API routes with their OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    OpenApiRouter::with_openapi(doc)
        .routes(routes!(units::list_units))
        .routes(routes!(units::get_unit))
        .routes(routes!(units::add_hamlet))
        .routes(routes!(criteria::list_sets))
        .routes(routes!(criteria::evaluation))
        .routes(routes!(criteria::gaps))
        .routes(routes!(criteria::put_observations))
        .routes(routes!(criteria::change_status))
        .routes(routes!(
            provincial::list_province_sets,
            provincial::put_province_set
        ))
        .routes(routes!(dossiers::create_dossier, dossiers::list_dossiers))
        .routes(routes!(dossiers::get_dossier))
        .routes(routes!(dossiers::act_on_dossier))
        .routes(routes!(dossiers::dossier_pdf))
        .routes(routes!(surveys::survey_results))
        .routes(routes!(epcis::capture))
        .routes(routes!(epcis::events))
        .routes(routes!(epcis::create_lot))
        .routes(routes!(epcis::verify_lot))
        .routes(routes!(campaigns::list_campaigns))
        .routes(routes!(campaigns::get_campaign))
        .routes(routes!(plans::list_plans))
        .routes(routes!(plans::plan_progress))
        .routes(routes!(reports::unit_reports))
        .routes(routes!(reports::get_report))
        .routes(routes!(criteria_versions::list_versions))
        .routes(routes!(criteria_versions::shipped_version))
        .routes(routes!(criteria_versions::authored_version))
        .routes(routes!(areas::unit_areas))
        .routes(routes!(areas::get_area))
        .routes(routes!(areas::create_area))
        .routes(routes!(me))
        .routes(routes!(audit_verify))
}

/// Adds the answers every operation can give before its handler runs, unless the operation
/// documents them itself: 400 (a path or query value of the wrong type, JSON that does not
/// parse or does not fit the body's schema, a NUL character) and, for operations with a
/// body, 415 (the body is not `application/json`) and 413 (the body is too large). All are
/// problem details. Applied to the whole document once the routes are merged
/// (schemathesis found them undocumented).
pub fn document_common_responses(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    let problem = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/problem+json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build(),
            )
            .build()
    };
    for item in doc.paths.paths.values_mut() {
        let ops = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in ops.into_iter().flatten() {
            let has_body = op.request_body.is_some();
            let responses = &mut op.responses.responses;
            responses.entry("400".into()).or_insert_with(|| {
                problem("Malformed request: a value of the wrong type, unparsable JSON, or a NUL character").into()
            });
            if has_body {
                responses
                    .entry("413".into())
                    .or_insert_with(|| problem("The body is too large").into());
                responses
                    .entry("415".into())
                    .or_insert_with(|| problem("The body is not application/json").into());
            }
        }
    }
}

/// `sqlite` or `postgres`.
pub fn db_kind(app: &App) -> &'static str {
    app.backend().as_str()
}

/// A role held on a unit subtree.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantDto {
    /// admin, province_officer, department_officer, district_officer, commune_officer, producer, viewer
    pub role: String,
    /// Code of the scope unit; absent for the whole country.
    pub scope_code: Option<String>,
}

impl From<&Grant> for GrantDto {
    fn from(g: &Grant) -> GrantDto {
        GrantDto {
            role: g.role.as_str().to_string(),
            scope_code: g.scope_code.clone(),
        }
    }
}

/// The logged-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeDto {
    pub username: String,
    pub display_name: String,
    pub grants: Vec<GrantDto>,
}

impl From<&CurrentUser> for MeDto {
    fn from(u: &CurrentUser) -> MeDto {
        MeDto {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            grants: u.grants.iter().map(GrantDto::from).collect(),
        }
    }
}

/// The logged-in user and their roles.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "account",
    summary = "The logged-in user",
    responses(
        (status = 200, description = "The user behind the session cookie", body = MeDto),
        (status = 401, description = "Not logged in, or the session expired", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn me(ctx: Ctx) -> Result<Json<MeDto>, WebError> {
    let user = ctx.require_user()?;
    Ok(Json(MeDto::from(user)))
}

/// Result of checking the audit chain.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerifyDto {
    /// Entries checked.
    pub entries: i64,
    /// True when every link and hash is intact.
    pub ok: bool,
    /// What broke, and where.
    pub problem: Option<String>,
}

/// Verifies the whole hash-chained audit log (needs the view-audit permission).
#[utoipa::path(
    get,
    path = "/api/v1/audit/verify",
    tag = "audit",
    summary = "Verify the audit log chain",
    responses(
        (status = 200, description = "Verification result", body = VerifyDto),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed to view the audit log", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn audit_verify(
    State(st): State<AppState>,
    ctx: Ctx,
) -> Result<Json<VerifyDto>, WebError> {
    ctx.require_user()?;
    let r = ntm_app::audit::verify_chain(&st.app, &ctx.actor()).await?;
    Ok(Json(VerifyDto {
        entries: r.entries,
        ok: r.ok,
        problem: r.problem,
    }))
}

/// `201 Created` with a JSON body.
pub fn created<T: Serialize>(body: T) -> (StatusCode, Json<T>) {
    (StatusCode::CREATED, Json(body))
}
