//! A province's feedback settings: categories with their time limit in working days, routing
//! rules (category and location subtree → responsible unit) and answer templates. Edited by
//! officers holding `HandleFeedback` on the province; read by anyone (the public form lists
//! the categories).

use ntm_domain::authz::Permission;
use ntm_domain::units::Unit;
use ntm_store::{FeedbackCategoryRecord, FeedbackRouteRecord, FeedbackTemplateRecord};
use uuid::Uuid;

use super::{field, province};
use crate::access::require_on_unit;
use crate::{Actor, App, AppError, now};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryView {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub description: String,
    pub deadline_days: u32,
    pub active: bool,
}

impl From<FeedbackCategoryRecord> for CategoryView {
    fn from(c: FeedbackCategoryRecord) -> Self {
        CategoryView {
            code: c.code,
            name_vi: c.name_vi,
            name_en: c.name_en,
            description: c.description,
            deadline_days: u32::try_from(c.deadline_days).unwrap_or(0),
            active: c.active,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct CategoryForm {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub description: String,
    pub deadline_days: String,
    pub active: bool,
}

#[derive(Debug, Clone, Default)]
pub struct RouteForm {
    /// Empty: any category.
    pub category: String,
    /// The location (a unit code of the province: the province itself, a commune…).
    pub area_code: String,
    /// The unit that answers.
    pub responsible_code: String,
}

#[derive(Debug, Clone, Default)]
pub struct TemplateForm {
    pub title: String,
    pub body: String,
}

/// Everything the settings page shows.
#[derive(Debug, Clone)]
pub struct FeedbackSettings {
    pub province: Unit,
    pub categories: Vec<CategoryView>,
    pub routes: Vec<FeedbackRouteRecord>,
    pub templates: Vec<FeedbackTemplateRecord>,
}

/// The active categories of a province (public: the citizens' form).
#[tracing::instrument(skip_all, fields(province = %province_code))]
pub async fn categories(app: &App, province_code: &str) -> Result<Vec<CategoryView>, AppError> {
    Ok(app
        .db
        .feedback_categories(province_code.trim())
        .await?
        .into_iter()
        .filter(|c| c.active)
        .map(CategoryView::from)
        .collect())
}

async fn require_province(app: &App, actor: &Actor, code: &str) -> Result<Unit, AppError> {
    let p = province(app, code).await?;
    require_on_unit(app, actor, Permission::HandleFeedback, &p).await?;
    Ok(p)
}

/// The settings page of a province.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), province = %province_code))]
pub async fn settings(
    app: &App,
    actor: &Actor,
    province_code: &str,
) -> Result<FeedbackSettings, AppError> {
    let p = require_province(app, actor, province_code).await?;
    Ok(FeedbackSettings {
        categories: app
            .db
            .feedback_categories(&p.code)
            .await?
            .into_iter()
            .map(CategoryView::from)
            .collect(),
        routes: app.db.feedback_routes(&p.code).await?,
        templates: app.db.feedback_templates(&p.code).await?,
        province: p,
    })
}

fn code_ok(s: &str) -> bool {
    (1..=40).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// Adds or changes a category (same code: changed).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), province = %province_code))]
pub async fn save_category(
    app: &App,
    actor: &Actor,
    province_code: &str,
    form: CategoryForm,
) -> Result<(), AppError> {
    let p = require_province(app, actor, province_code).await?;
    let mut errors = Vec::new();
    let code = form.code.trim().to_lowercase();
    if !code_ok(&code) {
        errors.push(field(
            "code",
            "Mã gồm chữ thường không dấu, số, “-” hoặc “_” (tối đa 40 ký tự)",
            "lower-case letters, digits, “-” or “_” (at most 40)",
        ));
    }
    for (name, v) in [("name_vi", &form.name_vi), ("name_en", &form.name_en)] {
        if v.trim().is_empty() || v.trim().chars().count() > 200 {
            errors.push(field(
                name,
                "Nhập tên (tối đa 200 ký tự)",
                "enter a name (at most 200)",
            ));
        }
    }
    let days = form
        .deadline_days
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|d| (1..=90).contains(d));
    if days.is_none() {
        errors.push(field(
            "deadline_days",
            "Thời hạn là số ngày làm việc từ 1 đến 90",
            "the time limit is 1 to 90 working days",
        ));
    }
    let (Some(days), true) = (days, errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    let rec = FeedbackCategoryRecord {
        id: Uuid::now_v7(),
        province_code: p.code.clone(),
        code: code.clone(),
        name_vi: form.name_vi.trim().into(),
        name_en: form.name_en.trim().into(),
        description: form.description.trim().chars().take(1000).collect(),
        deadline_days: days,
        active: form.active,
        created_at: now(),
        created_by: actor.audit_name(),
    };
    let audit = actor.audit_entry(
        "feedback.category",
        &format!("{}/{}", p.code, code),
        serde_json::json!({"name_vi": rec.name_vi, "deadline_days": days, "active": rec.active}),
    );
    Ok(app.db.upsert_feedback_category(&rec, audit).await?)
}

/// Adds a routing rule.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), province = %province_code))]
pub async fn add_route(
    app: &App,
    actor: &Actor,
    province_code: &str,
    form: RouteForm,
) -> Result<(), AppError> {
    let p = require_province(app, actor, province_code).await?;
    let category = form.category.trim().to_string();
    if !category.is_empty()
        && !app
            .db
            .feedback_categories(&p.code)
            .await?
            .iter()
            .any(|c| c.code == category)
    {
        return Err(AppError::Validation(vec![field(
            "category",
            "Không có lĩnh vực này",
            "no such category",
        )]));
    }
    let in_province = |u: &Unit| u.path.starts_with(&p.path);
    let area = crate::units::latest_record(app, form.area_code.trim())
        .await
        .ok()
        .filter(in_province)
        .ok_or_else(|| {
            AppError::Validation(vec![field(
                "area_code",
                "Địa bàn phải là một đơn vị của tỉnh",
                "the location must be a unit of the province",
            )])
        })?;
    let resp = crate::units::latest_record(app, form.responsible_code.trim())
        .await
        .ok()
        .filter(in_province)
        .ok_or_else(|| {
            AppError::Validation(vec![field(
                "responsible_code",
                "Đơn vị xử lý phải là một đơn vị của tỉnh",
                "the responsible unit must be a unit of the province",
            )])
        })?;
    let rec = FeedbackRouteRecord {
        id: Uuid::now_v7(),
        province_code: p.code.clone(),
        category_code: (!category.is_empty()).then_some(category),
        area_path: area.path.clone(),
        responsible_code: resp.code.clone(),
        responsible_path: resp.path.clone(),
        created_at: now(),
        created_by: actor.audit_name(),
    };
    let audit = actor.audit_entry(
        "feedback.route.add",
        &rec.id.to_string(),
        serde_json::json!({"category": rec.category_code, "area": area.code, "responsible": resp.code}),
    );
    Ok(app.db.insert_feedback_route(&rec, audit).await?)
}

#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), province = %province_code))]
pub async fn delete_route(
    app: &App,
    actor: &Actor,
    province_code: &str,
    id: Uuid,
) -> Result<(), AppError> {
    let p = require_province(app, actor, province_code).await?;
    let audit = actor.audit_entry(
        "feedback.route.delete",
        &id.to_string(),
        serde_json::json!({}),
    );
    Ok(app.db.delete_feedback_route(&p.code, id, audit).await?)
}

#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), province = %province_code))]
pub async fn add_template(
    app: &App,
    actor: &Actor,
    province_code: &str,
    form: TemplateForm,
) -> Result<FeedbackTemplateRecord, AppError> {
    let p = require_province(app, actor, province_code).await?;
    let title = form.title.trim().to_string();
    let body = ntm_domain::feedback::check_answer(&form.body)
        .map_err(|e| AppError::Validation(vec![field("body", e.vi(), &e)]))?;
    if title.is_empty() || title.chars().count() > 200 {
        return Err(AppError::Validation(vec![field(
            "title",
            "Nhập tiêu đề (tối đa 200 ký tự)",
            "enter a title (at most 200)",
        )]));
    }
    let rec = FeedbackTemplateRecord {
        id: Uuid::now_v7(),
        province_code: p.code.clone(),
        title,
        body,
        created_at: now(),
        created_by: actor.audit_name(),
    };
    let audit = actor.audit_entry(
        "feedback.template.add",
        &rec.id.to_string(),
        serde_json::json!({"title": rec.title}),
    );
    Ok(app.db.insert_feedback_template(&rec, audit).await?)
}

/// Sample categories for a province (`ntm demo`, tests): **sample** names and time limits,
/// not taken from a legal text — each description says so.
pub async fn seed_demo(app: &App, province_code: &str) -> Result<(), AppError> {
    let actor = Actor::cli();
    if !app.db.feedback_categories(province_code).await?.is_empty() {
        return Ok(());
    }
    let sample = "Dữ liệu mẫu: thời hạn chưa đối chiếu văn bản — sample, time limit not confirmed";
    for (code, vi, en, days) in [
        (
            "giao-thong",
            "Giao thông, đường sá",
            "Roads and traffic",
            10,
        ),
        (
            "moi-truong",
            "Môi trường, rác thải",
            "Environment and waste",
            10,
        ),
        (
            "chieu-sang",
            "Điện, chiếu sáng công cộng",
            "Street lighting",
            5,
        ),
        (
            "thu-tuc",
            "Thủ tục hành chính",
            "Administrative procedures",
            15,
        ),
    ] {
        save_category(
            app,
            &actor,
            province_code,
            CategoryForm {
                code: code.into(),
                name_vi: vi.into(),
                name_en: en.into(),
                description: sample.into(),
                deadline_days: days.to_string(),
                active: true,
            },
        )
        .await?;
    }
    Ok(())
}

/// What the citizens' form offers: the province, its open categories and its communes.
#[derive(Debug, Clone)]
pub struct FormChoices {
    pub province: Unit,
    pub categories: Vec<CategoryView>,
    /// (code, name) of the province's units valid today (communes after 1 July 2025).
    pub communes: Vec<(String, String)>,
}

/// The form's choices for a province (public).
#[tracing::instrument(skip_all, fields(province = %province_code))]
pub async fn form_choices(app: &App, province_code: &str) -> Result<FormChoices, AppError> {
    let p = province(app, province_code).await?;
    let mut communes: Vec<(String, String)> = crate::surveys::areas(app, &p.code)
        .await?
        .into_iter()
        .map(|a| (a.code, a.name))
        .collect();
    communes.sort_by(|a, b| {
        ntm_domain::text::search_key(&a.1).cmp(&ntm_domain::text::search_key(&b.1))
    });
    Ok(FormChoices {
        categories: categories(app, &p.code).await?,
        communes,
        province: p,
    })
}

/// The provinces taking feedback (at least one open category), by name (public).
#[tracing::instrument(skip_all)]
pub async fn provinces(app: &App) -> Result<Vec<Unit>, AppError> {
    let mut out = Vec::new();
    for code in app.db.feedback_provinces().await? {
        if let Ok(p) = province(app, &code).await {
            out.push(p);
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}
