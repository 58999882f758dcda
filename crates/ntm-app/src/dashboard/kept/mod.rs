//! Kept evaluations of the dashboards (issue 18): the evaluation of every unit of a roll-up,
//! kept in the process and brought up to date from the change feed of the database
//! (`ntm_store::EvaluationChange`, migration 0033) instead of being thrown away at every
//! write.
//!
//! A *scope* is a roll-up: a unit above the set's level (a province, a district before
//! 1 July 2025, the country), a requested set and a year. It keeps what an evaluation of it
//! reads once (the set in force, the region, the units of the set's level, their groups
//! through their evaluations) and each unit's [`UnitEvaluation`]; the roll-up itself is
//! computed from those in memory ([`crate::criteria::rollup_view`], the same code as
//! [`crate::criteria::evaluate`]).
//!
//! Before each read the feed is read after the last seq seen (an indexed query returning
//! nothing most of the time):
//! - values of a unit record changed (entry, import, review, evidence, computed values):
//!   that unit's evaluation is dropped in every scope holding it for that set and year, and
//!   re-made on the next read of the scope from that unit's values only;
//! - a whole scope changed (a unit list, a published set version, a provincial set file,
//!   commune groups): every kept scope overlapping it is marked *updating*; it is rebuilt
//!   in the background while reads keep getting the figures from before the change, flagged
//!   (`Evaluation::updating`, `Evaluation::figures_at`), never blocking;
//! - nothing seen yet (process start), or more rows than one page: a full read.
//!
//! Writers are serialized by the audit head and every feed row carries its write's audit
//! seq, so the rows a process has seen are always a prefix: every server sharing a database
//! ends up with the same figures as a full recomputation, one feed read after the write.
//! An evaluation made from values read at feed position `p` is kept only if its unit has no
//! change after `p` (a concurrent read may have seen a newer one); a scope built at `p`
//! replays the changes seen meanwhile ([`State::recent`]).
//!
//! Sets whose indicators are derived from other sets' results ("share of children
//! meeting") are not kept: their evaluations are made in full each time (no commune-level set
//! has them).
//!
//! Permissions are checked on every request, kept or not ([`evaluate_kept`]).

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use ntm_domain::authz::Permission;
use ntm_domain::criteria::{Measure, ResolvedSet, UnitEvaluation};
use ntm_domain::units::{Level, Unit};
use ntm_store::{EvaluationChange, FEED_PRUNED};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::criteria::{
    Evaluation, PackedValues, RollupView, SetSummary, applicable_units, current_values_packed,
    evaluate, evaluate_packed, evaluation_date, lookup_set, province_region, require_on_unit,
    rollup_view, unit_in_year,
};
use crate::{Actor, App, AppError};

/// Feed rows read at once; a page this full means "too many changes": every kept scope is
/// rebuilt in the background instead.
const FEED_PAGE: u64 = 5_000;

/// Changes remembered for scopes built while they arrived.
const RECENT_MAX: usize = 20_000;

/// Unit evaluations kept per process, all scopes together (least recently used scopes
/// dropped first): about 2.5 KB each with its values, so about 400 MB at most. A province
/// of a year is about 100–300 units; a province dashboard page reads 7 scopes (the set, the
/// two other commune sets, four earlier years of the trend), so the pages of every province
/// of the country take about 47,000 on the synthetic national data (docs/perf.md).
const UNITS_MAX: usize = 160_000;

/// Scopes kept per process, whatever their size.
const SCOPES_MAX: usize = 4_096;

/// Bumped by [`clear_all`]: every process-wide store forgets what it kept.
static EPOCH: AtomicU64 = AtomicU64::new(0);

/// Forgets every kept evaluation of every [`App`] of the process (benchmarks of the
/// uncached path: `crate::dashboard::clear_cache`).
pub(crate) fn clear_all() {
    EPOCH.fetch_add(1, Ordering::SeqCst);
}

