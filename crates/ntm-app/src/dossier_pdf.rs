//! The data of the dossier PDF for the appraisal council (issue 5 §4): cover, criteria table,
//! satisfaction survey, documents and history, every text formatted here (dates dd/mm/yyyy,
//! numbers 1.234,5) so the typst template (`crates/ntm-pdf/templates/dossier.typ`) only lays
//! it out. The document is an official Vietnamese paper, so its wording is Vietnamese only.
//!
//! Who may read it: whoever may view the dossier ([`crate::dossiers::get`] does the check).
//!
//! Criteria: a criterion reads "Đạt" only when its confirmed status is `met` **and** every
//! entered indicator under it is `verified` (computed indicators count as verified: they are
//! derived from verified children). Tentative results ("tạm đạt", thresholds still to verify)
//! and unverified values read "Chưa đạt", with the reason in the note.

use ntm_domain::criteria::Status;
use ntm_domain::dossier::survey::{CoverageCheck, MinCoverage, share_display_vi};
use ntm_domain::dossier::{
    DocumentKind, DossierKind, Period, Procedure, SatisfactionRate, StepKind,
};
use ntm_domain::observation::ObsStatus;
use ntm_domain::text::{format_date_vi, format_int_vi, parse_date};
use ntm_domain::units::Level;
use serde::Serialize;
use uuid::Uuid;

use crate::criteria::{IndicatorView, UnitResult};
use crate::dossiers::{DossierView, EventView};
use crate::surveys::{CampaignResults, CommuneContents};
use crate::{Actor, App, AppError, today};

/// The official-document heading (see `heading.typ`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Heading {
    pub parent: String,
    pub issuer: String,
    pub number: Option<String>,
    pub place: String,
    pub date: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UnitPart {
    pub name: String,
    pub code: String,
    /// "Huyện Châu Thành, Tỉnh Trà Vinh" (the units above, nearest first).
    pub parents: String,
}

/// One criterion, judged on verified data only.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CriterionRow {
    pub number: String,
    pub name: String,
    /// Met on verified data.
    pub met: bool,
    /// "Đạt" or "Chưa đạt".
    pub result: String,
    /// Why not met (empty when met).
    pub note: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CriteriaPart {
    pub summary: String,
    pub rule: String,
    pub rows: Vec<CriterionRow>,
    /// Every criterion met on verified data.
    pub all_met: bool,
    /// The criteria-set version evaluated and the legal bases its thresholds cite
    /// (empty when unknown).
    pub basis: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SurveyPart {
    /// Satisfied / valid and the rate, or "Chưa có kết quả lấy ý kiến…".
    pub text: String,
    /// The threshold that applies (or that none is confirmed).
    pub threshold: String,
    pub available: bool,
    /// "Số hộ được lấy ý kiến: 1.234 / 2.000 hộ (61,7 %)." or "…; chưa nhập số hộ."; empty
    /// without a closed campaign.
    pub households: String,
    /// The province's minimum share of households for the dossier kind with its basis, or
    /// that none is configured.
    pub coverage_rule: String,
    /// One row per content of NTM building asked (empty: the campaign lists none).
    pub contents: Vec<SurveyContentRow>,
    /// The content table has the "lowest commune" column (district campaigns).
    pub per_commune: bool,
    /// District dossiers: the lowest rate over (commune × content), or why it is not known;
    /// empty otherwise.
    pub min_commune_content: String,
}

/// One content of NTM building in the survey section.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SurveyContentRow {
    pub number: String,
    pub name: String,
    /// "3/4" (satisfied / valid).
    pub figures: String,
    /// "75,00 %" or "–".
    pub rate: String,
    /// District campaigns: "70,00 % (Xã Hòa Minh)", or the commune without valid answers.
    pub lowest: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DocumentRow {
    pub kind: String,
    pub name: String,
    pub date: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EventRow {
    pub seq: String,
    pub date: String,
    /// Step and outcome ("Thẩm định: trả hồ sơ").
    pub step: String,
    /// Account and role.
    pub who: String,
    /// Note or reason ("" when none).
    pub note: String,
}

/// Everything `dossier.typ` shows; serialise with `serde_json::to_value`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DossierPdf {
    pub title: String,
    pub subtitle: String,
    pub heading: Heading,
    pub unit: UnitPart,
    pub kind: String,
    pub year: String,
    pub set: String,
    pub dossier_date: String,
    pub period: String,
    pub state: String,
    pub state_since: String,
    pub decision: Option<String>,
    pub criteria: CriteriaPart,
    pub survey: SurveyPart,
    pub documents: Vec<DocumentRow>,
    pub events: Vec<EventRow>,
    pub footer: String,
    /// For the download's file name: `ho-so-<unit code>-<year>.pdf`.
    #[serde(skip)]
    pub file_name: String,
}

fn role_vi(role: &str) -> &'static str {
    match role {
        "admin" => "quản trị",
        "province_officer" => "cán bộ tỉnh",
        "department_officer" => "cán bộ sở, ngành",
        "district_officer" => "cán bộ huyện",
        "commune_officer" => "cán bộ xã",
        "producer" => "chủ thể sản xuất",
        "viewer" => "người xem",
        _ => "",
    }
}

