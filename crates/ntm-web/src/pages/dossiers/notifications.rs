//! The notifications inbox.

use askama::Template;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use fluent_templates::fluent_bundle::FluentValue;
use serde::Deserialize;
use uuid::Uuid;

use super::{action_label, dash};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::view::format::date_time;
use crate::view::render;

#[derive(Debug, Clone)]
pub struct NoteRow {
    pub id: String,
    pub text: String,
    pub href: String,
    pub when: String,
    pub read: bool,
}

#[derive(Template)]
#[template(path = "dossier_notifications.html")]
pub struct NotificationsPage {
    pub ctx: Ctx,
    pub rows: Vec<NoteRow>,
    pub unread: usize,
}

fn note_text(lang: Lang, m: &ntm_app::notifications::Message) -> String {
    let mut args: Vec<(&str, FluentValue<'static>)> = Vec::new();
    for (k, v) in &m.args {
        let shown = match k.as_str() {
            "state" => lang.t(&format!("dossier-state-{}", dash(v))),
            "step" => lang.t(&format!("dossier-step-{}", dash(v))),
            "action" => action_label(lang, v),
            _ => v.clone(),
        };
        args.push((k.as_str(), FluentValue::from(shown)));
    }
    lang.t_args(&m.key, &args)
}

pub async fn notifications_page(
    State(st): State<AppState>,
    ctx: Ctx,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let lang = ctx.lang;
    let list = ntm_app::notifications::list(&st.app, &ctx.actor()).await?;
    let rows: Vec<NoteRow> = list
        .iter()
        .map(|n| NoteRow {
            id: n.id.to_string(),
            text: note_text(lang, &n.message),
            href: if n.link.starts_with('/') {
                n.link.clone()
            } else {
                "/".into()
            },
            when: date_time(n.created_at),
            read: n.read,
        })
        .collect();
    let page = NotificationsPage {
        unread: rows.iter().filter(|r| !r.read).count(),
        rows,
        ctx: ctx.clone(),
    };
    Ok(render(&page, StatusCode::OK))
}

#[derive(Debug, Deserialize)]
pub struct ReadForm {
    #[serde(default)]
    pub id: String,
}

pub async fn mark_read(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<ReadForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = match f.id.trim() {
        "" | "all" => None,
        s => Some(Uuid::parse_str(s).map_err(|_| WebError::not_found("no such notification"))?),
    };
    ntm_app::notifications::mark_read(&st.app, &ctx.actor(), id).await?;
    Ok(Redirect::to("/notifications").into_response())
}
