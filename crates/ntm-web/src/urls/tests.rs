//! Every address built by `Urls` matches a route of `pages/mod.rs`.

use super::*;

/// The route patterns of `pages/mod.rs` (`.route("/units/{code}", …)`).
pub(super) fn routes() -> Vec<String> {
    let src = include_str!("../pages/mod.rs");
    let mut out = Vec::new();
    let mut rest = src;
    while let Some(i) = rest.find(".route(") {
        rest = &rest[i + ".route(".len()..];
        let Some(open) = rest.find('"') else { break };
        let after = &rest[open + 1..];
        let Some(close) = after.find('"') else { break };
        out.push(after[..close].to_string());
        rest = &after[close..];
    }
    out
}

/// Whether `path` (no query) matches `pattern` (`{x}` one segment, `{*x}` the rest).
pub(super) fn matches(pattern: &str, path: &str) -> bool {
    let p: Vec<&str> = pattern.split('/').collect();
    let u: Vec<&str> = path.split('/').collect();
    for (i, seg) in p.iter().enumerate() {
        if seg.starts_with("{*") {
            return u.len() > i;
        }
        let Some(v) = u.get(i) else { return false };
        let param = seg.starts_with('{') && seg.ends_with('}');
        if !(param && !v.is_empty() || seg == v) {
            return false;
        }
    }
    p.len() == u.len()
}

#[test]
fn every_built_address_is_a_route() {
    let routes = routes();
    assert!(routes.len() > 50, "route table not found: {routes:?}");
    let id = Uuid::nil();
    let parts = SurveyPart::ALL.map(|p| Urls::survey_part("29500", "7K3M9QX2PA", p));
    let built = [
        Urls::portal("29374", None),
        Urls::portal("29374", Some("chuyen-doi-so")),
        Urls::portal_post("29374", id),
        Urls::portal_photo("29374", id),
        Urls::portal_feed("29374"),
        Urls::portal_dx(
            "29374",
            time::macros::date!(2026 - 01 - 01),
            time::macros::date!(2026 - 03 - 31),
        ),
        Urls::portal_province("84"),
        Urls::feedback_measures_figure(
            "29374",
            time::macros::date!(2026 - 01 - 01),
            time::macros::date!(2026 - 03 - 31),
            "received",
        ),
        Urls::tourism("29374"),
        Urls::tourism_point(id),
        Urls::tourism_point_file(id, "qr.svg"),
        Urls::tourism_photo(id),
        Urls::tourism_tour(id),
        Urls::tourism_leaflet(id),
        Urls::tourism_manage("29374"),
        Urls::tourism_new_point("29374"),
        Urls::tourism_new_tour("29374"),
        Urls::tourism_edit_point(id),
        Urls::tourism_publish_point(id),
        Urls::tourism_edit_tour(id),
        Urls::tourism_publish_tour(id),
        Urls::portal_manage("29374"),
        Urls::portal_new_post("29374"),
        Urls::portal_edit(id),
        Urls::portal_publish(id),
        Urls::portal_remove_photo(id, id),
        Urls::portal_schedule("29374", None),
        Urls::portal_schedule("29374", Some(time::macros::date!(2026 - 01 - 05))),
        Urls::portal_held(id),
        Urls::portal_officer_photo("29374", id),
        Urls::trace_lots(),
        Urls::trace_lot(Uuid::nil()),
        Urls::trace_lot_saved(Uuid::nil(), "event"),
        Urls::trace_lot_file(Uuid::nil(), "labels.pdf"),
        Urls::trace_lot_file(Uuid::nil(), "events"),
        Urls::unit("84"),
        Urls::scorecard("29500", "xa-ntm-2021-2025", 2024),
        Urls::scorecard_history("29500", "xa-ntm-2021-2025", 2024, "1.1"),
        Urls::dashboard("84", "xa-ntm-2021-2025", 2024),
        Urls::workbook("855", "xa-ntm-2021-2025", 2024),
        Urls::workbook_page("855"),
        Urls::groups("84"),
        Urls::reports("84"),
        Urls::procedure_settings("84"),
        Urls::criteria_sets("84"),
        Urls::criteria_sets(ntm_app::criteria_sets::NATIONAL),
        Urls::shipped_yaml("xa-ntm-2021-2025", "1"),
        Urls::criteria_version(id),
        Urls::criteria_version_done(id, "saved"),
        Urls::criteria_indicator(id, "1.1"),
        Urls::criteria_indicator_new(id, 3),
        Urls::criteria_basis_file(id, "ab12"),
        Urls::criteria_version_xlsx(id),
        Urls::evidence(id),
        Urls::report(id),
        Urls::dossier(id),
        Urls::dossier_document(id),
        Urls::plan("tra-vinh-2023"),
        Urls::plan_measures("tra-vinh-2023"),
        Urls::users(),
        Urls::users_done("disable", "xa.ct"),
        Urls::user_active("xa.ct"),
        Urls::user_revoke("xa.ct"),
        Urls::user_roles_add("xa.ct"),
        Urls::user_roles_remove("xa.ct"),
        Urls::account_done("password", 2),
        Urls::unit_on("84", time::macros::date!(2024 - 01 - 01)),
        Urls::unit_hamlets_added("29500", 2),
        Urls::unit_hamlets_imported("29500", 2, 1),
        Urls::tree("84", None),
        Urls::tree("84", Some(time::macros::date!(2024 - 01 - 01))),
        Urls::unit_children_xlsx("84", None),
        Urls::scorecard_year("29500", Some(2024)),
        Urls::dashboard_year("84", None),
        Urls::workbook_year("855", Some(2024)),
        Urls::scorecard_at("29500", "xa-ntm-2021-2025", 2024, "i-1-1"),
        Urls::scorecard_done("29500", "xa-ntm-2021-2025", 2024, "saved", "i-1-1"),
        Urls::scorecard_reviewed("29500", "xa-ntm-2021-2025", 2024, "submitted", 2, None),
        Urls::scorecard_evidence("29500", "xa-ntm-2021-2025", 2024, "1.1"),
        Urls::scorecard_values("29500"),
        Urls::scorecard_status("29500"),
        Urls::scorecard_evidence_upload("29500"),
        Urls::token_revoke(id),
        Urls::dashboard_xlsx("84", "xa-ntm-2021-2025", 2024, ("met", "desc"), "units"),
        Urls::workbook_done("855", "xa-ntm-2021-2025", 2024, "abc"),
        Urls::workbook_template("855", "xa-ntm-2021-2025", 2024),
        Urls::workbook_results("855", "xa-ntm-2021-2025", 2024),
        Urls::dossier_done(id, "done"),
        Urls::dossier_documents_done(id, "attached"),
        Urls::plan_year("tra-vinh-2023", 2024, Some("84")),
        Urls::plan_for_unit("tra-vinh-2023", "84"),
        Urls::plan_task_done("tra-vinh-2023", Some(2024), "t1"),
        Urls::plan_target("tra-vinh-2023", "m1", 2024, None),
        Urls::plan_xlsx("tra-vinh-2023", 2024, "", "", Some("84")),
        Urls::plan_measure("tra-vinh-2023", "m1", 2024),
        Urls::plan_measure_done("tra-vinh-2023", "m1", 2024, "saved"),
        Urls::dossiers("29500"),
        Urls::unit_plans("84"),
        Urls::surveys("29500"),
        Urls::survey("29500", "7K3M9QX2PA"),
        Urls::survey_done("29500", "7K3M9QX2PA", "created"),
        Urls::survey_edit("29500", "7K3M9QX2PA"),
        Urls::survey_phones("29500", "7K3M9QX2PA"),
        Urls::survey_phones_done("29500", "7K3M9QX2PA", "applied"),
        Urls::survey_public("7K3M9QX2PA"),
        Urls::survey_thanks("7K3M9QX2PA"),
        Urls::survey_qr_svg("7K3M9QX2PA"),
        Urls::survey_qr_png("7K3M9QX2PA"),
        Urls::survey_new("29500"),
        Urls::plan_task("tra-vinh-2023", "t1"),
        Urls::workbook_preview("855"),
        Urls::workbook_apply("855"),
        Urls::reports_done("84", "closed"),
        Urls::reports_open("84"),
        Urls::reports_close("84"),
        Urls::report_done(id, "saved"),
        Urls::groups_done("84", "applied", Some(3)),
        Urls::criteria_sets_new("84"),
        Urls::criteria_sets_import(ntm_app::criteria_sets::NATIONAL),
        Urls::groups_assign("84", "29374"),
        Urls::groups_part("84", GroupsPart::Template),
        Urls::groups_part("84", GroupsPart::Upload),
        Urls::groups_part("84", GroupsPart::Apply),
    ];
    let report_parts = ReportPart::ALL.map(|p| Urls::report_part(id, p));
    let version_parts = VersionPart::ALL.map(|p| Urls::criteria_version_part(id, p));
    for url in built
        .into_iter()
        .chain(parts)
        .chain(report_parts)
        .chain(version_parts)
    {
        let path = url.split(['?', '#']).next().unwrap_or_default();
        assert!(
            routes.iter().any(|r| matches(r, path)),
            "{url} matches no route of pages/mod.rs"
        );
    }
    // The matcher itself: a renamed route would not match.
    assert!(!matches("/units/{code}/scorecard", "/units/84/scorecards"));
    assert!(!matches("/units/{code}", "/units/"));
    assert!(matches("/assets/{*path}", "/assets/a/b.css"));
}

