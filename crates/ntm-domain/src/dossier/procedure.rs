//! The recognition procedure of QĐ 18/2022/QĐ-TTg (amended by QĐ 03/2024/QĐ-TTg) as data.
//!
//! Research notes: `../shared/criteria/procedures-18-2022.md`. Every step, document, time
//! limit and satisfaction threshold carries where it comes from ([`Basis`]). Nothing that the
//! notes mark as unconfirmed is presented as law: time limits the notes could not confirm are
//! [`TimeLimit::unknown`] (no deadline is computed from them) and unconfirmed values carry
//! `confirmed: false`. A province fills the gaps with [`Procedure::with_time_limit`] and
//! [`Procedure::with_satisfaction_threshold`], naming the basis of the value it enters.

use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::date;

use crate::authz::Role;
use crate::units::Level;

/// First day of two-tier local government (districts abolished): from this date the province
/// deals with commune dossiers directly.
pub const TWO_TIER_FROM: Date = date!(2025 - 07 - 01);

/// Điều 5 of the regulation attached to QĐ 18/2022 (public posting of the commune report).
pub const SOURCE_DIEU_5: &str = "https://beta.thuvienphapluat.vn/phap-luat/uy-ban-nhan-dan-xa-co-the-to-chuc-xet-xa-dat-chuan-nong-thon-moi-truoc-thoi-diem-danh-gia-dat-chuan-320579-45315.html";
/// District review then provincial appraisal of commune dossiers (Cao Lãnh 2022).
pub const SOURCE_CAO_LANH: &str = "https://tpcaolanh.dongthap.gov.vn/web/tpcaolanh/chi-tiet-bai-viet/-/asset_publisher/1mOzUrGkrdAE/content/id/13936502?plidlayout=7580";
/// District review then provincial appraisal of commune dossiers (Thủy Nguyên 2023).
pub const SOURCE_THUY_NGUYEN: &str = "https://thuynguyen.haiphong.gov.vn/xay-dung-nong-thon-moi/-cong-bo-xa-du-dieu-kien-de-nghi-xet-cong-nhan-dat-chuan-nong-thon-moi-nang-cao-nong-thon-moi-ki-558308";
/// Provincial appraisal council after the district level was abolished (Vĩnh Long, 11/2025).
pub const SOURCE_VINH_LONG_2025: &str = "https://vcdn.vietnam.vn/de-nghi-xet-cong-nhan-5-xa-nong-thon-moi-nong-thon-moi-nang-cao-nam-2025";
/// Satisfaction ≥ 90 % (and ≥ 80 % in every commune for every content) for huyện NTM.
pub const SOURCE_DISTRICT_SATISFACTION: &str = "https://media.chinhphu.vn/su-hai-long-cua-nguoi-dan-thuoc-do-xay-dung-nong-thon-moi-10222032115582261.htm";
/// The Prime Minister recognises districts (QĐ 668–673/QĐ-TTg 02/6/2022).
pub const SOURCE_PM_RECOGNISES_DISTRICTS: &str = "https://hoichieusangvietnam.org.vn/6-dia-phuong-dat-chuan-hoan-thanh-nhiem-vu-xay-dung-nong-thon-moi/";
/// Revocation conditions.
pub const SOURCE_REVOCATION: &str = "https://tintuc.thuvienphapluat.com/thong-bao-van-ban-moi/email/41861/truong-hop-thu-hoi-quyet-dinh-cong-nhan-xa-dat-chuan-nong-thon-moi";

/// Which chain applies, chosen by the dossier's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Up to 30/06/2025: commune → district review (thẩm tra) → province appraisal (thẩm định).
    UntilJune2025,
    /// From 01/07/2025: no district level; commune → province directly.
    FromJuly2025,
}

impl Period {
    pub fn for_date(d: Date) -> Period {
        if d < TWO_TIER_FROM {
            Period::UntilJune2025
        } else {
            Period::FromJuly2025
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Period::UntilJune2025 => "until_june_2025",
            Period::FromJuly2025 => "from_july_2025",
        }
    }
}

/// What the dossier asks to be recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DossierKind {
    /// Xã đạt chuẩn nông thôn mới.
    CommuneNtm,
    /// Xã đạt chuẩn nông thôn mới nâng cao.
    CommuneAdvanced,
    /// Xã đạt chuẩn nông thôn mới kiểu mẫu.
    CommuneModel,
    /// Huyện đạt chuẩn nông thôn mới (only before 01/07/2025).
    DistrictNtm,
    /// Huyện đạt chuẩn nông thôn mới nâng cao (only before 01/07/2025).
    DistrictAdvanced,
}

