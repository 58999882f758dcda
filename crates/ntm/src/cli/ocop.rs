//! `ntm ocop remind`: the OCOP certificate reminders due on a day.

use std::process::ExitCode;

use anyhow::{Result, bail};
use ntm_app::Actor;

use super::args::{Common, OcopCmd};
use super::{app_err, open};

pub(super) async fn ocop(common: &Common, cmd: OcopCmd) -> Result<ExitCode> {
    match cmd {
        OcopCmd::Remind { date } => {
            let day = match date.as_deref().map(str::trim) {
                None | Some("") => ntm_app::today(),
                Some(d) => match ntm_domain::text::parse_date(d) {
                    Some(day) => day,
                    None => bail!("--date must be dd/mm/yyyy or YYYY-MM-DD, not \"{d}\""),
                },
            };
            let app = open(common, true).await?;
            let n = ntm_app::ocop::send_certificate_reminders(&app, &Actor::cli(), day)
                .await
                .map_err(app_err)?;
            println!(
                "OCOP reminders for {}: {n} sent",
                ntm_domain::text::format_date_vi(day)
            );
            app.close().await;
            Ok(ExitCode::SUCCESS)
        }
    }
}