/// What the kept store did, for tests and measurements (counts since the [`App`] was made).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeptStats {
    /// Units whose values were read to evaluate them (full builds and single units).
    pub units_evaluated: u64,
    /// Scopes read in full (cold, or rebuilt after a change to the whole scope).
    pub scopes_built: u64,
    /// Rebuilds started in the background.
    pub rebuilds: u64,
    /// Rows of the change feed read.
    pub feed_rows: u64,
    /// Reads of the change feed (callers arriving together share one).
    pub feed_reads: u64,
    /// Bytes of values kept for rebuilds (scopes overlapping count each their own).
    pub values_bytes: u64,
    /// Unit lists read from the database ([`units_under`]; kept until units change).
    pub unit_lists_read: u64,
}

/// The kept evaluations of one [`App`] (shared by its clones): one per server process.
#[derive(Clone, Default)]
pub(crate) struct Kept {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    state: Mutex<State>,
    /// One reader of the feed at a time, and the last read done: (its number, the position
    /// it reached).
    feed: tokio::sync::Mutex<Option<(u64, i64)>>,
    /// One [`refresh_all`] at a time.
    refreshing: tokio::sync::Mutex<()>,
    /// Reads of the feed begun (numbers them).
    reads_begun: AtomicU64,
    units_evaluated: AtomicU64,
    scopes_built: AtomicU64,
    rebuilds: AtomicU64,
    feed_rows: AtomicU64,
    lists_read: AtomicU64,
    running: AtomicU64,
}

type Key = (Uuid, String, i32);

/// A unit list: the path its units are under (`None`: the country), the day, the level.
type ListKey = (Option<String>, Date, Option<Level>);

#[derive(Default)]
struct State {
    epoch: u64,
    /// The last feed seq seen (`None`: nothing read yet).
    position: Option<i64>,
    /// Feed rows applied, oldest first: every row with `seq > recent_from` is here.
    recent: VecDeque<EvaluationChange>,
    recent_from: i64,
    scopes: HashMap<Key, Scope>,
    tick: u64,
    /// Unit records looked up by code and day, forgotten at every change to a whole scope
    /// (unit lists and hamlets among them) seen in the feed: a kept read makes no query of
    /// its own.
    units: HashMap<(String, Date), Unit>,
    /// Unit lists looked up (the units under a path, or every unit, of a level, valid on a
    /// day), forgotten with `units`; their units together at most [`UNITS_MAX`].
    lists: HashMap<ListKey, Arc<Vec<Unit>>>,
    lists_units: usize,
    /// Bumped when `units` and `lists` are forgotten: a lookup begun before is not kept.
    units_generation: u64,
}

/// One kept roll-up.
struct Scope {
    unit: Unit,
    date: Date,
    /// The set in force for the scope's unit (what its units are evaluated with).
    set: Arc<ResolvedSet>,
    /// The requested set (values are stored under its id).
    set_id: String,
    year: i32,
    national: SetSummary,
    region: Option<ntm_domain::Region>,
    provincial: Option<crate::provincial::ProvincialUse>,
    version_used: crate::criteria_sets::VersionUsed,
    children: Arc<Vec<Unit>>,
    index: HashMap<Uuid, usize>,
    /// `None`: to evaluate again (its values changed).
    evals: Vec<Option<Arc<UnitEvaluation>>>,
    /// The values each evaluation was made from (empty: none stored); `None`: to read again.
    /// A rebuild after a change to the whole scope (thresholds, a set version, groups, a
    /// unit list) evaluates from these instead of reading them.
    values: Vec<Option<Arc<PackedValues>>>,
    /// The feed seq of the last change seen for each unit.
    changed_at: Vec<i64>,
    /// The roll-up of `evals` while none changed.
    view: Option<Arc<RollupView>>,
    /// A change to the whole scope not yet taken into account: its time.
    stale_since: Option<OffsetDateTime>,
    rebuilding: bool,
    /// The background rebuild's progress while `rebuilding`.
    progress: Option<Arc<Progress>>,
    last_used: u64,
}

impl Scope {
    fn overlaps(&self, path: &str) -> bool {
        self.unit.path.starts_with(path) || path.starts_with(self.unit.path.as_str())
    }

