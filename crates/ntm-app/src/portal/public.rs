//! What the public pages read (no login): a commune's page (latest published posts, by
//! category, the loudspeaker schedule of the coming weeks, the DX figures of the last
//! months), a published post with its photos, a province's page (its communes' latest
//! posts), and the entries of a commune's Atom feed. The commune page's and the feed's reads
//! are kept while the audit head is unchanged (`cache.rs`).

use ntm_domain::portal::{Category, DxFigures};
use ntm_domain::units::{Level, Unit};
use ntm_store::{PortalPhotoRecord, PortalPostFilter, PortalPostRecord};
use time::{Date, Duration};
use uuid::Uuid;

use super::dx_figures;
use super::schedule::{ProgrammeView, with_segments};
use crate::{App, AppError, today};

/// Latest posts on a commune's page and in its feed.
const LATEST: u64 = 20;
/// Weeks of the schedule shown ahead.
const WEEKS_AHEAD: i64 = 4;

#[derive(Debug, Clone)]
pub struct CommunePortal {
    pub unit: Unit,
    pub province_name: Option<String>,
    pub category: Option<Category>,
    pub posts: Vec<PortalPostRecord>,
    /// Today and the coming weeks.
    pub upcoming: Vec<ProgrammeView>,
    /// From the first day of the month two months back, to today.
    pub figures: DxFigures,
}

#[derive(Debug, Clone)]
pub struct PublicPost {
    pub unit: Unit,
    pub post: PortalPostRecord,
    pub photos: Vec<PortalPhotoRecord>,
}

#[derive(Debug, Clone)]
pub struct ProvincePost {
    pub post: PortalPostRecord,
    pub commune_name: String,
}

#[derive(Debug, Clone)]
pub struct ProvincePortal {
    pub province: Unit,
    pub posts: Vec<ProvincePost>,
}

/// The first day of the month `back` months before `d`'s.
fn month_start(d: Date, back: u8) -> Date {
    let mut y = d.year();
    let mut m = u8::from(d.month());
    for _ in 0..back {
        if m == 1 {
            m = 12;
            y -= 1;
        } else {
            m -= 1;
        }
    }
    time::Month::try_from(m)
        .ok()
        .and_then(|m| Date::from_calendar_date(y, m, 1).ok())
        .unwrap_or(d)
}

/// A commune's public page; `category` filters the posts (an unknown code is refused).
#[tracing::instrument(skip_all, fields(unit = %unit_code))]
pub async fn commune_portal(
    app: &App,
    unit_code: &str,
    category: Option<&str>,
) -> Result<CommunePortal, AppError> {
    let category = category.map(str::trim).filter(|c| !c.is_empty());
    let day = today();
    let head = app.db.audit_head().await?.1;
    let key = (
        unit_code.trim().to_string(),
        category.map(str::to_string),
        day,
    );
    if let Some(page) = super::cache::pages().get(&head, &key) {
        return Ok(page);
    }
    let unit = super::commune(app, unit_code).await?;
    let category = match category {
        None => None,
        Some(c) => {
            Some(Category::parse(c).ok_or_else(|| AppError::NotFound(format!("category {c}")))?)
        }
    };
    let posts = app
        .db
        .portal_posts(&PortalPostFilter {
            unit_code: Some(unit.code.clone()),
            published_only: true,
            category: category.map(|c| c.code().to_string()),
            limit: LATEST,
            ..PortalPostFilter::default()
        })
        .await?;
    let upcoming = with_segments(
        app,
        app.db
            .portal_programmes(&unit.code, day, day + Duration::weeks(WEEKS_AHEAD))
            .await?,
    )
    .await?;
    let figures = dx_figures(app, &unit, month_start(day, 2), day).await?;
    let province_name = app
        .db
        .unit_on(&unit.province_code, day)
        .await?
        .map(|p| p.name);
    let page = CommunePortal {
        unit,
        province_name,
        category,
        posts,
        upcoming,
        figures,
    };
    super::cache::pages().put(&head, key, page.clone());
    Ok(page)
}

/// A published post with its photos (a draft is not found).
#[tracing::instrument(skip_all, fields(post = %id))]
pub async fn public_post(app: &App, id: Uuid) -> Result<PublicPost, AppError> {
    let post = app
        .db
        .portal_post(id)
        .await?
        .filter(|p| p.status == "published")
        .ok_or_else(|| AppError::NotFound("post".into()))?;
    let unit = crate::units::latest_record(app, &post.unit_code).await?;
    let photos = app.db.portal_post_photos(id).await?;
    Ok(PublicPost { unit, post, photos })
}

/// The latest published posts of a province's communes.
#[tracing::instrument(skip_all, fields(province = %code))]
pub async fn province_portal(app: &App, code: &str) -> Result<ProvincePortal, AppError> {
    let province = crate::units::latest_record(app, code.trim()).await?;
    if province.level != Level::Province {
        return Err(AppError::NotFound(format!("province {code}")));
    }
    let posts = app
        .db
        .portal_posts(&PortalPostFilter {
            province_code: Some(province.code.clone()),
            published_only: true,
            limit: 50,
            ..PortalPostFilter::default()
        })
        .await?;
    let mut names: Vec<(String, String)> = Vec::new();
    let mut out = Vec::with_capacity(posts.len());
    for post in posts {
        let name = match names.iter().find(|(c, _)| *c == post.unit_code) {
            Some((_, n)) => n.clone(),
            None => {
                let n = crate::units::latest_record(app, &post.unit_code)
                    .await
                    .map(|u| u.name)
                    .unwrap_or_else(|_| post.unit_code.clone());
                names.push((post.unit_code.clone(), n.clone()));
                n
            }
        };
        out.push(ProvincePost {
            post,
            commune_name: name,
        });
    }
    Ok(ProvincePortal {
        province,
        posts: out,
    })
}

/// The commune and its latest published posts, for its Atom feed.
#[tracing::instrument(skip_all, fields(unit = %unit_code))]
pub async fn feed_posts(
    app: &App,
    unit_code: &str,
) -> Result<(Unit, Vec<PortalPostRecord>), AppError> {
    let head = app.db.audit_head().await?.1;
    let key = unit_code.trim().to_string();
    if let Some(feed) = super::cache::feeds().get(&head, &key) {
        return Ok(feed);
    }
    let unit = super::commune(app, unit_code).await?;
    let posts = app
        .db
        .portal_posts(&PortalPostFilter {
            unit_code: Some(unit.code.clone()),
            published_only: true,
            limit: LATEST,
            ..PortalPostFilter::default()
        })
        .await?;
    super::cache::feeds().put(&head, key, (unit.clone(), posts.clone()));
    Ok((unit, posts))
}
