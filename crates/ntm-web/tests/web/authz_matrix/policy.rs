//! The declared policy: one row per route and method, who may call it. The matrix test
//! fails when the router serves a route or method without a row here.
//!
//! Callers (see `fixture::Who`): `A` the country-wide administrator; for each scoped role,
//! `…I` scoped inside the target (commune 29374, district 847, province 84) and `…O` scoped
//! to a sibling outside it (commune 29377, district 844, province 86): `P` province officer,
//! `DP` department officer, `D` district officer, `C` commune officer, `PR` producer, `V`
//! viewer. Nobody scoped outside may do anything but the public reads, their own account,
//! and (province officer) the users page of their own province. `$name` in paths and
//! bodies is a seeded record (`fixture::seeded`). Bodies of writes are valid in shape, so
//! that each request reaches the permission check; an allowed write may still fail on its
//! content (a stale version: `999`).

use ntm_domain::authz::Role::*;

mod portal;
mod tourism;

use super::fixture::Who;

pub enum Allow {
    /// Anyone, logged in or not.
    Everyone,
    /// Any logged-in user, whatever their roles.
    Users,
    /// Only these callers.
    Only(&'static [Who]),
}

pub enum Body {
    None,
    /// A form (`_csrf` added).
    Form(&'static [(&'static str, &'static str)]),
    /// A multipart form (`_csrf` first), with a small file under the given field name.
    Multipart(
        &'static [(&'static str, &'static str)],
        Option<&'static str>,
    ),
    /// JSON with the `X-CSRF-Token` header.
    Json(&'static str),
    /// A raw body of this content type with the `X-CSRF-Token` header.
    Raw(&'static str, &'static str),
}

pub struct Row {
    pub method: &'static str,
    /// The route as registered in the router.
    pub pattern: &'static str,
    /// The address called (with its query).
    pub path: &'static str,
    pub body: Body,
    pub allow: Allow,
    /// The call ends the caller's session (run after every other row).
    pub ends_session: bool,
    /// What a 404 means for this row.
    pub not_found: NotFound,
}

/// What a 404 answer means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotFound {
    /// A failure for an allowed caller (the fixture lacks the record).
    Fails,
    /// The record named is looked up after the permission check: a 404 for an allowed
    /// caller still shows the check passed.
    AfterCheck,
}

const A: Who = Who::Admin;
const PI: Who = Who::In(ProvinceOfficer);
const PO: Who = Who::Out(ProvinceOfficer);
const DPI: Who = Who::In(DepartmentOfficer);
const DI: Who = Who::In(DistrictOfficer);
const DO: Who = Who::Out(DistrictOfficer);
const CI: Who = Who::In(CommuneOfficer);
const CO: Who = Who::Out(CommuneOfficer);
const PRI: Who = Who::In(Producer);
const PRO: Who = Who::Out(Producer);
const VI: Who = Who::In(Viewer);
const VO: Who = Who::Out(Viewer);
const TI: Who = Who::In(TourismEditor);
const TO: Who = Who::Out(TourismEditor);

use Allow::{Everyone, Only, Users};
use Body::{Form, Json, Multipart, Raw};

/// Anyone holding a role whose scope contains the commune: reads of its data.
const VIEW: Allow = Only(&[A, PI, DPI, DI, CI, PRI, VI, TI]);
/// Who enters the commune's values and runs its campaigns and dossiers.
const ENTER: Allow = Only(&[A, PI, DI, CI]);
/// Province-level management on province 84.
const PROVINCE: Allow = Only(&[A, PI]);
/// Reads of province 84's own pages: whoever holds a role on the whole province.
const VIEW_PROVINCE: Allow = Only(&[A, PI, DPI]);
/// Reads of district 847's pages.
const VIEW_DISTRICT: Allow = Only(&[A, PI, DPI, DI]);
/// Who enters district 847's own values (plan measures).
const ENTER_DISTRICT: Allow = Only(&[A, PI, DI]);
/// Who writes district 847's periodic report.
const REPORTER: Allow = Only(&[A, PI, DI]);
/// Who reviews district 847's report: the province's officers holding the verify
/// permission (`reports::require_reviewer`).
const REVIEWER: Allow = Only(&[A, PI, DPI]);
/// The commune's officers: who prepares its dossier (the procedure's first steps).
const COMMUNE_STEP: Allow = Only(&[CI]);
/// The participants of a dossier after 07/2025: the commune and the province.
const PARTICIPANTS: Allow = Only(&[PI, CI]);
/// Whoever holds a role on a unit the plan of province 84 covers.
const IN_PLAN: Allow = Only(&[A, PI, DPI, DI, DO, CI, CO, PRI, PRO, VI, VO, TI, TO]);
/// Administrators only.
const ADMIN: Allow = Only(&[A]);
/// Who records the commune's lots and traceability events (`RecordTrace`): officers of the
/// commune and above, and a producer holding a grant on it.
const RECORD: Allow = Only(&[A, PI, DI, CI, PRI]);
/// Who manages the commune's OCOP records (`ManageOcop`).
const OCOP_MANAGE: Allow = Only(&[A, PI, DI, CI]);
/// Who manages the seeded OCOP producer: its officers and the owner account (the producer
/// inside).
const OCOP_MANAGE_OWN: Allow = Only(&[A, PI, DI, CI, PRI]);
/// Who opens the commune's OCOP page: officers who manage or score OCOP on it.
const OCOP_VIEW: Allow = Only(&[A, PI, DPI, DI, CI]);
/// Who sees the commune's raw-material areas: officers holding an OCOP role (`ManageOcop`
/// or `ScoreOcop`) whose scope covers it (`areas::unit_areas`).
const AREA_OFFICERS: Allow = Only(&[A, PI, DPI, DI, CI]);
/// Who sees the seeded area: those officers and its owner (the inside producer account).
const AREA_VIEW: Allow = Only(&[A, PI, DPI, DI, CI, PRI]);
/// Who registers or changes it: `ManageOcop` officers of the commune and its owner.
const AREA_MANAGE: Allow = Only(&[A, PI, DI, CI, PRI]);
/// Whoever records traceability somewhere (`RecordTrace` in any grant): the lots page lists
/// what each may see; a lot's own pages are `RECORD` (its unit; a producer account, its own
/// producer's lots).
const RECORDERS: Allow = Only(&[A, PI, PO, DI, DO, CI, CO, PRI, PRO]);

const fn row(
    method: &'static str,
    pattern: &'static str,
    path: &'static str,
    body: Body,
    allow: Allow,
) -> Row {
    Row {
        method,
        pattern,
        path,
        body,
        allow,
        ends_session: false,
        not_found: NotFound::Fails,
    }
}

const fn get(pattern: &'static str, path: &'static str, allow: Allow) -> Row {
    row("GET", pattern, path, Body::None, allow)
}

const fn post(pattern: &'static str, path: &'static str, body: Body, allow: Allow) -> Row {
    row("POST", pattern, path, body, allow)
}

const fn put(pattern: &'static str, path: &'static str, body: Body, allow: Allow) -> Row {
    row("PUT", pattern, path, body, allow)
}

/// A POST applying a staged upload that does not exist: uploads are kept per user, so an
/// allowed caller gets 404 once the permission is checked (`NotFound::AfterCheck`): every
/// apply checks the permission before it reads the upload.
const fn apply(
    pattern: &'static str,
    path: &'static str,
    allow: Allow,
    not_found: NotFound,
) -> Row {
    Row {
        not_found,
        ..post(
            pattern,
            path,
            Form(&[("upload", "00000000-0000-0000-0000-000000000000")]),
            allow,
        )
    }
}

const NO_FIELDS: Body = Form(&[]);

pub const ROWS: &[Row] = &[
    // Public: the site, units, the login form, assets, health, API docs, shipped sets.
    get("/", "/", Everyone),
    get("/health", "/health", Everyone),
    get("/assets/{*path}", "/assets/app.css", Everyone),
    get("/login", "/login", Everyone),
    post(
        "/login",
        "/login",
        Form(&[("username", "khong-co"), ("password", "")]),
        Everyone,
    ),
    Row {
        ends_session: true,
        ..post("/logout", "/logout", NO_FIELDS, Everyone)
    },
    get("/units", "/units?q=chau", Everyone),
    get("/units/{code}", "/units/29374", Everyone),
    get(
        "/units/{code}/children.xlsx",
        "/units/847/children.xlsx",
        Everyone,
    ),
    get("/units/{code}/tree", "/units/847/tree", Everyone),
    get("/api/v1/units", "/api/v1/units?q=chau", Everyone),
    get("/api/v1/units/{code}", "/api/v1/units/29374", Everyone),
    get("/api/v1/criteria-sets", "/api/v1/criteria-sets", Everyone),
    get("/api/v1/openapi.json", "/api/v1/openapi.json", Everyone),
    get("/api/v1/docs", "/api/v1/docs", Everyone),
    get(
        "/criteria-sets/shipped/{id}/{version}/export.yaml",
        "/criteria-sets/shipped/xa-ntm-2021-2025/2024/export.yaml",
        Everyone,
    ),
    get(
        "/criteria-sets/shipped/{id}/{version}/export.xlsx",
        "/criteria-sets/shipped/xa-ntm-2021-2025/2024/export.xlsx",
        Users,
    ),
    get("/criteria-sets/national", "/criteria-sets/national", Users),
    // Scorecard, values, evidence.
    get(
        "/units/{code}/scorecard",
        "/units/29374/scorecard?set=xa-ntm-2021-2025&year=2024",
        VIEW,
    ),
    get(
        "/units/{code}/scorecard/history",
        "/units/29374/scorecard/history?set=xa-ntm-2021-2025&year=2024&indicator=8.4",
        VIEW,
    ),
    post(
        "/units/{code}/scorecard/values",
        "/units/29374/scorecard/values",
        Form(&[
            ("set", "xa-ntm-2021-2025"),
            ("year", "2024"),
            ("indicator", "8.4"),
            ("value", "Đạt"),
            ("expected_version", "999"),
        ]),
        ENTER,
    ),
    post(
        "/units/{code}/scorecard/status",
        "/units/29374/scorecard/status",
        Form(&[
            ("set", "xa-ntm-2021-2025"),
            ("year", "2024"),
            ("action", "submit"),
            ("indicator", "8.4"),
        ]),
        ENTER,
    ),
    get(
        "/units/{code}/scorecard/evidence",
        "/units/29374/scorecard/evidence?set=xa-ntm-2021-2025&year=2024&indicator=8.4",
        ENTER,
    ),
    post(
        "/units/{code}/scorecard/evidence",
        "/units/29374/scorecard/evidence",
        Multipart(
            &[
                ("set", "xa-ntm-2021-2025"),
                ("year", "2024"),
                ("indicator", "8.4"),
                ("expected_version", "999"),
            ],
            Some("file"),
        ),
        ENTER,
    ),
    get("/evidence/{id}", "/evidence/$evidence", VIEW),
    get(
        "/api/v1/units/{code}/evaluation",
        "/api/v1/units/29374/evaluation?set=xa-ntm-2021-2025&year=2024",
        VIEW,
    ),
    get(
        "/api/v1/units/{code}/gaps",
        "/api/v1/units/29374/gaps?set=xa-ntm-2021-2025&year=2024",
        VIEW,
    ),
    put(
        "/api/v1/units/{code}/observations",
        "/api/v1/units/29374/observations",
        Json(
            r#"{"set": "xa-ntm-2021-2025", "year": 2024, "values": [{"code": "8.4", "value": "Đạt", "expected_version": 999}]}"#,
        ),
        ENTER,
    ),
    post(
        "/api/v1/units/{code}/observations/status",
        "/api/v1/units/29374/observations/status",
        Json(
            r#"{"set": "xa-ntm-2021-2025", "year": 2024, "status": "submitted", "codes": ["8.4"]}"#,
        ),
        ENTER,
    ),
    // Dashboards of the district.
    get(
        "/units/{code}/dashboard",
        "/units/847/dashboard?set=xa-ntm-2021-2025&year=2024",
        VIEW_DISTRICT,
    ),
    get(
        "/units/{code}/dashboard.xlsx",
        "/units/847/dashboard.xlsx?set=xa-ntm-2021-2025&year=2024",
        VIEW_DISTRICT,
    ),
    // The national dashboard and its workbook: country-wide accounts only.
    get(
        "/dashboard",
        "/dashboard?set=xa-ntm-2021-2025&year=2024",
        ADMIN,
    ),
    get(
        "/dashboard.xlsx",
        "/dashboard.xlsx?set=xa-ntm-2021-2025&year=2024",
        ADMIN,
    ),
    // The status map of the district (page and GeoJSON).
    get(
        "/maps",
        "/maps?unit=847&set=xa-ntm-2021-2025&year=2024",
        VIEW_DISTRICT,
    ),
    get(
        "/maps/status.geojson",
        "/maps/status.geojson?unit=847&set=xa-ntm-2021-2025&year=2024&date=2024-12-31",
        VIEW_DISTRICT,
    ),
    // Hamlets.
    post(
        "/units/{code}/hamlets",
        "/units/29374/hamlets",
        Form(&[("name", "Ấp ma trận"), ("kind", "Ấp")]),
        ENTER,
    ),
    post(
        "/units/{code}/hamlets/import",
        "/units/29374/hamlets/import",
        Multipart(&[], Some("file")),
        ENTER,
    ),
    post(
        "/api/v1/units/{code}/hamlets",
        "/api/v1/units/29374/hamlets",
        Json(r#"{"name": "Ấp ma trận API", "kind": "Ấp"}"#),
        ENTER,
    ),
    // The Excel round trip.
    get(
        "/units/{code}/workbook",
        "/units/29374/workbook?set=xa-ntm-2021-2025&year=2024",
        VIEW,
    ),
    get(
        "/units/{code}/workbook/template.xlsx",
        "/units/29374/workbook/template.xlsx?set=xa-ntm-2021-2025&year=2024",
        VIEW,
    ),
    get(
        "/units/{code}/workbook/results.xlsx",
        "/units/29374/workbook/results.xlsx?set=xa-ntm-2021-2025&year=2024",
        VIEW,
    ),
    post(
        "/units/{code}/workbook/preview",
        "/units/29374/workbook/preview",
        Multipart(
            &[("set", "xa-ntm-2021-2025"), ("year", "2024")],
            Some("file"),
        ),
        ENTER,
    ),
    // Applying checks the right to enter values on the unit before it reads the upload
    // (`workbook::apply_upload`); uploads are kept per user.
    apply(
        "/units/{code}/workbook/apply",
        "/units/29374/workbook/apply",
        ENTER,
        NotFound::AfterCheck,
    ),
    // Commune groups of the province.
    get("/units/{code}/groups", "/units/84/groups", VIEW_PROVINCE),
    post(
        "/units/{code}/groups",
        "/units/84/groups",
        Form(&[("commune", "29374"), ("group", "1")]),
        PROVINCE,
    ),
    get(
        "/units/{code}/groups/template.xlsx",
        "/units/84/groups/template.xlsx",
        PROVINCE,
    ),
    post(
        "/units/{code}/groups/upload",
        "/units/84/groups/upload",
        Multipart(&[], Some("file")),
        PROVINCE,
    ),
    apply(
        "/units/{code}/groups/apply",
        "/units/84/groups/apply",
        PROVINCE,
        NotFound::AfterCheck,
    ),
    // Criteria sets and versions of the province.
    get(
        "/units/{code}/criteria-sets",
        "/units/84/criteria-sets",
        VIEW_PROVINCE,
    ),
    post(
        "/criteria-sets/{scope}/new",
        "/criteria-sets/84/new",
        Form(&[
            ("source", "shipped:xa-ntm-2021-2025@2024"),
            ("set_id", "xa-ma-tran-moi"),
            ("label", "Thử"),
            ("title_vi", "Thử"),
        ]),
        PROVINCE,
    ),
    post(
        "/criteria-sets/{scope}/import",
        "/criteria-sets/84/import",
        Multipart(&[], Some("file")),
        PROVINCE,
    ),
    get(
        "/criteria-versions/{id}",
        "/criteria-versions/$version",
        VIEW_PROVINCE,
    ),
    // The API's reads of criteria-set versions: a province's authored versions (its
    // readers), one of them, and a shipped version (public reference data).
    get(
        "/api/v1/criteria-sets/{set}/versions",
        "/api/v1/criteria-sets/xa-tra-vinh-ma-tran/versions?scope=84",
        VIEW_PROVINCE,
    ),
    get(
        "/api/v1/criteria-versions/{id}",
        "/api/v1/criteria-versions/$version",
        VIEW_PROVINCE,
    ),
    get(
        "/api/v1/criteria-sets/{set}/versions/{version}",
        "/api/v1/criteria-sets/xa-ntm-2021-2025/versions/2024",
        Everyone,
    ),
    get(
        "/criteria-versions/{id}/export.xlsx",
        "/criteria-versions/$version/export.xlsx",
        VIEW_PROVINCE,
    ),
    get(
        "/criteria-versions/{id}/export.yaml",
        "/criteria-versions/$version/export.yaml",
        VIEW_PROVINCE,
    ),
    Row {
        not_found: NotFound::AfterCheck,
        ..get(
            "/criteria-versions/{id}/files/{sha}",
            "/criteria-versions/$version/files/$sha",
            VIEW_PROVINCE,
        )
    },
    get(
        "/criteria-versions/{id}/xlsx-import",
        "/criteria-versions/$version/xlsx-import",
        PROVINCE,
    ),
    post(
        "/criteria-versions/{id}/xlsx-import",
        "/criteria-versions/$version/xlsx-import",
        Multipart(&[], Some("file")),
        PROVINCE,
    ),
    apply(
        "/criteria-versions/{id}/xlsx-import/apply",
        "/criteria-versions/$version/xlsx-import/apply",
        PROVINCE,
        NotFound::AfterCheck,
    ),
    post(
        "/criteria-versions/{id}/meta",
        "/criteria-versions/$version/meta",
        Form(&[("revision", "999")]),
        PROVINCE,
    ),
    post(
        "/criteria-versions/{id}/criteria",
        "/criteria-versions/$version/criteria",
        Form(&[("revision", "999")]),
        PROVINCE,
    ),
    post(
        "/criteria-versions/{id}/remove",
        "/criteria-versions/$version/remove",
        Form(&[("revision", "999")]),
        PROVINCE,
    ),
    get(
        "/criteria-versions/{id}/indicator",
        "/criteria-versions/$version/indicator",
        VIEW_PROVINCE,
    ),
    post(
        "/criteria-versions/{id}/indicator",
        "/criteria-versions/$version/indicator",
        Multipart(&[("revision", "999")], None),
        PROVINCE,
    ),
    get(
        "/criteria-versions/{id}/publish",
        "/criteria-versions/$version/publish",
        VIEW_PROVINCE,
    ),
    post(
        "/criteria-versions/{id}/publish",
        "/criteria-versions/$version/publish",
        Form(&[("revision", "999")]),
        PROVINCE,
    ),
    get(
        "/api/v1/provinces/{code}/criteria-sets",
        "/api/v1/provinces/84/criteria-sets",
        VIEW_PROVINCE,
    ),
    put(
        "/api/v1/provinces/{code}/criteria-sets",
        "/api/v1/provinces/84/criteria-sets",
        Raw("application/yaml", "khong: phai bo tieu chi"),
        PROVINCE,
    ),
    // Plans of the province and periodic reports of the district.
    get("/units/{code}/plans", "/units/84/plans", VIEW_PROVINCE),
    get(
        "/api/v1/units/{code}/plans",
        "/api/v1/units/84/plans",
        VIEW_PROVINCE,
    ),
    get(
        "/api/v1/plans/{id}",
        "/api/v1/plans/tra-vinh-2023?year=2023",
        VIEW_PROVINCE,
    ),
    get(
        "/plans/{id}",
        "/plans/tra-vinh-2023?year=2023",
        VIEW_PROVINCE,
    ),
    get(
        "/plans/{id}/plan.xlsx",
        "/plans/tra-vinh-2023/plan.xlsx?year=2023",
        VIEW_PROVINCE,
    ),
    get(
        "/plans/{id}/targets/{target}",
        "/plans/tra-vinh-2023/targets/1a-huyen?year=2023",
        VIEW_PROVINCE,
    ),
    get(
        "/plans/{id}/measures",
        "/plans/tra-vinh-2023/measures?measure=records_online_pct&year=2023",
        IN_PLAN,
    ),
    post(
        "/plans/{id}/measures",
        "/plans/tra-vinh-2023/measures",
        Form(&[
            ("measure", "records_online_pct"),
            ("year", "2023"),
            ("v.847", "12,5"),
        ]),
        ENTER_DISTRICT,
    ),
    post(
        "/plans/{id}/tasks/{task}",
        "/plans/tra-vinh-2023/tasks/I.1",
        Form(&[("status", "done"), ("version", "999")]),
        PROVINCE,
    ),
    get("/units/{code}/reports", "/units/847/reports", VIEW_DISTRICT),
    post(
        "/units/{code}/reports/open",
        "/units/847/reports/open",
        Form(&[
            ("plan", "tra-vinh-2023"),
            ("kind", "six_month"),
            ("year", "2023"),
        ]),
        REPORTER,
    ),
    post(
        "/units/{code}/reports/close",
        "/units/84/reports/close",
        Form(&[
            ("plan", "tra-vinh-2023"),
            ("kind", "annual"),
            ("year", "2030"),
        ]),
        REVIEWER,
    ),
    get("/reports/{id}", "/reports/$report", VIEW_DISTRICT),
    get(
        "/api/v1/units/{code}/reports",
        "/api/v1/units/847/reports",
        VIEW_DISTRICT,
    ),
    get(
        "/api/v1/reports/{id}",
        "/api/v1/reports/$report",
        VIEW_DISTRICT,
    ),
    post(
        "/reports/{id}/narrative",
        "/reports/$report/narrative",
        Form(&[("version", "999")]),
        REPORTER,
    ),
    post(
        "/reports/{id}/submit",
        "/reports/$report/submit",
        Form(&[("version", "999")]),
        REPORTER,
    ),
    post(
        "/reports/{id}/accept",
        "/reports/$report/accept",
        Form(&[("version", "999")]),
        REVIEWER,
    ),
    post(
        "/reports/{id}/return",
        "/reports/$report/return",
        Form(&[("version", "999"), ("reason", "thử")]),
        REVIEWER,
    ),
    get(
        "/reports/{id}/report.xlsx",
        "/reports/$report/report.xlsx",
        VIEW_DISTRICT,
    ),
    get(
        "/reports/{id}/report.pdf",
        "/reports/$report/report.pdf",
        VIEW_DISTRICT,
    ),
    // Recognition dossiers.
    get("/units/{code}/dossiers", "/units/29374/dossiers", VIEW),
    post(
        "/units/{code}/dossiers",
        "/units/29374/dossiers",
        Form(&[
            ("set", "xa-ntm-2021-2025"),
            ("year", "2024"),
            ("kind", "commune_ntm"),
        ]),
        COMMUNE_STEP,
    ),
    get("/dossiers/{id}", "/dossiers/$dossier", VIEW),
    post(
        "/dossiers/{id}/act",
        "/dossiers/$dossier/act",
        Form(&[("action", "submit"), ("expected_seq", "999")]),
        COMMUNE_STEP,
    ),
    post(
        "/dossiers/{id}/documents",
        "/dossiers/$dossier/documents",
        Multipart(&[("kind", "results_report")], Some("file")),
        PARTICIPANTS,
    ),
    get(
        "/dossier-documents/{id}",
        "/dossier-documents/$document",
        VIEW,
    ),
    get("/dossiers/{id}/pdf", "/dossiers/$dossier/pdf", VIEW),
    get("/notifications", "/notifications", Users),
    post(
        "/notifications/read",
        "/notifications/read",
        NO_FIELDS,
        Users,
    ),
    get(
        "/units/{code}/procedure-settings",
        "/units/84/procedure-settings",
        VIEW_PROVINCE,
    ),
    post(
        "/units/{code}/procedure-settings",
        "/units/84/procedure-settings",
        Form(&[("what", "holiday"), ("date", "01/01/2031")]),
        PROVINCE,
    ),
    get("/api/v1/dossiers", "/api/v1/dossiers?unit=29374", VIEW),
    post(
        "/api/v1/dossiers",
        "/api/v1/dossiers",
        Json(
            r#"{"unit": "29374", "set": "xa-ntm-2021-2025", "year": 2024, "kind": "commune_ntm"}"#,
        ),
        COMMUNE_STEP,
    ),
    get("/api/v1/dossiers/{id}", "/api/v1/dossiers/$dossier", VIEW),
    post(
        "/api/v1/dossiers/{id}/actions",
        "/api/v1/dossiers/$dossier/actions",
        Json(r#"{"action": "submit", "expected_seq": 999}"#),
        COMMUNE_STEP,
    ),
    get(
        "/api/v1/dossiers/{id}/pdf",
        "/api/v1/dossiers/$dossier/pdf",
        VIEW,
    ),
    // Survey campaigns (officers) and the public form.
    get("/units/{code}/surveys", "/units/29374/surveys", ENTER),
    post(
        "/units/{code}/surveys",
        "/units/29374/surveys",
        Form(&[
            ("title", "Thử"),
            ("set", "xa-ntm-2021-2025"),
            ("year", "2024"),
        ]),
        ENTER,
    ),
    get(
        "/units/{code}/surveys/new",
        "/units/29374/surveys/new",
        ENTER,
    ),
    get(
        "/units/{code}/surveys/{survey}",
        "/units/29374/surveys/$survey",
        ENTER,
    ),
    get(
        "/units/{code}/surveys/{survey}/edit",
        "/units/29374/surveys/$survey/edit",
        ENTER,
    ),
    post(
        "/units/{code}/surveys/{survey}/edit",
        "/units/29374/surveys/$survey/edit",
        Form(&[("title", "Thử")]),
        ENTER,
    ),
    post(
        "/units/{code}/surveys/{survey}/open",
        "/units/29374/surveys/$survey/open",
        NO_FIELDS,
        ENTER,
    ),
    post(
        "/units/{code}/surveys/{survey}/tokens",
        "/units/29374/surveys/$survey/tokens",
        Form(&[("count", "0")]),
        ENTER,
    ),
    post(
        "/units/{code}/surveys/{survey}/households",
        "/units/29374/surveys/$survey/households",
        NO_FIELDS,
        ENTER,
    ),
    get(
        "/units/{code}/surveys/{survey}/results",
        "/units/29374/surveys/$survey/results",
        ENTER,
    ),
    get(
        "/units/{code}/surveys/{survey}/paper/template.xlsx",
        "/units/29374/surveys/$survey/paper/template.xlsx",
        ENTER,
    ),
    post(
        "/units/{code}/surveys/{survey}/paper/preview",
        "/units/29374/surveys/$survey/paper/preview",
        Multipart(&[], Some("file")),
        ENTER,
    ),
    post(
        "/units/{code}/surveys/{survey}/paper/apply",
        "/units/29374/surveys/$survey/paper/apply",
        Form(&[("file_name", "p.xlsx"), ("rows", "[]")]),
        ENTER,
    ),
    get(
        "/units/{code}/surveys/{survey}/phones",
        "/units/29374/surveys/$survey/phones",
        ENTER,
    ),
    post(
        "/units/{code}/surveys/{survey}/phones/preview",
        "/units/29374/surveys/$survey/phones/preview",
        Multipart(&[], Some("file")),
        ENTER,
    ),
    post(
        "/units/{code}/surveys/{survey}/phones/apply",
        "/units/29374/surveys/$survey/phones/apply",
        Form(&[("file_name", "p.csv"), ("rows", "[]")]),
        ENTER,
    ),
    post(
        "/units/{code}/surveys/{survey}/phones/enabled",
        "/units/29374/surveys/$survey/phones/enabled",
        Form(&[("enabled", "false")]),
        ENTER,
    ),
    get(
        "/api/v1/surveys/{code}/results",
        "/api/v1/surveys/$survey/results",
        ENTER,
    ),
    // Raw-material areas: the minimal bodies are refused (422) after the permission check.
    get("/units/{code}/areas", "/units/29374/areas", AREA_OFFICERS),
    get(
        "/units/{code}/areas.xlsx",
        "/units/29374/areas.xlsx",
        AREA_OFFICERS,
    ),
    get(
        "/units/{code}/areas/new",
        "/units/29374/areas/new",
        AREA_MANAGE,
    ),
    post(
        "/units/{code}/areas/new",
        "/units/29374/areas/new",
        Multipart(&[("code", "X"), ("crop", "")], Some("file")),
        AREA_MANAGE,
    ),
    get("/areas/mine", "/areas/mine", Users),
    get("/areas/{id}", "/areas/$area", AREA_VIEW),
    get("/areas/{id}/edit", "/areas/$area/edit", AREA_MANAGE),
    post(
        "/areas/{id}/edit",
        "/areas/$area/edit",
        Multipart(&[("code", "X"), ("crop", "")], Some("file")),
        AREA_MANAGE,
    ),
    post(
        "/areas/{id}/certifications",
        "/areas/$area/certifications",
        Form(&[("kind", "vietgap")]),
        AREA_MANAGE,
    ),
    post(
        "/areas/{id}/seasons",
        "/areas/$area/seasons",
        Form(&[("name", "Vụ")]),
        AREA_MANAGE,
    ),
    get(
        "/api/v1/units/{code}/areas",
        "/api/v1/units/29374/areas",
        AREA_OFFICERS,
    ),
    get("/api/v1/areas/{id}", "/api/v1/areas/$area", AREA_VIEW),
    post(
        "/api/v1/areas",
        "/api/v1/areas",
        Json(r#"{"unit_code":"29374","code":"X","crop":"","hectares":"","geometry":{}}"#),
        AREA_MANAGE,
    ),
    // Traceability (EPCIS): recording needs RecordTrace on the commune; the minimal bodies
    // are refused (422) after the permission check, nothing written.
    post(
        "/api/v1/epcis/capture",
        "/api/v1/epcis/capture?unit=29374",
        Raw("application/ld+json", "{}"),
        RECORD,
    ),
    get(
        "/api/v1/epcis/events",
        "/api/v1/epcis/events?unit=29374",
        VIEW,
    ),
    post(
        "/api/v1/epcis/lots",
        "/api/v1/epcis/lots?unit=29374",
        Json(r#"{"product":"123","lot":"L1"}"#),
        RECORD,
    ),
    get(
        "/api/v1/epcis/lots/{id}/verify",
        "/api/v1/epcis/lots/$lot/verify",
        VIEW,
    ),
    get(
        "/api/v1/units/{code}/surveys",
        "/api/v1/units/29374/surveys?limit=10",
        ENTER,
    ),
    get("/api/v1/surveys/{code}", "/api/v1/surveys/$survey", ENTER),
    get("/s/{code}", "/s/$survey", Everyone),
    post("/s/{code}", "/s/$survey", NO_FIELDS, Everyone),
    post("/s/{code}/gui-ma", "/s/$survey/gui-ma", NO_FIELDS, Everyone),
    get("/s/{code}/cam-on", "/s/$survey/cam-on", Everyone),
    get("/s/{code}/qr.svg", "/s/$survey/qr.svg", Everyone),
    get("/s/{code}/qr.png", "/s/$survey/qr.png", Everyone),
    // Traceability pages: the producer's lots and forms; the public resolver (no login).
    get("/trace/lots", "/trace/lots", RECORDERS),
    post("/trace/lots", "/trace/lots", NO_FIELDS, RECORDERS),
    get("/trace/lots/{id}", "/trace/lots/$lot", RECORD),
    post(
        "/trace/lots/{id}/events",
        "/trace/lots/$lot/events",
        NO_FIELDS,
        RECORD,
    ),
    get("/trace/lots/{id}/qr.svg", "/trace/lots/$lot/qr.svg", RECORD),
    get("/trace/lots/{id}/qr.png", "/trace/lots/$lot/qr.png", RECORD),
    get(
        "/trace/lots/{id}/labels.pdf",
        "/trace/lots/$lot/labels.pdf",
        RECORD,
    ),
    get("/01/{*rest}", "/01/09520123456788/10/MA-TRAN-1", Everyone),
    get("/p/{*rest}", "/p/MA-TRAN/10/MA-TRAN-2", Everyone),
    get(
        "/.well-known/gs1resolver",
        "/.well-known/gs1resolver",
        Everyone,
    ),
    // Citizens' feedback (issue 17): the public form, tracking page, rating and photos; the
    // officers' inbox and report pages (`HandleFeedback` on the responsible unit, checked
    // after the report is found); the figures (`ViewUnits`); a province's settings.
    get("/feedback", "/feedback", Everyone),
    Row {
        not_found: NotFound::AfterCheck,
        ..get(
            "/feedback/track",
            "/feedback/track?code=ABCDE-12345",
            Everyone,
        )
    },
    get("/feedback/{province}/new", "/feedback/84/new", Everyone),
    post(
        "/feedback/{province}/new",
        "/feedback/84/new",
        Multipart(&[("text", "")], None),
        Everyone,
    ),
    Row {
        not_found: NotFound::AfterCheck,
        ..get("/feedback/t/{code}", "/feedback/t/ABCDE-12345", Everyone)
    },
    Row {
        not_found: NotFound::AfterCheck,
        ..post(
            "/feedback/t/{code}/rate",
            "/feedback/t/ABCDE-12345/rate",
            NO_FIELDS,
            Everyone,
        )
    },
    Row {
        not_found: NotFound::AfterCheck,
        ..get(
            "/feedback/photo/{id}",
            "/feedback/photo/00000000-0000-0000-0000-000000000000",
            Everyone,
        )
    },
    get("/feedback/inbox", "/feedback/inbox?unit=29374", ENTER),
    post(
        "/feedback/inbox/bulk",
        "/feedback/inbox/bulk",
        NO_FIELDS,
        Users,
    ),
    Row {
        not_found: NotFound::AfterCheck,
        ..get(
            "/feedback/r/{id}",
            "/feedback/r/00000000-0000-0000-0000-000000000000",
            Users,
        )
    },
    Row {
        not_found: NotFound::AfterCheck,
        ..post(
            "/feedback/r/{id}/act",
            "/feedback/r/00000000-0000-0000-0000-000000000000/act",
            NO_FIELDS,
            Users,
        )
    },
    Row {
        not_found: NotFound::AfterCheck,
        ..post(
            "/feedback/r/{id}/assign",
            "/feedback/r/00000000-0000-0000-0000-000000000000/assign",
            NO_FIELDS,
            Users,
        )
    },
    get("/feedback/measures", "/feedback/measures?unit=29374", VIEW),
    get(
        "/feedback/settings/{province}",
        "/feedback/settings/84",
        PROVINCE,
    ),
    post(
        "/feedback/settings/{province}",
        "/feedback/settings/84",
        NO_FIELDS,
        PROVINCE,
    ),
    // Open311 GeoReport v2: public; province 84 takes no feedback in the fixture (404 after
    // the lookup), a POST without jurisdiction_id is a 400.
    Row {
        not_found: NotFound::AfterCheck,
        ..get(
            "/open311/v2/{file}",
            "/open311/v2/services.json?jurisdiction_id=84",
            Everyone,
        )
    },
    post(
        "/open311/v2/{file}",
        "/open311/v2/requests.json",
        NO_FIELDS,
        Everyone,
    ),
    Row {
        not_found: NotFound::AfterCheck,
        ..get(
            "/open311/v2/services/{file}",
            "/open311/v2/services/giao-thong.json?jurisdiction_id=84",
            Everyone,
        )
    },
    Row {
        not_found: NotFound::AfterCheck,
        ..get(
            "/open311/v2/requests/{file}",
            "/open311/v2/requests/ABCDE-12345.json?jurisdiction_id=84",
            Everyone,
        )
    },
    // Closing the campaign last: the rows above need it open.
    post(
        "/units/{code}/surveys/{survey}/close",
        "/units/29374/surveys/$survey/close",
        NO_FIELDS,
        ENTER,
    ),
    // Accounts.
    get("/account", "/account", Users),
    post(
        "/account/email",
        "/account/email",
        Form(&[("email", "khong-phai-email")]),
        Users,
    ),
    post("/account/password", "/account/password", NO_FIELDS, Users),
    post(
        "/account/sessions/revoke",
        "/account/sessions/revoke",
        NO_FIELDS,
        Users,
    ),
    // API tokens: one's own (an empty name is refused after the login check, nothing
    // written). Revoking names a token that does not exist: a logged-in caller's 404 comes
    // after the login check; who may revoke whose token is `ntm-app` `tokens::api_tokens_use_cases`.
    post(
        "/account/tokens",
        "/account/tokens",
        Form(&[("name", ""), ("scope", "read"), ("days", "30")]),
        Users,
    ),
    Row {
        not_found: NotFound::AfterCheck,
        ..post(
            "/account/tokens/{id}/revoke",
            "/account/tokens/00000000-0000-0000-0000-000000000000/revoke",
            NO_FIELDS,
            Users,
        )
    },
    get("/api/v1/me", "/api/v1/me", Users),
    get("/users", "/users", Only(&[A, PI, PO])),
    post(
        "/users/{username}/active",
        "/users/m.nannhan/active",
        Form(&[("active", "true")]),
        PROVINCE,
    ),
    post(
        "/users/{username}/sessions/revoke",
        "/users/m.nannhan/sessions/revoke",
        NO_FIELDS,
        PROVINCE,
    ),
    post(
        "/users/{username}/roles/add",
        "/users/m.nannhan/roles/add",
        Form(&[("role", "viewer@29374")]),
        PROVINCE,
    ),
    post(
        "/users/{username}/roles/remove",
        "/users/m.nannhan/roles/remove",
        Form(&[("role", "viewer@29374")]),
        PROVINCE,
    ),
    get("/api/v1/audit/verify", "/api/v1/audit/verify", ADMIN),
    // OCOP (issue 15): the public catalogue and product page; a unit's producers and
    // products (officers who manage or score OCOP on it); the seeded producer (owned by the
    // producer inside), its product and a round whose council is A, PI, DPI and DI.
    // Open data (issue 16): the DCAT catalogue, its page and the files, anyone.
    get("/open-data", "/open-data", Everyone),
    get(
        "/open-data/catalog.jsonld",
        "/open-data/catalog.jsonld",
        Everyone,
    ),
    get(
        "/open-data/{file}",
        "/open-data/ocop-products.csv",
        Everyone,
    ),
    // OGC API – Features (issue 16): public open data, anyone.
    get("/ogc", "/ogc", Everyone),
    get("/ogc/api", "/ogc/api", Everyone),
    get("/ogc/conformance", "/ogc/conformance", Everyone),
    get("/ogc/collections", "/ogc/collections", Everyone),
    get(
        "/ogc/collections/{collectionId}",
        "/ogc/collections/ocop-products",
        Everyone,
    ),
    get(
        "/ogc/collections/{collectionId}/items",
        "/ogc/collections/raw-material-areas/items?limit=5",
        Everyone,
    ),
    get(
        "/ogc/collections/{collectionId}/items/{featureId}",
        "/ogc/collections/ocop-products/items/$ocop_product",
        Everyone,
    ),
    get("/ocop", "/ocop?stars=4", Everyone),
    get(
        "/ocop/products/{id}",
        "/ocop/products/$ocop_product",
        Everyone,
    ),
    get(
        "/ocop/products/{id}/photo",
        "/ocop/products/$ocop_product/photo",
        Everyone,
    ),
    get("/ocop/mine", "/ocop/mine", Users),
    get("/units/{code}/ocop", "/units/29374/ocop", OCOP_VIEW),
    post(
        "/units/{code}/ocop/producers",
        "/units/29374/ocop/producers",
        Form(&[("kind", "cooperative"), ("name", "HTX Kiểm thử")]),
        Only(&[A, PI, DI, CI, PRI]),
    ),
    post(
        "/units/{code}/ocop/import",
        "/units/84/ocop/import",
        Multipart(&[], Some("file")),
        PROVINCE,
    ),
    apply(
        "/units/{code}/ocop/import/apply",
        "/units/84/ocop/import/apply",
        PROVINCE,
        NotFound::AfterCheck,
    ),
    post(
        "/ocop/producers/{id}/products",
        "/ocop/producers/$ocop_producer/products",
        Form(&[("name", "Gạo"), ("group", "1")]),
        OCOP_MANAGE_OWN,
    ),
    get(
        "/ocop/manage/{id}",
        "/ocop/manage/$ocop_product",
        Only(&[A, PI, DPI, DI, CI, PRI]),
    ),
    post(
        "/ocop/manage/{id}/details",
        "/ocop/manage/$ocop_product/details",
        Multipart(&[("where_to_buy", "Chợ Trà Vinh")], Some("file")),
        OCOP_MANAGE_OWN,
    ),
    post(
        "/ocop/manage/{id}/rounds",
        "/ocop/manage/$ocop_product/rounds",
        Form(&[
            ("level", "province"),
            ("held_on", "01/01/2026"),
            ("members", "m.admin"),
        ]),
        OCOP_MANAGE,
    ),
    post(
        "/ocop/rounds/{id}/sheets",
        "/ocop/rounds/$ocop_round/sheets",
        Form(&[
            ("part_a", "30"),
            ("part_b", "20"),
            ("part_c", "20"),
            ("product", "$ocop_product"),
        ]),
        Only(&[A, PI, DPI, DI]),
    ),
    // The producer's dossier: upload (the matrix's file is refused on its content once the
    // permission passes), download, link to a round.
    post(
        "/ocop/producers/{id}/documents",
        "/ocop/producers/$ocop_producer/documents",
        Multipart(&[("title", "Phiếu kiểm nghiệm")], Some("file")),
        OCOP_MANAGE_OWN,
    ),
    get(
        "/ocop/documents/{id}",
        "/ocop/documents/$ocop_document",
        Only(&[A, PI, DPI, DI, CI, PRI]),
    ),
    post(
        "/ocop/rounds/{id}/documents",
        "/ocop/rounds/$ocop_round/documents",
        Form(&[("document", "$ocop_document"), ("product", "$ocop_product")]),
        OCOP_MANAGE_OWN,
    ),
    post(
        "/ocop/rounds/{id}/decision",
        "/ocop/rounds/$ocop_round/decision",
        Form(&[("product", "$ocop_product")]),
        OCOP_MANAGE,
    ),
];

/// Every row: the table above and the areas' own tables.
pub fn rows() -> Vec<&'static Row> {
    ROWS.iter()
        .chain(portal::ROWS.iter())
        .chain(tourism::ROWS.iter())
        .collect()
}