fn action_vi(action: &str) -> String {
    let s = match action {
        "start_posting" => "Công khai báo cáo, lấy ý kiến: bắt đầu",
        "end_posting" => "Công khai báo cáo, lấy ý kiến: kết thúc",
        "submit" => StepKind::Submission.name_vi(),
        "review_pass" => "Thẩm tra: đạt",
        "review_return" => "Thẩm tra: trả hồ sơ",
        "appraise_pass" => "Thẩm định: đạt",
        "appraise_return" => "Thẩm định: trả hồ sơ",
        "decide" => StepKind::Decision.name_vi(),
        "publish" => StepKind::Publication.name_vi(),
        "revoke" => StepKind::Revocation.name_vi(),
        other => other,
    };
    s.to_owned()
}

fn state_vi(state: &str) -> String {
    crate::dossiers::parse_state(state).map_or_else(|| state.to_owned(), |s| s.name_vi().to_owned())
}

/// `2025-06-03` (as stored) → `03/06/2025`; anything else unchanged.
fn date_text(s: &str) -> String {
    parse_date(s).map_or_else(|| s.to_owned(), format_date_vi)
}

fn period_vi(p: Period) -> &'static str {
    match p {
        Period::UntilJune2025 => {
            "Trước 01/07/2025: cấp xã trình, cấp huyện thẩm tra, cấp tỉnh thẩm định"
        }
        Period::FromJuly2025 => "Từ 01/07/2025: cấp xã trình, cấp tỉnh thẩm định trực tiếp",
    }
}

fn who(e: &EventView) -> String {
    match role_vi(&e.role) {
        "" => e.actor.clone(),
        r => format!("{} ({r})", e.actor),
    }
}

/// Whether an indicator's value counts as verified.
fn verified(i: &IndicatorView) -> bool {
    i.computed || i.value_status == Some(ObsStatus::Verified)
}

/// A value was entered but is not verified (missing values are counted apart).
fn entered_unverified(i: &IndicatorView) -> bool {
    !verified(i) && i.value_status.is_some()
}

/// The reason a criterion is not met on verified data ("" when it is).
fn shortfall(status: Status, unverified: usize, counts: (u16, u16, u16)) -> String {
    let (not_met, missing, to_verify) = counts;
    let mut why: Vec<String> = Vec::new();
    if not_met > 0 {
        why.push(format!("{not_met} chỉ tiêu chưa đạt"));
    }
    if missing > 0 {
        why.push(format!("{missing} chỉ tiêu chưa có số liệu"));
    }
    if to_verify > 0 {
        why.push(format!(
            "{to_verify} chỉ tiêu có ngưỡng chưa xác nhận (tạm tính)"
        ));
    }
    if unverified > 0 {
        why.push(format!(
            "{unverified} chỉ tiêu có số liệu chưa được xác minh"
        ));
    }
    if why.is_empty() && status != Status::Met {
        why.push(format!("trạng thái: {}", status.as_str()));
    }
    why.join("; ")
}

