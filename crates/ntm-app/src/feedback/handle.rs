//! Officers act on a report: the step through the domain state machine (a skipped step is
//! refused), on the version they saw, by holders of `HandleFeedback` on the responsible unit;
//! assignment; bulk accept/start; likely duplicates to merge.

use ntm_domain::authz::{Permission, Role};
use ntm_domain::feedback::{
    self as fb, Action, Located, Status, Timeliness, status::available, timeliness,
};
use ntm_store::{
    FeedbackEventRecord, FeedbackReportRecord, FeedbackStep, FeedbackTemplateRecord, RoleHolder,
};
use uuid::Uuid;

use super::public::{PublicReport, public_view};
use super::{both, field, load, require_handle};
use crate::notifications::{Message, new_record};
use crate::{Actor, App, AppError, now, today};

/// What an officer sends with a step.
#[derive(Debug, Clone, Default)]
pub struct StepForm {
    pub action: String,
    /// The version the officer saw.
    pub version: i64,
    pub answer: String,
    pub refer_to: String,
    /// Transfer: the receiving unit's code.
    pub transfer_to: String,
    /// Merge: the tracking code of the earlier report.
    pub merge_into: String,
}

/// Everything the officer's page of a report shows.
#[derive(Debug, Clone)]
pub struct OfficerReport {
    pub public: PublicReport,
    pub version: i64,
    pub contact_name: Option<String>,
    pub contact: Option<String>,
    pub assignee: Option<RoleHolder>,
    pub officers: Vec<RoleHolder>,
    pub actions: Vec<Action>,
    pub timeliness: Timeliness,
    pub templates: Vec<FeedbackTemplateRecord>,
    pub duplicates: Vec<(String, f64, Uuid)>,
    pub keep_location: bool,
}

const OFFICER_ROLES: [Role; 3] = [
    Role::CommuneOfficer,
    Role::DistrictOfficer,
    Role::ProvinceOfficer,
];

async fn officers(app: &App, r: &FeedbackReportRecord) -> Result<Vec<RoleHolder>, AppError> {
    let mut out: Vec<RoleHolder> = Vec::new();
    let paths = vec![r.responsible_path.clone()];
    for role in OFFICER_ROLES {
        debug_assert!(role.allows(Permission::HandleFeedback));
        for h in app.db.role_holders_covering(role.as_str(), &paths).await? {
            if !out.iter().any(|o| o.user_id == h.user_id) {
                out.push(h);
            }
        }
    }
    Ok(out)
}

/// The likely duplicates of a report: same category, ≤ 50 m, ≤ 30 days (tracking code,
/// distance in metres, id).
async fn duplicates_of(
    app: &App,
    r: &FeedbackReportRecord,
) -> Result<Vec<(String, f64, Uuid)>, AppError> {
    let (Some(lat), Some(_)) = (r.lat, r.lon) else {
        return Ok(Vec::new());
    };
    // 50 m is under 0.0005° of latitude; the domain rule decides.
    let band = 0.001;
    let days = time::Duration::days(fb::DUPLICATE_DAYS);
    let rows = app
        .db
        .feedback_near(
            &r.province_code,
            &r.category_code,
            lat - band,
            lat + band,
            r.received_on - days,
            r.received_on + days,
        )
        .await?;
    let located = |x: &FeedbackReportRecord| Located {
        id: x.id,
        category: x.category_code.clone(),
        lat: x.lat.unwrap_or(f64::NAN),
        lon: x.lon.unwrap_or(f64::NAN),
        received_on: x.received_on,
    };
    let me = located(r);
    let cands: Vec<Located> = rows
        .iter()
        .filter(|x| x.lat.is_some() && x.lon.is_some())
        .map(located)
        .collect();
    Ok(fb::likely_duplicates(&me, &cands)
        .into_iter()
        .filter_map(|(c, d)| {
            rows.iter()
                .find(|x| x.id == c.id)
                .map(|x| (x.tracking_code.clone(), d, x.id))
        })
        .collect())
}

/// The officer's page of a report.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), report = %id))]
pub async fn officer_report(app: &App, actor: &Actor, id: Uuid) -> Result<OfficerReport, AppError> {
    let r = load(app, id).await?;
    require_handle(app, actor, &r).await?;
    let status = Status::parse(&r.status).unwrap_or(Status::Received);
    let officers = officers(app, &r).await?;
    Ok(OfficerReport {
        version: r.version,
        contact_name: r.contact_name.clone(),
        contact: r.contact.clone(),
        assignee: r
            .assignee_id
            .and_then(|a| officers.iter().find(|o| o.user_id == a).cloned()),
        actions: available(status),
        timeliness: timeliness(status, r.due_on, r.closed_on, today()),
        templates: app.db.feedback_templates(&r.province_code).await?,
        duplicates: if status.is_closed() {
            Vec::new()
        } else {
            duplicates_of(app, &r).await?
        },
        keep_location: r.keep_location,
        officers,
        public: public_view(app, r).await?,
    })
}

