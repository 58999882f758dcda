//! What the public commune page and feed read, kept between requests while the database's
//! audit head is unchanged (as the dashboards keep their evaluations, `dashboard.rs`).
//!
//! Every write behind these pages — a post created, edited, published or unpublished, a
//! programme added or marked held, a unit list imported — appends an audit entry in its own
//! transaction, so an unchanged head (read before the data) means unchanged data, on every
//! server sharing the database: a write through another server is seen at the next request.
//! The key holds the day (the schedule ahead and the DX figures move with it). The head is
//! read before the data, so data read after a write that raced it is kept under the older
//! head and dropped at the next request, never served as current. Entries of another head
//! are dropped; the head's hash also tells databases apart (tests run many in one process).
//! A hit costs one read of the head instead of seven queries (about 550 rows with 200 posts:
//! `docs/perf.md`, "Public commune page under load").

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{LazyLock, Mutex, MutexGuard};

use ntm_domain::units::Unit;
use ntm_store::PortalPostRecord;
use time::Date;

use super::public::CommunePortal;

/// Most entries kept for one head (communes × categories × days).
const MAX: usize = 2_048;

pub(super) struct HeadCache<K, V> {
    head: String,
    entries: HashMap<K, V>,
}

impl<K: Eq + Hash, V: Clone> HeadCache<K, V> {
    fn new() -> Self {
        HeadCache {
            head: String::new(),
            entries: HashMap::new(),
        }
    }

    pub(super) fn get(&self, head: &str, key: &K) -> Option<V> {
        if self.head != head {
            return None;
        }
        self.entries.get(key).cloned()
    }

    fn clear(&mut self) {
        self.head.clear();
        self.entries.clear();
    }

    pub(super) fn put(&mut self, head: &str, key: K, value: V) {
        if self.head != head || self.entries.len() >= MAX {
            self.head = head.to_string();
            self.entries.clear();
        }
        self.entries.insert(key, value);
    }
}

/// (commune code as asked, category code, day).
pub(super) type PageKey = (String, Option<String>, Date);

static PAGES: LazyLock<Mutex<HeadCache<PageKey, CommunePortal>>> =
    LazyLock::new(|| Mutex::new(HeadCache::new()));

/// A commune's feed: the unit and its published posts.
pub(super) type Feed = (Unit, Vec<PortalPostRecord>);

static FEEDS: LazyLock<Mutex<HeadCache<String, Feed>>> =
    LazyLock::new(|| Mutex::new(HeadCache::new()));

pub(super) fn pages() -> MutexGuard<'static, HeadCache<PageKey, CommunePortal>> {
    PAGES.lock().unwrap_or_else(|e| e.into_inner())
}

pub(super) fn feeds() -> MutexGuard<'static, HeadCache<String, Feed>> {
    FEEDS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Forgets everything kept (for measurements of the uncached path).
pub fn clear_cache() {
    pages().clear();
    feeds().clear();
}