/// The criteria table from an evaluation result, on verified data only.
pub fn criteria_part(result: Option<&UnitResult>) -> CriteriaPart {
    let rule = "Một tiêu chí chỉ ghi “Đạt” khi đạt theo ngưỡng đã xác nhận và mọi chỉ tiêu của \
                tiêu chí dùng số liệu đã được xác minh; kết quả tạm tính không được tính là đạt."
        .to_owned();
    let Some(res) = result else {
        return CriteriaPart {
            summary: "Không có kết quả đánh giá của đơn vị theo bộ tiêu chí này.".to_owned(),
            rule,
            rows: Vec::new(),
            all_met: false,
            basis: String::new(),
        };
    };
    let mut rows: Vec<CriterionRow> = Vec::new();
    let pre: Vec<&IndicatorView> = res
        .indicators
        .iter()
        .filter(|i| i.criterion.is_none())
        .collect();
    if !pre.is_empty() {
        let unverified = pre.iter().filter(|i| entered_unverified(i)).count();
        let count = |s: Status| pre.iter().filter(|i| i.status == s).count() as u16;
        let all_met = pre.iter().all(|i| i.status == Status::Met);
        let met = all_met && pre.iter().all(|i| verified(i));
        rows.push(CriterionRow {
            number: "–".to_owned(),
            name: "Điều kiện chung".to_owned(),
            met,
            result: if met { "Đạt" } else { "Chưa đạt" }.to_owned(),
            note: if met {
                String::new()
            } else {
                shortfall(
                    if all_met { Status::Met } else { Status::NotMet },
                    unverified,
                    (
                        count(Status::NotMet),
                        count(Status::Missing),
                        count(Status::NeedsVerification),
                    ),
                )
            },
        });
    }
    for c in &res.criteria {
        let own = || {
            res.indicators
                .iter()
                .filter(move |i| i.criterion == Some(c.number))
        };
        let unverified = own().filter(|i| entered_unverified(i)).count();
        let met = c.status == Status::Met && own().all(verified);
        rows.push(CriterionRow {
            number: c.number.to_string(),
            name: c.name_vi.clone(),
            met,
            result: if met { "Đạt" } else { "Chưa đạt" }.to_owned(),
            note: if met {
                String::new()
            } else {
                shortfall(
                    c.status,
                    unverified,
                    (c.not_met, c.missing, c.needs_verification),
                )
            },
        });
    }
    let criteria_rows = rows.iter().filter(|r| r.number != "–");
    let met_count = criteria_rows.clone().filter(|r| r.met).count();
    let total = criteria_rows.count();
    let all_met = !rows.is_empty() && rows.iter().all(|r| r.met) && res.status == Status::Met;
    let summary = format!(
        "Đạt {}/{} tiêu chí trên số liệu đã xác minh. {}",
        format_int_vi(met_count as i64),
        format_int_vi(total as i64),
        if all_met {
            "Đơn vị đạt đầy đủ các tiêu chí."
        } else {
            "Đơn vị chưa đạt đầy đủ các tiêu chí trên số liệu đã xác minh."
        }
    );
    let mut bases: Vec<&str> = res
        .indicators
        .iter()
        .filter_map(|i| i.threshold.basis.as_deref())
        .collect();
    bases.sort_unstable();
    bases.dedup();
    CriteriaPart {
        summary,
        rule,
        rows,
        all_met,
        basis: if bases.is_empty() {
            String::new()
        } else {
            format!("Căn cứ các ngưỡng: {}.", bases.join("; "))
        },
    }
}

