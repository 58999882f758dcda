//! `ntm import units|observations|hamlets`, with a progress bar for unit lists.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ntm_app::Actor;
use ntm_app::units::{ImportReport, ImportStage, SnapshotInput};

use super::args::{Common, ImportCmd};
use super::{app_err, open, read_file};

pub(super) async fn import(common: &Common, cmd: ImportCmd) -> Result<ExitCode> {
    let app = open(common, true).await?;
    let actor = Actor::cli();
    match cmd {
        ImportCmd::Boundaries(args) => {
            drop(app);
            return super::boundaries::import(common, args).await;
        }
        ImportCmd::Units {
            reference: true, ..
        } => {
            for input in ntm_app::demo::reference_snapshots() {
                let source = input.source.clone();
                let bar = stage_bar();
                let t = std::time::Instant::now();
                let r = ntm_app::units::import_snapshot(&app, &actor, input, &mut |s| {
                    show_stage(&bar, &source, s)
                })
                .await
                .map_err(app_err)?;
                bar.finish_and_clear();
                print_report(&r, t.elapsed().as_secs_f64());
            }
        }
        ImportCmd::Units {
            file,
            date,
            mapping,
            ..
        } => {
            let file = file
                .ok_or_else(|| anyhow!("give a CSV file, or --reference for the official lists"))?;
            let date = date.ok_or_else(|| {
                anyhow!("--date is required: the date the list describes (e.g. --date 2025-07-01)")
            })?;
            let date = ntm_domain::text::parse_date(&date).ok_or_else(|| {
                anyhow!("--date {date:?} is not a date (use YYYY-MM-DD or dd/mm/yyyy)")
            })?;
            let bytes = read_file(&file)?;
            let mapping_bytes = mapping.as_deref().map(read_file).transpose()?;
            let source = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let bar = stage_bar();
            let t = std::time::Instant::now();
            let input = SnapshotInput {
                source: source.clone(),
                units_csv: &bytes,
                date,
                mapping_csv: mapping_bytes.as_deref(),
            };
            let r = ntm_app::units::import_snapshot(&app, &actor, input, &mut |s| {
                show_stage(&bar, &source, s)
            })
            .await
            .map_err(app_err)?;
            bar.finish_and_clear();
            print_report(&r, t.elapsed().as_secs_f64());
        }
        ImportCmd::Observations {
            file,
            set,
            year,
            note,
            apply_valid,
        } => {
            let bytes = read_file(&file)?;
            let name = file.to_string_lossy().into_owned();
            // A local bulk file: the command line's larger limits.
            let table = ntm_reports::read_table_within(
                &bytes,
                &name,
                &ntm_reports::sheets::Limits::COMMAND_LINE,
            )
            .map_err(|e| anyhow!("{name}: {e}"))?;
            let rows = ntm_app::criteria::parse_observation_rows(table).map_err(app_err)?;
            let r =
                ntm_app::workbook::import_long(&app, &actor, &set, year, rows, &note, apply_valid)
                    .await
                    .map_err(app_err)?;
            println!(
                "{} value(s) of {} unit(s) imported for {set} {year}",
                r.rows, r.units
            );
            if !r.bad.is_empty() {
                println!("{} bad row(s) skipped:", r.bad.len());
                for e in &r.bad {
                    println!("  {}: {}", e.field, e.message);
                }
            }
        }
        ImportCmd::Hamlets { file, commune } => {
            let bytes = read_file(&file)?;
            let name = file.to_string_lossy().into_owned();
            let table =
                ntm_reports::read_table(&bytes, &name).map_err(|e| anyhow!("{name}: {e}"))?;
            let rows =
                ntm_app::units::parse_hamlet_rows(table, commune.as_deref()).map_err(app_err)?;
            let r = ntm_app::units::add_hamlets(&app, &actor, rows)
                .await
                .map_err(app_err)?;
            println!(
                "{} hamlet(s) added, {} already present",
                r.added.len(),
                r.unchanged
            );
            for u in &r.added {
                println!("  {}  {} ({})", u.code, u.name, u.kind);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn stage_bar() -> ProgressBar {
    let bar = ProgressBar::new(ImportStage::COUNT);
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{bar:20}] {pos}/{len} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

pub(super) fn show_stage(bar: &ProgressBar, source: &str, stage: ImportStage) {
    bar.set_position(stage.index().min(ImportStage::COUNT));
    bar.set_message(format!("{source}: {}", stage.label()));
}

fn print_report(r: &ImportReport, secs: f64) {
    if r.already_applied {
        println!(
            "{} ({}): already applied — nothing changed",
            r.source, r.date
        );
        return;
    }
    let levels: Vec<String> = r
        .rows_by_level
        .iter()
        .map(|(l, n)| format!("{n} {}", l.as_str()))
        .collect();
    println!(
        "{} ({}): {} rows ({}); opened {}, closed {}, unchanged {}, lineage {} — {:.2} s",
        r.source,
        r.date,
        r.rows,
        levels.join(", "),
        r.opened,
        r.closed,
        r.unchanged,
        r.lineage,
        secs
    );
    for w in r.warnings.iter().take(20) {
        println!("  warning: {w}");
    }
    if r.warnings.len() > 20 {
        println!("  … and {} more warnings", r.warnings.len() - 20);
    }
}