#[test]
fn values_are_encoded() {
    assert_eq!(
        Urls::scorecard("29500", "a b&c", 2024),
        "/units/29500/scorecard?set=a%20b%26c&year=2024"
    );
    assert_eq!(
        Urls::scorecard_history("1", "s", 2024, "1.1"),
        "/units/1/scorecard/history?set=s&year=2024&indicator=1.1"
    );
}

mod unit_dossier {
    use super::{matches, routes};
    use crate::urls::*;

    #[test]
    fn unit_and_dossier_addresses_are_routes() {
        let routes = routes();
        let id = Uuid::nil();
        for url in [
            Urls::unit_hamlets("29374"),
            Urls::unit_hamlets_import("29374"),
            Urls::dossier_act(id),
            Urls::dossier_documents(id),
            Urls::dossier_pdf(id),
            Urls::notifications_read(),
        ] {
            assert!(
                routes.iter().any(|r| matches(r, &url)),
                "{url} matches no route"
            );
        }
    }
}

mod ocop {
    use super::{matches, routes};
    use crate::urls::*;

    #[test]
    fn ocop_addresses_are_routes() {
        let routes = routes();
        let id = Uuid::nil().to_string();
        for url in [
            Urls::ocop_catalogue(None, None, None, None, None),
            Urls::ocop_product(&id),
            Urls::ocop_unit("29374"),
            Urls::ocop_mine(),
            Urls::ocop_document(&id),
            Urls::ocop_documents_upload(&id, None),
            Urls::ocop_round_documents(&id),
            Urls::ocop_manage(&id),
        ] {
            let path = url.split('?').next().unwrap_or_default().to_string();
            assert!(
                routes.iter().any(|r| matches(r, &path)),
                "{url} matches no route"
            );
        }
    }
}
