//! Live results by hamlet, commune and content; households entered; what a dossier takes
//! from the latest closed campaign.

use std::collections::{BTreeMap, BTreeSet};

use ntm_domain::authz::Permission;
use ntm_domain::dossier::campaign::Questionnaire;
use ntm_domain::dossier::survey::{Answer, CoverageCheck, SatisfactionRate, Tally};
use ntm_domain::dossier::{DossierKind, survey};
use ntm_domain::units::{Level, Unit};
use ntm_store::SurveyCampaignRecord;

use super::{
    AreaResult, CampaignResults, CommuneContents, SurveyFacts, areas, internal, managed,
    parse_answer, view,
};
use crate::authz::Actor;
use crate::criteria::require_on_unit;
use crate::{App, AppError, FieldError, now};

/// Counts of one campaign, whoever asks (no permission check: callers checked).
struct Counts {
    by_area: BTreeMap<String, AreaResult>,
    total: Tally,
    issued: i64,
    used: i64,
    households: Option<u32>,
    households_total_entered: Option<u32>,
    content_totals: Vec<SatisfactionRate>,
    communes: Vec<CommuneContents>,
    min_commune_content: Option<SatisfactionRate>,
}

async fn counts(
    app: &App,
    r: &SurveyCampaignRecord,
    unit: &Unit,
    q: &Questionnaire,
) -> Result<Counts, AppError> {
    let n_contents = q.contents.len();
    let blank = |code: &str, name: &str| AreaResult {
        code: code.to_owned(),
        name: name.to_owned(),
        tokens_issued: 0,
        tokens_used: 0,
        tally: Tally::default(),
        households: None,
        contents: vec![SatisfactionRate::default(); n_contents],
    };
    let area_list = areas(app, &r.unit_code).await?;
    let mut by_area: BTreeMap<String, AreaResult> = area_list
        .iter()
        .map(|a| (a.code.clone(), blank(&a.code, &a.name)))
        .collect();
    let mut total = Tally::default();
    for c in app.db.survey_counts(r.id).await? {
        let n = u32::try_from(c.n).unwrap_or(u32::MAX);
        let a = by_area
            .entry(c.hamlet_code.clone())
            .or_insert_with(|| blank(&c.hamlet_code, &c.hamlet_code));
        for t in [&mut a.tally, &mut total] {
            match parse_answer(&c.answer) {
                Some(Answer::Satisfied) => {
                    t.rate.satisfied += n;
                    t.rate.valid += n;
                }
                Some(Answer::NotSatisfied) => t.rate.valid += n,
                Some(Answer::Invalid) | None => t.invalid += n,
            }
        }
    }
    let mut content_totals = vec![SatisfactionRate::default(); n_contents];
    if n_contents > 0 {
        for c in app.db.survey_content_counts(r.id).await? {
            let n = u32::try_from(c.n).unwrap_or(u32::MAX);
            let answers = survey::decode_contents(&c.contents, n_contents);
            let a = by_area
                .entry(c.hamlet_code.clone())
                .or_insert_with(|| blank(&c.hamlet_code, &c.hamlet_code));
            survey::add_contents(&mut a.contents, &answers, n);
            survey::add_contents(&mut content_totals, &answers, n);
        }
    }
    let (mut issued, mut used) = (0, 0);
    for t in app.db.survey_token_counts(r.id).await? {
        let a = by_area
            .entry(t.hamlet_code.clone())
            .or_insert_with(|| blank(&t.hamlet_code, &t.hamlet_code));
        a.tokens_issued = t.issued;
        a.tokens_used = t.used;
        issued += t.issued;
        used += t.used;
    }
    let mut per_hamlet_sum: Option<u32> = None;
    let mut households_total_entered = None;
    for h in app.db.survey_households(r.id).await? {
        let n = u32::try_from(h.households).unwrap_or(0);
        if h.hamlet_code.is_empty() {
            households_total_entered = Some(n);
        } else if let Some(a) = by_area.get_mut(&h.hamlet_code) {
            a.households = Some(n);
            per_hamlet_sum = Some(per_hamlet_sum.unwrap_or(0).saturating_add(n));
        }
    }
    // Per commune: a commune campaign is one commune (its hamlets together); a district
    // campaign's areas are its communes.
    let communes: Vec<CommuneContents> = if unit.level == Level::District {
        area_list
            .iter()
            .map(|a| CommuneContents {
                code: a.code.clone(),
                name: a.name.clone(),
                contents: by_area
                    .get(&a.code)
                    .map(|x| x.contents.clone())
                    .unwrap_or_default(),
            })
            .collect()
    } else {
        vec![CommuneContents {
            code: unit.code.clone(),
            name: unit.name.clone(),
            contents: content_totals.clone(),
        }]
    };
    let per: BTreeMap<String, Vec<SatisfactionRate>> = communes
        .iter()
        .map(|c| (c.code.clone(), c.contents.clone()))
        .collect();
    let codes: Vec<String> = communes.iter().map(|c| c.code.clone()).collect();
    let min_commune_content = survey::min_commune_content(&codes, n_contents, &per);
    Ok(Counts {
        by_area,
        total,
        issued,
        used,
        households: per_hamlet_sum.or(households_total_entered),
        households_total_entered,
        content_totals,
        communes,
        min_commune_content,
    })
}

