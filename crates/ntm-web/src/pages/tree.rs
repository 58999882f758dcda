//! The unit tree: nested `<details>` nodes, one level at a time. Without JavaScript each
//! node links to its unit page (which lists the children) and `GET /units/{code}/tree` is a
//! page of the children; with htmx opening a node fetches its children as a fragment.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use ntm_domain::units::{Level, Unit};
use time::Date;

use super::home::DateParams;
use super::units::Crumb;
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::request::is_htmx;
use crate::request::parse_date_param;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::{html, level_label, unit_href};

/// One node of the tree.
#[derive(Debug, Clone)]
pub struct TreeNode {
    pub code: String,
    pub name: String,
    pub level: String,
    pub href: String,
    /// `/units/{code}/tree?…` (children fragment), or empty for a leaf (hamlet).
    pub children_href: String,
}

impl TreeNode {
    pub fn new(ctx: &Ctx, u: &Unit, date: Date) -> TreeNode {
        TreeNode {
            code: u.code.clone(),
            name: u.name.clone(),
            level: level_label(ctx.lang, u.level),
            href: unit_href(u, date, ctx.today),
            children_href: if u.level == Level::Hamlet {
                String::new()
            } else {
                Urls::tree(&u.code, Some(date).filter(|d| *d != ctx.today))
            },
        }
    }
}

/// The `<li>` nodes of a list (the fragment htmx swaps in).
#[derive(Template)]
#[template(path = "tree_nodes.html")]
pub struct TreeNodes {
    pub ctx: Ctx,
    pub nodes: Vec<TreeNode>,
}

#[derive(Template)]
#[template(path = "tree_page.html")]
pub struct TreePage {
    pub ctx: Ctx,
    pub unit: TreeNode,
    pub crumbs: Vec<Crumb>,
    pub nodes: Vec<TreeNode>,
}

/// `GET /units/{code}/tree`: the children of a unit as tree nodes.
pub async fn tree(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(p): Query<DateParams>,
) -> Result<Response, WebError> {
    let date = parse_date_param(p.date.as_deref())?.unwrap_or(ctx.today);
    let node = ntm_app::units::tree_node(&st.app, &code, date)
        .await
        .map_err(|e| WebError::from(e).with_message("error-unit-not-found", &code))?;
    let nodes = node
        .children
        .iter()
        .map(|c| TreeNode::new(&ctx, c, date))
        .collect();
    if is_htmx(&headers) {
        return html(&TreeNodes { ctx, nodes });
    }
    let crumbs = node
        .ancestors
        .iter()
        .map(|a| Crumb {
            href: unit_href(a, date, ctx.today),
            name: a.name.clone(),
        })
        .collect();
    html(&TreePage {
        unit: TreeNode::new(&ctx, &node.unit, date),
        crumbs,
        nodes,
        ctx,
    })
}
