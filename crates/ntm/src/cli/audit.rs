//! `ntm audit verify|list`.

use std::process::ExitCode;

use anyhow::Result;
use ntm_app::Actor;

use super::args::{AuditCmd, Common};
use super::{app_err, open};

pub(super) async fn audit(common: &Common, cmd: AuditCmd) -> Result<ExitCode> {
    let app = open(common, true).await?;
    let actor = Actor::cli();
    match cmd {
        AuditCmd::Verify { expect } => {
            let anchor = expect
                .as_deref()
                .map(ntm_app::audit::Anchor::parse)
                .transpose()
                .map_err(app_err)?;
            let r = ntm_app::audit::verify_chain_against(&app, &actor, anchor.as_ref())
                .await
                .map_err(app_err)?;
            if r.ok {
                println!(
                    "audit log OK: {} entries, every link and hash verified{}",
                    r.entries,
                    if anchor.is_some() {
                        ", the expected entry found"
                    } else {
                        ""
                    }
                );
                println!("head: {}:{}", r.entries, r.head_hash);
                Ok(ExitCode::SUCCESS)
            } else {
                println!(
                    "AUDIT LOG TAMPERED: {} (verified up to entry {})",
                    r.problem.unwrap_or_default(),
                    r.entries
                );
                Ok(ExitCode::from(1))
            }
        }
        AuditCmd::List { after, limit } => {
            for e in ntm_app::audit::list(&app, &actor, after, limit)
                .await
                .map_err(app_err)?
            {
                println!(
                    "{:>6}  {}  {:<20} {:<22} {:<20} {} {}",
                    e.seq, e.at, e.actor, e.action, e.target, e.origin, e.detail
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
