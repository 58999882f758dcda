//! `ntm plans check`.

use std::process::ExitCode;

use anyhow::{Context, Result};

pub(super) fn plans_check(file: &std::path::Path) -> Result<ExitCode> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file.display().to_string();
    match ntm_app::plans::check_file(&name, &text) {
        Ok(p) => {
            println!(
                "{name}: plan {} ({}) — {} targets, {} reports, {} tasks: OK",
                p.id,
                p.province,
                p.targets.len(),
                p.reports.len(),
                p.tasks.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(errors) => {
            for e in &errors {
                eprintln!("{e}");
            }
            eprintln!("{} problem(s)", errors.len());
            Ok(ExitCode::FAILURE)
        }
    }
}
