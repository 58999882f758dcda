//! `GET /areas/mine`: the areas of the producer records an account owns.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::ha_text;
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::render;

pub struct MineArea {
    pub href: String,
    pub code: String,
    pub crop: String,
    pub declared: String,
}

pub struct MineProducer {
    pub name: String,
    pub new_href: String,
    pub areas: Vec<MineArea>,
}

#[derive(Template)]
#[template(path = "areas_mine.html")]
pub struct MinePage {
    pub ctx: Ctx,
    pub producers: Vec<MineProducer>,
}

pub async fn mine(State(st): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    ctx.require_user()?;
    let view = ntm_app::areas::my_areas(&st.app, &ctx.actor()).await?;
    let lang = ctx.lang;
    let producers = view
        .producers
        .into_iter()
        .map(|(p, areas)| MineProducer {
            new_href: Urls::area_new(&p.unit_code),
            name: p.name,
            areas: areas
                .into_iter()
                .map(|a| MineArea {
                    href: Urls::area(a.id),
                    declared: ha_text(lang, a.hectares_x100),
                    code: a.code,
                    crop: a.crop,
                })
                .collect(),
        })
        .collect();
    Ok(render(&MinePage { ctx, producers }, StatusCode::OK))
}
