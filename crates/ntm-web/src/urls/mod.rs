//! The product's page addresses, built in one place: `Urls::scorecard(code, set, year)`
//! instead of a `format!` in each handler. Every path part and query value is
//! percent-encoded. A test checks that every address built here matches a route of the
//! table in `pages/mod.rs`, so renaming a route without its builder fails the test.

use std::fmt::Display;

use time::Date;
use uuid::Uuid;

use crate::ctx::url_encode;

mod areas;
mod feedback;
mod maps;
mod ocop;
mod portal;
mod tourism;
pub use maps::MapChoice;

/// Builders of the pages' addresses (paths with their query).
pub struct Urls;

impl Urls {
    /// `/units/{code}`
    pub fn unit(code: &str) -> String {
        format!("/units/{}", url_encode(code))
    }

    /// `/units/{code}?date=…`: the unit as it was on `date`.
    pub fn unit_on(code: &str, date: Date) -> String {
        format!("{}?date={date}", Self::unit(code))
    }

    /// `/units/{code}?flash=added&n=…#hamlets` (hamlets added by the form).
    pub fn unit_hamlets_added(code: &str, n: usize) -> String {
        format!("{}?flash=added&n={n}#hamlets", Self::unit(code))
    }

    /// `/units/{code}?flash=imported&n=…&u=…#hamlets` (hamlets imported from a file: added,
    /// unchanged).
    pub fn unit_hamlets_imported(code: &str, added: usize, unchanged: usize) -> String {
        format!(
            "{}?flash=imported&n={added}&u={unchanged}#hamlets",
            Self::unit(code)
        )
    }

    /// `/units/{code}/tree[?date=…]`: the children of a unit (the fragment of the tree).
    pub fn tree(code: &str, date: Option<Date>) -> String {
        Self::unit_dated(code, "tree", date)
    }

    /// `/units/{code}/children.xlsx[?date=…]`: the unit's children as a table.
    pub fn unit_children_xlsx(code: &str, date: Option<Date>) -> String {
        Self::unit_dated(code, "children.xlsx", date)
    }

    fn unit_dated(code: &str, page: &str, date: Option<Date>) -> String {
        match date {
            Some(d) => format!("/units/{}/{page}?date={d}", url_encode(code)),
            None => format!("/units/{}/{page}", url_encode(code)),
        }
    }

    /// `/units/{code}/{page}[?year=…]`: a unit's work page, its default set.
    fn unit_year(code: &str, page: &str, year: Option<i32>) -> String {
        match year {
            Some(y) => format!("/units/{}/{page}?year={y}", url_encode(code)),
            None => format!("/units/{}/{page}", url_encode(code)),
        }
    }

    /// `/units/{code}/scorecard[?year=…]` (the default set).
    pub fn scorecard_year(code: &str, year: Option<i32>) -> String {
        Self::unit_year(code, "scorecard", year)
    }

    /// `/units/{code}/dashboard[?year=…]` (the default set).
    pub fn dashboard_year(code: &str, year: Option<i32>) -> String {
        Self::unit_year(code, "dashboard", year)
    }

    /// `/units/{code}/workbook[?year=…]` (the default set).
    pub fn workbook_year(code: &str, year: Option<i32>) -> String {
        Self::unit_year(code, "workbook", year)
    }

    /// `/units/{code}/{page}?set=…&year=…` for the pages of one set and year.
    fn unit_set_year(code: &str, page: &str, set: &str, year: i32) -> String {
        format!(
            "/units/{}/{page}?set={}&year={year}",
            url_encode(code),
            url_encode(set)
        )
    }

    /// `/units/{code}/scorecard/values`: the value form's target (POST).
    pub fn scorecard_values(code: &str) -> String {
        format!("/units/{}/scorecard/values", url_encode(code))
    }

    /// `/units/{code}/scorecard/status`: submit, verify or return values (POST).
    pub fn scorecard_status(code: &str) -> String {
        format!("/units/{}/scorecard/status", url_encode(code))
    }