/// Live results by hamlet and in total, by content and commune, with the households.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), campaign = %code))]
pub async fn results(app: &App, actor: &Actor, code: &str) -> Result<CampaignResults, AppError> {
    let (r, unit) = managed(app, actor, code).await?;
    results_of(app, &r, &unit).await
}

/// The full results of the latest closed campaign of the unit, set and year (what a dossier
/// shows: contents, communes, households); `None` without one. For those who may view the
/// unit (as its dossiers).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code, set = %set_id, year = %year))]
pub async fn dossier_campaign_results(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    set_id: &str,
    year: i32,
) -> Result<Option<CampaignResults>, AppError> {
    require_view(app, actor, unit_code).await?;
    let Some(r) = app
        .db
        .latest_closed_survey_campaign(unit_code, set_id, year)
        .await?
    else {
        return Ok(None);
    };
    let unit = app
        .db
        .unit_by_id(r.unit_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("unit of survey {}", r.code)))?;
    results_of(app, &r, &unit).await.map(Some)
}

async fn results_of(
    app: &App,
    r: &SurveyCampaignRecord,
    unit: &Unit,
) -> Result<CampaignResults, AppError> {
    let campaign = view(r, unit)?;
    let c = counts(app, r, unit, &campaign.questionnaire).await?;
    let settings = crate::procedure_settings::load(app, &unit.province_code).await?;
    let coverage_rules = crate::procedure_settings::kinds_for(unit.level)
        .into_iter()
        .filter_map(|k| settings.min_coverage(k).map(|m| (k, m)))
        .collect();
    Ok(CampaignResults {
        campaign,
        areas: c.by_area.into_values().collect(),
        total: c.total,
        tokens_issued: c.issued,
        tokens_used: c.used,
        households: c.households,
        households_total_entered: c.households_total_entered,
        content_totals: c.content_totals,
        communes: c.communes,
        min_commune_content: c.min_commune_content,
        coverage_rules,
    })
}

