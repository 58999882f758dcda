//! The campaign form (create and edit): its fields as typed, filled from a campaign or with
//! the suggested questionnaire, and read back into the use case's input.

use ntm_app::surveys::{CampaignInput, CampaignView, SetTitle};
use ntm_domain::dossier::campaign::{ExtraQuestion, Questionnaire, VN_OFFSET};
use serde::Deserialize;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

use crate::ctx::Ctx;
use crate::i18n::Lang;
use crate::view::format::vn;

#[derive(Debug, Clone)]
pub struct SetChoice {
    pub id: String,
    pub title: String,
    pub selected: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CampaignForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub set: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub opens_date: String,
    #[serde(default)]
    pub opens_time: String,
    #[serde(default)]
    pub closes_date: String,
    #[serde(default)]
    pub closes_time: String,
    #[serde(default)]
    pub main_question: String,
    #[serde(default)]
    pub satisfied_label: String,
    #[serde(default)]
    pub not_satisfied_label: String,
    #[serde(default)]
    pub extra: String,
    /// Contents of NTM building, one per line.
    #[serde(default)]
    pub contents: String,
}

pub(super) fn date_input(t: OffsetDateTime) -> (String, String) {
    let t = vn(t);
    (
        format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day()),
        format!("{:02}:{:02}", t.hour(), t.minute()),
    )
}

pub(super) fn form_of(c: &CampaignView) -> CampaignForm {
    let (od, ot) = date_input(c.opens_at);
    let (cd, ct) = date_input(c.closes_at);
    CampaignForm {
        title: c.title.clone(),
        set: c.set_id.clone(),
        year: c.year.to_string(),
        opens_date: od,
        opens_time: ot,
        closes_date: cd,
        closes_time: ct,
        main_question: c.questionnaire.main_question.clone(),
        satisfied_label: c.questionnaire.satisfied_label.clone(),
        not_satisfied_label: c.questionnaire.not_satisfied_label.clone(),
        extra: c.questionnaire.extra_as_text(),
        contents: c.questionnaire.contents_as_text(),
    }
}

pub(super) fn default_form(ctx: &Ctx) -> CampaignForm {
    let q = Questionnaire::suggested();
    let start = ctx.today;
    let end = start + time::Duration::days(14);
    let iso = |d: Date| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
    CampaignForm {
        title: format!("Lấy ý kiến sự hài lòng của người dân năm {}", start.year()),
        set: "xa-ntm-2021-2025".into(),
        year: start.year().to_string(),
        opens_date: iso(start),
        opens_time: "07:00".into(),
        closes_date: iso(end),
        closes_time: "17:00".into(),
        main_question: q.main_question.clone(),
        satisfied_label: q.satisfied_label.clone(),
        not_satisfied_label: q.not_satisfied_label.clone(),
        extra: q.extra_as_text(),
        contents: q.contents_as_text(),
    }
}

pub(super) fn sets(sets: &[SetTitle], lang: Lang, chosen: &str) -> Vec<SetChoice> {
    sets.iter()
        .map(|s| SetChoice {
            id: s.id.clone(),
            title: lang.pick(&s.title_vi, s.title_en.as_deref()).to_string(),
            selected: s.id == chosen,
        })
        .collect()
}

fn parse_when(date: &str, time_s: &str) -> Option<OffsetDateTime> {
    let d = ntm_domain::text::parse_date(date.trim())?;
    let t = time_s.trim();
    let (h, m) = t.split_once(':').unwrap_or((t, "0"));
    let time = Time::from_hms(h.trim().parse().ok()?, m.trim().parse().ok()?, 0).ok()?;
    Some(PrimitiveDateTime::new(d, time).assume_offset(VN_OFFSET))
}

pub(super) fn campaign_input(lang: Lang, f: &CampaignForm) -> Result<CampaignInput, Vec<String>> {
    let opens = parse_when(&f.opens_date, &f.opens_time);
    let closes = parse_when(&f.closes_date, &f.closes_time);
    let (Some(opens_at), Some(closes_at)) = (opens, closes) else {
        return Err(vec![lang.t("survey-error-date")]);
    };
    let extra: Vec<ExtraQuestion> = Questionnaire::parse_extra(&f.extra);
    Ok(CampaignInput {
        title: f.title.clone(),
        questionnaire: Questionnaire {
            main_question: f.main_question.clone(),
            satisfied_label: f.satisfied_label.clone(),
            not_satisfied_label: f.not_satisfied_label.clone(),
            extra,
            contents: Questionnaire::parse_contents(&f.contents),
        },
        opens_at,
        closes_at,
    })
}