    /// `/units/{code}/scorecard/evidence`: the evidence upload's target (POST).
    pub fn scorecard_evidence_upload(code: &str) -> String {
        format!("/units/{}/scorecard/evidence", url_encode(code))
    }

    /// `/units/{code}/scorecard?set=…&year=…`
    pub fn scorecard(code: &str, set: &str, year: i32) -> String {
        Self::unit_set_year(code, "scorecard", set, year)
    }

    /// `/units/{code}/scorecard/history?set=…&year=…&indicator=…`
    pub fn scorecard_history(code: &str, set: &str, year: i32, indicator: &str) -> String {
        format!(
            "{}&indicator={}",
            Self::unit_set_year(code, "scorecard/history", set, year),
            url_encode(indicator)
        )
    }

    /// `/units/{code}/scorecard?set=…&year=…#{anchor}` (back to one indicator's row).
    pub fn scorecard_at(code: &str, set: &str, year: i32, anchor: &str) -> String {
        format!(
            "{}#{}",
            Self::scorecard(code, set, year),
            url_encode(anchor)
        )
    }

    /// `/units/{code}/scorecard?set=…&year=…&flash=…#{anchor}` (after a change to one row).
    pub fn scorecard_done(code: &str, set: &str, year: i32, flash: &str, anchor: &str) -> String {
        format!(
            "{}&flash={}#{}",
            Self::scorecard(code, set, year),
            url_encode(flash),
            url_encode(anchor)
        )
    }

    /// `/units/{code}/scorecard?set=…&year=…&flash=…&n=…[#anchor]` (after a review of `n`
    /// values, at the first one's row).
    pub fn scorecard_reviewed(
        code: &str,
        set: &str,
        year: i32,
        flash: &str,
        n: usize,
        anchor: Option<&str>,
    ) -> String {
        let mut u = format!(
            "{}&flash={}&n={n}",
            Self::scorecard(code, set, year),
            url_encode(flash)
        );
        if let Some(a) = anchor {
            u.push('#');
            u.push_str(&url_encode(a));
        }
        u
    }

    /// `/units/{code}/scorecard/evidence?set=…&year=…&indicator=…`
    pub fn scorecard_evidence(code: &str, set: &str, year: i32, indicator: &str) -> String {
        format!(
            "{}&indicator={}",
            Self::unit_set_year(code, "scorecard/evidence", set, year),
            url_encode(indicator)
        )
    }

    /// `/units/{code}/dashboard?set=…&year=…`
    pub fn dashboard(code: &str, set: &str, year: i32) -> String {
        Self::unit_set_year(code, "dashboard", set, year)
    }

    /// `/dashboard`: the national dashboard with its defaults (the nav bar, the form).
    pub const NATIONAL_DASHBOARD: &'static str = "/dashboard";

    /// `/dashboard?set=…&year=…`: the national dashboard.
    pub fn national_dashboard(set: &str, year: i32) -> String {
        format!("/dashboard?set={}&year={year}", url_encode(set))
    }

    /// `/dashboard.xlsx?set=…&year=…[&sort=…&dir=…]`: the national dashboard's tables, the
    /// provinces sorted as shown when `sort` is not empty.
    pub fn national_dashboard_xlsx(set: &str, year: i32, (sort, dir): (&str, &str)) -> String {
        let mut u = format!("/dashboard.xlsx?set={}&year={year}", url_encode(set));
        if !sort.is_empty() {
            u.push_str(&format!(
                "&sort={}&dir={}",
                url_encode(sort),
                url_encode(dir)
            ));
        }
        u
    }

    /// `/units/{code}/dashboard.xlsx?set=…&year=…[&sort=…&dir=…][&table=…]`: one table of the
    /// dashboard (all when `table` is empty), sorted as shown when `sort` is not empty.
    pub fn dashboard_xlsx(
        code: &str,
        set: &str,
        year: i32,
        (sort, dir): (&str, &str),
        table: &str,
    ) -> String {
        let mut u = Self::unit_set_year(code, "dashboard.xlsx", set, year);
        if !sort.is_empty() {
            u.push_str(&format!(
                "&sort={}&dir={}",
                url_encode(sort),
                url_encode(dir)
            ));
        }
        if !table.is_empty() {
            u.push_str(&format!("&table={}", url_encode(table)));
        }
        u
    }

