//! `ntm import boundaries` (and its older name `ntm boundaries load`).

use std::process::ExitCode;

use anyhow::{Result, anyhow};
use ntm_app::Actor;
use ntm_app::boundaries::{ImportOptions, import_boundary_file};

use super::args::{BoundariesCmd, BoundaryArgs, Common};
use super::{app_err, open};

pub(super) async fn boundaries(common: &Common, cmd: BoundariesCmd) -> Result<ExitCode> {
    let BoundariesCmd::Load(args) = cmd;
    import(common, args).await
}

pub(super) async fn import(common: &Common, args: BoundaryArgs) -> Result<ExitCode> {
    let date = ntm_domain::text::parse_date(&args.date).ok_or_else(|| {
        anyhow!(
            "--date {:?} is not a date (use YYYY-MM-DD or dd/mm/yyyy)",
            args.date
        )
    })?;
    let app = open(common, true).await?;
    let opts = ImportOptions {
        date,
        code_property: args.code_property.unwrap_or_default(),
        source: args.source,
        licence: args.licence,
        only_province: args.province_property.zip(args.province),
    };
    let t = std::time::Instant::now();
    let r = import_boundary_file(&app, &Actor::cli(), &args.file, opts)
        .await
        .map_err(app_err)?;
    println!(
        "{}: {} features read, {} boundaries stored from {} ({} replaced a period starting that day, {} cut an earlier period), {} of other provinces skipped ({:.1} s)",
        args.file.display(),
        r.features,
        r.stored,
        ntm_domain::text::format_date_vi(date),
        r.replaced,
        r.closed,
        r.skipped,
        t.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
