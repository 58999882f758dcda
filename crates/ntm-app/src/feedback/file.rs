//! A citizen files a report: every field checked (all problems at once, nothing written
//! when one is refused), idempotent on the client's token, limited per address and per
//! contact, routed by the province's rules, due in the category's working days.

use std::time::Duration;

use ntm_domain::area::{AreaShape, SIMPLIFICATION_TOLERANCE_DEG, distance_to, in_polygon};
use ntm_domain::authz::Role;
use ntm_domain::feedback::{self as fb, Rule, Status};
use ntm_domain::units::{Level, Unit};
use ntm_store::{FeedbackEventRecord, FeedbackPhotoRecord, FeedbackReportRecord};
use uuid::Uuid;

use super::{both, field, photos, province};
use crate::notifications::{Message, new_record};
use crate::surveys::hmac_sha256;
use crate::{Actor, App, AppError, now, procedure_settings};

/// Reports per client address per hour, and per contact per day.
const PER_ORIGIN_PER_HOUR: u32 = 10;
const PER_CONTACT_PER_DAY: u32 = 5;
const MAX_CONTACT: usize = 200;
const MAX_TOKEN: usize = 100;

/// An uploaded file as received.
#[derive(Debug, Clone, Default)]
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What the citizen's form (or an Open311 POST) sends, kept as typed.
#[derive(Debug, Clone, Default)]
pub struct NewReport {
    pub province_code: String,
    pub category: String,
    pub text: String,
    pub lat: String,
    pub lon: String,
    /// A chosen unit of the province (commune), when no pin or in addition to it.
    pub unit_code: String,
    pub contact_name: String,
    pub contact: String,
    pub keep_location: bool,
    /// Makes a repeated submission return the same report.
    pub client_token: String,
    pub photos: Vec<Upload>,
    /// Category-specific answers (Open311 `attribute[code]`).
    pub attributes: Vec<(String, String)>,
    /// The anti-abuse step (`challenge.rs`); not asked of Open311 clients, which the limits
    /// per address and contact still hold.
    pub challenge_token: String,
    pub challenge_answer: String,
    pub trap: String,
    pub via_api: bool,
}

/// The outcome: the report, and whether it was filed now (`false`: the token's earlier one).
#[derive(Debug, Clone)]
pub struct Filed {
    pub id: Uuid,
    pub tracking_code: String,
    pub created: bool,
    pub responsible_code: String,
    pub due_on: time::Date,
}

fn filed(r: FeedbackReportRecord, created: bool) -> Filed {
    Filed {
        id: r.id,
        tracking_code: r.tracking_code,
        created,
        responsible_code: r.responsible_code,
        due_on: r.due_on,
    }
}