    /// `/units/{code}/workbook?set=…&year=…`
    pub fn workbook(code: &str, set: &str, year: i32) -> String {
        Self::unit_set_year(code, "workbook", set, year)
    }

    /// `/units/{code}/workbook?set=…&year=…&done=…` (after an upload was applied).
    pub fn workbook_done(code: &str, set: &str, year: i32, upload: &str) -> String {
        format!(
            "{}&done={}",
            Self::workbook(code, set, year),
            url_encode(upload)
        )
    }

    /// `/units/{code}/workbook/template.xlsx?set=…&year=…`
    pub fn workbook_template(code: &str, set: &str, year: i32) -> String {
        Self::unit_set_year(code, "workbook/template.xlsx", set, year)
    }

    /// `/units/{code}/workbook/results.xlsx?set=…&year=…`
    pub fn workbook_results(code: &str, set: &str, year: i32) -> String {
        Self::unit_set_year(code, "workbook/results.xlsx", set, year)
    }

    /// `/units/{code}/workbook`
    pub fn workbook_page(code: &str) -> String {
        format!("/units/{}/workbook", url_encode(code))
    }

    /// `/units/{code}/dossiers`: a unit's recognition dossiers.
    pub fn dossiers(code: &str) -> String {
        format!("/units/{}/dossiers", url_encode(code))
    }

    /// `/units/{code}/plans`: the plans of a province.
    pub fn unit_plans(code: &str) -> String {
        format!("/units/{}/plans", url_encode(code))
    }

    /// `/units/{code}/groups`
    pub fn groups(code: &str) -> String {
        format!("/units/{}/groups", url_encode(code))
    }

    /// `/units/{code}/reports`
    pub fn reports(code: &str) -> String {
        format!("/units/{}/reports", url_encode(code))
    }

    /// `/units/{code}/procedure-settings`
    pub fn procedure_settings(code: &str) -> String {
        format!("/units/{}/procedure-settings", url_encode(code))
    }

    /// `/units/{code}/criteria-sets`, or `/criteria-sets/national` for the national scope.
    pub fn criteria_sets(scope: &str) -> String {
        if scope == ntm_app::criteria_sets::NATIONAL {
            "/criteria-sets/national".into()
        } else {
            format!("/units/{}/criteria-sets", url_encode(scope))
        }
    }

    /// `/criteria-sets/shipped/{id}/{version}/export.yaml`
    pub fn shipped_yaml(id: &str, version: &str) -> String {
        format!(
            "/criteria-sets/shipped/{}/{}/export.yaml",
            url_encode(id),
            url_encode(version)
        )
    }

    /// `/criteria-versions/{id}`
    pub fn criteria_version(id: Uuid) -> String {
        format!("/criteria-versions/{id}")
    }

    /// `/criteria-versions/{id}?done=…` (the flash after a change).
    pub fn criteria_version_done(id: Uuid, done: &str) -> String {
        format!("/criteria-versions/{id}?done={}", url_encode(done))
    }

    /// `/criteria-versions/{id}/indicator?code=…` (edit one indicator).
    pub fn criteria_indicator(id: Uuid, code: &str) -> String {
        format!(
            "/criteria-versions/{id}/indicator?code={}",
            url_encode(code)
        )
    }

    /// `/criteria-versions/{id}/indicator?criterion=…` (add an indicator to a criterion).
    pub fn criteria_indicator_new(id: Uuid, criterion: impl Display) -> String {
        format!("/criteria-versions/{id}/indicator?criterion={criterion}")
    }

    /// `/criteria-versions/{id}/files/{sha}`
    pub fn criteria_basis_file(id: Uuid, sha: &str) -> String {
        format!("/criteria-versions/{id}/files/{}", url_encode(sha))
    }

    /// `/criteria-versions/{id}/export.xlsx`
    pub fn criteria_version_xlsx(id: Uuid) -> String {
        format!("/criteria-versions/{id}/export.xlsx")
    }