/// The survey section: figures when a result exists, else "chưa có kết quả".
pub fn survey_part(figures: Option<SatisfactionRate>, procedure: Option<&Procedure>) -> SurveyPart {
    let threshold = match procedure {
        Some(p) => match &p.satisfaction {
            Some(t) => {
                let mut s = format!(
                    "Ngưỡng công nhận: tỷ lệ hài lòng từ {} % trở lên",
                    t.percent
                );
                if let Some(m) = t.per_commune_content_percent {
                    s.push_str(&format!("; ở từng xã, từng nội dung từ {m} % trở lên"));
                }
                s.push_str(if t.confirmed {
                    "."
                } else {
                    " (chưa xác nhận từ văn bản gốc)."
                });
                s
            }
            None => format!(
                "Chưa có ngưỡng tỷ lệ hài lòng đã xác nhận: {}",
                p.satisfaction_note
            ),
        },
        None => String::new(),
    };
    match figures.filter(|f| f.valid > 0) {
        Some(f) => {
            let mut text = format!(
                "{} trên {} phiếu hợp lệ hài lòng, tỷ lệ {}.",
                format_int_vi(i64::from(f.satisfied)),
                format_int_vi(i64::from(f.valid)),
                f.display_vi()
            );
            if let Some(t) = procedure.and_then(|p| p.satisfaction.as_ref()) {
                text.push_str(if f.meets(t.percent) {
                    " Đạt ngưỡng công nhận."
                } else {
                    " Chưa đạt ngưỡng công nhận."
                });
            }
            SurveyPart {
                text,
                threshold,
                available: true,
                ..SurveyPart::empty()
            }
        }
        None => SurveyPart {
            text: "Chưa có kết quả lấy ý kiến sự hài lòng của người dân.".to_owned(),
            threshold,
            available: false,
            ..SurveyPart::empty()
        },
    }
}

impl SurveyPart {
    fn empty() -> SurveyPart {
        SurveyPart {
            text: String::new(),
            threshold: String::new(),
            available: false,
            households: String::new(),
            coverage_rule: String::new(),
            contents: Vec::new(),
            per_commune: false,
            min_commune_content: String::new(),
        }
    }
}

fn int(n: u32) -> String {
    format_int_vi(i64::from(n))
}

/// Forms returned against the households entered (`None`: not entered).
pub fn households_line(responses: u32, households: Option<u32>) -> String {
    match households.filter(|h| *h > 0) {
        Some(h) => format!(
            "Số hộ được lấy ý kiến: {} / {} hộ ({}).",
            int(responses),
            int(h),
            share_display_vi(responses, h)
        ),
        None => format!(
            "Số hộ được lấy ý kiến: {} phiếu thu về; chưa nhập số hộ.",
            int(responses)
        ),
    }
}

/// The province's minimum share of households for the dossier kind with its basis; with a
/// campaign, whether it is reached (`checked`: forms returned, households).
pub fn coverage_rule_line(rule: Option<&MinCoverage>, checked: Option<(u32, u32)>) -> String {
    let Some(rule) = rule else {
        return "Tỷ lệ hộ tối thiểu được lấy ý kiến: chưa cấu hình (mức theo Hướng dẫn \
                90/HD-MTTW-BTT chưa được xác nhận; không kiểm tra khi xét công nhận)."
            .to_owned();
    };
    let mut s = format!(
        "Tỷ lệ hộ tối thiểu được lấy ý kiến: {} % (căn cứ: {})",
        rule.percent, rule.basis
    );
    match checked {
        Some((responses, households)) => {
            let met = CoverageCheck {
                rule: rule.clone(),
                responses,
                households,
            }
            .met();
            s.push_str(if met {
                " — đạt."
            } else if households == 0 {
                " — chưa đạt (chưa nhập số hộ)."
            } else {
                " — chưa đạt."
            });
        }
        None => s.push('.'),
    }
    s
}

/// `a < b` as fractions.
fn lower(a: SatisfactionRate, b: SatisfactionRate) -> bool {
    u64::from(a.satisfied) * u64::from(b.valid) < u64::from(b.satisfied) * u64::from(a.valid)
}

/// One row per content; with `per_commune`, the lowest commune of each content (or the
/// first commune without a valid answer for it).
pub fn content_rows(
    contents: &[String],
    totals: &[SatisfactionRate],
    communes: &[CommuneContents],
    per_commune: bool,
) -> Vec<SurveyContentRow> {
    contents
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let t = totals.get(i).copied().unwrap_or_default();
            let rate_of = |c: &CommuneContents| c.contents.get(i).copied().unwrap_or_default();
            let lowest = if !per_commune {
                String::new()
            } else if let Some(c) = communes.iter().find(|c| rate_of(c).valid == 0) {
                format!("chưa tính được ({} chưa có phiếu hợp lệ)", c.name)
            } else {
                communes
                    .iter()
                    .fold(None::<&CommuneContents>, |m, c| match m {
                        Some(m) if !lower(rate_of(c), rate_of(m)) => Some(m),
                        _ => Some(c),
                    })
                    .map(|c| format!("{} ({})", rate_of(c).display_vi(), c.name))
                    .unwrap_or_default()
            };
            SurveyContentRow {
                number: (i + 1).to_string(),
                name: name.clone(),
                figures: format!("{}/{}", int(t.satisfied), int(t.valid)),
                rate: t.display_vi(),
                lowest,
            }
        })
        .collect()
}

