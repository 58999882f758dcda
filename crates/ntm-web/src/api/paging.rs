//! Keyset paging of the API's lists: `?after=<key>&limit=<n>` (1–200, default 50); a page
//! answers `next`, the address of the following page, or null on the last one. Keys come
//! from `ntm_app::paging`.

use serde::Deserialize;
use utoipa::IntoParams;

use crate::ctx::url_encode;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// The key after which the page starts: the `after` of the previous page's `next`.
    pub after: Option<String>,
    /// Most items on the page (1–200, default 50).
    pub limit: Option<i64>,
}

impl PageParams {
    /// `after`, trimmed, when given.
    pub fn after(&self) -> Option<&str> {
        self.after
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

/// The address of the page after `next` (`path?…&after=…&limit=…`), keeping `query`'s other
/// parameters; `None` on the last page.
pub fn next_link(
    path: &str,
    query: &[(&str, Option<&str>)],
    next: Option<&str>,
    limit: usize,
) -> Option<String> {
    let next = next?;
    let mut parts: Vec<String> = query
        .iter()
        .filter_map(|(k, v)| v.map(|v| format!("{k}={}", url_encode(v))))
        .collect();
    parts.push(format!("after={}", url_encode(next)));
    parts.push(format!("limit={limit}"));
    Some(format!("{path}?{}", parts.join("&")))
}