    /// `/evidence/{id}`
    pub fn evidence(id: Uuid) -> String {
        format!("/evidence/{id}")
    }

    /// `/reports/{id}`
    pub fn report(id: Uuid) -> String {
        format!("/reports/{id}")
    }

    /// `/dossiers/{id}`
    pub fn dossier(id: Uuid) -> String {
        format!("/dossiers/{id}")
    }

    /// `/dossiers/{id}?flash=…` (after an action).
    pub fn dossier_done(id: Uuid, flash: &str) -> String {
        format!("/dossiers/{id}?flash={}", url_encode(flash))
    }

    /// `/dossiers/{id}?flash=…#documents` (after a file was attached).
    pub fn dossier_documents_done(id: Uuid, flash: &str) -> String {
        format!("{}#documents", Self::dossier_done(id, flash))
    }

    /// `/dossier-documents/{id}`
    pub fn dossier_document(id: Uuid) -> String {
        format!("/dossier-documents/{id}")
    }

    /// `/plans/{id}`
    pub fn plan(id: &str) -> String {
        format!("/plans/{}", url_encode(id))
    }

    /// `&unit=…` when a unit is chosen.
    fn unit_param(unit: Option<&str>) -> String {
        unit.map(|u| format!("&unit={}", url_encode(u)))
            .unwrap_or_default()
    }

    /// `/plans/{id}?year=…[&unit=…]`
    pub fn plan_year(id: &str, year: i32, unit: Option<&str>) -> String {
        format!("{}?year={year}{}", Self::plan(id), Self::unit_param(unit))
    }

    /// `/plans/{id}?unit=…`: a plan's dashboard for one unit.
    pub fn plan_for_unit(id: &str, unit: &str) -> String {
        format!("{}?unit={}", Self::plan(id), url_encode(unit))
    }

    /// `/plans/{id}?done=task[&year=…]#task-{task}` (after a task's status changed).
    pub fn plan_task_done(id: &str, year: Option<i32>, task: &str) -> String {
        format!(
            "{}?done=task{}#task-{}",
            Self::plan(id),
            year.map(|y| format!("&year={y}")).unwrap_or_default(),
            url_encode(task)
        )
    }

    /// `/plans/{id}/targets/{target}?year=…[&unit=…]`
    pub fn plan_target(id: &str, target: &str, year: i32, unit: Option<&str>) -> String {
        format!(
            "{}/targets/{}?year={year}{}",
            Self::plan(id),
            url_encode(target),
            Self::unit_param(unit)
        )
    }

    /// `/plans/{id}/plan.xlsx?year=…&agency=…&level=…[&unit=…]`
    pub fn plan_xlsx(id: &str, year: i32, agency: &str, level: &str, unit: Option<&str>) -> String {
        format!(
            "{}/plan.xlsx?year={year}&agency={}&level={}{}",
            Self::plan(id),
            url_encode(agency),
            url_encode(level),
            Self::unit_param(unit)
        )
    }

    /// `/plans/{id}/measures`
    pub fn plan_measures(id: &str) -> String {
        format!("/plans/{}/measures", url_encode(id))
    }

    /// `/plans/{id}/measures?measure=…&year=…`
    pub fn plan_measure(id: &str, measure: &str, year: i32) -> String {
        format!(
            "{}?measure={}&year={year}",
            Self::plan_measures(id),
            url_encode(measure)
        )
    }

    /// `/plans/{id}/measures?measure=…&year=…&done=…` (after values were saved).
    pub fn plan_measure_done(id: &str, measure: &str, year: i32, done: &str) -> String {
        format!(
            "{}&done={}",
            Self::plan_measure(id, measure, year),
            url_encode(done)
        )
    }

    /// `/users`
    pub fn users() -> String {
        "/users".to_string()
    }

    /// `/users?done=…&user=…`: the users page after an action on `username`.
    pub fn users_done(done: &str, username: &str) -> String {
        format!(
            "/users?done={}&user={}",
            url_encode(done),
            url_encode(username)
        )
    }

