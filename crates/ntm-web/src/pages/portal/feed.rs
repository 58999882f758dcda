//! `GET /portal/{code}/feed.atom`: a commune's latest published posts as an Atom feed
//! (RFC 4287, written by the `atom_syndication` crate), with absolute links on the site's
//! address.

use atom_syndication::{Content, Entry, Feed, FixedDateTime, Link, Person, Text};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use ntm_app::portal;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::category_label;
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::state::AppState;
use crate::urls::Urls;

fn atom_time(t: OffsetDateTime) -> Result<FixedDateTime, WebError> {
    let s = t
        .format(&Rfc3339)
        .map_err(|e| WebError::internal(format!("feed time: {e}")))?;
    FixedDateTime::parse_from_rfc3339(&s).map_err(|e| WebError::internal(format!("feed time: {e}")))
}

fn link(href: String, rel: &str, mime: Option<&str>) -> Link {
    Link {
        href,
        rel: rel.into(),
        mime_type: mime.map(str::to_string),
        ..Link::default()
    }
}

/// `GET /portal/{code}/feed.atom`.
pub async fn feed(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let (unit, posts) = portal::feed_posts(&st.app, &code).await?;
    let site = st.cfg.site_url(&headers);
    let mut entries = Vec::with_capacity(posts.len());
    let mut updated = None;
    for p in &posts {
        let published = p.published_at.unwrap_or(p.updated_at);
        let changed = atom_time(p.updated_at.max(published))?;
        if updated.is_none_or(|u| changed > u) {
            updated = Some(changed);
        }
        entries.push(Entry {
            title: Text::plain(p.title.clone()),
            id: format!("urn:uuid:{}", p.id),
            updated: changed,
            published: Some(atom_time(published)?),
            authors: vec![Person {
                name: unit.name.clone(),
                ..Person::default()
            }],
            categories: vec![atom_syndication::Category {
                term: p.category.clone(),
                label: Some(category_label(&ctx, &p.category)),
                ..atom_syndication::Category::default()
            }],
            links: vec![link(
                format!("{site}{}", Urls::portal_post(&p.unit_code, p.id)),
                "alternate",
                Some("text/html"),
            )],
            summary: Some(Text::plain(portal::excerpt(&p.body, 300))),
            // Sanitized when it was saved (ammonia); escaped into the XML by the writer.
            content: Some(Content {
                value: Some(p.body.clone()),
                content_type: Some("html".into()),
                ..Content::default()
            }),
            ..Entry::default()
        });
    }
    let updated = match updated {
        Some(u) => u,
        None => atom_time(unit_epoch(&unit))?,
    };
    let feed = Feed {
        title: Text::plain(format!("{} — {}", unit.name, ctx.t("portal-title"))),
        id: format!("{site}{}", Urls::portal_feed(&unit.code)),
        updated,
        links: vec![
            link(
                format!("{site}{}", Urls::portal_feed(&unit.code)),
                "self",
                Some("application/atom+xml"),
            ),
            link(
                format!("{site}{}", Urls::portal(&unit.code, None)),
                "alternate",
                Some("text/html"),
            ),
        ],
        lang: Some(ctx.html_lang().to_string()),
        entries,
        ..Feed::default()
    };
    let mut res = feed.to_string().into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/atom+xml; charset=utf-8"),
    );
    Ok(res)
}

/// A fixed `updated` for a feed without entries: the start of the unit's record, or 2025-07-01.
fn unit_epoch(unit: &ntm_domain::units::Unit) -> OffsetDateTime {
    unit.valid_from
        .unwrap_or(time::macros::date!(2025 - 07 - 01))
        .midnight()
        .assume_utc()
}