impl DossierKind {
    pub const ALL: [DossierKind; 5] = [
        DossierKind::CommuneNtm,
        DossierKind::CommuneAdvanced,
        DossierKind::CommuneModel,
        DossierKind::DistrictNtm,
        DossierKind::DistrictAdvanced,
    ];

    /// Level of the unit that applies.
    pub fn level(self) -> Level {
        match self {
            DossierKind::CommuneNtm | DossierKind::CommuneAdvanced | DossierKind::CommuneModel => {
                Level::Commune
            }
            DossierKind::DistrictNtm | DossierKind::DistrictAdvanced => Level::District,
        }
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            DossierKind::CommuneNtm => "Xã đạt chuẩn nông thôn mới",
            DossierKind::CommuneAdvanced => "Xã đạt chuẩn nông thôn mới nâng cao",
            DossierKind::CommuneModel => "Xã đạt chuẩn nông thôn mới kiểu mẫu",
            DossierKind::DistrictNtm => "Huyện đạt chuẩn nông thôn mới",
            DossierKind::DistrictAdvanced => "Huyện đạt chuẩn nông thôn mới nâng cao",
        }
    }
}

/// One step of the procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Self-assessment and report (tự đánh giá, báo cáo kết quả).
    Preparation,
    /// Public posting of the report for comments (công khai lấy ý kiến).
    PublicPosting,
    /// Submission of the dossier (trình hồ sơ).
    Submission,
    /// Review (thẩm tra).
    Review,
    /// Appraisal (thẩm định).
    Appraisal,
    /// Recognition decision (quyết định công nhận).
    Decision,
    /// Publication (công bố).
    Publication,
    /// Revocation of the decision (thu hồi quyết định công nhận).
    Revocation,
}

impl StepKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Preparation => "preparation",
            StepKind::PublicPosting => "public_posting",
            StepKind::Submission => "submission",
            StepKind::Review => "review",
            StepKind::Appraisal => "appraisal",
            StepKind::Decision => "decision",
            StepKind::Publication => "publication",
            StepKind::Revocation => "revocation",
        }
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            StepKind::Preparation => "Tự đánh giá, xây dựng báo cáo",
            StepKind::PublicPosting => "Công khai báo cáo, lấy ý kiến",
            StepKind::Submission => "Trình hồ sơ đề nghị xét, công nhận",
            StepKind::Review => "Thẩm tra",
            StepKind::Appraisal => "Thẩm định",
            StepKind::Decision => "Quyết định công nhận",
            StepKind::Publication => "Công bố",
            StepKind::Revocation => "Thu hồi quyết định công nhận",
        }
    }
}

/// Where a piece of procedure data comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Basis {
    /// Read in a cited public source ([C] in the research notes).
    Sourced { source: String },
    /// Recalled from the decision or its predecessor, or inferred from practice ([U]).
    Unconfirmed { note: String },
    /// Not found at all.
    Unknown { note: String },
    /// Entered by a province (or an administrator) with the basis they cite.
    Configured { basis: String },
}

impl Basis {
    fn sourced(s: &str) -> Basis {
        Basis::Sourced {
            source: s.to_owned(),
        }
    }

    fn unconfirmed(n: &str) -> Basis {
        Basis::Unconfirmed { note: n.to_owned() }
    }

    /// Whether the value rests on a cited source (a configured value counts as the province's
    /// own rule, not as a confirmed national one).
    pub fn is_sourced(&self) -> bool {
        matches!(self, Basis::Sourced { .. })
    }
}

/// Unit in which a time limit is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayUnit {
    /// Ngày làm việc: Monday–Friday minus public holidays.
    WorkingDays,
    /// Ngày (calendar days).
    CalendarDays,
}

/// Whether a limit is a minimum duration (a posting must last at least) or a maximum (the
/// step must be done within it; only these make a dossier overdue).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitKind {
    Minimum,
    Maximum,
}