    fn user_action(username: &str, action: &str) -> String {
        format!("/users/{}/{action}", url_encode(username))
    }

    /// `/users/{username}/active` (POST `active=0|1`)
    pub fn user_active(username: &str) -> String {
        Self::user_action(username, "active")
    }

    /// `/users/{username}/sessions/revoke` (POST)
    pub fn user_revoke(username: &str) -> String {
        Self::user_action(username, "sessions/revoke")
    }

    /// `/users/{username}/roles/add` (POST `role=role@CODE`)
    pub fn user_roles_add(username: &str) -> String {
        Self::user_action(username, "roles/add")
    }

    /// `/users/{username}/roles/remove` (POST `role=role@CODE`)
    pub fn user_roles_remove(username: &str) -> String {
        Self::user_action(username, "roles/remove")
    }

    /// `/units/{code}/surveys`: a unit's survey campaigns (POST: create one).
    pub fn surveys(unit: &str) -> String {
        format!("/units/{}/surveys", url_encode(unit))
    }

    /// `/units/{code}/surveys/{survey}`: one campaign's page.
    pub fn survey(unit: &str, survey: &str) -> String {
        format!("{}/{}", Self::surveys(unit), url_encode(survey))
    }

    /// `/units/{code}/surveys/{survey}?flash=…` (the campaign's page after an action).
    pub fn survey_done(unit: &str, survey: &str, flash: &str) -> String {
        format!("{}?flash={}", Self::survey(unit, survey), url_encode(flash))
    }

    /// `/units/{code}/surveys/new`: the form of a new campaign.
    pub fn survey_new(unit: &str) -> String {
        format!("{}/new", Self::surveys(unit))
    }

    /// `/units/{code}/surveys/{survey}/{part}`: a page or form of one campaign.
    pub fn survey_part(unit: &str, survey: &str, part: SurveyPart) -> String {
        format!("{}/{}", Self::survey(unit, survey), part.path())
    }

    /// `/units/{code}/surveys/{survey}/edit`
    pub fn survey_edit(unit: &str, survey: &str) -> String {
        Self::survey_part(unit, survey, SurveyPart::Edit)
    }

    /// `/units/{code}/surveys/{survey}/phones`: the household phone list.
    pub fn survey_phones(unit: &str, survey: &str) -> String {
        Self::survey_part(unit, survey, SurveyPart::Phones)
    }

    /// `/units/{code}/surveys/{survey}/phones?flash=…`
    pub fn survey_phones_done(unit: &str, survey: &str, flash: &str) -> String {
        format!(
            "{}?flash={}",
            Self::survey_phones(unit, survey),
            url_encode(flash)
        )
    }

    /// `/s/{code}`: the citizens' short link (prefixed with the site's address when printed).
    pub fn survey_public(survey: &str) -> String {
        format!("/s/{}", url_encode(survey))
    }

    /// `/s/{code}/gui-ma`: sends the one-time code by SMS to the number typed (POST).
    pub fn survey_sms_code(survey: &str) -> String {
        format!("{}/gui-ma", Self::survey_public(survey))
    }

    /// `/s/{code}/cam-on`: the thank-you page after an answer.
    pub fn survey_thanks(survey: &str) -> String {
        format!("{}/cam-on", Self::survey_public(survey))
    }

    /// `/s/{code}/qr.svg`: the short link's QR code (for posters).
    pub fn survey_qr_svg(survey: &str) -> String {
        format!("{}/qr.svg", Self::survey_public(survey))
    }

    /// `/s/{code}/qr.png`
    pub fn survey_qr_png(survey: &str) -> String {
        format!("{}/qr.png", Self::survey_public(survey))
    }

    /// `/account?…`: the account page after an action (`password=N` or `revoked=N`).
    pub fn account_done(what: &str, n: u64) -> String {
        format!("/account?{}={n}", url_encode(what))
    }
}

// Addresses of the plans, workbook, reports, scorecard, criteria-set and groups pages'
// forms (issue 13: templates get built links rather than joining paths).
impl Urls {
    /// `/plans/{id}/tasks/{task}`: the form that changes a task's status.
    pub fn plan_task(id: &str, task: &str) -> String {
        format!("{}/tasks/{}", Self::plan(id), url_encode(task))
    }

