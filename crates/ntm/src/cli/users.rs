//! `ntm user add|passwd|list|set-email|disable|enable|add-role|remove-role|revoke`.

use std::io::BufRead;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use ntm_app::Actor;

use super::args::{Common, UserCmd};
use super::{app_err, open};

pub(super) async fn user(common: &Common, cmd: UserCmd) -> Result<ExitCode> {
    let app = open(common, true).await?;
    let actor = Actor::cli();
    match cmd {
        UserCmd::Add {
            username,
            display_name,
            roles,
            password_stdin,
        } => {
            let grants = roles
                .iter()
                .map(|r| ntm_app::users::GrantInput::parse(r))
                .collect::<Result<Vec<_>, _>>()
                .map_err(app_err)?;
            let (password, generated) = if password_stdin {
                (password_from_stdin()?, false)
            } else {
                (generated_password(), true)
            };
            let u = ntm_app::users::add_user(
                &app,
                &actor,
                ntm_app::users::NewUser {
                    username,
                    display_name,
                    password: password.clone(),
                    grants,
                },
            )
            .await
            .map_err(app_err)?;
            println!("user {} created", u.username);
            if generated {
                println!(
                    "password: {password}   (shown once; change it with `ntm user passwd {}`)",
                    u.username
                );
            }
        }
        UserCmd::Passwd {
            username,
            password_stdin,
        } => {
            let (password, generated) = if password_stdin {
                (password_from_stdin()?, false)
            } else {
                (generated_password(), true)
            };
            let ended = ntm_app::users::set_password(&app, &actor, &username, &password)
                .await
                .map_err(app_err)?;
            println!("password of {username} changed; sessions ended: {ended}");
            if generated {
                println!("new password: {password}");
            }
        }
        UserCmd::SetEmail {
            username,
            email,
            clear,
        } => {
            let email = if clear { None } else { email };
            ntm_app::users::set_email(&app, &actor, &username, email.as_deref())
                .await
                .map_err(app_err)?;
            match email {
                Some(e) => println!("e-mail of {username}: {}", e.trim()),
                None => println!("e-mail of {username} removed"),
            }
        }
        UserCmd::Disable { username } => {
            let ended = ntm_app::users::set_active(&app, &actor, &username, false)
                .await
                .map_err(app_err)?;
            println!("user {username} disabled; sessions ended: {ended}");
        }
        UserCmd::Enable { username } => {
            ntm_app::users::set_active(&app, &actor, &username, true)
                .await
                .map_err(app_err)?;
            println!("user {username} enabled");
        }
        UserCmd::AddRole { username, role } => {
            let g = ntm_app::users::GrantInput::parse(&role).map_err(app_err)?;
            ntm_app::users::add_role(&app, &actor, &username, &g)
                .await
                .map_err(app_err)?;
            println!("role {role} added to {username}");
        }
        UserCmd::RemoveRole { username, role } => {
            let g = ntm_app::users::GrantInput::parse(&role).map_err(app_err)?;
            ntm_app::users::remove_role(&app, &actor, &username, &g)
                .await
                .map_err(app_err)?;
            println!("role {role} removed from {username}");
        }
        UserCmd::Revoke { username } => {
            let ended = ntm_app::users::revoke_sessions(&app, &actor, &username, None)
                .await
                .map_err(app_err)?;
            println!("sessions of {username} ended: {ended}");
        }
        UserCmd::List => {
            let users = ntm_app::users::list_users(&app, &actor)
                .await
                .map_err(app_err)?;
            println!("{:<20} {:<8} {:<40} roles", "username", "active", "name");
            for u in users {
                let roles: Vec<String> = u
                    .grants
                    .iter()
                    .map(|g| {
                        format!(
                            "{}@{}",
                            g.role.as_str(),
                            g.scope_code.as_deref().unwrap_or("*")
                        )
                    })
                    .collect();
                println!(
                    "{:<20} {:<8} {:<40} {}",
                    u.username,
                    if u.active { "yes" } else { "no" },
                    u.display_name,
                    roles.join(", ")
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn password_from_stdin() -> Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let p = line.trim_end_matches(['\r', '\n']).to_string();
    if p.is_empty() {
        bail!("no password on standard input");
    }
    Ok(p)
}

fn generated_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..16)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}