/// A time limit of a step. `days: None` means unknown: no deadline is computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeLimit {
    pub days: Option<u32>,
    pub unit: DayUnit,
    pub kind: LimitKind,
    /// True only when both the number of days and its unit were read in a cited source (or
    /// entered by a province citing its own rule).
    pub confirmed: bool,
    pub basis: Basis,
    /// Why the limit is unknown or unconfirmed, for display.
    pub note: String,
}

impl TimeLimit {
    /// No limit known: the research notes confirm no day limit for any step except the
    /// 15-day public posting.
    pub fn unknown(note: &str) -> TimeLimit {
        TimeLimit {
            days: None,
            unit: DayUnit::WorkingDays,
            kind: LimitKind::Maximum,
            confirmed: false,
            basis: Basis::Unknown {
                note: note.to_owned(),
            },
            note: note.to_owned(),
        }
    }
}

const NO_LIMIT_NOTE: &str = "Thời hạn chưa được xác nhận từ văn bản gốc (procedures-18-2022.md: \
     time limits in days were not confirmed for any step); tỉnh cấu hình nếu có quy định.";

/// A document of the dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// Tờ trình đề nghị xét, công nhận.
    SubmissionLetter,
    /// Báo cáo kết quả xây dựng NTM.
    ResultsReport,
    /// Báo cáo tổng hợp ý kiến tham gia của MTTQ, tổ chức CT-XH và Nhân dân.
    CommentsSummary,
    /// Báo cáo của Ủy ban MTTQ về kết quả lấy ý kiến sự hài lòng của người dân.
    SatisfactionReport,
    /// Biên bản cuộc họp đề nghị xét, công nhận.
    MeetingMinutes,
    /// Báo cáo tình hình nợ đọng xây dựng cơ bản.
    CapitalDebtReport,
    /// Hình ảnh minh họa.
    Photos,
    /// Báo cáo thẩm tra.
    ReviewReport,
    /// Báo cáo thẩm định.
    AppraisalReport,
}

impl DocumentKind {
    pub fn name_vi(self) -> &'static str {
        match self {
            DocumentKind::SubmissionLetter => "Tờ trình đề nghị xét, công nhận",
            DocumentKind::ResultsReport => "Báo cáo kết quả xây dựng nông thôn mới",
            DocumentKind::CommentsSummary => {
                "Báo cáo tổng hợp ý kiến tham gia của Ủy ban MTTQ, các tổ chức chính trị - xã hội và Nhân dân"
            }
            DocumentKind::SatisfactionReport => {
                "Báo cáo của Ủy ban MTTQ Việt Nam về kết quả lấy ý kiến sự hài lòng của người dân"
            }
            DocumentKind::MeetingMinutes => "Biên bản cuộc họp đề nghị xét, công nhận",
            DocumentKind::CapitalDebtReport => "Báo cáo tình hình nợ đọng xây dựng cơ bản",
            DocumentKind::Photos => "Hình ảnh minh họa",
            DocumentKind::ReviewReport => "Báo cáo thẩm tra",
            DocumentKind::AppraisalReport => "Báo cáo thẩm định",
        }
    }
}

/// A document a step needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentSpec {
    pub kind: DocumentKind,
    pub name_vi: String,
    /// Required for the step's action to pass; `false` = only if the province asks.
    pub required: bool,
    pub basis: Basis,
}

/// One step of the procedure for one kind of dossier and one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub kind: StepKind,
    /// Level of the body that acts.
    pub level: Level,
    /// Platform role that performs (or records) the step.
    pub role: Role,
    /// The legal body that acts (Vietnamese).
    pub body_vi: String,
    /// When the body is outside the platform (a ministry, the Prime Minister), the role above
    /// only records its act.
    pub recorded_for: Option<String>,
    pub time_limit: TimeLimit,
    pub documents: Vec<DocumentSpec>,
    /// Basis of the step itself (that it exists, who acts, its place in the order).
    pub basis: Basis,
}

/// Satisfaction rate required for recognition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SatisfactionThreshold {
    /// Whole percent; the rate must be ≥ this value (exact comparison on the fraction).
    pub percent: u32,
    /// Minimum rate in every commune for every content (districts: 80 %), if any.
    pub per_commune_content_percent: Option<u32>,
    pub confirmed: bool,
    pub basis: Basis,
}