/// The lowest rate over (commune × content) for a district dossier, against the threshold
/// per commune and content when there is one.
pub fn min_commune_content_line(r: &CampaignResults, per_commune_percent: Option<u32>) -> String {
    let label = "Tỷ lệ hài lòng thấp nhất ở từng xã đối với từng nội dung";
    let contents = &r.campaign.questionnaire.contents;
    if let Some(min) = r.min_commune_content {
        let at = r.communes.iter().find_map(|c| {
            let i = c.contents.iter().position(|x| *x == min)?;
            Some(format!(
                "; {}, nội dung «{}»",
                c.name,
                contents.get(i).map_or("", String::as_str)
            ))
        });
        let verdict = match per_commune_percent {
            Some(p) if min.meets(p) => format!(" — đạt ngưỡng từ {p} % trở lên."),
            Some(p) => format!(" — chưa đạt ngưỡng từ {p} % trở lên."),
            None => ".".to_owned(),
        };
        return format!(
            "{label}: {} ({} trên {} phiếu hợp lệ hài lòng{}){verdict}",
            min.display_vi(),
            int(min.satisfied),
            int(min.valid),
            at.unwrap_or_default()
        );
    }
    if contents.is_empty() {
        return format!(
            "{label}: chưa tính được (đợt lấy ý kiến không có nội dung được hỏi riêng)."
        );
    }
    let missing = r
        .first_without_valid_answer()
        .map(|(c, content)| format!("{} chưa có phiếu hợp lệ cho nội dung «{content}»", c.name));
    format!(
        "{label}: chưa tính được ({}).",
        missing.unwrap_or_else(|| "chưa có phiếu hợp lệ".to_owned())
    )
}

/// Adds the households, the minimum share, the contents and (district dossiers) the lowest
/// commune × content rate of the latest closed campaign to the survey section.
pub fn survey_details(
    mut part: SurveyPart,
    results: Option<&CampaignResults>,
    kind: DossierKind,
    rule: Option<&MinCoverage>,
    procedure: Option<&Procedure>,
) -> SurveyPart {
    let per_commune_percent = procedure
        .and_then(|p| p.satisfaction.as_ref())
        .and_then(|t| t.per_commune_content_percent);
    let district = kind.level() == Level::District || per_commune_percent.is_some();
    let Some(r) = results else {
        part.coverage_rule = coverage_rule_line(rule, None);
        return part;
    };
    let responses = r.total.responses();
    part.households = households_line(responses, r.households);
    part.coverage_rule = coverage_rule_line(rule, Some((responses, r.households.unwrap_or(0))));
    let per_commune = r.campaign.unit_level == Level::District;
    part.per_commune = per_commune;
    part.contents = content_rows(
        &r.campaign.questionnaire.contents,
        &r.content_totals,
        &r.communes,
        per_commune,
    );
    if district {
        part.min_commune_content = min_commune_content_line(r, per_commune_percent);
    }
    part
}

fn kind_vi(kind: &str) -> String {
    serde_json::from_value::<DocumentKind>(serde_json::Value::String(kind.to_owned()))
        .map(|k| k.name_vi().to_owned())
        .unwrap_or_else(|_| kind.to_owned())
}

fn document_rows(view: &DossierView) -> Vec<DocumentRow> {
    // Attached files (name, day of upload), then kinds only declared on an event (with the
    // day of that event), then any other kind counted as present.
    let mut out: Vec<DocumentRow> = view
        .attached
        .iter()
        .map(|a| DocumentRow {
            kind: kind_vi(&a.kind),
            name: a.file_name.clone(),
            date: format_date_vi(a.created_at.date()),
        })
        .collect();
    let mut seen: Vec<DocumentKind> = view
        .attached
        .iter()
        .filter_map(|a| serde_json::from_value(serde_json::Value::String(a.kind.clone())).ok())
        .collect();
    for e in &view.events {
        for d in &e.documents {
            if !seen.contains(d) {
                seen.push(*d);
                out.push(DocumentRow {
                    kind: d.name_vi().to_owned(),
                    name: "Đã khai báo, chưa đính kèm tệp".to_owned(),
                    date: date_text(&e.date),
                });
            }
        }
    }
    for d in &view.documents {
        if !seen.contains(d) {
            seen.push(*d);
            out.push(DocumentRow {
                kind: d.name_vi().to_owned(),
                name: String::new(),
                date: String::new(),
            });
        }
    }
    out
}

