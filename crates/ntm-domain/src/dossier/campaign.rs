//! Survey campaigns (đợt lấy ý kiến sự hài lòng của người dân): one per unit (a commune,
//! normally; a district is allowed), criteria set and year, with a questionnaire, an
//! opening window in Vietnam time and a status.
//!
//! Rules here:
//! - The questionnaire has ONE main question that decides "satisfied" / "not satisfied"
//!   (what [`super::survey::SatisfactionRate`] counts), plus optional extra questions (a
//!   choice among options, or free text). The default is a *suggested template*
//!   [U: the form of Hướng dẫn 90/HD-MTTW-BTT (2022) was not read]; officers edit it before
//!   opening.
//! - A campaign is edited only while it is a draft. Opening publishes it; answers are
//!   accepted when it is open AND now is inside `[opens_at, closes_at)`. Closing is final.
//! - Short public codes: 6 Crockford base32 characters from random bytes given by the caller.
//! - Phone numbers are normalized here (Vietnamese numbers: `0` + 9 digits, `+84`/`84`
//!   accepted) so that the same number always gives the same salted hash (hashing is the
//!   application's job).
//!
//! Pure: ids, "now" and random bytes are passed in.

use serde::{Deserialize, Serialize};
use time::{OffsetDateTime, UtcOffset};

use super::survey::{Answer, ContentAnswer};

/// Vietnam's time zone (UTC+7, no daylight saving).
pub const VN_OFFSET: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

pub const MAX_TITLE: usize = 200;
pub const MAX_QUESTION: usize = 500;
pub const MAX_EXTRA_QUESTIONS: usize = 10;
pub const MAX_OPTIONS: usize = 10;
pub const MAX_OPTION: usize = 120;
/// Most contents of NTM building on one form.
pub const MAX_CONTENTS: usize = 20;
/// Longest free-text answer kept.
pub const MAX_FREE_TEXT: usize = 1000;

/// Where a campaign is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignStatus {
    /// Being prepared: editable, not visible to answer.
    Draft,
    /// Published: answers accepted inside the window.
    Open,
    /// Closed by an officer: final.
    Closed,
}

impl CampaignStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CampaignStatus::Draft => "draft",
            CampaignStatus::Open => "open",
            CampaignStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<CampaignStatus> {
        match s {
            "draft" => Some(CampaignStatus::Draft),
            "open" => Some(CampaignStatus::Open),
            "closed" => Some(CampaignStatus::Closed),
            _ => None,
        }
    }
}

/// One optional question after the main one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtraQuestion {
    pub text: String,
    /// Choices; empty for a free-text answer.
    pub options: Vec<String>,
}

/// The form: the main question (satisfied / not satisfied) and optional extra questions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Questionnaire {
    pub main_question: String,
    pub satisfied_label: String,
    pub not_satisfied_label: String,
    pub extra: Vec<ExtraQuestion>,
    /// Contents of NTM building (nội dung xây dựng NTM, e.g. "Giao thông"), each answered
    /// satisfied / not satisfied with the same two labels. None by default: the officer types
    /// them (no legal list was found in our sources). A district campaign needs them for the
    /// rule "≥ 80 % ở từng xã đối với từng nội dung" (QĐ 320, Phụ lục I).
    #[serde(default)]
    pub contents: Vec<String>,
}

impl Questionnaire {
    /// The suggested template (editable before opening).
    pub fn suggested() -> Questionnaire {
        Questionnaire {
            main_question: "Ông/Bà có hài lòng với kết quả xây dựng nông thôn mới ở địa phương \
                            mình không?"
                .into(),
            satisfied_label: "Hài lòng".into(),
            not_satisfied_label: "Chưa hài lòng".into(),
            extra: vec![
                ExtraQuestion {
                    text: "Ông/Bà hài lòng nhất với việc gì?".into(),
                    options: vec![
                        "Đường giao thông".into(),
                        "Điện, nước sạch".into(),
                        "Trường học, trạm y tế".into(),
                        "Môi trường, cảnh quan".into(),
                        "An ninh, trật tự".into(),
                        "Thu nhập, việc làm".into(),
                    ],
                },
                ExtraQuestion {
                    text: "Ông/Bà có góp ý gì thêm không?".into(),
                    options: vec![],
                },
            ],
            contents: Vec::new(),
        }
    }

    /// The contents as editable text: one per line.
    pub fn contents_as_text(&self) -> String {
        self.contents.join("\n")
    }