/// The procedure for one kind of dossier in one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Procedure {
    pub kind: DossierKind,
    pub period: Period,
    /// Steps in order.
    pub steps: Vec<Step>,
    /// `None` = not known: recognition is refused until a province configures it.
    pub satisfaction: Option<SatisfactionThreshold>,
    pub satisfaction_note: String,
    /// General caveats shown with the procedure.
    pub notes: Vec<String>,
}

/// Refusals when building a procedure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProcedureError {
    #[error(
        "cấp huyện không còn từ 01/07/2025: không lập hồ sơ {0:?} cho ngày {1} (district level abolished)"
    )]
    DistrictLevelAbolished(DossierKind, Date),
    #[error("bước {0:?} không có trong quy trình này")]
    NoSuchStep(StepKind),
    #[error("cần nêu căn cứ của giá trị cấu hình (basis must not be empty)")]
    EmptyBasis,
}

fn doc(kind: DocumentKind, required: bool, basis: Basis) -> DocumentSpec {
    DocumentSpec {
        kind,
        name_vi: kind.name_vi().to_owned(),
        required,
        basis,
    }
}

fn step(
    kind: StepKind,
    level: Level,
    role: Role,
    body_vi: &str,
    basis: Basis,
    time_limit: TimeLimit,
    documents: Vec<DocumentSpec>,
) -> Step {
    Step {
        kind,
        level,
        role,
        body_vi: body_vi.to_owned(),
        recorded_for: None,
        time_limit,
        documents,
        basis,
    }
}

const DOSSIER_NOTE: &str = "Thành phần hồ sơ chưa được xác nhận (procedures-18-2022.md §6: \
     by analogy with QĐ 2540/2016 and 2022-2023 local practice).";

fn posting_limit() -> TimeLimit {
    TimeLimit {
        days: Some(15),
        unit: DayUnit::CalendarDays,
        kind: LimitKind::Minimum,
        confirmed: false,
        basis: Basis::sourced(SOURCE_DIEU_5),
        note: "15 ngày công khai, ít nhất 5 lần phát thanh (Điều 5, [C]); đơn vị ngày (ngày \
               làm việc hay ngày lịch) chưa xác nhận: tính theo ngày lịch, là cách hiểu ngắn \
               nhất."
            .to_owned(),
    }
}

fn submission_documents(level: Level) -> Vec<DocumentSpec> {
    let u = || Basis::unconfirmed(DOSSIER_NOTE);
    let mut docs = vec![
        doc(DocumentKind::SubmissionLetter, true, u()),
        doc(DocumentKind::ResultsReport, true, u()),
        doc(DocumentKind::CommentsSummary, true, u()),
        doc(DocumentKind::SatisfactionReport, true, u()),
        doc(DocumentKind::MeetingMinutes, true, u()),
    ];
    if level == Level::Commune {
        docs.push(doc(DocumentKind::CapitalDebtReport, true, u()));
        docs.push(doc(DocumentKind::Photos, false, u()));
    }
    docs
}

impl Procedure {
    /// The procedure for a dossier of `kind` dated `dossier_date` (the date that picks the
    /// period).
    pub fn for_dossier(kind: DossierKind, dossier_date: Date) -> Result<Procedure, ProcedureError> {
        let period = Period::for_date(dossier_date);
        match (kind.level(), period) {
            (Level::District, Period::FromJuly2025) => {
                Err(ProcedureError::DistrictLevelAbolished(kind, dossier_date))
            }
            (Level::District, Period::UntilJune2025) => Ok(district_track(kind)),
            _ => Ok(commune_track(kind, period)),
        }
    }

    pub fn step(&self, kind: StepKind) -> Option<&Step> {
        self.steps.iter().find(|s| s.kind == kind)
    }

    pub fn has_step(&self, kind: StepKind) -> bool {
        self.step(kind).is_some()
    }

    /// A province's own time limit for a step, with the basis it cites (e.g. its decision).
    pub fn with_time_limit(
        mut self,
        kind: StepKind,
        days: u32,
        unit: DayUnit,
        basis: &str,
    ) -> Result<Procedure, ProcedureError> {
        if basis.trim().is_empty() {
            return Err(ProcedureError::EmptyBasis);
        }
        let s = self
            .steps
            .iter_mut()
            .find(|s| s.kind == kind)
            .ok_or(ProcedureError::NoSuchStep(kind))?;
        let kind_of_limit = s.time_limit.kind;
        s.time_limit = TimeLimit {
            days: Some(days),
            unit,
            kind: kind_of_limit,
            confirmed: true,
            basis: Basis::Configured {
                basis: basis.to_owned(),
            },
            note: format!("Cấu hình theo: {basis}"),
        };
        Ok(self)
    }

