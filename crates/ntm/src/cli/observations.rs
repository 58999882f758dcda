//! `ntm observe` (values of one unit) and `ntm observations template|import|export`
//! (Excel workbooks).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, anyhow, bail};
use ntm_app::{Actor, AppError};

use super::args::{Common, ObservationsCmd, ObserveArgs};
use super::{app_err, open, read_file, write_output};

pub(super) async fn observe(common: &Common, args: ObserveArgs) -> Result<ExitCode> {
    let app = open(common, true).await?;
    let mut values = Vec::new();
    for (i, v) in args.values.iter().enumerate() {
        let Some((code, text)) = v.split_once('=') else {
            bail!("value {} ({v:?}) is not CODE=VALUE", i + 1);
        };
        values.push((code.trim().to_string(), text.to_string()));
    }
    // The command line replaces whatever is current (it has every right).
    let current =
        ntm_app::criteria::current_versions(&app, &Actor::cli(), &args.unit, &args.set, args.year)
            .await
            .map_err(app_err)?;
    let values = values
        .into_iter()
        .map(|(code, text)| ntm_app::criteria::ValueInput {
            expected_version: current.get(&code).copied(),
            code,
            text,
        })
        .collect();
    let batch = ntm_app::criteria::ValueBatch {
        set_id: args.set.clone(),
        year: args.year,
        values,
        note: args.note.clone(),
        source: ntm_domain::observation::ObsSource::Manual,
    };
    let w = ntm_app::criteria::put_observations(&app, &Actor::cli(), &args.unit, batch)
        .await
        .map_err(app_err)?;
    println!("{} value(s) recorded", w.len());
    for o in &w {
        println!(
            "  {} = {}  (version {})",
            o.indicator_code, o.value_text, o.version
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn observations(common: &Common, cmd: ObservationsCmd) -> Result<ExitCode> {
    let app = open(common, true).await?;
    let actor = Actor::cli();
    match cmd {
        ObservationsCmd::Template {
            set,
            unit,
            year,
            output,
        } => {
            let bytes = ntm_app::workbook::template(&app, &actor, &set, &unit, year)
                .await
                .map_err(app_err)?;
            let path =
                output.unwrap_or_else(|| PathBuf::from(format!("mau-{set}-{unit}-{year}.xlsx")));
            write_output(&path, &bytes)?;
            println!(
                "template for {set} {year} ({unit}) written to {}",
                path.display()
            );
        }
        ObservationsCmd::Import { file, apply_valid } => {
            let bytes = read_file(&file)?;
            let name = file.to_string_lossy().into_owned();
            let r = match ntm_app::workbook::import(&app, &actor, &bytes, &name, apply_valid).await
            {
                Ok(r) => r,
                Err(AppError::Validation(errs))
                    if !apply_valid && errs.iter().any(|e| e.field.starts_with("line ")) =>
                {
                    let e = AppError::Validation(errs);
                    return Err(anyhow!(
                        "{}\n(use --apply-valid to write the valid cells and skip the bad ones)",
                        app_err(e)
                    ));
                }
                Err(e) => return Err(app_err(e)),
            };
            println!(
                "{} value(s) of {} unit(s) imported for {} {}",
                r.rows, r.units, r.set_id, r.year
            );
            if !r.bad.is_empty() {
                println!("{} bad cell(s) skipped:", r.bad.len());
                for e in &r.bad {
                    println!("  {}: {}", e.field, e.message);
                }
            }
        }
        ObservationsCmd::Export {
            set,
            unit,
            year,
            output,
        } => {
            let bytes = ntm_app::workbook::export_results(&app, &actor, &unit, &set, year)
                .await
                .map_err(app_err)?;
            let path = output
                .unwrap_or_else(|| PathBuf::from(format!("ket-qua-{set}-{unit}-{year}.xlsx")));
            write_output(&path, &bytes)?;
            println!(
                "results of {unit} for {set} {year} written to {}",
                path.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