fn parse_coord(s: &str) -> Option<f64> {
    s.trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// Where a pin falls: in a commune of the province (its outline, within the outlines'
/// simplification tolerance), outside the province, or unchecked (no outline stored for the
/// province: then only Vietnam's bounding box is checked).
enum PinPlace {
    In(String),
    Outside,
    Unchecked,
}

async fn place_pin(app: &App, p: &Unit, lat: f64, lon: f64) -> Result<PinPlace, AppError> {
    let tol = SIMPLIFICATION_TOLERANCE_DEG;
    if app.db.feedback_outline_count(&p.code).await? == 0 {
        let in_vn = (8.0..=23.5).contains(&lat) && (102.0..=110.0).contains(&lon);
        return Ok(if in_vn {
            PinPlace::Unchecked
        } else {
            PinPlace::Outside
        });
    }
    let hits = app.db.feedback_outlines_at(&p.code, lat, lon, tol).await?;
    let mut near = None;
    for h in hits {
        let Ok(shape) = AreaShape::from_stored(&h.geojson) else {
            continue;
        };
        if shape
            .polygons
            .iter()
            .any(|poly| in_polygon([lon, lat], poly))
        {
            return Ok(PinPlace::In(h.unit_code));
        }
        if near.is_none() && distance_to([lon, lat], &shape.polygons) <= tol {
            near = Some(h.unit_code);
        }
    }
    Ok(near.map_or(PinPlace::Outside, PinPlace::In))
}

fn keyed(app_key: &[u8], kind: &str, value: &str) -> String {
    hex::encode(
        &hmac_sha256(
            app_key,
            &[b"ntm feedback ", kind.as_bytes(), b"\0", value.as_bytes()],
        )[..16],
    )
}

fn limit(key: String, max: u32, window: Duration) -> Result<(), AppError> {
    crate::surveys::limits::hit(key, max, window).map_err(|s| AppError::TooManyRequests {
        retry_after_secs: s,
    })
}

/// Files a report. Public: the anti-abuse step and the limits are the permission.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), province = %form.province_code))]
pub async fn file_report(app: &App, actor: &Actor, form: NewReport) -> Result<Filed, AppError> {
    let p = province(app, &form.province_code).await?;
    let token = form.client_token.trim();
    if token.len() > MAX_TOKEN {
        return Err(AppError::invalid(
            "client_token",
            both("Mã gửi quá dài", "client token too long"),
        ));
    }
    if !token.is_empty()
        && let Some(done) = app.db.feedback_by_client_token(token).await?
    {
        return Ok(filed(done, false));
    }
    let mut errors = Vec::new();
    if !form.via_api
        && let Err(m) = super::challenge::check(
            app,
            &form.challenge_token,
            &form.challenge_answer,
            &form.trap,
        )
        .await
    {
        errors.push(crate::FieldError::new("check", m));
    }
    let key = crate::surveys::key::survey_key(app).await?;
    let contact = form.contact.trim().to_string();
    let contact_name = form.contact_name.trim().to_string();
    if contact.chars().count() > MAX_CONTACT || contact_name.chars().count() > MAX_CONTACT {
        errors.push(field(
            "contact",
            "Thông tin liên hệ quá dài",
            "contact too long",
        ));
    }
    let text = fb::check_text(&form.text)
        .map_err(|e| errors.push(field("text", e.vi(), &e)))
        .ok();
    let categories = app.db.feedback_categories(&p.code).await?;
    let category = categories
        .iter()
        .find(|c| c.active && c.code == form.category.trim())
        .cloned();
    if category.is_none() {
        errors.push(field(
            "category",
            "Hãy chọn một lĩnh vực trong danh sách",
            "choose a category from the list",
        ));
    }
    let (lat_s, lon_s) = (form.lat.trim(), form.lon.trim());
    let mut pin = None;
    let mut pin_commune: Option<String> = None;
    if !lat_s.is_empty() || !lon_s.is_empty() {
        match (parse_coord(lat_s), parse_coord(lon_s)) {
            (Some(lat), Some(lon))
                if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) =>
            {
                match place_pin(app, &p, lat, lon).await? {
                    PinPlace::Outside => errors.push(field(
                        "location",
                        format!("Vị trí ({lat:.5}, {lon:.5}) nằm ngoài {}", p.name),
                        format!("the location is outside {}", p.name),
                    )),
                    PinPlace::In(code) => {
                        pin = Some((lat, lon));
                        pin_commune = Some(code);
                    }
                    PinPlace::Unchecked => pin = Some((lat, lon)),
                }
            }
            _ => errors.push(field(
                "location",
                "Vĩ độ và kinh độ phải là số (ví dụ 9,9347 và 106,3452)",
                "latitude and longitude must be numbers",
            )),
        }
    }
    let mut place: Option<Unit> = None;
    if !form.unit_code.trim().is_empty() {
        match crate::units::latest_record(app, form.unit_code.trim()).await {
            Ok(u) if u.path.starts_with(&p.path) => place = Some(u),
            _ => errors.push(field(
                "unit_code",
                format!("Hãy chọn một xã, phường của {}", p.name),
                "choose a commune of the province",
            )),
        }
    }
    if pin.is_none()
        && place.is_none()
        && !errors
            .iter()
            .any(|e| e.field == "location" || e.field == "unit_code")
    {
        errors.push(field(
            "location",
            "Hãy chọn xã, phường hoặc nhập vị trí",
            "choose a commune or give a location",
        ));
    }
    if form.photos.len() > fb::MAX_PHOTOS {
        errors.push(field(
            "photos",
            format!("Tối đa {} ảnh", fb::MAX_PHOTOS),
            format!("at most {} photos", fb::MAX_PHOTOS),
        ));
    }
    let mut clean = Vec::new();
    for up in form.photos.iter().take(fb::MAX_PHOTOS) {
        if up.bytes.is_empty() {
            continue;
        }
        match photos::clean(&up.name, up.bytes.clone(), form.keep_location) {
            Ok(c) => clean.push(c),
            Err(e) => errors.push(e),
        }
    }
    let (Some(text), Some(category), true) = (text, category, errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    // Limits: counted only for a submission that would be filed.
    let origin = actor.origin();
    limit(
        format!("fb-ip:{origin}"),
        PER_ORIGIN_PER_HOUR,
        Duration::from_secs(3600),
    )?;
    let contact_key = (!contact.is_empty()).then(|| {
        let norm: String = contact
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_lowercase();
        keyed(key.bytes(), "contact", &norm)
    });
    if let Some(k) = &contact_key {
        limit(
            format!("fb-contact:{k}"),
            PER_CONTACT_PER_DAY,
            Duration::from_secs(86_400),
        )?;
    }

    // Routing: the chosen unit, else the commune the pin fell in, else the province.
    if place.is_none()
        && let Some(code) = &pin_commune
    {
        place = crate::units::latest_record(app, code).await.ok();
    }
    let location = place.clone().unwrap_or_else(|| p.clone());
    let routes = app.db.feedback_routes(&p.code).await?;
    let rules: Vec<Rule<'_>> = routes
        .iter()
        .map(|r| Rule {
            category: r.category_code.as_deref(),
            area_path: &r.area_path,
        })
        .collect();
    let (resp_code, resp_path) = match fb::route(&rules, &category.code, &location.path) {
        Some(i) => (
            routes[i].responsible_code.clone(),
            routes[i].responsible_path.clone(),
        ),
        None => (location.code.clone(), location.path.clone()),
    };

    let at = now();
    let received_on = at
        .to_offset(ntm_domain::dossier::campaign::VN_OFFSET)
        .date();
    let settings = procedure_settings::load(app, &p.code).await?;
    let calendar = procedure_settings::calendar_for(&settings, received_on);
    let days = u32::try_from(category.deadline_days).unwrap_or(1);
    let due_on = fb::due_date(&calendar, received_on, days)
        .ok_or_else(|| AppError::Internal("due date out of range".into()))?;
    let id = Uuid::now_v7();
    let rec = FeedbackReportRecord {
        id,
        tracking_code: fb::make_tracking_code(rand::random()),
        province_code: p.code.clone(),
        category_code: category.code.clone(),
        body: text,
        lat: pin.map(|x| x.0),
        lon: pin.map(|x| x.1),
        location_code: place.as_ref().map(|u| u.code.clone()),
        location_path: location.path.clone(),
        responsible_code: resp_code.clone(),
        responsible_path: resp_path.clone(),
        status: Status::Received.as_str().into(),
        received_at: at,
        received_on,
        due_on,
        closed_at: None,
        closed_on: None,
        answer: None,
        refer_to: None,
        merged_into: None,
        assignee_id: None,
        contact_name: (!contact_name.is_empty()).then_some(contact_name),
        contact: (!contact.is_empty()).then_some(contact),
        contact_key,
        origin_key: Some(keyed(key.bytes(), "origin", &origin)),
        client_token: (!token.is_empty()).then(|| token.to_string()),
        keep_location: form.keep_location,
        rating: None,
        rated_at: None,
        attributes: serde_json::to_string(
            &form
                .attributes
                .iter()
                .take(50)
                .map(|(k, v)| {
                    (
                        k.chars().take(100).collect::<String>(),
                        v.chars().take(1000).collect::<String>(),
                    )
                })
                .collect::<std::collections::BTreeMap<_, _>>(),
        )
        .unwrap_or_else(|_| "{}".into()),
        version: 1,
        updated_at: at,
    };
    let mut photo_recs = Vec::new();
    for c in &clean {
        let path = photos::path(app, &c.sha256);
        let bytes = c.bytes.clone();
        tokio::task::spawn_blocking(move || crate::dossiers::store_file(&path, &bytes))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(|e| AppError::Internal(format!("storing a photo: {e}")))?;
        photo_recs.push(FeedbackPhotoRecord {
            id: Uuid::now_v7(),
            report_id: id,
            sha256: c.sha256.clone(),
            content_type: c.content_type.into(),
            size: c.bytes.len() as i64,
            location_removed: c.location_removed,
            created_at: at,
        });
    }
    let event = FeedbackEventRecord {
        report_id: id,
        seq: 1,
        action: "file".into(),
        from_status: None,
        to_status: Status::Received.as_str().into(),
        note: None,
        unit_code: Some(resp_code.clone()),
        actor: actor.audit_name(),
        at,
    };
    let notes = notify_unit(
        app,
        &resp_code,
        &resp_path,
        id,
        &rec.tracking_code,
        "fb-notify-new",
    )
    .await?;
    let audit = actor.audit_entry(
        "feedback.file",
        &id.to_string(),
        serde_json::json!({
            "code": rec.tracking_code, "province": p.code, "category": rec.category_code,
            "responsible": resp_code, "photos": photo_recs.len(), "pin": pin.is_some(),
            "due_on": due_on.to_string(), "via_api": form.via_api,
        }),
    );
    let (created, stored) = app
        .db
        .insert_feedback_report(&rec, &photo_recs, &event, &notes, audit)
        .await?;
    if created {
        crate::measures::refresh_after_write(app, &resp_code).await;
    }
    Ok(filed(stored, created))
}

/// Notifications to the officers of the responsible unit's level (the province's when the
/// unit has none).
pub(crate) async fn notify_unit(
    app: &App,
    unit_code: &str,
    unit_path: &str,
    report: Uuid,
    tracking_code: &str,
    key: &str,
) -> Result<Vec<ntm_store::NotificationRecord>, AppError> {
    let unit = crate::units::latest_record(app, unit_code).await.ok();
    let role = match unit.as_ref().map(|u| u.level) {
        Some(Level::Commune) => Role::CommuneOfficer,
        Some(Level::District) => Role::DistrictOfficer,
        _ => Role::ProvinceOfficer,
    };
    let paths = vec![unit_path.to_string()];
    let mut holders = app.db.role_holders_covering(role.as_str(), &paths).await?;
    if holders.is_empty() && role != Role::ProvinceOfficer {
        holders = app
            .db
            .role_holders_covering(Role::ProvinceOfficer.as_str(), &paths)
            .await?;
    }
    let msg = Message {
        key: key.into(),
        args: vec![("code".into(), tracking_code.into())],
    };
    let link = format!("/feedback/r/{report}");
    Ok(holders
        .iter()
        .map(|h| new_record(h.user_id, None, &msg, &link))
        .collect())
}