    /// A satisfaction threshold entered by a province (communes: the value is set by
    /// QĐ 318/319 and was not confirmed in the research notes).
    pub fn with_satisfaction_threshold(
        mut self,
        percent: u32,
        basis: &str,
    ) -> Result<Procedure, ProcedureError> {
        if basis.trim().is_empty() {
            return Err(ProcedureError::EmptyBasis);
        }
        let per_commune = self
            .satisfaction
            .as_ref()
            .and_then(|t| t.per_commune_content_percent);
        self.satisfaction = Some(SatisfactionThreshold {
            percent: percent.min(100),
            per_commune_content_percent: per_commune,
            confirmed: true,
            basis: Basis::Configured {
                basis: basis.to_owned(),
            },
        });
        Ok(self)
    }

    /// Everything in this procedure that is not confirmed by a source, for display.
    pub fn unconfirmed_items(&self) -> Vec<String> {
        let mut out = Vec::new();
        for s in &self.steps {
            if !s.basis.is_sourced() {
                out.push(format!("{}: bước/vai trò chưa xác nhận", s.kind.name_vi()));
            }
            if !s.time_limit.confirmed {
                out.push(format!("{}: {}", s.kind.name_vi(), s.time_limit.note));
            }
            for d in &s.documents {
                if !d.basis.is_sourced() && !matches!(d.basis, Basis::Configured { .. }) {
                    out.push(format!("{}: {} chưa xác nhận", s.kind.name_vi(), d.name_vi));
                }
            }
        }
        match &self.satisfaction {
            Some(t) if t.confirmed => {}
            _ => out.push(format!("Ngưỡng hài lòng: {}", self.satisfaction_note)),
        }
        out.extend(self.notes.iter().cloned());
        out
    }
}

