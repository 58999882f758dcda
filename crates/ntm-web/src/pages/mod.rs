//! Server-rendered HTML pages (askama templates under `templates/`). Every page works
//! without JavaScript: plain links, GET forms for searching, POST forms that redirect.

pub mod account;
pub mod api_tokens;
pub mod areas;
pub mod auth;
pub mod criteria_editor;
pub mod criteria_set_xlsx;
pub mod criteria_sets;
pub mod dashboard;
pub mod dossier_pdf;
pub mod dossiers;
pub mod feedback;
pub mod groups;
pub mod history;
pub mod home;
pub mod maps;
pub mod ocop;
pub mod open_data;
pub mod plans;
pub mod portal;
pub mod reports;
pub mod scorecard;
pub mod survey;
pub mod tourism;
pub mod trace;
pub mod tree;
pub mod units;
pub mod users;
pub mod workbook;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router(upload_limit: usize) -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/login", get(auth::login_page).post(auth::login_submit))
        .route("/logout", post(auth::logout))
        .route("/dashboard", get(dashboard::national_page))
        .route("/dashboard.xlsx", get(dashboard::national_xlsx))
        .route("/maps", get(maps::maps_page))
        .route("/maps/status.geojson", get(maps::status_geojson))
        .route("/units", get(units::search_page))
        .route("/units/{code}", get(units::unit_page))
        .route("/units/{code}/children.xlsx", get(units::children_xlsx))
        .route("/units/{code}/dashboard", get(dashboard::dashboard_page))
        .route(
            "/units/{code}/dashboard.xlsx",
            get(dashboard::dashboard_xlsx),
        )
        .route("/units/{code}/tree", get(tree::tree))
        .route("/units/{code}/scorecard", get(scorecard::scorecard_page))
        .route(
            "/units/{code}/scorecard/history",
            get(scorecard::history_page),
        )
        .route(
            "/units/{code}/scorecard/values",
            post(scorecard::post_value),
        )
        .route(
            "/units/{code}/scorecard/status",
            post(scorecard::post_review),
        )
        .route(
            "/units/{code}/scorecard/evidence",
            get(scorecard::evidence_page)
                .post(scorecard::post_evidence)
                .layer(DefaultBodyLimit::max(
                    ntm_app::criteria::MAX_EVIDENCE_BYTES + 64 * 1024,
                )),
        )
        .route("/evidence/{id}", get(scorecard::download_evidence))
        .route("/units/{code}/hamlets", post(units::add_hamlet))
        .route(
            "/units/{code}/hamlets/import",
            post(units::import_hamlets).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/units/{code}/workbook", get(workbook::page::workbook_page))
        .route(
            "/units/{code}/workbook/template.xlsx",
            get(workbook::downloads::template_xlsx),
        )
        .route(
            "/units/{code}/workbook/results.xlsx",
            get(workbook::downloads::results_xlsx),
        )
        .route(
            "/units/{code}/workbook/preview",
            post(workbook::preview::preview).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/units/{code}/workbook/apply", post(workbook::apply::apply))
        .route(
            "/units/{code}/groups",
            get(groups::page).post(groups::assign),
        )
        .route("/units/{code}/groups/template.xlsx", get(groups::template))
        .route(
            "/units/{code}/groups/upload",
            post(groups::upload).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/units/{code}/groups/apply", post(groups::apply))
        .route(
            "/criteria-sets/shipped/{id}/{version}/export.xlsx",
            get(criteria_set_xlsx::shipped_xlsx),
        )
        .route(
            "/criteria-versions/{id}/export.xlsx",
            get(criteria_set_xlsx::version_xlsx),
        )
        .route(
            "/criteria-versions/{id}/xlsx-import",
            get(criteria_set_xlsx::import_form)
                .post(criteria_set_xlsx::import_preview)
                .layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route(
            "/criteria-versions/{id}/xlsx-import/apply",
            post(criteria_set_xlsx::import_apply),
        )
        .route("/units/{code}/areas", get(areas::list::list))
        .route("/units/{code}/areas.xlsx", get(areas::list::xlsx))
        .route(
            "/units/{code}/areas/new",
            get(areas::form::new_form)
                .post(areas::form::create)
                .layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/areas/mine", get(areas::mine::mine))
        .route("/areas/{id}", get(areas::page::area_page))
        .route(
            "/areas/{id}/edit",
            get(areas::form::edit_form)
                .post(areas::form::update)
                .layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route(
            "/areas/{id}/certifications",
            post(areas::page::add_certification),
        )
        .route("/areas/{id}/seasons", post(areas::page::add_season))
        .route("/units/{code}/plans", get(plans::list::list))
        .route("/plans/{id}", get(plans::page::page))
        .route("/plans/{id}/plan.xlsx", get(plans::page::xlsx))
        .route("/plans/{id}/targets/{target}", get(plans::target::target))
        .route(
            "/plans/{id}/measures",
            get(plans::measures::measures_page).post(plans::measures::measures_post),
        )
        .route("/plans/{id}/tasks/{task}", post(plans::tasks::task_post))
        .route(
            "/units/{code}/criteria-sets",
            get(criteria_sets::list::province_page),
        )
        .route(
            "/criteria-sets/national",
            get(criteria_sets::list::national_page),
        )
        .route(
            "/criteria-sets/{scope}/new",
            post(criteria_sets::create::create),
        )
        .route(
            "/criteria-sets/{scope}/import",
            post(criteria_sets::create::import).layer(DefaultBodyLimit::max(
                ntm_app::provincial::MAX_FILE_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/criteria-sets/shipped/{id}/{version}/export.yaml",
            get(criteria_sets::list::shipped_yaml),
        )
        .route(
            "/criteria-versions/{id}",
            get(criteria_editor::version_page),
        )
        .route(
            "/criteria-versions/{id}/meta",
            post(criteria_editor::post_meta),
        )
        .route(
            "/criteria-versions/{id}/criteria",
            post(criteria_editor::post_criterion),
        )
        .route(
            "/criteria-versions/{id}/remove",
            post(criteria_editor::post_remove),
        )
        .route(
            "/criteria-versions/{id}/indicator",
            get(criteria_editor::indicator_page)
                .post(criteria_editor::post_indicator)
                .layer(DefaultBodyLimit::max(
                    ntm_app::criteria_sets::edit::MAX_BASIS_FILE_BYTES + 64 * 1024,
                )),
        )
        .route(
            "/criteria-versions/{id}/publish",
            get(criteria_editor::publish_page).post(criteria_editor::post_publish),
        )
        .route(
            "/criteria-versions/{id}/export.yaml",
            get(criteria_editor::export_yaml),
        )
        .route(
            "/criteria-versions/{id}/files/{sha}",
            get(criteria_editor::basis_file),
        )
        .route("/dossiers/{id}/pdf", get(dossier_pdf::dossier_pdf))
        .route("/units/{code}/reports", get(reports::list::list))
        .route("/units/{code}/reports/open", post(reports::list::open))
        .route("/units/{code}/reports/close", post(reports::list::close))
        .route("/reports/{id}", get(reports::page::page))
        .route("/reports/{id}/narrative", post(reports::page::save))
        .route("/reports/{id}/submit", post(reports::page::submit))
        .route("/reports/{id}/accept", post(reports::page::accept))
        .route("/reports/{id}/return", post(reports::page::return_report))
        .route("/reports/{id}/report.xlsx", get(reports::files::xlsx))
        .route("/reports/{id}/report.pdf", get(reports::files::pdf))
        .route(
            "/units/{code}/dossiers",
            get(dossiers::list_page).post(dossiers::create),
        )
        .route("/dossiers/{id}", get(dossiers::detail_page))
        .route("/dossiers/{id}/act", post(dossiers::act))
        .route(
            "/dossiers/{id}/documents",
            post(dossiers::upload).layer(DefaultBodyLimit::max(
                ntm_app::dossiers::MAX_DOCUMENT_BYTES + 64 * 1024,
            )),
        )
        .route("/dossier-documents/{id}", get(dossiers::download))
        .route("/notifications", get(dossiers::notifications_page))
        .route("/account", get(account::account_page))
        .route("/account/email", post(account::set_email))
        .route("/account/password", post(account::change_password))
        .route("/account/sessions/revoke", post(account::revoke_others))
        .route("/account/tokens", post(api_tokens::create))
        .route("/account/tokens/{id}/revoke", post(api_tokens::revoke))
        .route("/users", get(users::users_page))
        .route("/users/{username}/active", post(users::set_active))
        .route("/users/{username}/sessions/revoke", post(users::revoke))
        .route("/users/{username}/roles/add", post(users::add_role))
        .route("/users/{username}/roles/remove", post(users::remove_role))
        .route("/notifications/read", post(dossiers::mark_read))
        .route(
            "/units/{code}/procedure-settings",
            get(dossiers::settings_page).post(dossiers::settings_post),
        )
        .route(
            "/units/{code}/surveys",
            get(survey::campaigns::list_page).post(survey::campaigns::create),
        )
        .route(
            "/units/{code}/surveys/new",
            get(survey::campaigns::new_page),
        )
        .route(
            "/units/{code}/surveys/{survey}",
            get(survey::campaign::campaign_page),
        )
        .route(
            "/units/{code}/surveys/{survey}/edit",
            get(survey::campaigns::edit_page).post(survey::campaigns::edit),
        )
        .route(
            "/units/{code}/surveys/{survey}/open",
            post(survey::campaigns::open),
        )
        .route(
            "/units/{code}/surveys/{survey}/close",
            post(survey::campaigns::close),
        )
        .route(
            "/units/{code}/surveys/{survey}/tokens",
            post(survey::campaign::issue_tokens),
        )
        .route(
            "/units/{code}/surveys/{survey}/households",
            post(survey::campaign::set_households),
        )
        .route(
            "/units/{code}/surveys/{survey}/results",
            get(survey::results::results_page),
        )
        .route(
            "/units/{code}/surveys/{survey}/paper/template.xlsx",
            get(survey::paper::paper_template),
        )
        .route(
            "/units/{code}/surveys/{survey}/paper/preview",
            post(survey::paper::paper_preview).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route(
            "/units/{code}/surveys/{survey}/paper/apply",
            post(survey::paper::paper_apply),
        )
        .route(
            "/units/{code}/surveys/{survey}/phones",
            get(survey::phones::phones_page),
        )
        .route(
            "/units/{code}/surveys/{survey}/phones/preview",
            post(survey::phones::phones_preview).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route(
            "/units/{code}/surveys/{survey}/phones/apply",
            post(survey::phones::phones_apply),
        )
        .route(
            "/units/{code}/surveys/{survey}/phones/enabled",
            post(survey::phones::phones_enabled),
        )
        .route(
            "/s/{code}",
            get(survey::public::public_form).post(survey::public::public_submit),
        )
        .route("/s/{code}/gui-ma", post(survey::sms::send_code))
        .route("/s/{code}/cam-on", get(survey::public::public_thanks))
        .route("/s/{code}/qr.svg", get(survey::public::qr_svg))
        .route("/s/{code}/qr.png", get(survey::public::qr_png))
        .route("/open-data", get(open_data::page))
        .route("/open-data/catalog.jsonld", get(open_data::catalog))
        .route("/open-data/{file}", get(open_data::file))
        .route("/portal/{code}", get(portal::commune_page))
        .route("/portal/{code}/feed.atom", get(portal::feed::feed))
        .route("/portal/{code}/dx", get(portal::dx_page))
        .route("/portal/{code}/posts/{id}", get(portal::post_page))
        .route("/portal/{code}/photos/{id}", get(portal::photo))
        .route("/portal/province/{code}", get(portal::province_page))
        .route("/tourism/{code}", get(tourism::commune_page))
        .route("/tourism/points/{id}", get(tourism::point_page))
        .route(
            "/tourism/points/{id}/{file}",
            get(tourism::files::point_file),
        )
        .route("/tourism/photos/{id}", get(tourism::files::photo))
        .route("/tourism/tours/{id}", get(tourism::tour_page))
        .route(
            "/tourism/tours/{id}/leaflet.pdf",
            get(tourism::files::leaflet_pdf),
        )
        .route("/units/{code}/tourism", get(tourism::manage::page))
        .route(
            "/units/{code}/tourism/points",
            post(tourism::manage::create_point)
                .layer(DefaultBodyLimit::max(crate::state::tourism_upload())),
        )
        .route(
            "/units/{code}/tourism/tours",
            post(tourism::manage::create_tour),
        )
        .route(
            "/tourism/edit/points/{id}",
            get(tourism::manage::edit_point)
                .post(tourism::manage::save_point)
                .layer(DefaultBodyLimit::max(crate::state::tourism_upload())),
        )
        .route(
            "/tourism/edit/points/{id}/publish",
            post(tourism::manage::publish_point),
        )
        .route(
            "/tourism/edit/tours/{id}",
            get(tourism::manage::edit_tour).post(tourism::manage::save_tour),
        )
        .route(
            "/tourism/edit/tours/{id}/publish",
            post(tourism::manage::publish_tour),
        )
        .route("/units/{code}/portal", get(portal::manage::page))
        .route(
            "/units/{code}/portal/photos/{id}",
            get(portal::manage::photo),
        )
        .route(
            "/units/{code}/portal/posts",
            post(portal::manage::create)
                .layer(DefaultBodyLimit::max(crate::state::portal_upload())),
        )
        .route(
            "/portal/edit/{id}",
            get(portal::manage::edit)
                .post(portal::manage::save)
                .layer(DefaultBodyLimit::max(crate::state::portal_upload())),
        )
        .route("/portal/edit/{id}/publish", post(portal::manage::publish))
        .route(
            "/portal/edit/{id}/photos/{photo}/remove",
            post(portal::manage::remove_photo),
        )
        .route(
            "/units/{code}/portal/schedule",
            get(portal::schedule::page).post(portal::schedule::add),
        )
        .route("/portal/programmes/{id}/held", post(portal::schedule::held))
        .route("/ocop", get(ocop::catalogue))
        .route("/ocop/products/{id}", get(ocop::product))
        .route("/ocop/products/{id}/photo", get(ocop::details::photo))
        .route("/ocop/mine", get(ocop::manage::mine))
        .route("/units/{code}/ocop", get(ocop::manage::unit_page))
        .route("/units/{code}/ocop/producers", post(ocop::forms::register))
        .route(
            "/units/{code}/ocop/import",
            post(ocop::manage::import_upload).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route(
            "/units/{code}/ocop/import/apply",
            post(ocop::manage::import_apply),
        )
        .route(
            "/ocop/producers/{id}/products",
            post(ocop::forms::add_product),
        )
        .route("/ocop/manage/{id}", get(ocop::manage::manage_page))
        .route(
            "/ocop/manage/{id}/details",
            post(ocop::details::save).layer(DefaultBodyLimit::max(
                ntm_app::ocop::MAX_PHOTO_BYTES + 64 * 1024,
            )),
        )
        .route("/ocop/manage/{id}/rounds", post(ocop::manage::open_round))
        .route("/ocop/rounds/{id}/sheets", post(ocop::manage::submit_sheet))
        .route("/ocop/rounds/{id}/decision", post(ocop::manage::decide))
        .route(
            "/ocop/producers/{id}/documents",
            post(ocop::documents::upload).layer(DefaultBodyLimit::max(
                ntm_app::dossiers::MAX_DOCUMENT_BYTES + 64 * 1024,
            )),
        )
        .route("/ocop/documents/{id}", get(ocop::documents::download))
        .route("/ocop/rounds/{id}/documents", post(ocop::documents::attach))
        .route(
            "/trace/lots",
            get(trace::lots::lots_page).post(trace::lots::record_lot),
        )
        .route("/trace/lots/{id}", get(trace::lot::lot_page))
        .route("/trace/lots/{id}/events", post(trace::lot::record_event))
        .route("/trace/lots/{id}/qr.svg", get(trace::lot::qr_svg))
        .route("/trace/lots/{id}/qr.png", get(trace::lot::qr_png))
        .route("/trace/lots/{id}/labels.pdf", get(trace::lot::labels_pdf))
        .route("/01/{*rest}", get(trace::public::resolve))
        .route("/p/{*rest}", get(trace::public::resolve))
        .route(
            "/.well-known/gs1resolver",
            get(trace::public::resolver_description),
        )
        .route("/feedback", get(feedback::public::home))
        .route("/feedback/track", get(feedback::public::track_lookup))
        .route(
            "/feedback/{province}/new",
            get(feedback::public::new_form)
                .post(feedback::public::submit)
                .layer(DefaultBodyLimit::max(crate::state::FEEDBACK_FORM_LIMIT)),
        )
        .route("/feedback/t/{code}", get(feedback::public::track))
        .route("/feedback/t/{code}/rate", post(feedback::public::rate))
        .route("/feedback/photo/{id}", get(feedback::public::photo))
        .route("/feedback/inbox", get(feedback::officer::inbox))
        .route("/feedback/inbox/bulk", post(feedback::officer::bulk))
        .route("/feedback/r/{id}", get(feedback::officer::report))
        .route("/feedback/r/{id}/act", post(feedback::officer::act))
        .route("/feedback/r/{id}/assign", post(feedback::officer::assign))
        .route("/feedback/measures", get(feedback::measures::page))
        .route(
            "/feedback/settings/{province}",
            get(feedback::settings::show).post(feedback::settings::save),
        )
}
