//! `ntm boundaries load`.

use std::process::ExitCode;

use anyhow::{Context, Result};
use ntm_app::Actor;
use ntm_app::areas::{LoadOptions, load_boundaries};

use super::args::{BoundariesCmd, Common};
use super::{app_err, open};

pub(super) async fn boundaries(common: &Common, cmd: BoundariesCmd) -> Result<ExitCode> {
    let BoundariesCmd::Load {
        file,
        code_property,
        source,
        licence,
        province,
        province_property,
    } = cmd;
    let app = open(common, true).await?;
    let reader =
        std::fs::File::open(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let opts = LoadOptions {
        code_property,
        source,
        licence,
        only_province: province_property.zip(province),
    };
    let t = std::time::Instant::now();
    let r = load_boundaries(&app, &Actor::cli(), reader, opts)
        .await
        .map_err(app_err)?;
    println!(
        "{}: {} features read, {} outlines stored, {} of other provinces skipped ({:.1} s)",
        file.display(),
        r.features,
        r.stored,
        r.skipped,
        t.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