    /// Applies one feed row.
    fn apply(&mut self, c: &EvaluationChange) {
        match (&c.unit_id, &c.scope_path) {
            (Some(id), _) => {
                if c.year == Some(self.year)
                    && c.set_id.as_deref() == Some(self.set_id.as_str())
                    && let Some(&i) = self.index.get(id)
                {
                    self.evals[i] = None;
                    self.values[i] = None;
                    self.changed_at[i] = self.changed_at[i].max(c.seq);
                    self.view = None;
                }
            }
            (None, Some(path)) => {
                if self.overlaps(path) && self.stale_since.is_none() {
                    self.stale_since = Some(c.at);
                }
            }
            (None, None) => {}
        }
    }

    /// The evaluation without its roll-up, and the roll-up shared (computed once while no
    /// unit changes).
    fn evaluation(&mut self) -> Option<(Evaluation, Arc<RollupView>)> {
        if self.view.is_none() {
            let refs: Option<Vec<&UnitEvaluation>> =
                self.evals.iter().map(|e| e.as_deref()).collect();
            self.view = Some(Arc::new(rollup_view(&self.set, &self.children, &refs?)));
        }
        let view = self.view.clone()?;
        Some((
            Evaluation {
                unit_code: self.unit.code.clone(),
                unit_name: self.unit.name.clone(),
                unit_level: self.unit.level,
                set: self.national.clone(),
                year: self.year,
                units_on: self.date,
                result: None,
                rollup: None,
                provincial: self.provincial.clone(),
                not_applicable: None,
                version_used: self.version_used.clone(),
                updating: self.stale_since.is_some(),
                figures_at: self.stale_since,
                updating_progress: self
                    .stale_since
                    .and(self.progress.as_ref())
                    .map(|p| p.get())
                    // A scope with no unit has nothing to count ("0/0" says nothing).
                    .filter(|&(_, total)| total > 0),
            },
            view,
        ))
    }
}

/// Does the set take indicators from other sets' results of the units below (then it is
/// evaluated in full each time)?
fn derives_from_children(set: &ResolvedSet) -> bool {
    set.indicators
        .iter()
        .filter_map(|i| i.derived.as_ref())
        .any(|d| {
            matches!(
                d.measure,
                Measure::ShareOfChildrenMeeting | Measure::CountOfChildrenMeeting
            )
        })
}

impl State {
    fn forget_units(&mut self) {
        self.units.clear();
        self.lists.clear();
        self.lists_units = 0;
        self.units_generation += 1;
    }
}

/// A lookup kept until unit records change: found by `get` in the kept state, else `read`
/// and kept by `put` — unless a change to unit records was seen meanwhile (the lookups were
/// forgotten since it began).
async fn kept_lookup<V: Clone>(
    app: &App,
    get: impl FnOnce(&State) -> Option<V>,
    read: impl std::future::Future<Output = Result<V, AppError>>,
    put: impl FnOnce(&mut State, V),
) -> Result<V, AppError> {
    let generation = {
        let st = app.kept.state();
        if let Some(v) = get(&st) {
            return Ok(v);
        }
        st.units_generation
    };
    let v = read.await?;
    let mut st = app.kept.state();
    if st.units_generation == generation {
        put(&mut st, v.clone());
    }
    Ok(v)
}

/// The unit record of `code` on `date`, from the kept lookups or read (and kept). Call after
/// [`Kept::sync`]: a change to unit records seen by it has emptied the kept lookups.
async fn unit_on(app: &App, code: &str, date: Date) -> Result<Unit, AppError> {
    let key = (code.to_string(), date);
    kept_lookup(
        app,
        |st| st.units.get(&key).cloned(),
        unit_in_year(app, code, date),
        |st, unit| {
            if st.units.len() >= UNITS_MAX {
                st.units.clear();
            }
            st.units.insert(key.clone(), unit);
        },
    )
    .await
}

/// The units valid on `date` under `path` (the unit at `path` included; `None`: every
/// unit), of one level or all, ordered as [`ntm_store::Db::subtree_on`] orders them, from the
/// kept lists or read (and kept). Call after [`Kept::sync`], as [`unit_on`].
pub(crate) async fn units_under_after_sync(
    app: &App,
    path: Option<&str>,
    date: Date,
    level: Option<Level>,
) -> Result<Arc<Vec<Unit>>, AppError> {
    let key: ListKey = (path.map(str::to_string), date, level);
    let read = async {
        let list = match path {
            Some(p) => app.db.subtree_on(p, date, level).await?,
            None => app.db.units_on(date, level).await?,
        };
        app.kept.inner.lists_read.fetch_add(1, Ordering::Relaxed);
        Ok(Arc::new(list))
    };
    kept_lookup(
        app,
        |st| st.lists.get(&key).cloned(),
        read,
        |st, list| {
            if st.lists.contains_key(&key) {
                return;
            }
            if st.lists_units + list.len() > UNITS_MAX {
                st.lists.clear();
                st.lists_units = 0;
            }
            st.lists_units += list.len();
            st.lists.insert(key.clone(), list);
        },
    )
    .await
}