    /// `/units/{code}/workbook/preview`: the upload form.
    pub fn workbook_preview(code: &str) -> String {
        format!("{}/preview", Self::workbook_page(code))
    }

    /// `/units/{code}/workbook/apply`: the form that applies a previewed upload.
    pub fn workbook_apply(code: &str) -> String {
        format!("{}/apply", Self::workbook_page(code))
    }

    /// `/units/{code}/reports?done=…` (after a period was closed).
    pub fn reports_done(code: &str, done: &str) -> String {
        format!("{}?done={}", Self::reports(code), url_encode(done))
    }

    /// `/units/{code}/reports/open`: the form that opens a period's report.
    pub fn reports_open(code: &str) -> String {
        format!("{}/open", Self::reports(code))
    }

    /// `/units/{code}/reports/close`: the form that closes a period (the parent's).
    pub fn reports_close(code: &str) -> String {
        format!("{}/close", Self::reports(code))
    }

    /// `/reports/{id}?done=…` (after a change).
    pub fn report_done(id: Uuid, done: &str) -> String {
        format!("{}?done={}", Self::report(id), url_encode(done))
    }

    /// `/units/{code}/groups?flash=…[&n=…]` (after an assignment or an applied upload).
    pub fn groups_done(code: &str, flash: &str, n: Option<usize>) -> String {
        format!(
            "{}?flash={}{}",
            Self::groups(code),
            url_encode(flash),
            n.map(|n| format!("&n={n}")).unwrap_or_default()
        )
    }

    /// `/units/{code}/groups?commune=…#assign`: the assignment form for one commune.
    pub fn groups_assign(code: &str, commune: &str) -> String {
        format!(
            "{}?commune={}#assign",
            Self::groups(code),
            url_encode(commune)
        )
    }

    /// The groups page's template, upload and apply addresses.
    pub fn groups_part(code: &str, part: GroupsPart) -> String {
        format!("{}/{}", Self::groups(code), part.path())
    }

    /// `/criteria-sets/{scope}/new`: the form creating a version in a scope.
    pub fn criteria_sets_new(scope: &str) -> String {
        format!("/criteria-sets/{}/new", url_encode(scope))
    }

    /// `/criteria-sets/{scope}/import`: the YAML import of a scope.
    pub fn criteria_sets_import(scope: &str) -> String {
        format!("/criteria-sets/{}/import", url_encode(scope))
    }

    /// A criteria version's forms and files (`/criteria-versions/{id}/meta`, …).
    pub fn criteria_version_part(id: Uuid, part: VersionPart) -> String {
        format!("{}/{}", Self::criteria_version(id), part.path())
    }

    /// A report's forms and downloads (`/reports/{id}/submit`, `…/report.pdf`, …).
    pub fn report_part(id: Uuid, part: ReportPart) -> String {
        format!("{}/{}", Self::report(id), part.path())
    }
}

/// The forms and files under one criteria version's address (`/criteria-versions/{id}/…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionPart {
    Meta,
    Criteria,
    Remove,
    Indicator,
    Publish,
    ExportYaml,
    XlsxImport,
    XlsxApply,
}

impl VersionPart {
    /// Every part (for the route test).
    pub const ALL: [VersionPart; 8] = [
        VersionPart::Meta,
        VersionPart::Criteria,
        VersionPart::Remove,
        VersionPart::Indicator,
        VersionPart::Publish,
        VersionPart::ExportYaml,
        VersionPart::XlsxImport,
        VersionPart::XlsxApply,
    ];

    fn path(self) -> &'static str {
        match self {
            VersionPart::Meta => "meta",
            VersionPart::Criteria => "criteria",
            VersionPart::Remove => "remove",
            VersionPart::Indicator => "indicator",
            VersionPart::Publish => "publish",
            VersionPart::ExportYaml => "export.yaml",
            VersionPart::XlsxImport => "xlsx-import",
            VersionPart::XlsxApply => "xlsx-import/apply",
        }
    }
}

