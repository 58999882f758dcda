//! Storage tests: one integration binary; every `both_backends!` test runs on SQLite and
//! PostgreSQL (`cargo test -p ntm-store -- ::sqlite` or `::postgres` for one engine).

mod api_tokens;
mod areas;
mod audit;
mod boundaries;
mod bulk;
mod commune_groups;
mod criteria_set_versions;
mod criteria_sets;
mod dossiers;
mod evaluation_changes;
mod feedback_list;
mod hardening;
mod observations;
mod ocop;
mod plans;
mod portal;
mod reports;
mod schema;
mod sessions;
mod survey_anonymity;
mod survey_batch;
mod survey_migration;
mod surveys;
mod trace_origins;
mod units;
mod users;

use ntm_domain::audit::NewAuditEntry;
use time::OffsetDateTime;

/// An audit entry for `action`, stamped now (with sub-microsecond digits on purpose).
pub fn entry(action: &str, target: &str) -> NewAuditEntry {
    NewAuditEntry {
        at: OffsetDateTime::now_utc(),
        actor: "tester".into(),
        action: action.into(),
        target: target.into(),
        detail: "{}".into(),
        origin: "127.0.0.1".into(),
    }
}
