//! The one check of a permission on a unit record, following lineage: an officer of a unit
//! formed or enlarged by the 2025 reform holds on its predecessors' records what it holds on
//! its own (the rule: [`ntm_domain::succession::covers`]). Every use case that checks a unit
//! calls [`require_on_unit`], or [`Access`] to check many units at once.
//!
//! The succession index is kept in the process and rebuilt when the number of applied unit
//! lists changes (the only way provinces, districts, communes and lineage change) or the day
//! does (the same-code rule looks at the record valid today). A check that the plain subtree
//! rule already allows reads nothing.

use std::sync::{Arc, Mutex};

use ntm_domain::authz::Permission;
use ntm_domain::succession::{Succession, covers, follows_lineage};
use ntm_domain::units::Unit;
use time::Date;

use crate::authz::{Actor, require};
use crate::{App, AppError, today};

/// What the index was built for: the number of applied unit lists and the day.
type Key = (i64, Date);

/// The index and the key it was built for.
type Entry = Option<(Key, Arc<Succession>)>;

/// The index kept in the process (shared by the clones of an `App`).
#[derive(Clone, Default)]
pub(crate) struct Cache(Arc<Mutex<Entry>>);

/// The succession index for the units as stored now: one small query when it is cached.
pub(crate) async fn succession(app: &App) -> Result<Arc<Succession>, AppError> {
    let key = (app.db.units_fingerprint().await?, today());
    if let Ok(guard) = app.succession.0.lock()
        && let Some((k, s)) = guard.as_ref()
        && *k == key
    {
        return Ok(s.clone());
    }
    let records = app.db.unit_record_refs().await?;
    let edges = app.db.lineage_edges().await?;
    let built = tokio::task::spawn_blocking(move || Succession::build(&records, &edges, key.1))
        .await
        .map_err(|e| AppError::Internal(format!("succession index: {e}")))?;
    let built = Arc::new(built);
    if let Ok(mut guard) = app.succession.0.lock() {
        *guard = Some((key, built.clone()));
    }
    Ok(built)
}

/// Checks `p` on the unit record: the actor's grants cover the record's path, or the path
/// of one of its successors (the merged province, commune, or the record of the same code
/// valid today).
pub(crate) async fn require_on_unit(
    app: &App,
    actor: &Actor,
    p: Permission,
    unit: &Unit,
) -> Result<(), AppError> {
    let first = require(actor, p, &unit.path);
    if first.is_ok() || !matches!(actor, Actor::User { .. }) || !follows_lineage(p) {
        return first;
    }
    let s = succession(app).await?;
    if covers(
        actor.grants(),
        p,
        &unit.path,
        &s.successor_paths(&unit.path),
    ) {
        Ok(())
    } else {
        first
    }
}

/// The same rule for many units without a query each (lists, plan tables).
pub(crate) struct Access {
    actor: Actor,
    succession: Arc<Succession>,
}

impl Access {
    pub(crate) async fn of(app: &App, actor: &Actor) -> Result<Access, AppError> {
        Ok(Access {
            actor: actor.clone(),
            succession: succession(app).await?,
        })
    }

    /// May the actor do `p` on the unit record at `path`?
    pub(crate) fn allows(&self, p: Permission, path: &str) -> bool {
        match &self.actor {
            Actor::Cli { .. } => true,
            Actor::Anonymous { .. } => false,
            Actor::User { grants, .. } => {
                covers(grants, p, path, &self.succession.successor_paths(path))
            }
        }
    }

    /// The subtrees the actor sees (`ViewUnits`): its grants' scopes and the predecessors
    /// they cover, outermost only (for lists of records under them).
    pub(crate) fn viewable_prefixes(&self) -> Vec<String> {
        let grants = match &self.actor {
            Actor::Cli { .. } => return vec!["/".to_owned()],
            Actor::Anonymous { .. } => return Vec::new(),
            Actor::User { grants, .. } => grants,
        };
        let mut p: Vec<String> = Vec::new();
        for g in grants
            .iter()
            .filter(|g| g.role.allows(Permission::ViewUnits))
        {
            p.push(g.scope_path.clone());
            p.extend(
                self.succession
                    .predecessors_within(&g.scope_path)
                    .into_iter()
                    .map(str::to_owned),
            );
        }
        p.sort();
        let mut out: Vec<String> = Vec::new();
        for s in p {
            if !out.iter().any(|o| s.starts_with(o.as_str())) {
                out.push(s);
            }
        }
        out
    }

    /// The predecessors of a unit's path the actor may see: outermost earlier records whose
    /// successors lie inside `path` (Trà Vinh's `/84/` for `/86/`).
    pub(crate) fn predecessors_of(&self, path: &str) -> Vec<String> {
        self.succession
            .predecessors_within(path)
            .into_iter()
            .filter(|p| self.allows(Permission::ViewUnits, p))
            .map(str::to_owned)
            .collect()
    }
}