/// The template, upload and apply under a province's groups page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupsPart {
    Template,
    Upload,
    Apply,
}

impl GroupsPart {
    fn path(self) -> &'static str {
        match self {
            GroupsPart::Template => "template.xlsx",
            GroupsPart::Upload => "upload",
            GroupsPart::Apply => "apply",
        }
    }
}

/// The forms and downloads under one report's address (`/reports/{id}/…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportPart {
    Narrative,
    Submit,
    Accept,
    Return,
    Xlsx,
    Pdf,
}

impl ReportPart {
    /// Every part (for the route test).
    pub const ALL: [ReportPart; 6] = [
        ReportPart::Narrative,
        ReportPart::Submit,
        ReportPart::Accept,
        ReportPart::Return,
        ReportPart::Xlsx,
        ReportPart::Pdf,
    ];

    fn path(self) -> &'static str {
        match self {
            ReportPart::Narrative => "narrative",
            ReportPart::Submit => "submit",
            ReportPart::Accept => "accept",
            ReportPart::Return => "return",
            ReportPart::Xlsx => "report.xlsx",
            ReportPart::Pdf => "report.pdf",
        }
    }
}

/// The pages and forms under one campaign's address (`/units/{code}/surveys/{survey}/…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SurveyPart {
    Edit,
    Open,
    Close,
    Tokens,
    Households,
    Results,
    PaperTemplate,
    PaperPreview,
    PaperApply,
    Phones,
    PhonesPreview,
    PhonesApply,
    PhonesEnabled,
}

impl SurveyPart {
    /// Every part (for the route test).
    pub const ALL: [SurveyPart; 13] = [
        SurveyPart::Edit,
        SurveyPart::Open,
        SurveyPart::Close,
        SurveyPart::Tokens,
        SurveyPart::Households,
        SurveyPart::Results,
        SurveyPart::PaperTemplate,
        SurveyPart::PaperPreview,
        SurveyPart::PaperApply,
        SurveyPart::Phones,
        SurveyPart::PhonesPreview,
        SurveyPart::PhonesApply,
        SurveyPart::PhonesEnabled,
    ];

    fn path(self) -> &'static str {
        match self {
            SurveyPart::Edit => "edit",
            SurveyPart::Open => "open",
            SurveyPart::Close => "close",
            SurveyPart::Tokens => "tokens",
            SurveyPart::Households => "households",
            SurveyPart::Results => "results",
            SurveyPart::PaperTemplate => "paper/template.xlsx",
            SurveyPart::PaperPreview => "paper/preview",
            SurveyPart::PaperApply => "paper/apply",
            SurveyPart::Phones => "phones",
            SurveyPart::PhonesPreview => "phones/preview",
            SurveyPart::PhonesApply => "phones/apply",
            SurveyPart::PhonesEnabled => "phones/enabled",
        }
    }
}

// Addresses of the unit, dossier and notification pages' forms and links (issue 13:
// templates get built links rather than joining paths).
impl Urls {
    /// `/units/{code}/hamlets`: the form adding one hamlet.
    pub fn unit_hamlets(code: &str) -> String {
        format!("{}/hamlets", Self::unit(code))
    }

    /// `/units/{code}/hamlets/import`: the hamlet file upload.
    pub fn unit_hamlets_import(code: &str) -> String {
        format!("{}/hamlets/import", Self::unit(code))
    }

    /// `/dossiers/{id}/act`: an action's form.
    pub fn dossier_act(id: Uuid) -> String {
        format!("{}/act", Self::dossier(id))
    }

    /// `/dossiers/{id}/documents`: the document upload.
    pub fn dossier_documents(id: Uuid) -> String {
        format!("{}/documents", Self::dossier(id))
    }

    /// `/dossiers/{id}/pdf`: the dossier as a PDF.
    pub fn dossier_pdf(id: Uuid) -> String {
        format!("{}/pdf", Self::dossier(id))
    }