/// [`units_under_after_sync`] after reading the change feed (a request that has not read
/// it yet).
pub(crate) async fn units_under(
    app: &App,
    path: Option<&str>,
    date: Date,
    level: Option<Level>,
) -> Result<Arc<Vec<Unit>>, AppError> {
    app.kept.sync(app).await?;
    units_under_after_sync(app, path, date, level).await
}

impl Kept {
    fn state(&self) -> MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn stats(&self) -> KeptStats {
        let i = &self.inner;
        KeptStats {
            units_evaluated: i.units_evaluated.load(Ordering::Relaxed),
            scopes_built: i.scopes_built.load(Ordering::Relaxed),
            rebuilds: i.rebuilds.load(Ordering::Relaxed),
            feed_rows: i.feed_rows.load(Ordering::Relaxed),
            feed_reads: i.reads_begun.load(Ordering::Relaxed),
            unit_lists_read: i.lists_read.load(Ordering::Relaxed),
            values_bytes: self
                .state()
                .scopes
                .values()
                .flat_map(|s| s.values.iter().flatten())
                .map(|v| v.len_bytes() as u64)
                .sum(),
        }
    }

    /// Waits until no background rebuild runs (tests).
    pub(crate) async fn settled(&self) {
        while self.inner.running.load(Ordering::SeqCst) > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    }

    /// Reads the feed after the last seq seen and applies it; returns the position reached
    /// (every change up to it is taken into account by what is kept or marked).
    ///
    /// Callers waiting together share a read: a read that *began* after a caller arrived saw
    /// every write committed before it, so that caller takes its position instead of reading
    /// again (the 63 provinces of a national page, evaluated at once, make one or two feed
    /// reads, not 63 in turn).
    #[tracing::instrument(level = "debug", skip_all)]
    async fn sync(&self, app: &App) -> Result<i64, AppError> {
        let arrival = self.inner.reads_begun.load(Ordering::SeqCst);
        let mut last = self.inner.feed.lock().await;
        if let Some((read, position)) = *last
            && read > arrival
        {
            return Ok(position);
        }
        let read = self.inner.reads_begun.fetch_add(1, Ordering::SeqCst) + 1;
        let r = self.read_feed(app).await;
        if let Ok(position) = r {
            *last = Some((read, position));
        }
        r
    }

    /// One read of the feed after the last seq seen (under the `feed` lock).
    #[tracing::instrument(level = "debug", skip_all)]
    async fn read_feed(&self, app: &App) -> Result<i64, AppError> {
        let epoch = EPOCH.load(Ordering::SeqCst);
        let position = {
            let mut st = self.state();
            if st.epoch != epoch {
                *st = State {
                    epoch,
                    ..State::default()
                };
            }
            st.position
        };
        let Some(position) = position else {
            // Nothing seen yet: start from the audit head; every scope is read in full
            // after it.
            let head = app.db.audit_head().await?.0;
            let mut st = self.state();
            st.position = Some(head);
            st.recent.clear();
            st.recent_from = head;
            st.forget_units();
            return Ok(head);
        };
        let rows = app.db.evaluation_changes_after(position, FEED_PAGE).await?;
        if rows.is_empty() {
            return Ok(position);
        }
        self.inner
            .feed_rows
            .fetch_add(rows.len() as u64, Ordering::Relaxed);
        if rows.len() as u64 >= FEED_PAGE || rows.iter().any(|r| r.kind == FEED_PRUNED) {
            // Too many changes to follow one by one (a bulk import), or rows not read yet
            // were pruned (`prune_feed`): every scope is rebuilt from a full read after the
            // head.
            let head = app.db.audit_head().await?.0;
            let at = rows[0].at;
            let mut st = self.state();
            for s in st.scopes.values_mut() {
                s.stale_since.get_or_insert(at);
                // Which units changed is not known: every value is read again.
                s.values.iter_mut().for_each(|v| *v = None);
            }
            st.forget_units();
            st.position = Some(head);
            st.recent.clear();
            st.recent_from = head;
            return Ok(head);
        }
        let mut st = self.state();
        let last = rows.last().map_or(position, |r| r.seq);
        if rows.iter().any(|r| r.scope_path.is_some()) {
            st.forget_units();
        }
        for r in &rows {
            for s in st.scopes.values_mut() {
                s.apply(r);
            }
        }
        st.recent.extend(rows);
        while st.recent.len() > RECENT_MAX {
            if let Some(r) = st.recent.pop_front() {
                st.recent_from = r.seq;
            }
        }
        st.position = Some(last.max(position));
        Ok(last.max(position))
    }

