//! Who is told about a transition (in-app notifications, copied by e-mail after the commit).

use std::collections::BTreeSet;

use ntm_domain::dossier::{self, ActionKind, Dossier, Procedure, StepKind};
use ntm_domain::units::Unit;
use ntm_store::NotificationRecord;
use uuid::Uuid;

use super::action_str;
use crate::authz::Actor;
use crate::notifications::{Message, new_record};
use crate::{App, AppError};

/// Paths that stand for a unit when looking for who covers it: its own record's and those
/// of its successors (the record of the same code valid today, the units it was merged
/// into: Vĩnh Long's officers act on Trà Vinh's dossiers).
async fn unit_paths(app: &App, unit: &Unit) -> Result<Vec<String>, AppError> {
    let s = crate::access::succession(app).await?;
    let mut paths = vec![unit.path.clone()];
    paths.extend(s.successor_paths(&unit.path).into_iter().map(str::to_owned));
    Ok(paths)
}

/// Who is told about a transition: the holders of the role acting at the dossier's next
/// step on its unit, and the unit's own officers when the dossier is returned, decided,
/// published or revoked; never the actor.
pub(super) async fn notifications_for(
    app: &App,
    actor: &Actor,
    procedure: &Procedure,
    d: &Dossier,
    unit: &Unit,
    action: ActionKind,
) -> Result<Vec<NotificationRecord>, AppError> {
    let paths = unit_paths(app, unit).await?;
    let link = format!("/dossiers/{}", d.id);
    let me = match actor {
        Actor::User { id, .. } => Some(*id),
        _ => None,
    };
    let mut out: Vec<NotificationRecord> = Vec::new();
    let mut told: BTreeSet<Uuid> = BTreeSet::new();
    let args = |extra: Vec<(String, String)>| {
        let mut a = vec![
            ("unit".to_owned(), unit.name.clone()),
            ("code".to_owned(), unit.code.clone()),
            ("state".to_owned(), d.state.as_str().to_owned()),
        ];
        a.extend(extra);
        a
    };
    if let Some(step) = dossier::calendar::pending_step(procedure, d)
        && let Some(s) = procedure.step(step)
        && !matches!(step, StepKind::Preparation)
    {
        let msg = Message {
            key: "dossier-notify-step".into(),
            args: args(vec![("step".into(), step.as_str().into())]),
        };
        for h in app
            .db
            .role_holders_covering(s.role.as_str(), &paths)
            .await?
        {
            if Some(h.user_id) != me && told.insert(h.user_id) {
                out.push(new_record(h.user_id, Some(d.id), &msg, &link));
            }
        }
    }
    let to_unit = matches!(
        action,
        ActionKind::ReviewReturn
            | ActionKind::AppraiseReturn
            | ActionKind::Decide
            | ActionKind::Publish
            | ActionKind::Revoke
    );
    if to_unit && let Some(s) = procedure.step(StepKind::Preparation) {
        let msg = Message {
            key: "dossier-notify-outcome".into(),
            args: args(vec![("action".into(), action_str(action)?)]),
        };
        for h in app
            .db
            .role_holders_covering(s.role.as_str(), &paths)
            .await?
        {
            if Some(h.user_id) != me && told.insert(h.user_id) {
                out.push(new_record(h.user_id, Some(d.id), &msg, &link));
            }
        }
    }
    Ok(out)
}
