//! `ntm criteria list|upload`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use ntm_app::Actor;

use super::args::Common;
use super::{app_err, open, read_file};

pub(super) async fn criteria_list(common: &Common) -> Result<ExitCode> {
    let app = open(common, true).await?;
    println!(
        "{:<38} {:<8} {:<9} {:<23} {:>9} {:>9}  title",
        "id", "version", "level", "in force", "criteria", "indicators"
    );
    for s in ntm_app::criteria::list_sets(&app) {
        let until = s
            .in_force_until
            .map(ntm_domain::text::format_date_vi)
            .unwrap_or_default();
        println!(
            "{:<38} {:<8} {:<9} {:<23} {:>9} {:>9}  {}",
            s.id,
            s.version,
            s.level.as_str(),
            format!(
                "{} – {}",
                ntm_domain::text::format_date_vi(s.valid_from),
                until
            ),
            s.criteria,
            s.indicators,
            s.title_vi
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn criteria_upload(
    common: &Common,
    province: &str,
    file: &Path,
) -> Result<ExitCode> {
    let app = open(common, true).await?;
    let text = String::from_utf8(read_file(file)?)
        .map_err(|_| anyhow!("{} is not UTF-8 text", file.display()))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let s = ntm_app::provincial::upload_set(&app, &Actor::cli(), province, &name, &text)
        .await
        .map_err(app_err)?;
    println!(
        "provincial set {} (version {}) for province {} stored; it extends {} and is now active",
        s.set_id, s.version, s.province_code, s.extends
    );
    for t in &s.thresholds {
        println!(
            "  {}  {}",
            t.code,
            if t.confirmed {
                "sourced"
            } else {
                "not sourced: evaluations show \"cần xác minh\""
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}