    /// Keeps a scope built from a read at feed position `at`, replaying what was seen since.
    fn insert(&self, key: Key, mut scope: Scope, at: i64) {
        let mut st = self.state();
        if at < st.recent_from {
            scope.stale_since.get_or_insert(crate::now());
        } else {
            for r in st.recent.iter().filter(|r| r.seq > at) {
                scope.apply(r);
            }
        }
        st.tick += 1;
        scope.last_used = st.tick;
        st.scopes.remove(&key);
        let mut units: usize = st.scopes.values().map(|s| s.children.len()).sum();
        while !st.scopes.is_empty()
            && (st.scopes.len() >= SCOPES_MAX || units + scope.children.len() > UNITS_MAX)
        {
            let oldest = st
                .scopes
                .iter()
                .min_by_key(|(_, s)| s.last_used)
                .map(|(k, _)| k.clone());
            if let Some(s) = oldest.and_then(|k| st.scopes.remove(&k)) {
                units -= s.children.len();
            }
        }
        st.scopes.insert(key, scope);
    }
}

/// Units whose values are read in one query while a scope is built (the progress of a
/// rebuild moves by this much).
const READ_CHUNK: usize = 500;

/// How far a background rebuild is: units evaluated again (their values reused or read) out
/// of the scope's.
pub(crate) struct Progress {
    done: AtomicUsize,
    total: AtomicUsize,
}

impl Progress {
    /// Nothing done yet of about `total` units (the scope's before the change).
    fn of(total: usize) -> Self {
        Progress {
            done: AtomicUsize::new(0),
            total: AtomicUsize::new(total),
        }
    }

    fn get(&self) -> (usize, usize) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }
}

/// Reads a scope in full (as [`evaluate`] does), except the values of units in `reuse`
/// (kept from before a change to the whole scope, still current: their unit has not changed
/// since). `None`: the set is not kept (derived from the units below).
async fn build(
    app: &App,
    unit: &Unit,
    set_id: &str,
    year: i32,
    reuse: &HashMap<Uuid, Arc<PackedValues>>,
    progress: Option<&Progress>,
) -> Result<Option<Scope>, AppError> {
    let national = lookup_set(app, set_id, year)?;
    let date = evaluation_date(national, year);
    let region = province_region(app, unit, date).await?;
    let in_force = crate::criteria_sets::in_force(app, unit, set_id, year, national).await?;
    let set = in_force.set.into_owned();
    if unit.level >= set.level || derives_from_children(&set) {
        return Ok(None);
    }
    // Built after a feed read (a read's first step, or the rebuild's).
    let children = applicable_units(
        &set,
        units_under_after_sync(app, Some(&unit.path), date, Some(set.level))
            .await?
            .as_ref()
            .clone(),
    );
    let mut values: Vec<Option<Arc<PackedValues>>> =
        children.iter().map(|c| reuse.get(&c.id).cloned()).collect();
    let missing: Vec<Uuid> = children
        .iter()
        .zip(&values)
        .filter(|(_, v)| v.is_none())
        .map(|(c, _)| c.id)
        .collect();
    if let Some(p) = progress {
        p.total.store(children.len(), Ordering::Relaxed);
        p.done
            .store(children.len() - missing.len(), Ordering::Relaxed);
    }
    let mut read: HashMap<Uuid, PackedValues> = HashMap::with_capacity(missing.len());
    for chunk in missing.chunks(READ_CHUNK) {
        read.extend(current_values_packed(app, chunk, set_id, year).await?);
        if let Some(p) = progress {
            p.done.fetch_add(chunk.len(), Ordering::Relaxed);
        }
    }
    for (c, v) in children.iter().zip(values.iter_mut()) {
        if v.is_none() {
            *v = Some(Arc::new(read.remove(&c.id).unwrap_or_default()));
        }
    }
    let refs: Vec<Option<&PackedValues>> = values.iter().map(|v| v.as_deref()).collect();
    let evals = evaluate_packed(app, &set, &children, &refs, year, date, region).await?;
    let kept = &app.kept.inner;
    kept.units_evaluated
        .fetch_add(missing.len() as u64, Ordering::Relaxed);
    kept.scopes_built.fetch_add(1, Ordering::Relaxed);
    Ok(Some(Scope {
        unit: unit.clone(),
        date,
        index: children
            .iter()
            .enumerate()
            .map(|(i, u)| (u.id, i))
            .collect(),
        changed_at: vec![i64::MIN; children.len()],
        evals: evals.into_iter().map(|e| Some(Arc::new(e))).collect(),
        values,
        children: Arc::new(children),
        set: Arc::new(set),
        set_id: set_id.to_string(),
        year,
        national: SetSummary::of(national),
        region,
        provincial: in_force.provincial,
        version_used: in_force.used,
        view: None,
        stale_since: None,
        rebuilding: false,
        progress: None,
        last_used: 0,
    }))
}