    /// Reads [`Questionnaire::contents_as_text`]'s format back (blank lines skipped).
    pub fn parse_contents(text: &str) -> Vec<String> {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// The extra questions as editable text: one question per line, options after `|`.
    pub fn extra_as_text(&self) -> String {
        self.extra
            .iter()
            .map(|q| {
                let mut s = q.text.clone();
                for o in &q.options {
                    s.push_str(" | ");
                    s.push_str(o);
                }
                s
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Reads [`Questionnaire::extra_as_text`]'s format back (blank lines skipped).
    pub fn parse_extra(text: &str) -> Vec<ExtraQuestion> {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| {
                let mut parts = l.split('|').map(str::trim);
                let text = parts.next().unwrap_or_default().to_owned();
                let options = parts.filter(|p| !p.is_empty()).map(str::to_owned).collect();
                ExtraQuestion { text, options }
            })
            .collect()
    }
}

/// What an officer sets on a campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignDraft {
    pub title: String,
    pub questionnaire: Questionnaire,
    pub opens_at: OffsetDateTime,
    pub closes_at: OffsetDateTime,
}

/// A problem with one field of a campaign.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct CampaignFieldError {
    pub field: &'static str,
    pub message: String,
}

fn field(field: &'static str, message: impl Into<String>) -> CampaignFieldError {
    CampaignFieldError {
        field,
        message: message.into(),
    }
}

/// Trims the texts and checks every field; all problems at once.
pub fn validate_draft(d: &CampaignDraft) -> Result<CampaignDraft, Vec<CampaignFieldError>> {
    let mut errors = Vec::new();
    let title = d.title.trim().to_owned();
    if title.is_empty() {
        errors.push(field("title", "cần nhập tên đợt lấy ý kiến"));
    } else if title.chars().count() > MAX_TITLE {
        errors.push(field("title", format!("tối đa {MAX_TITLE} ký tự")));
    }
    let q = &d.questionnaire;
    let main = q.main_question.trim().to_owned();
    if main.is_empty() {
        errors.push(field(
            "main_question",
            "cần câu hỏi chính (hài lòng / chưa hài lòng)",
        ));
    } else if main.chars().count() > MAX_QUESTION {
        errors.push(field(
            "main_question",
            format!("tối đa {MAX_QUESTION} ký tự"),
        ));
    }
    let yes = q.satisfied_label.trim().to_owned();
    let no = q.not_satisfied_label.trim().to_owned();
    if yes.is_empty() || no.is_empty() {
        errors.push(field("labels", "cần nhãn cho cả hai lựa chọn"));
    } else if yes == no {
        errors.push(field("labels", "hai lựa chọn phải khác nhau"));
    } else if yes.chars().count() > MAX_OPTION || no.chars().count() > MAX_OPTION {
        errors.push(field("labels", format!("tối đa {MAX_OPTION} ký tự")));
    }
    if q.extra.len() > MAX_EXTRA_QUESTIONS {
        errors.push(field(
            "extra",
            format!("tối đa {MAX_EXTRA_QUESTIONS} câu hỏi thêm"),
        ));
    }
    let mut extra = Vec::new();
    for (i, e) in q.extra.iter().enumerate() {
        let text = e.text.trim().to_owned();
        let n = i + 1;
        if text.is_empty() {
            errors.push(field("extra", format!("câu thêm {n}: thiếu nội dung")));
        } else if text.chars().count() > MAX_QUESTION {
            errors.push(field(
                "extra",
                format!("câu thêm {n}: tối đa {MAX_QUESTION} ký tự"),
            ));
        }
        let options: Vec<String> = e
            .options
            .iter()
            .map(|o| o.trim().to_owned())
            .filter(|o| !o.is_empty())
            .collect();
        if options.len() == 1 {
            errors.push(field(
                "extra",
                format!("câu thêm {n}: cần ít nhất 2 lựa chọn (hoặc không có lựa chọn nào)"),
            ));
        }
        if options.len() > MAX_OPTIONS {
            errors.push(field(
                "extra",
                format!("câu thêm {n}: tối đa {MAX_OPTIONS} lựa chọn"),
            ));
        }
        if options.iter().any(|o| o.chars().count() > MAX_OPTION) {
            errors.push(field(
                "extra",
                format!("câu thêm {n}: lựa chọn tối đa {MAX_OPTION} ký tự"),
            ));
        }
        extra.push(ExtraQuestion { text, options });
    }
    let contents: Vec<String> = q
        .contents
        .iter()
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect();
    if contents.len() > MAX_CONTENTS {
        errors.push(field("contents", format!("tối đa {MAX_CONTENTS} nội dung")));
    }
    if contents.iter().any(|c| c.chars().count() > MAX_OPTION) {
        errors.push(field(
            "contents",
            format!("mỗi nội dung tối đa {MAX_OPTION} ký tự"),
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    if let Some(dup) = contents
        .iter()
        .find(|c| !seen.insert(crate::text::search_key(c)))
    {
        errors.push(field("contents", format!("nội dung \"{dup}\" bị trùng")));
    }
    if d.closes_at <= d.opens_at {
        errors.push(field("closes_at", "thời điểm đóng phải sau thời điểm mở"));
    }
    if errors.is_empty() {
        Ok(CampaignDraft {
            title,
            questionnaire: Questionnaire {
                main_question: main,
                satisfied_label: yes,
                not_satisfied_label: no,
                extra,
                contents,
            },
            opens_at: d.opens_at,
            closes_at: d.closes_at,
        })
    } else {
        Err(errors)
    }
}

/// Whether answers are accepted now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// A draft, or open but before `opens_at`.
    NotYetOpen,
    Accepting,
    /// Closed by an officer, or past `closes_at`.
    Closed,
}

/// The phase of a campaign at `now`.
pub fn phase(
    status: CampaignStatus,
    opens_at: OffsetDateTime,
    closes_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Phase {
    match status {
        CampaignStatus::Draft => Phase::NotYetOpen,
        CampaignStatus::Closed => Phase::Closed,
        CampaignStatus::Open if now < opens_at => Phase::NotYetOpen,
        CampaignStatus::Open if now >= closes_at => Phase::Closed,
        CampaignStatus::Open => Phase::Accepting,
    }
}

/// Refusals of a status change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StatusError {
    #[error("đợt lấy ý kiến đã mở hoặc đã đóng: không sửa được nữa")]
    NotEditable,
    #[error("chỉ mở được đợt đang soạn")]
    NotDraft,
    #[error("đợt lấy ý kiến đã đóng")]
    AlreadyClosed,
    #[error("thời điểm đóng đã qua: sửa thời gian trước khi mở")]
    WindowPast,
}

/// May the campaign be edited?
pub fn check_editable(status: CampaignStatus) -> Result<(), StatusError> {
    match status {
        CampaignStatus::Draft => Ok(()),
        _ => Err(StatusError::NotEditable),
    }
}

/// Opening a draft (the window must not be over already).
pub fn check_open(
    status: CampaignStatus,
    closes_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<(), StatusError> {
    if status != CampaignStatus::Draft {
        return Err(StatusError::NotDraft);
    }
    if closes_at <= now {
        return Err(StatusError::WindowPast);
    }
    Ok(())
}

/// Closing a draft or an open campaign (final).
pub fn check_close(status: CampaignStatus) -> Result<(), StatusError> {
    match status {
        CampaignStatus::Closed => Err(StatusError::AlreadyClosed),
        _ => Ok(()),
    }
}

/// Crockford base32 alphabet (no I, L, O, U), as for tokens.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
pub const CODE_LEN: usize = 6;

/// A short public code (6 characters, 30 bits) from 4 random bytes.
pub fn make_code(random: [u8; 4]) -> String {
    let mut bits = u32::from_be_bytes(random) >> 2;
    let mut out = [0u8; CODE_LEN];
    for c in out.iter_mut().rev() {
        *c = ALPHABET[(bits & 31) as usize];
        bits >>= 5;
    }
    out.iter().map(|&b| char::from(b)).collect()
}

/// A typed short code in canonical form (upper case, O→0, I/L→1), or `None`.
pub fn normalize_code(s: &str) -> Option<String> {
    let s = s.trim();
    if s.chars().count() != CODE_LEN {
        return None;
    }
    s.chars()
        .map(|c| match c.to_ascii_uppercase() {
            'O' => Some('0'),
            'I' | 'L' => Some('1'),
            c if ALPHABET.contains(&(c as u8)) && c.is_ascii() => Some(c),
            _ => None,
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("số điện thoại không hợp lệ (ví dụ: 0912 345 678)")]
    Invalid,
}

/// A Vietnamese phone number as `0` + 9 digits: spaces, dots, dashes and parentheses are
/// ignored; `+84…` and `84…` (11 digits) become `0…`.
pub fn normalize_phone(s: &str) -> Result<String, PhoneError> {
    let mut digits = String::new();
    for (i, c) in s.trim().chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '.' | '-' | '(' | ')' => {}
            '+' if i == 0 => {}
            _ => return Err(PhoneError::Invalid),
        }
    }
    let local = if digits.len() == 11 && digits.starts_with("84") {
        format!("0{}", &digits[2..])
    } else {
        digits
    };
    if local.len() == 10 && local.starts_with('0') && !local.starts_with("00") {
        Ok(local)
    } else {
        Err(PhoneError::Invalid)
    }
}

/// One answer's content checked against the questionnaire: extra answers are an option of
/// the question (or empty), or free text (trimmed, cut to [`MAX_FREE_TEXT`]).
pub fn check_extra_answers(q: &Questionnaire, given: &[String]) -> Result<Vec<String>, usize> {
    let mut out = Vec::with_capacity(q.extra.len());
    for (i, question) in q.extra.iter().enumerate() {
        let a = given.get(i).map(|s| s.trim()).unwrap_or_default();
        if a.is_empty() {
            out.push(String::new());
        } else if question.options.is_empty() {
            out.push(a.chars().take(MAX_FREE_TEXT).collect());
        } else if question.options.iter().any(|o| o == a) {
            out.push(a.to_owned());
        } else {
            return Err(i);
        }
    }
    Ok(out)
}

/// A citizen's content answers checked against the questionnaire: one value per content,
/// `satisfied`, `not_satisfied` or empty (blank); anything else gives the content's index.
pub fn check_content_answers(
    q: &Questionnaire,
    given: &[String],
) -> Result<Vec<ContentAnswer>, usize> {
    (0..q.contents.len())
        .map(
            |i| match given.get(i).map(|s| s.trim()).unwrap_or_default() {
                "" => Ok(ContentAnswer::Blank),
                "satisfied" => Ok(ContentAnswer::Satisfied),
                "not_satisfied" => Ok(ContentAnswer::NotSatisfied),
                _ => Err(i),
            },
        )
        .collect()
}

/// A content cell of a paper form: like [`parse_paper_answer`], and blank (or `-`) is a
/// content left blank.
pub fn parse_paper_content(s: &str) -> Option<ContentAnswer> {
    if s.trim().is_empty() {
        return Some(ContentAnswer::Blank);
    }
    parse_paper_answer(s).map(|a| match a {
        Answer::Satisfied => ContentAnswer::Satisfied,
        Answer::NotSatisfied => ContentAnswer::NotSatisfied,
        Answer::Invalid => ContentAnswer::Blank,
    })
}

/// An answer cell of a paper form: "1"/"hài lòng"/"x" style values.
/// Satisfied: `1`, `hài lòng`, `hai long`, `co`, `có`, `yes`; not satisfied: `0`, `2`,
/// `chưa hài lòng`, `khong hai long`, `không`, `no`; invalid (blank/spoiled form):
/// `-`, `không hợp lệ`, `invalid`. Anything else is refused.
pub fn parse_paper_answer(s: &str) -> Option<Answer> {
    let key = crate::text::search_key(s.trim());
    match key.as_str() {
        "1" | "hai long" | "co" | "yes" | "satisfied" => Some(Answer::Satisfied),
        "0" | "2" | "chua hai long" | "khong hai long" | "khong" | "no" | "not satisfied" => {
            Some(Answer::NotSatisfied)
        }
        "-" | "khong hop le" | "phieu khong hop le" | "invalid" => Some(Answer::Invalid),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn draft() -> CampaignDraft {
        CampaignDraft {
            title: " Lấy ý kiến 2025 ".into(),
            questionnaire: Questionnaire::suggested(),
            opens_at: datetime!(2026-01-05 07:00 +7),
            closes_at: datetime!(2026-01-20 17:00 +7),
        }
    }

    #[test]
    fn suggested_template_is_valid_and_round_trips_as_text() {
        let d = validate_draft(&draft()).unwrap();
        assert_eq!(d.title, "Lấy ý kiến 2025");
        let q = Questionnaire::suggested();
        assert_eq!(Questionnaire::parse_extra(&q.extra_as_text()), q.extra);
    }

    #[test]
    fn bad_drafts_give_every_problem() {
        let mut d = draft();
        d.title = " ".into();
        d.questionnaire.main_question = String::new();
        d.questionnaire.extra = vec![ExtraQuestion {
            text: "Q".into(),
            options: vec!["only".into()],
        }];
        d.closes_at = d.opens_at;
        let errs = validate_draft(&d).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["title", "main_question", "extra", "closes_at"]);
    }

    #[test]
    fn phases_follow_status_and_window() {
        let (o, c) = (
            datetime!(2026-01-05 07:00 +7),
            datetime!(2026-01-20 17:00 +7),
        );
        let before = datetime!(2026-01-05 06:59 +7);
        let inside = datetime!(2026-01-05 00:00 UTC);
        let after = datetime!(2026-01-20 10:00 UTC);
        use CampaignStatus::*;
        assert_eq!(phase(Draft, o, c, inside), Phase::NotYetOpen);
        assert_eq!(phase(Open, o, c, before), Phase::NotYetOpen);
        assert_eq!(phase(Open, o, c, inside), Phase::Accepting);
        assert_eq!(phase(Open, o, c, after), Phase::Closed);
        assert_eq!(phase(Closed, o, c, inside), Phase::Closed);
        assert_eq!(check_editable(Open), Err(StatusError::NotEditable));
        assert_eq!(check_open(Open, c, inside), Err(StatusError::NotDraft));
        assert_eq!(check_open(Draft, c, after), Err(StatusError::WindowPast));
        assert!(check_open(Draft, c, inside).is_ok());
        assert_eq!(check_close(Closed), Err(StatusError::AlreadyClosed));
    }

    #[test]
    fn contents_are_edited_as_lines_and_answered_per_content() {
        let mut d = draft();
        assert!(d.questionnaire.contents.is_empty());
        d.questionnaire.contents =
            Questionnaire::parse_contents(" Giao thông \n\nThủy lợi\r\nMôi trường\n");
        let ok = validate_draft(&d).unwrap();
        assert_eq!(
            ok.questionnaire.contents,
            ["Giao thông", "Thủy lợi", "Môi trường"]
        );
        assert_eq!(
            Questionnaire::parse_contents(&ok.questionnaire.contents_as_text()),
            ok.questionnaire.contents
        );
        let q = ok.questionnaire;
        assert_eq!(
            check_content_answers(&q, &["satisfied".into(), "".into()]).unwrap(),
            [
                ContentAnswer::Satisfied,
                ContentAnswer::Blank,
                ContentAnswer::Blank
            ]
        );
        assert_eq!(
            check_content_answers(&q, &["".into(), "maybe".into()]),
            Err(1)
        );
        assert_eq!(parse_paper_content(""), Some(ContentAnswer::Blank));
        assert_eq!(parse_paper_content("0"), Some(ContentAnswer::NotSatisfied));
        assert_eq!(
            parse_paper_content("Hài lòng"),
            Some(ContentAnswer::Satisfied)
        );
        assert_eq!(parse_paper_content("?"), None);
        // Duplicates (ignoring case and accents) and too many are refused.
        d.questionnaire.contents = vec!["Giao thông".into(), "giao thong".into()];
        assert_eq!(validate_draft(&d).unwrap_err()[0].field, "contents");
        d.questionnaire.contents = (0..=MAX_CONTENTS).map(|i| format!("ND {i}")).collect();
        assert_eq!(validate_draft(&d).unwrap_err()[0].field, "contents");
        // Questionnaires stored before contents existed still read.
        let old = r#"{"main_question":"Q","satisfied_label":"Có","not_satisfied_label":"Không","extra":[]}"#;
        let q: Questionnaire = serde_json::from_str(old).unwrap();
        assert!(q.contents.is_empty());
    }

    #[test]
    fn codes_and_phones() {
        let c = make_code([0xff, 0x00, 0xab, 0x12]);
        assert_eq!(c.len(), CODE_LEN);
        assert_eq!(normalize_code(&c.to_lowercase()), Some(c.clone()));
        assert_eq!(normalize_code("ABCDEU"), None);
        assert_eq!(normalize_code("ABC"), None);
        assert_eq!(normalize_phone("0912 345 678").unwrap(), "0912345678");
        assert_eq!(normalize_phone("+84 912.345.678").unwrap(), "0912345678");
        assert_eq!(normalize_phone("84912345678").unwrap(), "0912345678");
        assert!(normalize_phone("12345").is_err());
        assert!(normalize_phone("0912x45678").is_err());
    }

    #[test]
    fn extra_answers_and_paper_cells() {
        let q = Questionnaire::suggested();
        assert_eq!(
            check_extra_answers(&q, &["Điện, nước sạch".into(), " tốt ".into()]).unwrap(),
            vec!["Điện, nước sạch".to_owned(), "tốt".to_owned()]
        );
        assert_eq!(check_extra_answers(&q, &["khác".into()]), Err(0));
        assert_eq!(check_extra_answers(&q, &[]).unwrap(), vec!["", ""]);
        assert_eq!(parse_paper_answer("Hài lòng"), Some(Answer::Satisfied));
        assert_eq!(
            parse_paper_answer("chưa hài lòng"),
            Some(Answer::NotSatisfied)
        );
        assert_eq!(parse_paper_answer("0"), Some(Answer::NotSatisfied));
        assert_eq!(parse_paper_answer("-"), Some(Answer::Invalid));
        assert_eq!(parse_paper_answer("maybe"), None);
    }
}