/// Enters the households of a campaign: per hamlet (`None` or 0 clears a hamlet) and, when
/// hamlets are unknown, the campaign's total. Allowed in every status (the count of
/// households is not an answer); audited.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), campaign = %code))]
pub async fn set_households(
    app: &App,
    actor: &Actor,
    code: &str,
    per_area: &[(String, Option<u32>)],
    total: Option<u32>,
) -> Result<(), AppError> {
    let (r, _) = managed(app, actor, code).await?;
    let known: BTreeSet<String> = areas(app, &r.unit_code)
        .await?
        .into_iter()
        .map(|a| a.code)
        .collect();
    let mut errors = Vec::new();
    let mut rows: Vec<(String, i64)> = Vec::new();
    for (area, n) in per_area {
        if !known.contains(area) {
            errors.push(FieldError::new(
                format!("households.{area}"),
                format!("{area} không thuộc đơn vị"),
            ));
            continue;
        }
        match n {
            Some(n) if *n > 10_000_000 => errors.push(FieldError::new(
                format!("households.{area}"),
                "số hộ quá lớn".to_owned(),
            )),
            Some(n) if *n > 0 => rows.push((area.clone(), i64::from(*n))),
            _ => {}
        }
    }
    match total {
        Some(n) if n > 10_000_000 => {
            errors.push(FieldError::new("households", "số hộ quá lớn".to_owned()))
        }
        Some(n) if n > 0 => rows.push((String::new(), i64::from(n))),
        _ => {}
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let detail: BTreeMap<&str, i64> = rows.iter().map(|(a, n)| (a.as_str(), *n)).collect();
    let entry = actor.audit_entry(
        "survey.households",
        &format!("survey:{}", r.code),
        serde_json::json!({ "households": detail }),
    );
    app.db
        .set_survey_households(r.id, &rows, &actor.audit_name(), now(), entry)
        .await?;
    Ok(())
}

/// What the dossier of a unit, set and year takes from the latest closed campaign: its
/// overall rate, the lowest rate over (commune × content), and — when the province
/// configured a minimum share of households for `kind` — the forms returned against the
/// households entered. All `None` without a closed campaign.
///
/// The main question is not one of the contents: QĐ 320 sets two conditions, ≥ 90 %
/// satisfied "với kết quả XD NTM của huyện" (the main question, overall) and ≥ 80 % "ở từng
/// xã đối với từng nội dung XD NTM" (each listed content, in each commune).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code, set = %set_id, year = %year))]
pub async fn dossier_survey_facts(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    set_id: &str,
    year: i32,
    kind: DossierKind,
    settings: &crate::procedure_settings::ProvinceSettings,
) -> Result<SurveyFacts, AppError> {
    require_view(app, actor, unit_code).await?;
    let rule = settings.min_coverage(kind);
    let Some(r) = app
        .db
        .latest_closed_survey_campaign(unit_code, set_id, year)
        .await?
    else {
        return Ok(SurveyFacts {
            household_coverage: rule.map(|rule| CoverageCheck {
                rule,
                responses: 0,
                households: 0,
            }),
            ..SurveyFacts::default()
        });
    };
    let unit = app
        .db
        .unit_by_id(r.unit_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("unit of survey {}", r.code)))?;
    let q: Questionnaire = serde_json::from_str(&r.questionnaire).map_err(internal)?;
    let c = counts(app, &r, &unit, &q).await?;
    Ok(SurveyFacts {
        satisfaction: Some(c.total.rate),
        min_commune_content_satisfaction: c.min_commune_content,
        household_coverage: rule.map(|rule| CoverageCheck {
            rule,
            responses: c.total.responses(),
            households: c.households.unwrap_or(0),
        }),
    })
}

/// The satisfaction rate of the latest closed campaign of the unit, set and year (what the
/// dossier's recognition check uses); `None` without one.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code, set = %set_id, year = %year))]
pub async fn dossier_satisfaction(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    set_id: &str,
    year: i32,
) -> Result<Option<SatisfactionRate>, AppError> {
    require_view(app, actor, unit_code).await?;
    let Some(c) = app
        .db
        .latest_closed_survey_campaign(unit_code, set_id, year)
        .await?
    else {
        return Ok(None);
    };
    let mut rate = SatisfactionRate::default();
    for row in app.db.survey_counts(c.id).await? {
        let n = u32::try_from(row.n).unwrap_or(u32::MAX);
        match parse_answer(&row.answer) {
            Some(Answer::Satisfied) => {
                rate.satisfied += n;
                rate.valid += n;
            }
            Some(Answer::NotSatisfied) => rate.valid += n,
            _ => {}
        }
    }
    Ok(Some(rate))
}

/// The check of the dossier facts: the actor may view the unit (some record of its code,
/// following lineage), as for its dossiers.
async fn require_view(app: &App, actor: &Actor, unit_code: &str) -> Result<(), AppError> {
    let mut allowed = Err(AppError::NotFound(format!("unit {unit_code}")));
    for v in app.db.unit_versions(unit_code).await? {
        allowed = require_on_unit(app, actor, Permission::ViewUnits, &v).await;
        if allowed.is_ok() {
            break;
        }
    }
    allowed
}