/// Rebuilds a scope in the background; reads meanwhile get the kept figures, flagged, with
/// the rebuild's progress. The values still current are evaluated again without being read.
fn spawn_rebuild(app: &App, key: Key, unit: Unit, progress: Arc<Progress>) {
    let app = app.clone();
    app.kept.inner.rebuilds.fetch_add(1, Ordering::Relaxed);
    app.kept.inner.running.fetch_add(1, Ordering::SeqCst);
    tokio::spawn(async move {
        let kept = app.kept.clone();
        let built = async {
            let at = kept.sync(&app).await?;
            // Taken after the feed read: a value dropped by a change up to `at` is not here,
            // and one changed after `at` is dropped again when the scope is kept (`insert`).
            let reuse: HashMap<Uuid, Arc<PackedValues>> = {
                let st = kept.state();
                st.scopes.get(&key).map_or_else(HashMap::new, |s| {
                    s.children
                        .iter()
                        .zip(&s.values)
                        .filter_map(|(c, v)| Some((c.id, v.clone()?)))
                        .collect()
                })
            };
            let scope = build(&app, &unit, &key.1, key.2, &reuse, Some(&progress)).await?;
            Ok::<_, AppError>((at, scope))
        }
        .await;
        match built {
            Ok((at, Some(scope))) => kept.insert(key, scope, at),
            Ok((_, None)) => {
                kept.state().scopes.remove(&key);
            }
            Err(e) => {
                // The next read builds it again (and says why if it still fails).
                tracing::warn!(unit = %unit.code, set = %key.1, year = key.2, "background rebuild failed: {e}");
                kept.state().scopes.remove(&key);
            }
        }
        kept.inner.running.fetch_sub(1, Ordering::SeqCst);
    });
}

/// What a read of a kept scope must do first.
enum Step {
    /// Not kept: read in full.
    Build,
    /// Kept: evaluate again its units whose values changed ([`refresh`]).
    Refresh,
}

/// The units to evaluate again of one kept scope, with its inputs.
struct Todo {
    key: Key,
    units: Vec<(usize, Unit)>,
    set: Arc<ResolvedSet>,
    region: Option<ntm_domain::Region>,
    date: Date,
}