    /// `/account/tokens/{id}/revoke`: revoking an API token (POST).
    pub fn token_revoke(id: Uuid) -> String {
        format!("/account/tokens/{id}/revoke")
    }

    /// `/notifications/read`: marking notifications read.
    pub fn notifications_read() -> String {
        "/notifications/read".to_string()
    }
}

/// Traceability pages (issue 15, parts 4–5).
impl Urls {
    /// `/trace/lots`: the producer's lots.
    pub fn trace_lots() -> String {
        "/trace/lots".into()
    }

    /// `/trace/lots/{id}`
    pub fn trace_lot(id: Uuid) -> String {
        format!("/trace/lots/{id}")
    }

    /// `/trace/lots/{id}?flash=…` (after a form: `lot`, `event`, `duplicate`).
    pub fn trace_lot_saved(id: Uuid, flash: &str) -> String {
        format!("/trace/lots/{id}?flash={}", url_encode(flash))
    }

    /// `/trace/lots/{id}/{file}`: `qr.svg`, `qr.png`, `labels.pdf`, `events` (the form).
    pub fn trace_lot_file(id: Uuid, file: &str) -> String {
        format!("/trace/lots/{id}/{file}")
    }
}

/// OCOP pages (`pages/ocop`).
impl Urls {
    /// `/ocop` with its filters and page cursor.
    pub fn ocop_catalogue(
        province: Option<&str>,
        commune: Option<&str>,
        stars: Option<u8>,
        group: Option<u8>,
        after: Option<&str>,
    ) -> String {
        let mut q: Vec<String> = Vec::new();
        if let Some(p) = province {
            q.push(format!("province={}", url_encode(p)));
        }
        if let Some(c) = commune {
            q.push(format!("commune={}", url_encode(c)));
        }
        if let Some(s) = stars {
            q.push(format!("stars={s}"));
        }
        if let Some(g) = group {
            q.push(format!("group={g}"));
        }
        if let Some(a) = after {
            q.push(format!("after={}", url_encode(a)));
        }
        if q.is_empty() {
            "/ocop".into()
        } else {
            format!("/ocop?{}", q.join("&"))
        }
    }

    /// `/ocop/products/{id}`: a product's public page.
    pub fn ocop_product(id: &str) -> String {
        format!("/ocop/products/{}", url_encode(id))
    }

    /// `/ocop/products/{id}/photo`: a rated product's photo.
    pub fn ocop_product_photo(id: &str) -> String {
        format!("/ocop/products/{}/photo", url_encode(id))
    }

    /// `/ocop/manage/{id}/details`: where to buy a product and its photo (POST).
    pub fn ocop_product_details(id: &str) -> String {
        format!("/ocop/manage/{}/details", url_encode(id))
    }

    /// `/units/{code}/ocop`: a unit's OCOP producers and products.
    pub fn ocop_unit(code: &str) -> String {
        format!("/units/{}/ocop", url_encode(code))
    }

    /// `/ocop/mine`: the producer's own records.
    pub fn ocop_mine() -> String {
        "/ocop/mine".into()
    }

    /// `/ocop/documents/{id}`: a producer's dossier document.
    pub fn ocop_document(id: &str) -> String {
        format!("/ocop/documents/{}", url_encode(id))
    }

    /// `/ocop/producers/{id}/documents`: the document upload, back to product `back` when
    /// given (else the producer's own page).
    pub fn ocop_documents_upload(producer: &str, back: Option<&str>) -> String {
        match back {
            Some(p) => format!(
                "/ocop/producers/{}/documents?product={}",
                url_encode(producer),
                url_encode(p)
            ),
            None => format!("/ocop/producers/{}/documents", url_encode(producer)),
        }
    }

    /// `/ocop/rounds/{id}/documents`: linking dossier documents to a round.
    pub fn ocop_round_documents(round: &str) -> String {
        format!("/ocop/rounds/{}/documents", url_encode(round))
    }

    /// `/ocop/manage/{id}`: a product's rounds and decisions.
    pub fn ocop_manage(id: &str) -> String {
        format!("/ocop/manage/{}", url_encode(id))
    }
}

#[cfg(test)]
mod tests;