fn commune_track(kind: DossierKind, period: Period) -> Procedure {
    let commune_body = "UBND xã";
    let mut steps = vec![
        step(
            StepKind::Preparation,
            Level::Commune,
            Role::CommuneOfficer,
            commune_body,
            Basis::sourced(SOURCE_DIEU_5),
            TimeLimit::unknown(NO_LIMIT_NOTE),
            vec![doc(
                DocumentKind::ResultsReport,
                true,
                Basis::sourced(SOURCE_DIEU_5),
            )],
        ),
        step(
            StepKind::PublicPosting,
            Level::Commune,
            Role::CommuneOfficer,
            "UBND xã (trụ sở UBND xã, nhà văn hóa thôn, hệ thống truyền thanh xã)",
            Basis::sourced(SOURCE_DIEU_5),
            posting_limit(),
            vec![],
        ),
        step(
            StepKind::Submission,
            Level::Commune,
            Role::CommuneOfficer,
            commune_body,
            Basis::unconfirmed("Bước X5 (lập hồ sơ trình) [U] trong procedures-18-2022.md."),
            TimeLimit::unknown(NO_LIMIT_NOTE),
            submission_documents(Level::Commune),
        ),
    ];
    if period == Period::UntilJune2025 {
        steps.push(step(
            StepKind::Review,
            Level::District,
            Role::DistrictOfficer,
            "UBND huyện (cơ quan thường trực: Phòng NN&PTNT hoặc Phòng Kinh tế, VPĐP NTM huyện)",
            Basis::Sourced {
                source: format!("{SOURCE_CAO_LANH} ; {SOURCE_THUY_NGUYEN}"),
            },
            TimeLimit::unknown(NO_LIMIT_NOTE),
            vec![doc(
                DocumentKind::ReviewReport,
                true,
                Basis::sourced(SOURCE_CAO_LANH),
            )],
        ));
    }
    let appraisal_basis = match period {
        Period::UntilJune2025 => Basis::sourced(SOURCE_CAO_LANH),
        Period::FromJuly2025 => Basis::Unconfirmed {
            note: format!(
                "Thẩm định trực tiếp bởi Hội đồng thẩm định tỉnh (thực tiễn [C]: {SOURCE_VINH_LONG_2025}); \
                 văn bản thay thế bước thẩm tra của huyện chưa được đọc [U]."
            ),
        },
    };
    steps.push(step(
        StepKind::Appraisal,
        Level::Province,
        Role::ProvinceOfficer,
        "UBND tỉnh (Hội đồng thẩm định tỉnh; cơ quan thường trực: Sở NN&PTNT / Sở NN&MT, VPĐP NTM tỉnh)",
        appraisal_basis,
        TimeLimit::unknown(NO_LIMIT_NOTE),
        vec![doc(
            DocumentKind::AppraisalReport,
            true,
            Basis::unconfirmed("Báo cáo thẩm định (procedures-18-2022.md §3 T1, §6)."),
        )],
    ));
    let chair = "Chủ tịch UBND tỉnh";
    let recognise_basis =
        Basis::unconfirmed("Chủ tịch UBND tỉnh công nhận [U] (procedures-18-2022.md §1, T2).");
    steps.push(step(
        StepKind::Decision,
        Level::Province,
        Role::ProvinceOfficer,
        chair,
        recognise_basis.clone(),
        TimeLimit::unknown(NO_LIMIT_NOTE),
        vec![],
    ));
    steps.push(step(
        StepKind::Publication,
        Level::Province,
        Role::ProvinceOfficer,
        chair,
        recognise_basis,
        TimeLimit::unknown(NO_LIMIT_NOTE),
        vec![],
    ));
    steps.push(step(
        StepKind::Revocation,
        Level::Province,
        Role::ProvinceOfficer,
        chair,
        Basis::Unconfirmed {
            note: format!(
                "Điều kiện thu hồi [C] ({SOURCE_REVOCATION}); trình tự thu hồi và người thu hồi chưa đọc [U]."
            ),
        },
        TimeLimit::unknown(NO_LIMIT_NOTE),
        vec![],
    ));
    let mut notes = vec![
        "Không có thời hạn (số ngày) nào của quy trình được xác nhận, trừ 15 ngày công khai báo cáo của xã."
            .to_owned(),
    ];
    if period == Period::FromJuly2025 {
        notes.push(
            "Từ 01/07/2025 không còn cấp huyện: tỉnh thẩm định trực tiếp hồ sơ của xã. Chưa tìm \
             thấy văn bản thay thế QĐ 18/2022 cho giai đoạn 2026-2030 (mô hình làm việc, [U])."
                .to_owned(),
        );
    }
    Procedure {
        kind,
        period,
        steps,
        satisfaction: None,
        satisfaction_note: "Ngưỡng tỷ lệ hài lòng cấp xã do QĐ 318/319 quy định, chưa xác nhận \
                            (procedures-18-2022.md §5): tỉnh cấu hình kèm căn cứ."
            .to_owned(),
        notes,
    }
}