/// Evaluates again, from their values read in one query, the units whose values changed of
/// the kept scope `only`, or of every kept scope of `set_id` and `year` (`None`), after a
/// feed read that reached `at`: an evaluation is kept only if its unit had no change after
/// `at` and the scope was not replaced meanwhile. The national dashboard refreshes the 63
/// provinces so in one query instead of one per province.
#[tracing::instrument(level = "debug", skip_all)]
async fn refresh(
    app: &App,
    set_id: &str,
    year: i32,
    at: i64,
    only: Option<&Key>,
) -> Result<(), AppError> {
    let todo: Vec<Todo> = {
        let st = app.kept.state();
        let scopes: Box<dyn Iterator<Item = (&Key, &Scope)>> = match only {
            Some(k) => Box::new(st.scopes.get_key_value(k).into_iter()),
            None => Box::new(st.scopes.iter()),
        };
        scopes
            .filter(|(k, _)| k.1 == set_id && k.2 == year)
            .filter_map(|(k, s)| {
                let units: Vec<(usize, Unit)> = s
                    .evals
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| e.is_none())
                    .map(|(i, _)| (i, s.children[i].clone()))
                    .collect();
                (!units.is_empty()).then(|| Todo {
                    key: k.clone(),
                    units,
                    set: s.set.clone(),
                    region: s.region,
                    date: s.date,
                })
            })
            .collect()
    };
    if todo.is_empty() {
        return Ok(());
    }
    let mut ids: Vec<Uuid> = todo
        .iter()
        .flat_map(|t| t.units.iter().map(|(_, u)| u.id))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut read: HashMap<Uuid, Arc<PackedValues>> = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(READ_CHUNK) {
        read.extend(
            current_values_packed(app, chunk, set_id, year)
                .await?
                .into_iter()
                .map(|(id, v)| (id, Arc::new(v))),
        );
    }
    let empty = Arc::new(PackedValues::default());
    for t in todo {
        let units: Vec<Unit> = t.units.iter().map(|(_, u)| u.clone()).collect();
        let values: Vec<Arc<PackedValues>> = units
            .iter()
            .map(|u| read.get(&u.id).unwrap_or(&empty).clone())
            .collect();
        let refs: Vec<Option<&PackedValues>> = values.iter().map(|v| Some(&**v)).collect();
        let evals = evaluate_packed(app, &t.set, &units, &refs, year, t.date, t.region).await?;
        app.kept
            .inner
            .units_evaluated
            .fetch_add(units.len() as u64, Ordering::Relaxed);
        let mut st = app.kept.state();
        if let Some(s) = st.scopes.get_mut(&t.key)
            && Arc::ptr_eq(&s.set, &t.set)
        {
            for (((i, _), e), v) in t.units.iter().zip(evals).zip(values) {
                if s.evals[*i].is_none() && s.changed_at[*i] <= at {
                    s.evals[*i] = Some(Arc::new(e));
                    s.values[*i] = Some(v);
                    s.view = None;
                }
            }
        }
    }
    Ok(())
}

/// Brings every kept scope of `set_id` and `year` up to date with the values written since
/// (one feed read, one query for all their changed units): before the national dashboard
/// reads the provinces' scopes, which then have little or nothing left to read. Returns at
/// once while another runs.
#[tracing::instrument(level = "debug", skip_all)]
pub(crate) async fn refresh_all(app: &App, set_id: &str, year: i32) -> Result<(), AppError> {
    // One at a time, and none waited for: national dashboards read together would each read
    // the same units, or queue behind each other. This is only a head start: each province's
    // read still reads the feed and its own changed units after it.
    let Ok(_one) = app.kept.inner.refreshing.try_lock() else {
        return Ok(());
    };
    let at = app.kept.sync(app).await?;
    refresh(app, set_id, year, at, None).await
}

/// The evaluation of `code` for a set and year as [`evaluate`] gives it, from the kept
/// evaluations when the unit is above the set's level (a roll-up): only the units whose
/// values changed since the last read are read again. Needs a view of the unit (checked on
/// every call).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code, set = %set_id, year))]
pub async fn evaluate_kept(
    app: &App,
    actor: &Actor,
    code: &str,
    set_id: &str,
    year: i32,
) -> Result<Evaluation, AppError> {
    Ok(match read(app, actor, code, set_id, year).await? {
        Read::Full(e) => e,
        Read::Kept(mut e, view) => {
            e.rollup = Some((*view).clone());
            e
        }
    })
}

