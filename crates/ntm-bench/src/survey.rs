//! The survey set-up of `survey-prepare` (for `scripts/survey-bench` and
//! `scripts/survey-crash-check`) and `survey-load`: the demo, one open campaign of the demo
//! commune 29374 created through the application layer (as an officer would), and one-time
//! codes spread over the commune's hamlets.

use ntm_app::surveys::{self, CampaignInput, MAX_TOKENS_PER_AREA, NewCampaign};
use ntm_app::{Actor, App};
use ntm_domain::dossier::campaign::Questionnaire;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::Res;

/// The demo commune whose campaign is answered.
pub const COMMUNE: &str = "29374";

/// An open campaign: its id and short public code.
#[derive(Debug, Clone)]
pub struct OpenCampaign {
    pub id: Uuid,
    pub code: String,
}

/// Seeds the demo into `app` (`ntm_app::demo::seed_demo`) and opens a campaign of 29374
/// for a day from one hour ago.
pub async fn open_campaign(app: &App) -> Res<OpenCampaign> {
    ntm_app::demo::seed_demo(app, &mut |_, _| {}).await?;
    let actor = Actor::cli();
    let now = OffsetDateTime::now_utc();
    let campaign = surveys::create(
        app,
        &actor,
        NewCampaign {
            unit_code: COMMUNE.into(),
            set_id: "xa-ntm-2021-2025".into(),
            year: 2025,
            input: CampaignInput {
                title: "Khảo sát thử tải (benchmark — không phải số liệu thật)".into(),
                questionnaire: Questionnaire::suggested(),
                opens_at: now - Duration::hours(1),
                closes_at: now + Duration::days(1),
            },
        },
    )
    .await?;
    surveys::open(app, &actor, &campaign.code).await?;
    Ok(OpenCampaign {
        id: campaign.id,
        code: campaign.code,
    })
}

/// Issues `n` one-time codes of the campaign `code`, spread over the commune's hamlets
/// (as many requests as the issuance limits need); each batch's codes are given to `out`.
pub async fn issue_codes(
    app: &App,
    code: &str,
    n: u32,
    out: &mut dyn FnMut(Vec<String>) -> Res<()>,
) -> Res<()> {
    let actor = Actor::cli();
    let areas = surveys::areas(app, COMMUNE).await?;
    if areas.is_empty() {
        return Err(format!("the demo commune {COMMUNE} has no hamlets today").into());
    }
    let mut left = n;
    while left > 0 {
        let mut batch = Vec::new();
        let mut in_batch = 0u32;
        for a in &areas {
            if left == 0 || in_batch + MAX_TOKENS_PER_AREA > surveys::MAX_TOKENS_PER_REQUEST {
                break;
            }
            let k = left.min(MAX_TOKENS_PER_AREA);
            batch.push((a.code.clone(), k));
            left -= k;
            in_batch += k;
        }
        let issued = surveys::issue_tokens(app, &actor, code, &batch).await?;
        out(issued.into_iter().map(|t| t.token).collect())?;
    }
    Ok(())
}