fn district_track(kind: DossierKind) -> Procedure {
    let u = |n: &str| Basis::unconfirmed(n);
    let district_note = "Trình tự cấp huyện phần lớn chưa xác nhận (procedures-18-2022.md §4).";
    let mut appraisal = step(
        StepKind::Appraisal,
        Level::Province,
        Role::ProvinceOfficer,
        "Bộ NN&PTNT (Hội đồng thẩm định trung ương)",
        u(district_note),
        TimeLimit::unknown(NO_LIMIT_NOTE),
        vec![doc(DocumentKind::AppraisalReport, true, u(district_note))],
    );
    appraisal.recorded_for = Some("Bộ NN&PTNT".to_owned());
    let mut decision = step(
        StepKind::Decision,
        Level::Province,
        Role::ProvinceOfficer,
        "Thủ tướng Chính phủ",
        Basis::sourced(SOURCE_PM_RECOGNISES_DISTRICTS),
        TimeLimit::unknown(NO_LIMIT_NOTE),
        vec![],
    );
    decision.recorded_for = Some("Thủ tướng Chính phủ".to_owned());
    let mut publication = decision.clone();
    publication.kind = StepKind::Publication;
    publication.basis = u(district_note);
    let mut revocation = publication.clone();
    revocation.kind = StepKind::Revocation;
    revocation.basis = Basis::Unconfirmed {
        note: format!(
            "Điều kiện thu hồi huyện [C] ({SOURCE_REVOCATION}); trình tự thu hồi chưa đọc [U]."
        ),
    };
    let steps = vec![
        step(
            StepKind::Preparation,
            Level::District,
            Role::DistrictOfficer,
            "UBND huyện",
            u(district_note),
            TimeLimit::unknown(NO_LIMIT_NOTE),
            vec![doc(DocumentKind::ResultsReport, true, u(district_note))],
        ),
        step(
            StepKind::PublicPosting,
            Level::District,
            Role::DistrictOfficer,
            "UBND huyện",
            u(district_note),
            TimeLimit::unknown(NO_LIMIT_NOTE),
            vec![],
        ),
        step(
            StepKind::Submission,
            Level::District,
            Role::DistrictOfficer,
            "UBND huyện",
            u(district_note),
            TimeLimit::unknown(NO_LIMIT_NOTE),
            submission_documents(Level::District),
        ),
        step(
            StepKind::Review,
            Level::Province,
            Role::ProvinceOfficer,
            "UBND tỉnh",
            u("UBND tỉnh thẩm tra hồ sơ huyện: thực tiễn theo QĐ 2540 [C], theo QĐ 18 [U]."),
            TimeLimit::unknown(NO_LIMIT_NOTE),
            vec![doc(DocumentKind::ReviewReport, true, u(district_note))],
        ),
        appraisal,
        decision,
        publication,
        revocation,
    ];
    let (satisfaction, satisfaction_note) = match kind {
        DossierKind::DistrictNtm => (
            Some(SatisfactionThreshold {
                percent: 90,
                per_commune_content_percent: Some(80),
                confirmed: true,
                basis: Basis::sourced(SOURCE_DISTRICT_SATISFACTION),
            }),
            "≥ 90 % toàn huyện và ≥ 80 % ở từng xã cho từng nội dung (QĐ 320 Phụ lục I, [C])."
                .to_owned(),
        ),
        _ => (
            None,
            "Ngưỡng hài lòng huyện NTM nâng cao chưa đọc (có thể ≥ 90 %, cần xác minh).".to_owned(),
        ),
    };
    Procedure {
        kind,
        period: Period::UntilJune2025,
        steps,
        satisfaction,
        satisfaction_note,
        notes: vec![
            "Thẩm định của Bộ và quyết định của Thủ tướng được cán bộ tỉnh ghi nhận trên nền tảng."
                .to_owned(),
        ],
    }
}

/// Counts for the revocation conditions of the 2021-2025 criteria sets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevocationFacts {
    pub criteria_total: u32,
    /// Criteria no longer met.
    pub criteria_failed: u32,
    /// Whether one of the failed criteria is "critical" (communes: Thu nhập; Môi trường và an
    /// toàn thực phẩm; Môi trường; Chất lượng môi trường sống; Quốc phòng và An ninh —
    /// districts: Kinh tế; Môi trường; Chất lượng môi trường sống; Hệ thống chính trị - An
    /// ninh, trật tự - Hành chính công). The caller matches names in its criteria set.
    pub critical_failed: bool,
    /// Districts only: communes of the district, and those whose recognition was revoked.
    pub communes_total: u32,
    pub communes_revoked: u32,
}

