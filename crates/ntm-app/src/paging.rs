//! Keyset paging for the API's lists (`?after=<key>&limit=<n>`): a page holds the items
//! whose key comes strictly after `after` in the list's order, and names the key to ask
//! for next when more remain. A key, not an offset, so an item added or removed meanwhile
//! neither repeats nor skips another.

/// Most items a page may hold, and the default.
pub const MAX_LIMIT: usize = 200;
pub const DEFAULT_LIMIT: usize = 50;

/// One page of a list.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The key to pass as `after` for the next page; `None` on the last page.
    pub next: Option<String>,
}

/// The page of `items` (already in the list's order, keys increasing in that order) after
/// `after`, with at most `limit` items. `key` gives an item's key as compared.
pub fn page<T, K: Ord>(
    items: impl IntoIterator<Item = T>,
    key: impl Fn(&T) -> K,
    after: Option<&K>,
    limit: usize,
    key_text: impl Fn(&T) -> String,
) -> Page<T> {
    let mut out: Vec<T> = items
        .into_iter()
        .filter(|t| after.is_none_or(|a| key(t) > *a))
        .take(limit + 1)
        .collect();
    let next = if out.len() > limit {
        out.truncate(limit);
        out.last().map(&key_text)
    } else {
        None
    };
    Page { items: out, next }
}

/// `limit` checked: 1 to [`MAX_LIMIT`], default [`DEFAULT_LIMIT`].
pub fn limit(limit: Option<i64>) -> Result<usize, crate::AppError> {
    match limit {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT as i64).contains(&n) => Ok(n as usize),
        Some(_) => Err(crate::AppError::invalid(
            "limit",
            format!("limit must be between 1 and {MAX_LIMIT}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_the_key() {
        let items = [1, 3, 5, 7, 9];
        let p = page(items, |x| *x, None, 2, |x| x.to_string());
        assert_eq!(p.items, vec![1, 3]);
        assert_eq!(p.next.as_deref(), Some("3"));
        let p = page(items, |x| *x, Some(&3), 2, |x| x.to_string());
        assert_eq!(p.items, vec![5, 7]);
        // A key that is no item still pages from where it falls.
        let p = page(items, |x| *x, Some(&6), 2, |x| x.to_string());
        assert_eq!(p.items, vec![7, 9]);
        assert_eq!(p.next, None);
        assert!(limit(Some(0)).is_err());
        assert!(limit(Some(201)).is_err());
        assert_eq!(limit(None).unwrap(), DEFAULT_LIMIT);
    }
}
