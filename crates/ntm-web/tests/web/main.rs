//! HTTP tests of ntm-web through the real router and a real database (each test runs on
//! SQLite and on PostgreSQL through `ntm_testkit::both_backends!`).
//!
//! One integration test binary for the crate (link time on 2 cores): add modules here,
//! not files under `tests/`.

mod access;
mod api;
mod api_reads;
mod api_tokens;
mod areas;
mod auth;
mod authz_matrix;
mod criteria;
mod criteria_authoring;
mod criteria_set_xlsx;
mod dashboard;
mod dossier_pages;
mod dossier_pdf;
mod dossier_recognition;
mod dossiers;
mod epcis;
mod feedback;
mod forwarded;
mod four_eyes;
mod groups;
mod hamlets;
mod helpers;
mod i18n;
mod input_limits;
mod lineage;
mod login_limits;
mod mail;
mod maps;
mod measures;
mod national;
mod nul_input;
mod ocop;
mod ocop_documents;
mod ocop_forms;
mod ocop_photo;
mod ogc;
mod ogc_plans;
mod open311;
mod open_data;
mod pages;
mod plans;
mod portal;
mod provincial;
mod reports;
mod scorecard;
mod session_security;
mod spreadsheet_limits;
mod survey;
mod survey_anonymity;
mod survey_contents;
mod survey_links;
mod survey_phones;
mod survey_sms;
mod tourism;
mod trace_pages;
mod tree;
mod upload_size;
mod workbook;