/// [`evaluate_kept`] with the roll-up shared instead of copied (the national dashboard and
/// the maps need only its figures, not a copy of every unit's row): the evaluation without
/// its roll-up, and the roll-up.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code, set = %set_id, year))]
pub(crate) async fn evaluate_kept_shared(
    app: &App,
    actor: &Actor,
    code: &str,
    set_id: &str,
    year: i32,
) -> Result<(Evaluation, Arc<RollupView>), AppError> {
    match read(app, actor, code, set_id, year).await? {
        Read::Full(mut e) => {
            let view = e
                .rollup
                .take()
                .ok_or_else(|| AppError::Internal(format!("no roll-up for unit {code}")))?;
            Ok((e, Arc::new(view)))
        }
        Read::Kept(e, view) => Ok((e, view)),
    }
}

/// What [`read`] gives: a full evaluation (not kept), or a kept one with its roll-up apart.
enum Read {
    Full(Evaluation),
    Kept(Evaluation, Arc<RollupView>),
}

async fn read(
    app: &App,
    actor: &Actor,
    code: &str,
    set_id: &str,
    year: i32,
) -> Result<Read, AppError> {
    // The checks of `evaluate`, in its order, on every request (the unit record as of the
    // feed read: kept lookups are forgotten at any change to unit records).
    let national = lookup_set(app, set_id, year)?;
    let date = evaluation_date(national, year);
    let kept = &app.kept;
    let mut synced = Some(kept.sync(app).await?);
    let unit = unit_on(app, code, date).await?;
    require_on_unit(app, actor, Permission::ViewUnits, &unit).await?;
    if unit.level >= national.level {
        return Ok(Read::Full(evaluate(app, actor, code, set_id, year).await?));
    }
    let key: Key = (unit.id, set_id.to_string(), year);
    // A unit changed again while it was being read is read once more (bounded).
    for _ in 0..4 {
        let at = match synced.take() {
            Some(at) => at,
            None => kept.sync(app).await?,
        };
        let step = {
            let mut st = kept.state();
            st.tick += 1;
            let tick = st.tick;
            match st.scopes.get_mut(&key) {
                None => Step::Build,
                Some(s) => {
                    s.last_used = tick;
                    if s.stale_since.is_some() && !s.rebuilding {
                        s.rebuilding = true;
                        let progress = Arc::new(Progress::of(s.children.len()));
                        s.progress = Some(progress.clone());
                        spawn_rebuild(app, key.clone(), s.unit.clone(), progress);
                    }
                    Step::Refresh
                }
            }
        };
        match step {
            Step::Build => {
                let Some(mut scope) =
                    build(app, &unit, set_id, year, &HashMap::new(), None).await?
                else {
                    return Ok(Read::Full(evaluate(app, actor, code, set_id, year).await?));
                };
                let (e, view) = scope
                    .evaluation()
                    .ok_or_else(|| AppError::Internal("kept scope incomplete".into()))?;
                kept.insert(key, scope, at);
                return Ok(Read::Kept(e, view));
            }
            Step::Refresh => {
                refresh(app, set_id, year, at, Some(&key)).await?;
                let mut st = kept.state();
                match st.scopes.get_mut(&key).map(Scope::evaluation) {
                    Some(Some((e, view))) => return Ok(Read::Kept(e, view)),
                    // Changed again meanwhile, or replaced by a rebuild: once more.
                    _ => continue,
                }
            }
        }
    }
    // Writes keep landing on this scope faster than it is read: read it in full.
    Ok(Read::Full(evaluate(app, actor, code, set_id, year).await?))
}

/// Feed rows older than this are pruned by [`prune_feed`].
pub const FEED_KEPT_FOR: time::Duration = time::Duration::days(7);

/// Deletes the change feed's rows older than [`FEED_KEPT_FOR`] (run by each server once an
/// hour; several servers on one database may both run it). A process that had not read
/// them yet finds the row left in their place and reads everything again. The server's own
/// maintenance only (the command-line actor).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn prune_feed(app: &App, actor: &Actor) -> Result<u64, AppError> {
    if !matches!(actor, Actor::Cli { .. }) {
        return Err(AppError::Forbidden(
            "the change feed is pruned by the server's own maintenance".into(),
        ));
    }
    Ok(app
        .db
        .prune_evaluation_changes(crate::now() - FEED_KEPT_FOR)
        .await?)
}
