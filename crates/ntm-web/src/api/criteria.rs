//! `/api/v1/criteria-sets`, and per unit: evaluation, gaps and observed values.

use axum::extract::{Path, Query, State};
use axum::response::Json;
use ntm_app::criteria::{
    Evaluation, IndicatorView, ObservationRecord, SetSummary, ValueBatch, ValueInput,
};
use ntm_domain::observation::{ObsSource, ObsStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::ctx::Ctx;
use crate::error::{Problem, WebError};
use crate::state::AppState;

/// One version of a criteria set (bộ tiêu chí).
#[derive(Debug, Serialize, ToSchema)]
pub struct SetDto {
    #[schema(example = "xa-ntm-2021-2025")]
    pub id: String,
    #[schema(example = "2024")]
    pub version: String,
    pub title_vi: String,
    /// English title, when the set file gives one.
    #[schema(example = "National criteria for new-countryside communes, 2021–2025")]
    pub title_en: Option<String>,
    /// province, district, commune or hamlet: the units it evaluates.
    pub level: String,
    #[schema(format = Date)]
    pub valid_from: String,
    /// Last day in force, when known.
    #[schema(format = Date)]
    pub in_force_until: Option<String>,
    /// complete, partial or skeleton (how much of the official text is captured).
    pub completeness: String,
    pub criteria: usize,
    pub indicators: usize,
}

impl From<&SetSummary> for SetDto {
    fn from(s: &SetSummary) -> SetDto {
        SetDto {
            id: s.id.clone(),
            version: s.version.clone(),
            title_vi: s.title_vi.clone(),
            title_en: s.title_en.clone(),
            level: s.level.as_str().to_string(),
            valid_from: s.valid_from.to_string(),
            in_force_until: s.in_force_until.map(|d| d.to_string()),
            completeness: s.completeness.to_string(),
            criteria: s.criteria,
            indicators: s.indicators,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SetListDto {
    pub sets: Vec<SetDto>,
}

/// Every criteria set and version shipped with NTM Số.
#[utoipa::path(
    get,
    path = "/api/v1/criteria-sets",
    tag = "criteria",
    summary = "List criteria sets",
    responses((status = 200, description = "Every set, every version", body = SetListDto))
)]
pub async fn list_sets(State(st): State<AppState>) -> Json<SetListDto> {
    Json(SetListDto {
        sets: ntm_app::criteria::list_sets(&st.app)
            .iter()
            .map(SetDto::from)
            .collect(),
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EvalParams {
    /// Criteria set id, e.g. `xa-ntm-2021-2025`.
    pub set: String,
    /// Year evaluated (the set version in force that year is used).
    pub year: i32,
}

/// Result of one indicator.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorDto {
    pub code: String,
    pub name_vi: String,
    /// Criterion number; absent for a precondition.
    pub criterion: Option<u16>,
    /// met, not_met, missing or needs_verification.
    pub status: String,
    /// The value as entered.
    pub value: Option<String>,
    /// draft, submitted, verified or returned.
    pub value_status: Option<String>,
    /// Version of the value (name it as `expected_version` when changing it).
    pub version: Option<i64>,
    /// How far from the threshold, in the indicator's unit.
    pub gap: Option<f64>,
    /// Why the result needs verification (unconfirmed threshold…).
    pub caveats: Vec<String>,
    /// The legal basis the threshold cites (document number, date, issuer, article), when
    /// it cites one.
    pub threshold_basis: Option<String>,
}

impl From<&IndicatorView> for IndicatorDto {
    fn from(i: &IndicatorView) -> IndicatorDto {
        IndicatorDto {
            code: i.code.clone(),
            name_vi: i.name_vi.clone(),
            criterion: i.criterion,
            status: i.status.as_str().to_string(),
            value: i.value.clone(),
            value_status: i.value_status.map(|s| s.as_str().to_string()),
            version: i.version,
            gap: i.gap,
            caveats: i.caveats.iter().map(|c| c.to_string()).collect(),
            threshold_basis: i.threshold.basis.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CriterionDto {
    pub number: u16,
    pub name_vi: String,
    pub status: String,
    /// No known shortfall: nothing not met (even tentatively on a threshold still to verify),
    /// nothing missing; thresholds still to verify or absent accepted. Provisional ("tạm
    /// tính"), never a pass.
    pub no_known_shortfall: bool,
    pub met: u16,
    pub not_met: u16,
    pub missing: u16,
    pub needs_verification: u16,
}

/// A unit's own result.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitResultDto {
    pub status: String,
    pub tentatively_met: bool,
    /// Criteria met on confirmed thresholds.
    pub criteria_met: u16,
    /// Criteria met on the recorded thresholds counting those still to verify (a criterion
    /// with an absent threshold does not count).
    pub criteria_met_tentative: u16,
    /// Criteria with no known shortfall (absent thresholds accepted; provisional).
    pub criteria_no_known_shortfall: u16,
    /// No known shortfall: nothing not met (even tentatively on a threshold still to verify),
    /// nothing missing; thresholds still to verify or absent accepted. Provisional ("tạm
    /// tính"), never a pass.
    pub no_known_shortfall: bool,
    pub criteria_total: usize,
    pub criteria: Vec<CriterionDto>,
    pub indicators: Vec<IndicatorDto>,
    pub caveats: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChildDto {
    pub code: String,
    pub name: String,
    pub status: String,
    pub criteria_met: u16,
    pub criteria_met_tentative: u16,
    /// Criteria with no known shortfall (provisional).
    pub criteria_no_known_shortfall: u16,
    /// No known shortfall in the unit (provisional, not a pass).
    pub no_known_shortfall: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BucketDto {
    pub min: u16,
    pub max: u16,
    pub count: u32,
}

impl From<&ntm_app::criteria::BucketView> for BucketDto {
    fn from(b: &ntm_app::criteria::BucketView) -> BucketDto {
        BucketDto {
            min: b.min,
            max: b.max,
            count: b.count,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BlockingDto {
    pub code: String,
    pub not_met: u32,
    pub missing: u32,
}

/// The units of the set's level inside a parent unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct RollupDto {
    pub level: String,
    pub units: u32,
    pub met: u32,
    pub not_met: u32,
    pub missing: u32,
    pub needs_verification: u32,
    pub met_tentative: u32,
    /// Units with no known shortfall, pending confirmation of thresholds (includes `met`).
    pub no_known_shortfall: u32,
    pub avg_criteria_met: f64,
    pub avg_criteria_met_tentative: f64,
    /// Average number of criteria with no known shortfall (provisional).
    pub avg_criteria_no_known_shortfall: f64,
    /// By criteria met (confirmed), top bucket first.
    pub buckets: Vec<BucketDto>,
    /// The same buckets by criteria with no known shortfall (provisional).
    pub buckets_no_known_shortfall: Vec<BucketDto>,
    /// Indicators that block the most units first.
    pub blocking: Vec<BlockingDto>,
    pub children: Vec<ChildDto>,
}

/// A unit evaluated against a set for a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationDto {
    pub unit_code: String,
    pub unit_name: String,
    pub unit_level: String,
    pub set: SetDto,
    pub year: i32,
    /// The day whose units were used (31 December, or 30 June 2025 for a pre-reform set).
    #[schema(format = Date)]
    pub units_on: String,
    /// When the unit is of the set's level.
    pub result: Option<UnitResultDto>,
    /// When the unit is above the set's level.
    pub rollup: Option<RollupDto>,
    /// When the unit's province has its own set extending the one requested, and it was used.
    pub provincial: Option<crate::api::provincial::ProvincialUseDto>,
    /// When the set does not apply to the unit's kind (a phường for a xã set): the kinds it
    /// applies to; `result` is then absent ("không áp dụng").
    pub not_applicable_applies_to: Option<Vec<String>>,
    /// The version the evaluation used (shipped, published in the product, or uploaded).
    pub version_used: VersionUsedDto,
}

/// The criteria-set version an evaluation used.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionUsedDto {
    pub set_id: String,
    /// The version label.
    pub version: String,
    /// `shipped`, `authored` (published in NTM Số) or `uploaded` (a provincial file).
    pub source: String,
    /// `national` or the province code.
    pub scope: String,
    /// Id of the authored version (`/criteria-versions/{id}`).
    pub version_id: Option<String>,
    #[schema(format = Date)]
    pub valid_from: String,
    #[schema(format = DateTime)]
    pub published_at: Option<String>,
    pub published_by: Option<String>,
    /// In words, Vietnamese.
    pub text_vi: String,
    pub text_en: String,
}

impl From<&ntm_app::criteria_sets::VersionUsed> for VersionUsedDto {
    fn from(v: &ntm_app::criteria_sets::VersionUsed) -> Self {
        VersionUsedDto {
            set_id: v.set_id.clone(),
            version: v.version.clone(),
            source: v.source.clone(),
            scope: v.scope.clone(),
            version_id: v.version_id.map(|i| i.to_string()),
            valid_from: v.valid_from.to_string(),
            published_at: v.published_at.and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            }),
            published_by: v.published_by.clone(),
            text_vi: v.text_vi.clone(),
            text_en: v.text_en.clone(),
        }
    }
}

impl From<&Evaluation> for EvaluationDto {
    fn from(e: &Evaluation) -> EvaluationDto {
        EvaluationDto {
            unit_code: e.unit_code.clone(),
            unit_name: e.unit_name.clone(),
            unit_level: e.unit_level.as_str().to_string(),
            set: SetDto::from(&e.set),
            year: e.year,
            units_on: e.units_on.to_string(),
            result: e.result.as_ref().map(|r| UnitResultDto {
                status: r.status.as_str().to_string(),
                tentatively_met: r.tentatively_met,
                criteria_met: r.criteria_met,
                criteria_met_tentative: r.criteria_met_tentative,
                criteria_no_known_shortfall: r.criteria_no_known_shortfall,
                no_known_shortfall: r.no_known_shortfall,
                criteria_total: r.criteria_total,
                criteria: r
                    .criteria
                    .iter()
                    .map(|c| CriterionDto {
                        number: c.number,
                        name_vi: c.name_vi.clone(),
                        status: c.status.as_str().to_string(),
                        no_known_shortfall: c.no_known_shortfall,
                        met: c.met,
                        not_met: c.not_met,
                        missing: c.missing,
                        needs_verification: c.needs_verification,
                    })
                    .collect(),
                indicators: r.indicators.iter().map(IndicatorDto::from).collect(),
                caveats: r.caveats.iter().map(|c| c.to_string()).collect(),
            }),
            rollup: e.rollup.as_ref().map(|r| RollupDto {
                level: r.level.as_str().to_string(),
                units: r.units,
                met: r.met,
                not_met: r.not_met,
                missing: r.missing,
                needs_verification: r.needs_verification,
                met_tentative: r.met_tentative,
                no_known_shortfall: r.no_known_shortfall,
                avg_criteria_met: r.avg_criteria_met,
                avg_criteria_met_tentative: r.avg_criteria_met_tentative,
                avg_criteria_no_known_shortfall: r.avg_criteria_no_known_shortfall,
                buckets: r.buckets.iter().map(BucketDto::from).collect(),
                buckets_no_known_shortfall: r
                    .buckets_no_known_shortfall
                    .iter()
                    .map(BucketDto::from)
                    .collect(),
                blocking: r
                    .blocking
                    .iter()
                    .map(|b| BlockingDto {
                        code: b.code.clone(),
                        not_met: b.not_met,
                        missing: b.missing,
                    })
                    .collect(),
                children: r
                    .children
                    .iter()
                    .map(|c| ChildDto {
                        code: c.code.clone(),
                        name: c.name.clone(),
                        status: c.status.as_str().to_string(),
                        criteria_met: c.criteria_met,
                        criteria_met_tentative: c.criteria_met_tentative,
                        criteria_no_known_shortfall: c.criteria_no_known_shortfall,
                        no_known_shortfall: c.no_known_shortfall,
                    })
                    .collect(),
            }),
            provincial: e
                .provincial
                .as_ref()
                .map(crate::api::provincial::ProvincialUseDto::from),
            not_applicable_applies_to: e.not_applicable.as_ref().map(|n| n.applies_to.clone()),
            version_used: VersionUsedDto::from(&e.version_used),
        }
    }
}

/// Evaluates a unit: per indicator, criterion and set; for a parent unit, the roll-up of
/// its units of the set's level valid in that year.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/evaluation",
    tag = "criteria",
    summary = "Evaluate a unit against a criteria set",
    params(("code" = String, Path, description = "Official unit code"), EvalParams),
    responses(
        (status = 200, description = "The evaluation", body = EvaluationDto),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The unit is outside the user's scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No unit with this code in that year", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown set, year outside the set's validity, or a unit below the set's level", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn evaluation(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(p): Query<EvalParams>,
) -> Result<Json<EvaluationDto>, WebError> {
    let e = ntm_app::criteria::evaluate(&st.app, &ctx.actor(), &code, &p.set, p.year).await?;
    Ok(Json(EvaluationDto::from(&e)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GapsDto {
    /// Indicators not met, missing or to verify.
    pub indicators: Vec<IndicatorDto>,
}

/// What a unit still lacks for a set: indicators not met (with the gap), missing or to verify.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/gaps",
    tag = "criteria",
    summary = "Gaps of a unit",
    params(("code" = String, Path, description = "Official unit code"), EvalParams),
    responses(
        (status = 200, description = "The gaps", body = GapsDto),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The unit is outside the user's scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No unit with this code in that year", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown set, year outside its validity, or a unit not of the set's level", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn gaps(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(p): Query<EvalParams>,
) -> Result<Json<GapsDto>, WebError> {
    let g = ntm_app::criteria::gaps(&st.app, &ctx.actor(), &code, &p.set, p.year).await?;
    Ok(Json(GapsDto {
        indicators: g.iter().map(IndicatorDto::from).collect(),
    }))
}

/// One value to record.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ValueDto {
    #[schema(example = "2.1")]
    pub code: String,
    /// As typed: `85 %`, `Đạt`, `1.234,5`.
    #[schema(example = "85 %")]
    pub value: String,
    /// The current version this value replaces (absent for a first value). A stale version
    /// gives 409.
    pub expected_version: Option<i64>,
}

/// Values of one unit for a set and year.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PutObservationsDto {
    #[schema(example = "xa-ntm-2021-2025")]
    pub set: String,
    #[schema(example = 2024)]
    pub year: i32,
    /// Evidence or remark kept with every value.
    #[serde(default)]
    pub note: String,
    /// manual (default) or import.
    pub source: Option<String>,
    pub values: Vec<ValueDto>,
}

/// One stored version of a value.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObservationDto {
    pub indicator_code: String,
    pub value: String,
    /// draft, submitted, verified or returned.
    pub status: String,
    pub version: i64,
    pub source: String,
    pub note: String,
    pub created_by: String,
    pub created_at: String,
    /// Why a verifier returned the value (status `returned`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl From<&ObservationRecord> for ObservationDto {
    fn from(o: &ObservationRecord) -> ObservationDto {
        ObservationDto {
            indicator_code: o.indicator_code.clone(),
            value: o.value_text.clone(),
            status: o.status.as_str().to_string(),
            version: o.version,
            source: o.source.as_str().to_string(),
            note: o.note.clone(),
            created_by: o.created_by.clone(),
            created_at: o
                .created_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            comment: o.comment.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ObservationsDto {
    pub observations: Vec<ObservationDto>,
}

/// Records values of a unit for a set and year as new draft versions (needs the
/// enter-observations permission on the unit). If any row is bad nothing is written and
/// every bad row is listed (`values[i] (CODE)`).
#[utoipa::path(
    put,
    path = "/api/v1/units/{code}/observations",
    tag = "criteria",
    summary = "Record indicator values of a unit",
    params(
        ("code" = String, Path, description = "Official unit code"),
        ("X-CSRF-Token" = String, Header, description = "Value of the ntm_csrf cookie"),
    ),
    request_body = PutObservationsDto,
    responses(
        (status = 200, description = "The versions written", body = ObservationsDto),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed on this unit, or bad CSRF token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No unit with this code in that year", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A value was changed by someone else meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad rows (every one listed), unknown set or year outside its validity", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_observations(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Json(body): Json<PutObservationsDto>,
) -> Result<Json<ObservationsDto>, WebError> {
    ctx.require_user()?;
    let source = match body.source.as_deref().map(str::trim) {
        None | Some("") | Some("manual") => ObsSource::Manual,
        Some("import") => ObsSource::Import,
        Some(other) => {
            return Err(WebError::invalid(
                "source",
                format!("unknown source {other:?}: use manual or import"),
            ));
        }
    };
    let values = body
        .values
        .into_iter()
        .map(|v| ValueInput {
            code: v.code,
            text: v.value,
            expected_version: v.expected_version,
        })
        .collect();
    let batch = ValueBatch {
        set_id: body.set,
        year: body.year,
        values,
        note: body.note,
        source,
    };
    let written = ntm_app::criteria::put_observations(&st.app, &ctx.actor(), &code, batch).await?;
    Ok(Json(ObservationsDto {
        observations: written.iter().map(ObservationDto::from).collect(),
    }))
}

/// A status change of current values.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StatusChangeDto {
    #[schema(example = "xa-ntm-2021-2025")]
    pub set: String,
    #[schema(example = 2024)]
    pub year: i32,
    /// `submitted` (by those who enter values; from draft or returned), `verified` or
    /// `returned` (by those who verify; from submitted).
    #[schema(example = "submitted")]
    pub status: String,
    /// Indicator codes; empty or absent: every value in the state before.
    #[serde(default)]
    pub codes: Vec<String>,
    /// Why the values are returned: required with `returned`, ignored otherwise.
    #[serde(default)]
    pub comment: String,
}

/// Submits (draft or returned → submitted), verifies (submitted → verified) or returns with
/// a comment (submitted → returned) current values of a unit, as new versions. Submitting
/// refuses values that need evidence (the set's `evidence_required`) and have neither a note
/// nor a file, listing each as `evidence (CODE)`.
#[utoipa::path(
    post,
    path = "/api/v1/units/{code}/observations/status",
    tag = "criteria",
    summary = "Submit, verify or return indicator values",
    params(
        ("code" = String, Path, description = "Official unit code"),
        ("X-CSRF-Token" = String, Header, description = "Value of the ntm_csrf cookie"),
    ),
    request_body = StatusChangeDto,
    responses(
        (status = 200, description = "The versions written", body = ObservationsDto),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed on this unit, or bad CSRF token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No unit with this code in that year", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A value was changed by someone else meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown status, values not in the state before, values without the evidence they need, or `returned` without a comment", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn change_status(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Json(body): Json<StatusChangeDto>,
) -> Result<Json<ObservationsDto>, WebError> {
    ctx.require_user()?;
    let to = match ObsStatus::parse(&body.status) {
        Some(s @ (ObsStatus::Submitted | ObsStatus::Verified | ObsStatus::Returned)) => s,
        _ => {
            return Err(WebError::invalid(
                "status",
                format!(
                    "unknown status {:?}: use submitted, verified or returned",
                    body.status
                ),
            ));
        }
    };
    let change = ntm_app::criteria::StatusChange {
        set_id: body.set,
        year: body.year,
        codes: body.codes,
        to,
        comment: body.comment,
    };
    let written = ntm_app::criteria::review(&st.app, &ctx.actor(), &code, change).await?;
    Ok(Json(ObservationsDto {
        observations: written.iter().map(ObservationDto::from).collect(),
    }))
}
