//! `ntm token create|list|revoke`: API tokens of machine clients.

use std::process::ExitCode;

use anyhow::{Result, bail};
use ntm_app::Actor;
use ntm_app::users::tokens::{NewToken, TokenScope, create_token, managed_tokens, revoke_token};

use super::args::{Common, TokenCmd};
use super::{app_err, open};

fn day(t: time::OffsetDateTime) -> String {
    t.date().to_string()
}

pub(super) async fn token(common: &Common, cmd: TokenCmd) -> Result<ExitCode> {
    let app = open(common, true).await?;
    let actor = Actor::cli();
    match cmd {
        TokenCmd::Create {
            user,
            name,
            scope,
            days,
        } => {
            let Some(scope) = TokenScope::parse(&scope) else {
                bail!("--scope must be read or write, not \"{scope}\"");
            };
            let new = NewToken {
                username: user,
                name,
                scope,
                days,
            };
            let (secret, t) = create_token(&app, &actor, new).await.map_err(app_err)?;
            println!(
                "token {} for {} ({}, expires {})",
                t.id,
                t.username,
                t.scope,
                day(t.expires_at)
            );
            println!("{secret}");
            println!("(shown once; send it as `Authorization: Bearer <token>`)");
        }
        TokenCmd::List => {
            for t in managed_tokens(&app, &actor).await.map_err(app_err)? {
                let state = match (&t.revoked_at, t.usable) {
                    (Some(r), _) => format!("revoked {}", day(*r)),
                    (None, false) => "expired".to_string(),
                    (None, true) => "active".to_string(),
                };
                println!(
                    "{}  {}  {}  {}  {}…  created {}  expires {}  last used {}  {}",
                    t.id,
                    t.username,
                    t.name,
                    t.scope,
                    t.prefix,
                    day(t.created_at),
                    day(t.expires_at),
                    t.last_used_at.map(day).unwrap_or_else(|| "-".into()),
                    state
                );
            }
        }
        TokenCmd::Revoke { id } => {
            let Ok(id) = uuid::Uuid::parse_str(id.trim()) else {
                bail!("\"{id}\" is not a token id (see `ntm token list`)");
            };
            if revoke_token(&app, &actor, id).await.map_err(app_err)? {
                println!("token {id} revoked");
            } else {
                println!("token {id} was already revoked");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