/// The likely duplicates of a report (for the API and tests).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), report = %id))]
pub async fn duplicate_suggestions(
    app: &App,
    actor: &Actor,
    id: Uuid,
) -> Result<Vec<(String, f64, Uuid)>, AppError> {
    let r = load(app, id).await?;
    require_handle(app, actor, &r).await?;
    duplicates_of(app, &r).await
}

fn refused(e: fb::StepError) -> AppError {
    AppError::Validation(vec![field("action", e.vi(), e)])
}

/// One step on a report.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), report = %id))]
pub async fn act(app: &App, actor: &Actor, id: Uuid, form: StepForm) -> Result<(), AppError> {
    let r = load(app, id).await?;
    require_handle(app, actor, &r).await?;
    let action = Action::parse(&form.action).ok_or_else(|| {
        AppError::invalid("action", both("Không có thao tác này", "no such action"))
    })?;
    let from = Status::parse(&r.status).ok_or_else(|| AppError::Internal(r.status.clone()))?;
    let to = fb::next(from, action).map_err(refused)?;
    if form.version != r.version {
        return Err(AppError::Conflict(both(
            "Phản ánh vừa được người khác cập nhật; hãy tải lại trang",
            "the report was changed by someone else; reload it",
        )));
    }
    let mut errors = Vec::new();
    let answer = if action.needs_answer() {
        fb::check_answer(&form.answer)
            .map_err(|e| errors.push(field("answer", e.vi(), &e)))
            .ok()
    } else {
        None
    };
    let refer_to = if action == Action::Reject {
        let t = form.refer_to.trim();
        if t.is_empty() || t.chars().count() > 300 {
            errors.push(field(
                "refer_to",
                "Hãy ghi cơ quan có thẩm quyền mà người dân nên gửi tới (tối đa 300 ký tự)",
                "name the body the citizen should go to (at most 300 characters)",
            ));
        }
        Some(t.to_string())
    } else {
        r.refer_to.clone()
    };
    let (mut resp_code, mut resp_path) = (r.responsible_code.clone(), r.responsible_path.clone());
    let mut note = answer.clone();
    let mut notes = Vec::new();
    if action == Action::Transfer {
        match crate::units::latest_record(app, form.transfer_to.trim()).await {
            Ok(u) if u.province_code == r.province_code && u.code != r.responsible_code => {
                resp_code = u.code.clone();
                resp_path = u.path.clone();
                note = Some(u.name.clone());
            }
            _ => errors.push(field(
                "transfer_to",
                "Hãy chọn một đơn vị khác trong tỉnh",
                "choose another unit of the province",
            )),
        }
    }
    let mut merged_into = None;
    if action == Action::Merge {
        let target = match fb::normalize_tracking_code(&form.merge_into) {
            Some(c) => app.db.feedback_by_code(&c).await?,
            None => None,
        };
        match target {
            Some(t)
                if t.id != r.id && t.province_code == r.province_code && t.status != "merged" =>
            {
                merged_into = Some(t.id);
                note = Some(t.tracking_code.clone());
            }
            _ => errors.push(field(
                "merge_into",
                "Hãy nhập mã của một phản ánh khác, chưa bị gộp, trong tỉnh",
                "give the tracking code of another report of the province, not merged",
            )),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let at = now();
    let closed = matches!(to, Status::Resolved | Status::Rejected | Status::Merged);
    if action == Action::Transfer {
        notes = super::file::notify_unit(
            app,
            &resp_code,
            &resp_path,
            r.id,
            &r.tracking_code,
            "fb-notify-transferred",
        )
        .await?;
    }
    let events = app.db.feedback_events(r.id).await?;
    let seq = events.last().map(|e| e.seq + 1).unwrap_or(1);
    let step = FeedbackStep {
        report_id: r.id,
        expected_version: r.version,
        status: to.as_str().into(),
        responsible_code: resp_code.clone(),
        responsible_path: resp_path,
        answer: answer.clone().or(r.answer.clone()),
        refer_to,
        merged_into,
        assignee_id: if action == Action::Transfer {
            None
        } else {
            r.assignee_id
        },
        closed_at: closed.then_some(at),
        closed_on: closed.then(|| {
            at.to_offset(ntm_domain::dossier::campaign::VN_OFFSET)
                .date()
        }),
        event: FeedbackEventRecord {
            report_id: r.id,
            seq,
            action: action.as_str().into(),
            from_status: Some(from.as_str().into()),
            to_status: to.as_str().into(),
            note,
            unit_code: Some(resp_code.clone()),
            actor: actor.audit_name(),
            at,
        },
        at,
    };
    let audit = actor.audit_entry(
        &format!("feedback.{}", action.as_str()),
        &r.id.to_string(),
        serde_json::json!({
            "code": r.tracking_code, "from": from.as_str(), "to": to.as_str(),
            "responsible": resp_code, "merged_into": merged_into,
        }),
    );
    app.db.feedback_step(&step, &notes, audit).await?;
    // The measures of the unit that had it, and of the one it went to when transferred.
    crate::measures::refresh_after_write(app, &r.responsible_code).await;
    if resp_code != r.responsible_code {
        crate::measures::refresh_after_write(app, &resp_code).await;
    }
    Ok(())
}

/// Accept or start many reports at once (the cheap steps); returns how many moved and the
/// tracking codes refused with why.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn bulk_act(
    app: &App,
    actor: &Actor,
    ids: &[Uuid],
    action: &str,
) -> Result<(usize, Vec<(String, String)>), AppError> {
    let a = Action::parse(action).filter(|a| matches!(a, Action::Accept | Action::Start));
    let Some(a) = a else {
        return Err(AppError::invalid(
            "action",
            both(
                "Chỉ thụ lý hoặc bắt đầu xử lý được nhiều phản ánh cùng lúc",
                "only accept or start in bulk",
            ),
        ));
    };
    if ids.len() > 200 {
        return Err(AppError::invalid(
            "ids",
            both("Tối đa 200 phản ánh mỗi lần", "at most 200 at a time"),
        ));
    }
    let (mut done, mut refused) = (0, Vec::new());
    for id in ids {
        let r = load(app, *id).await?;
        let form = StepForm {
            action: a.as_str().into(),
            version: r.version,
            ..StepForm::default()
        };
        match act(app, actor, *id, form).await {
            Ok(()) => done += 1,
            Err(e) => refused.push((r.tracking_code, e.to_string())),
        }
    }
    Ok((done, refused))
}

/// Assigns a report to one of the officers of its unit (`None`: unassigned); the assignee
/// is notified.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), report = %id))]
pub async fn assign(
    app: &App,
    actor: &Actor,
    id: Uuid,
    to: Option<Uuid>,
    version: i64,
) -> Result<(), AppError> {
    let r = load(app, id).await?;
    require_handle(app, actor, &r).await?;
    let status = Status::parse(&r.status).unwrap_or(Status::Received);
    if status.is_closed() {
        return Err(refused(fb::StepError::Closed(status)));
    }
    if version != r.version {
        return Err(AppError::Conflict(both(
            "Phản ánh vừa được người khác cập nhật; hãy tải lại trang",
            "the report was changed by someone else; reload it",
        )));
    }
    let mut notes = Vec::new();
    if let Some(u) = to {
        let officers = officers(app, &r).await?;
        let Some(h) = officers.iter().find(|o| o.user_id == u) else {
            return Err(AppError::invalid(
                "assignee",
                both(
                    "Người được giao phải là cán bộ của đơn vị xử lý",
                    "the assignee must be an officer of the unit",
                ),
            ));
        };
        notes.push(new_record(
            h.user_id,
            None,
            &Message {
                key: "fb-notify-assigned".into(),
                args: vec![("code".into(), r.tracking_code.clone())],
            },
            &format!("/feedback/r/{}", r.id),
        ));
    }
    let at = now();
    let events = app.db.feedback_events(r.id).await?;
    let step = FeedbackStep {
        report_id: r.id,
        expected_version: r.version,
        status: r.status.clone(),
        responsible_code: r.responsible_code.clone(),
        responsible_path: r.responsible_path.clone(),
        answer: r.answer.clone(),
        refer_to: r.refer_to.clone(),
        merged_into: r.merged_into,
        assignee_id: to,
        closed_at: r.closed_at,
        closed_on: r.closed_on,
        event: FeedbackEventRecord {
            report_id: r.id,
            seq: events.last().map(|e| e.seq + 1).unwrap_or(1),
            action: "assign".into(),
            from_status: Some(r.status.clone()),
            to_status: r.status.clone(),
            note: None,
            unit_code: Some(r.responsible_code.clone()),
            actor: actor.audit_name(),
            at,
        },
        at,
    };
    let audit = actor.audit_entry(
        "feedback.assign",
        &r.id.to_string(),
        serde_json::json!({"code": r.tracking_code, "assignee": to}),
    );
    Ok(app.db.feedback_step(&step, &notes, audit).await?)
}
