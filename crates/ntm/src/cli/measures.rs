//! `ntm measures refresh UNIT [--year Y]`: the indicators computed from the records.

use std::process::ExitCode;

use anyhow::Result;
use ntm_app::Actor;

use super::args::{Common, MeasuresCmd};
use super::{app_err, open};

pub(super) async fn measures(common: &Common, cmd: MeasuresCmd) -> Result<ExitCode> {
    match cmd {
        MeasuresCmd::Refresh { unit, year } => {
            let year = year.unwrap_or_else(|| ntm_app::today().year());
            let app = open(common, true).await?;
            let n = ntm_app::measures::refresh(&app, &Actor::cli(), &unit, year)
                .await
                .map_err(app_err)?;
            println!("{unit} {year}: {n} computed value(s) written");
            app.close().await;
            Ok(ExitCode::SUCCESS)
        }
    }
}