/// Whether the revocation conditions of QĐ 18/2022 hold ([C], `SOURCE_REVOCATION`), for a
/// unit recognised under the **2021-2025** sets: ≥ 50 % of criteria failed, or ≥ 30 % with a
/// critical one; for a district also ≥ 30 % of its communes revoked. No rule for the
/// 2026-2030 set was found: do not use this for QĐ 51/2025 recognitions.
pub fn revocation_grounds_2021_2025(level: Level, f: &RevocationFacts) -> bool {
    let share_at_least = |part: u32, total: u32, pct: u64| {
        total > 0 && u64::from(part) * 100 >= pct * u64::from(total)
    };
    let failed50 = share_at_least(f.criteria_failed, f.criteria_total, 50);
    let failed30 = share_at_least(f.criteria_failed, f.criteria_total, 30);
    let criteria = failed50 || (failed30 && f.critical_failed);
    match level {
        Level::District => criteria || share_at_least(f.communes_revoked, f.communes_total, 30),
        _ => criteria,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revocation_conditions() {
        let c = |failed, critical| RevocationFacts {
            criteria_total: 19,
            criteria_failed: failed,
            critical_failed: critical,
            ..RevocationFacts::default()
        };
        // 19 criteria: 30 % = 5,7 → 6 failed; 50 % = 9,5 → 10 failed.
        assert!(!revocation_grounds_2021_2025(Level::Commune, &c(5, true)));
        assert!(revocation_grounds_2021_2025(Level::Commune, &c(6, true)));
        assert!(!revocation_grounds_2021_2025(Level::Commune, &c(9, false)));
        assert!(revocation_grounds_2021_2025(Level::Commune, &c(10, false)));
        let d = RevocationFacts {
            criteria_total: 9,
            communes_total: 10,
            communes_revoked: 3,
            ..RevocationFacts::default()
        };
        assert!(revocation_grounds_2021_2025(Level::District, &d));
        assert!(!revocation_grounds_2021_2025(Level::Commune, &d));
    }

    #[test]
    fn period_boundary() {
        assert_eq!(
            Period::for_date(date!(2025 - 06 - 30)),
            Period::UntilJune2025
        );
        assert_eq!(Period::for_date(TWO_TIER_FROM), Period::FromJuly2025);
    }

    #[test]
    fn commune_chains_differ_by_period() {
        let old = Procedure::for_dossier(DossierKind::CommuneNtm, date!(2024 - 05 - 01)).unwrap();
        let new = Procedure::for_dossier(DossierKind::CommuneNtm, date!(2025 - 09 - 01)).unwrap();
        let review = old.step(StepKind::Review).unwrap();
        assert_eq!(review.role, Role::DistrictOfficer);
        assert_eq!(review.level, Level::District);
        assert!(!new.has_step(StepKind::Review));
        assert_eq!(
            new.step(StepKind::Appraisal).unwrap().role,
            Role::ProvinceOfficer
        );
        assert!(!new.steps.iter().any(|s| s.level == Level::District));
    }

    #[test]
    fn only_posting_has_days_and_it_is_not_fully_confirmed() {
        for kind in DossierKind::ALL {
            let p = Procedure::for_dossier(kind, date!(2024 - 05 - 01)).unwrap();
            for s in &p.steps {
                if kind.level() == Level::Commune && s.kind == StepKind::PublicPosting {
                    assert_eq!(s.time_limit.days, Some(15));
                    assert_eq!(s.time_limit.kind, LimitKind::Minimum);
                    assert!(!s.time_limit.confirmed);
                } else {
                    assert_eq!(s.time_limit.days, None, "{kind:?} {:?}", s.kind);
                    assert!(!s.time_limit.confirmed);
                }
            }
            assert!(!p.unconfirmed_items().is_empty());
        }
    }

    #[test]
    fn satisfaction_thresholds_with_provenance() {
        let d = Procedure::for_dossier(DossierKind::DistrictNtm, date!(2024 - 05 - 01)).unwrap();
        let t = d.satisfaction.unwrap();
        assert_eq!((t.percent, t.per_commune_content_percent), (90, Some(80)));
        assert!(t.basis.is_sourced());
        let c = Procedure::for_dossier(DossierKind::CommuneNtm, date!(2024 - 05 - 01)).unwrap();
        assert!(c.satisfaction.is_none());
        let c = c
            .with_satisfaction_threshold(95, "QĐ .../QĐ-UBND tỉnh X")
            .unwrap();
        assert_eq!(c.satisfaction.unwrap().percent, 95);
    }

    #[test]
    fn district_dossiers_end_with_the_district_level() {
        assert!(matches!(
            Procedure::for_dossier(DossierKind::DistrictNtm, TWO_TIER_FROM),
            Err(ProcedureError::DistrictLevelAbolished(..))
        ));
    }

    #[test]
    fn configured_limits_need_a_basis_and_a_step() {
        let p = Procedure::for_dossier(DossierKind::CommuneNtm, date!(2025 - 09 - 01)).unwrap();
        assert_eq!(
            p.clone()
                .with_time_limit(StepKind::Review, 10, DayUnit::WorkingDays, "x"),
            Err(ProcedureError::NoSuchStep(StepKind::Review))
        );
        assert_eq!(
            p.clone()
                .with_time_limit(StepKind::Appraisal, 10, DayUnit::WorkingDays, " "),
            Err(ProcedureError::EmptyBasis)
        );
        let p = p
            .with_time_limit(StepKind::Appraisal, 20, DayUnit::WorkingDays, "QĐ tỉnh")
            .unwrap();
        let l = &p.step(StepKind::Appraisal).unwrap().time_limit;
        assert_eq!((l.days, l.confirmed), (Some(20), true));
    }
}