fn event_rows(view: &DossierView) -> Vec<EventRow> {
    let mut rows = vec![EventRow {
        seq: "0".to_owned(),
        date: format_date_vi(view.dossier.dossier_date),
        step: "Lập hồ sơ".to_owned(),
        who: view.created_by.clone(),
        note: String::new(),
    }];
    rows.extend(view.events.iter().map(|e| EventRow {
        seq: e.seq.to_string(),
        date: date_text(&e.date),
        step: format!("{} ({})", action_vi(&e.action), state_vi(&e.to_state)),
        who: who(e),
        note: e.note.clone().unwrap_or_default(),
    }));
    rows
}

/// Assembles the dossier PDF data (for anyone who may view the dossier).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), id = %id))]
pub async fn assemble(app: &App, actor: &Actor, id: Uuid) -> Result<DossierPdf, AppError> {
    let view = crate::dossiers::get(app, actor, id).await?;
    // The latest closed survey campaign of the unit, set and year (what recognition uses).
    let campaign = crate::surveys::dossier_campaign_results(
        app,
        actor,
        &view.unit_code,
        &view.set_id,
        view.year,
    )
    .await?;
    let survey = campaign.as_ref().map(|r| r.total.rate);
    let settings = crate::procedure_settings::load(app, &view.province_code).await?;
    let min_coverage = settings.min_coverage(view.dossier.kind);
    let d = &view.dossier;
    let eval =
        crate::criteria::evaluate(app, actor, &view.unit_code, &view.set_id, view.year).await;
    let (result, set_title, unit_name) = match &eval {
        Ok(ev) => (
            ev.result.as_ref(),
            ev.set.title_vi.clone(),
            ev.unit_name.clone(),
        ),
        Err(_) => (None, view.set_id.clone(), view.unit_code.clone()),
    };
    // The unit on the dossier's date and the units above it.
    let unit = app.db.unit_on(&view.unit_code, d.dossier_date).await?;
    let unit_name = unit.as_ref().map_or(unit_name, |u| u.name.clone());
    let mut parents: Vec<String> = Vec::new();
    let mut parent_code = unit.as_ref().and_then(|u| u.parent_code.clone());
    while let Some(code) = parent_code {
        match app.db.unit_on(&code, d.dossier_date).await? {
            Some(p) => {
                parents.push(p.name.clone());
                parent_code = p.parent_code.clone();
            }
            None => break,
        }
    }
    // With the province's settings (its satisfaction threshold) when there are any.
    let procedure = view.procedure.clone().or_else(|| d.procedure().ok());
    let today = today();
    let year = view.year.to_string();
    Ok(DossierPdf {
        title: "Hồ sơ đề nghị xét, công nhận".to_owned(),
        subtitle: format!("{} năm {}", d.kind.name_vi(), year),
        heading: Heading {
            parent: parents
                .first()
                .map_or_else(String::new, |p| format!("UBND {p}")),
            issuer: format!("UBND {unit_name}"),
            number: None,
            place: unit_name
                .strip_prefix("Xã ")
                .or_else(|| unit_name.strip_prefix("Phường "))
                .or_else(|| unit_name.strip_prefix("Thị trấn "))
                .or_else(|| unit_name.strip_prefix("Huyện "))
                .unwrap_or(&unit_name)
                .to_owned(),
            date: format_date_vi(today),
        },
        unit: UnitPart {
            name: unit_name.clone(),
            code: view.unit_code.clone(),
            parents: parents.join(", "),
        },
        kind: d.kind.name_vi().to_owned(),
        year,
        set: set_title,
        dossier_date: format_date_vi(d.dossier_date),
        period: period_vi(view.period).to_owned(),
        state: d.state.name_vi().to_owned(),
        state_since: format_date_vi(d.state_since),
        decision: d.decision.as_ref().map(|dec| {
            format!(
                "Số {} ngày {}, người ký: {}",
                dec.number,
                format_date_vi(dec.date),
                dec.signer
            )
        }),
        criteria: {
            let mut part = criteria_part(result);
            if let Ok(ev) = &eval {
                part.basis = format!(
                    "Bộ tiêu chí áp dụng: {}. {}",
                    ev.version_used.text_vi, part.basis
                )
                .trim_end()
                .to_string();
            }
            part
        },
        survey: survey_details(
            survey_part(survey, procedure.as_ref()),
            campaign.as_ref(),
            d.kind,
            min_coverage.as_ref(),
            procedure.as_ref(),
        ),
        documents: document_rows(&view),
        events: event_rows(&view),
        footer: format!(
            "Tài liệu tổng hợp từ NTM Số ngày {}; kết quả tiêu chí tính trên số liệu đã xác minh tại thời điểm tạo tài liệu.",
            format_date_vi(today)
        ),
        file_name: format!("ho-so-{}-{}.pdf", view.unit_code, view.year),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::{CriterionView, ThresholdView};

    fn indicator(criterion: u16, status: Status, value: Option<ObsStatus>) -> IndicatorView {
        IndicatorView {
            code: format!("{criterion}.1"),
            name_vi: "Chỉ tiêu".into(),
            criterion: Some(criterion),
            status,
            value: value.map(|_| "Đạt".into()),
            value_status: value,
            version: value.map(|_| 1),
            gap: None,
            caveats: Vec::new(),
            threshold: ThresholdView {
                text: None,
                caveats: Vec::new(),
                provenance: None,
                source: None,
                regional: false,
                basis: None,
            },
            kind: "boolean",
            unit: None,
            computed: false,
            computed_from: None,
            computed_records: None,
            evidence_required: false,
        }
    }

    fn criterion(number: u16, status: Status) -> CriterionView {
        CriterionView {
            number,
            name_vi: format!("Tiêu chí {number}"),
            status,
            no_known_shortfall: true,
            met: u16::from(status == Status::Met),
            not_met: u16::from(status == Status::NotMet),
            missing: u16::from(status == Status::Missing),
            needs_verification: u16::from(status == Status::NeedsVerification),
        }
    }

    fn result(criteria: Vec<CriterionView>, indicators: Vec<IndicatorView>) -> UnitResult {
        let status = if criteria.iter().all(|c| c.status == Status::Met) {
            Status::Met
        } else {
            Status::NotMet
        };
        UnitResult {
            status,
            tentatively_met: true,
            criteria_met: 0,
            criteria_met_tentative: 0,
            criteria_no_known_shortfall: 0,
            no_known_shortfall: true,
            criteria_total: criteria.len(),
            criteria,
            indicators,
            caveats: Vec::new(),
        }
    }

    #[test]
    fn only_confirmed_met_on_verified_values_reads_met() {
        let r = result(
            vec![
                criterion(1, Status::Met),
                criterion(2, Status::Met),
                criterion(3, Status::NeedsVerification),
                criterion(4, Status::Missing),
            ],
            vec![
                indicator(1, Status::Met, Some(ObsStatus::Verified)),
                indicator(2, Status::Met, Some(ObsStatus::Submitted)),
                indicator(3, Status::NeedsVerification, Some(ObsStatus::Verified)),
                indicator(4, Status::Missing, None),
            ],
        );
        let part = criteria_part(Some(&r));
        let results: Vec<(&str, bool)> = part
            .rows
            .iter()
            .map(|r| (r.result.as_str(), r.met))
            .collect();
        assert_eq!(
            results,
            vec![
                ("Đạt", true),
                ("Chưa đạt", false),
                ("Chưa đạt", false),
                ("Chưa đạt", false)
            ]
        );
        assert!(part.rows[1].note.contains("chưa được xác minh"));
        assert!(part.rows[2].note.contains("tạm tính"));
        assert!(part.rows[3].note.contains("chưa có số liệu"));
        assert!(!part.all_met);
        assert!(part.summary.starts_with("Đạt 1/4 tiêu chí"));

        let all = result(
            vec![criterion(1, Status::Met)],
            vec![indicator(1, Status::Met, Some(ObsStatus::Verified))],
        );
        assert!(criteria_part(Some(&all)).all_met);
        assert!(!criteria_part(None).all_met);
    }

    #[test]
    fn survey_without_result_says_so() {
        let p = Procedure::for_dossier(
            ntm_domain::dossier::DossierKind::CommuneNtm,
            time::macros::date!(2025 - 08 - 01),
        )
        .ok();
        let none = survey_part(None, p.as_ref());
        assert!(!none.available);
        assert!(none.text.contains("Chưa có kết quả lấy ý kiến"));
        assert!(none.threshold.contains("Chưa có ngưỡng"));
        let some = survey_part(SatisfactionRate::new(1850, 2000), None);
        assert_eq!(
            some.text,
            "1.850 trên 2.000 phiếu hợp lệ hài lòng, tỷ lệ 92,50 %."
        );
        assert!(
            survey_part(SatisfactionRate::new(0, 0), None)
                .text
                .contains("Chưa có")
        );
        let configured = p
            .clone()
            .and_then(|p| p.with_satisfaction_threshold(95, "QĐ tỉnh (kiểm thử)").ok());
        let below = survey_part(SatisfactionRate::new(1850, 2000), configured.as_ref());
        assert!(
            below.text.ends_with("Chưa đạt ngưỡng công nhận."),
            "{}",
            below.text
        );
        assert!(
            below.threshold.contains("từ 95 % trở lên."),
            "{}",
            below.threshold
        );
    }

    #[test]
    fn survey_households_coverage_and_contents() {
        assert_eq!(
            households_line(1234, Some(2000)),
            "Số hộ được lấy ý kiến: 1.234 / 2.000 hộ (61,7 %)."
        );
        assert_eq!(
            households_line(12, None),
            "Số hộ được lấy ý kiến: 12 phiếu thu về; chưa nhập số hộ."
        );
        assert!(coverage_rule_line(None, Some((1, 2))).contains("chưa cấu hình"));
        let rule = MinCoverage {
            percent: 60,
            basis: "KH 12".into(),
        };
        assert_eq!(
            coverage_rule_line(Some(&rule), Some((1234, 2000))),
            "Tỷ lệ hộ tối thiểu được lấy ý kiến: 60 % (căn cứ: KH 12) — đạt."
        );
        assert!(coverage_rule_line(Some(&rule), Some((3, 0))).ends_with("(chưa nhập số hộ)."));
        assert!(coverage_rule_line(Some(&rule), None).ends_with("(căn cứ: KH 12)."));
        let rate = |s, v| SatisfactionRate::new(s, v).unwrap_or_default();
        let commune = |name: &str, rates: Vec<SatisfactionRate>| CommuneContents {
            code: name.into(),
            name: name.into(),
            contents: rates,
        };
        let contents = vec!["Giao thông".to_owned(), "Môi trường".to_owned()];
        let communes = vec![
            commune("Xã A", vec![rate(9, 10), rate(1850, 2000)]),
            commune("Xã B", vec![rate(7, 10)]),
        ];
        let rows = content_rows(
            &contents,
            &[rate(16, 20), rate(1850, 2000)],
            &communes,
            true,
        );
        assert_eq!(
            (rows[0].figures.as_str(), rows[0].rate.as_str()),
            ("16/20", "80,00 %")
        );
        assert_eq!(rows[0].lowest, "70,00 % (Xã B)");
        assert_eq!(rows[1].figures, "1.850/2.000");
        assert_eq!(rows[1].lowest, "chưa tính được (Xã B chưa có phiếu hợp lệ)");
        assert!(
            content_rows(&contents, &[], &[], false)[1]
                .lowest
                .is_empty()
        );
    }

    #[test]
    fn stored_dates_and_actions_read_in_vietnamese() {
        assert_eq!(date_text("2025-06-03"), "03/06/2025");
        assert_eq!(action_vi("appraise_return"), "Thẩm định: trả hồ sơ");
        assert_eq!(state_vi("preparing"), "Đang chuẩn bị");
        assert_eq!(role_vi("province_officer"), "cán bộ tỉnh");
    }
}
