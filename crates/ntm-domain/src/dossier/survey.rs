//! Satisfaction survey (lấy ý kiến sự hài lòng của người dân), run independently by the Ủy ban
//! MTTQ Việt Nam of the level, one form per household (đại diện hộ gia đình).
//!
//! Rules used here, and how sure they are:
//! - One answer per household [C: forms go to household representatives]; a second answer
//!   from the same household is refused ([`SurveyError::DuplicateHousehold`]).
//! - Rate = satisfied ÷ valid answers; blank or spoiled forms are not valid answers [U: the
//!   2022 guidance (Hướng dẫn 90/HD-MTTW-BTT) was not read; this is the usual tally].
//! - Comparison with a threshold is exact on the fraction (no rounding before comparing);
//!   display rounds half up to two decimals (e.g. "99,97 %") [U: no rounding rule found].
//! - Minimum share of households surveyed: NOT confirmed for the 2022 guidance (historically
//!   more than 60 % for communes under 78/HD-MTTW-BTT 2017); [`coverage`] takes the rule as a
//!   parameter and answers "unknown" without one.
//!
//! One-time tokens for answering online: 10 characters of Crockford base32, 9 carrying 45
//! random bits plus one Luhn mod 32 check character, made from random bytes given by the
//! caller (the domain has no randomness).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// A satisfied / valid count; the rate is the fraction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SatisfactionRate {
    pub satisfied: u32,
    pub valid: u32,
}

impl SatisfactionRate {
    pub fn new(satisfied: u32, valid: u32) -> Option<SatisfactionRate> {
        (satisfied <= valid).then_some(SatisfactionRate { satisfied, valid })
    }

    /// `satisfied / valid ≥ percent / 100`, exactly; false with no valid answer.
    pub fn meets(self, percent: u32) -> bool {
        self.valid > 0
            && u64::from(self.satisfied) * 100 >= u64::from(percent) * u64::from(self.valid)
    }

    /// Rate in hundredths of a percent, rounded half up (9997 = 99,97 %).
    pub fn hundredths_of_percent(self) -> Option<u32> {
        if self.valid == 0 {
            return None;
        }
        let num = u64::from(self.satisfied) * 10_000;
        let v = u64::from(self.valid);
        u32::try_from((2 * num + v) / (2 * v)).ok()
    }

    /// "99,97 %" (vi-VN decimal comma), or "–" with no valid answer.
    pub fn display_vi(self) -> String {
        match self.hundredths_of_percent() {
            Some(h) => format!("{},{:02} %", h / 100, h % 100),
            None => "–".to_owned(),
        }
    }
}

/// One household's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Satisfied,
    NotSatisfied,
    /// Blank or spoiled form: not a valid answer.
    Invalid,
}

/// A form from one household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyResponse {
    /// Household identifier (unique within the campaign).
    pub household: String,
    /// Official or local code of the hamlet (thôn, ấp, bản…).
    pub hamlet: String,
    pub answer: Answer,
}

/// Counts for one hamlet or the whole unit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub rate: SatisfactionRate,
    pub invalid: u32,
}

impl Tally {
    fn add(&mut self, a: Answer) {
        match a {
            Answer::Satisfied => {
                self.rate.satisfied += 1;
                self.rate.valid += 1;
            }
            Answer::NotSatisfied => self.rate.valid += 1,
            Answer::Invalid => self.invalid += 1,
        }
    }

    /// Forms returned (valid and invalid).
    pub fn responses(&self) -> u32 {
        self.rate.valid + self.invalid
    }
}

/// Result of a campaign: overall and per hamlet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyResult {
    pub overall: Tally,
    pub per_hamlet: BTreeMap<String, Tally>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SurveyError {
    #[error("hộ {0} đã trả lời: mỗi hộ chỉ một phiếu")]
    DuplicateHousehold(String),
    #[error("thiếu mã hộ")]
    EmptyHousehold,
}

/// Tallies the forms; refuses a second form from the same household.
pub fn tally(responses: &[SurveyResponse]) -> Result<SurveyResult, SurveyError> {
    let mut seen = BTreeSet::new();
    let mut out = SurveyResult::default();
    for r in responses {
        let h = r.household.trim();
        if h.is_empty() {
            return Err(SurveyError::EmptyHousehold);
        }
        if !seen.insert(h) {
            return Err(SurveyError::DuplicateHousehold(h.to_owned()));
        }
        out.overall.add(r.answer);
        out.per_hamlet
            .entry(r.hamlet.trim().to_owned())
            .or_default()
            .add(r.answer);
    }
    Ok(out)
}

/// A minimum share of households that must answer, with its basis (configured; none is
/// confirmed for the 2022 guidance).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinCoverage {
    pub percent: u32,
    pub basis: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Coverage {
    Met,
    NotMet { responses: u32, households: u32 },
    Unknown { reason: String },
}

/// Whether enough households answered (forms returned ÷ households of the unit).
pub fn coverage(result: &SurveyResult, households: u32, rule: Option<&MinCoverage>) -> Coverage {
    let Some(rule) = rule else {
        return Coverage::Unknown {
            reason: "Tỷ lệ hộ tối thiểu được lấy ý kiến theo Hướng dẫn 90/HD-MTTW-BTT (2022) chưa \
                     được xác nhận; cấu hình kèm căn cứ."
                .to_owned(),
        };
    };
    let responses = result.overall.responses();
    if households > 0
        && u64::from(responses) * 100 >= u64::from(rule.percent) * u64::from(households)
    {
        Coverage::Met
    } else {
        Coverage::NotMet {
            responses,
            households,
        }
    }
}

/// Forms returned against the households of the unit, with the province's configured minimum
/// share (what the recognition check needs; see [`super::machine::check_recognition`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageCheck {
    pub rule: MinCoverage,
    /// Forms returned (valid and invalid).
    pub responses: u32,
    /// Households entered by the officers for the campaign (0: not entered).
    pub households: u32,
}

impl CoverageCheck {
    /// Enough households answered: `responses / households ≥ percent / 100`, exactly
    /// (never with no household entered).
    pub fn met(&self) -> bool {
        self.households > 0
            && u64::from(self.responses) * 100
                >= u64::from(self.rule.percent) * u64::from(self.households)
    }
}

/// Forms returned ÷ households as "61,5 %" (one decimal, half up), or "–" without households.
pub fn share_display_vi(responses: u32, households: u32) -> String {
    if households == 0 {
        return "–".to_owned();
    }
    let num = u64::from(responses) * 1000;
    let h = u64::from(households);
    let tenths = (2 * num + h) / (2 * h);
    format!(
        "{},{} %",
        crate::text::format_int_vi(i64::try_from(tenths / 10).unwrap_or(i64::MAX)),
        tenths % 10
    )
}

// ---------------------------------------------------------------- contents

/// A household's answer on one content of NTM building (nội dung xây dựng NTM).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentAnswer {
    Satisfied,
    NotSatisfied,
    /// Left blank: not counted for that content.
    Blank,
}

impl ContentAnswer {
    fn char(self) -> char {
        match self {
            ContentAnswer::Satisfied => '1',
            ContentAnswer::NotSatisfied => '0',
            ContentAnswer::Blank => '-',
        }
    }
}

/// The stored form of a household's content answers: one character per content
/// (`1` satisfied, `0` not satisfied, `-` blank); `""` when the form has no contents.
pub fn encode_contents(answers: &[ContentAnswer]) -> String {
    if answers.iter().all(|a| *a == ContentAnswer::Blank) {
        return String::new();
    }
    answers.iter().map(|a| a.char()).collect()
}

/// Reads [`encode_contents`] back, `n` contents long (missing characters are blank).
pub fn decode_contents(s: &str, n: usize) -> Vec<ContentAnswer> {
    let mut chars = s.chars();
    (0..n)
        .map(|_| match chars.next() {
            Some('1') => ContentAnswer::Satisfied,
            Some('0') => ContentAnswer::NotSatisfied,
            _ => ContentAnswer::Blank,
        })
        .collect()
}

/// Adds `n` forms with these content answers to one rate per content.
pub fn add_contents(rates: &mut Vec<SatisfactionRate>, answers: &[ContentAnswer], n: u32) {
    if rates.len() < answers.len() {
        rates.resize(answers.len(), SatisfactionRate::default());
    }
    for (r, a) in rates.iter_mut().zip(answers) {
        match a {
            ContentAnswer::Satisfied => {
                r.satisfied += n;
                r.valid += n;
            }
            ContentAnswer::NotSatisfied => r.valid += n,
            ContentAnswer::Blank => {}
        }
    }
}

/// `a < b` as fractions (a rate with no valid answer is never lower).
fn lower(a: SatisfactionRate, b: SatisfactionRate) -> bool {
    u64::from(a.satisfied) * u64::from(b.valid) < u64::from(b.satisfied) * u64::from(a.valid)
}

/// The lowest rate over (commune × content) — what the district rule "≥ 80 % ở từng xã đối
/// với từng nội dung" (QĐ 320, Phụ lục I) is checked on. `communes` lists every commune that
/// must have answers; `per_commune` holds one rate per content for each commune.
///
/// `None` (not known, so recognition is refused) when there are no contents, or when a
/// commune has no valid answer for some content: the rule is about *each* commune and
/// *each* content, so a missing one cannot be assumed to pass.
pub fn min_commune_content(
    communes: &[String],
    contents: usize,
    per_commune: &BTreeMap<String, Vec<SatisfactionRate>>,
) -> Option<SatisfactionRate> {
    if contents == 0 || communes.is_empty() {
        return None;
    }
    let mut min: Option<SatisfactionRate> = None;
    for c in communes {
        let rates = per_commune.get(c)?;
        for i in 0..contents {
            let r = rates.get(i).copied().filter(|r| r.valid > 0)?;
            if min.is_none_or(|m| lower(r, m)) {
                min = Some(r);
            }
        }
    }
    min
}

/// Crockford base32 alphabet (no I, L, O, U).
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
pub const TOKEN_LEN: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("mã phải có {TOKEN_LEN} ký tự")]
    Length,
    #[error("ký tự không hợp lệ: {0}")]
    Character(char),
    #[error("mã không đúng (sai ký tự kiểm tra)")]
    Check,
}

fn value_of(c: char) -> Option<u32> {
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        c => c,
    };
    ALPHABET
        .iter()
        .position(|&a| char::from(a) == c)
        .and_then(|p| u32::try_from(p).ok())
}

/// Luhn mod 32 check value for `digits` (each < 32).
fn luhn_check(digits: &[u32]) -> u32 {
    let mut sum = 0;
    let mut factor = 2;
    for &d in digits.iter().rev() {
        let addend = factor * d;
        sum += addend / 32 + addend % 32;
        factor = if factor == 2 { 1 } else { 2 };
    }
    (32 - sum % 32) % 32
}

/// A one-time token from 6 random bytes (the first 45 bits are used).
pub fn make_token(random: [u8; 6]) -> String {
    let mut bits: u64 = 0;
    for b in random {
        bits = (bits << 8) | u64::from(b);
    }
    bits >>= 3; // 48 → 45 bits
    let mut digits = [0u32; TOKEN_LEN - 1];
    for d in digits.iter_mut().rev() {
        *d = (bits & 31) as u32;
        bits >>= 5;
    }
    let check = luhn_check(&digits);
    digits
        .iter()
        .chain(std::iter::once(&check))
        .map(|&d| char::from(ALPHABET[d as usize]))
        .collect()
}

/// Checks a typed token (case-insensitive; O→0, I/L→1; hyphens and spaces ignored) and
/// returns its canonical form.
pub fn check_token(input: &str) -> Result<String, TokenError> {
    let mut digits = Vec::with_capacity(TOKEN_LEN);
    for c in input.chars().filter(|c| !matches!(c, '-' | ' ')) {
        digits.push(value_of(c).ok_or(TokenError::Character(c))?);
    }
    if digits.len() != TOKEN_LEN {
        return Err(TokenError::Length);
    }
    let (data, check) = digits.split_at(TOKEN_LEN - 1);
    if luhn_check(data) != check[0] {
        return Err(TokenError::Check);
    }
    Ok(digits
        .iter()
        .map(|&d| char::from(ALPHABET[d as usize]))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(h: &str, hamlet: &str, a: Answer) -> SurveyResponse {
        SurveyResponse {
            household: h.into(),
            hamlet: hamlet.into(),
            answer: a,
        }
    }

    #[test]
    fn tally_per_hamlet_and_overall() {
        let res = tally(&[
            r("h1", "A", Answer::Satisfied),
            r("h2", "A", Answer::NotSatisfied),
            r("h3", "B", Answer::Satisfied),
            r("h4", "B", Answer::Invalid),
        ])
        .unwrap();
        assert_eq!(res.overall.rate, SatisfactionRate::new(2, 3).unwrap());
        assert_eq!(res.overall.invalid, 1);
        assert_eq!(res.per_hamlet["A"].rate.display_vi(), "50,00 %");
        assert_eq!(res.per_hamlet["B"].rate.display_vi(), "100,00 %");
        assert_eq!(res.overall.rate.display_vi(), "66,67 %");
    }

    #[test]
    fn one_answer_per_household() {
        assert_eq!(
            tally(&[
                r("h1", "A", Answer::Satisfied),
                r(" h1", "B", Answer::Invalid)
            ]),
            Err(SurveyError::DuplicateHousehold("h1".into()))
        );
    }

    #[test]
    fn exact_threshold_comparison() {
        let r = SatisfactionRate::new(8999, 10000).unwrap();
        assert!(!r.meets(90)); // 89,99 % — display rounds, comparison does not.
        assert!(SatisfactionRate::new(9, 10).unwrap().meets(90));
        assert!(!SatisfactionRate::default().meets(0));
        assert_eq!(
            SatisfactionRate::new(3997, 3998).unwrap().display_vi(),
            "99,97 %"
        );
    }

    #[test]
    fn coverage_needs_a_rule() {
        let res = tally(&[r("h1", "A", Answer::Satisfied)]).unwrap();
        assert!(matches!(coverage(&res, 2, None), Coverage::Unknown { .. }));
        let rule = MinCoverage {
            percent: 60,
            basis: "KH tỉnh".into(),
        };
        assert!(matches!(
            coverage(&res, 2, Some(&rule)),
            Coverage::NotMet { .. }
        ));
        assert_eq!(coverage(&res, 1, Some(&rule)), Coverage::Met);
    }

    #[test]
    fn coverage_check_and_share_display() {
        let rule = MinCoverage {
            percent: 60,
            basis: "KH tỉnh".into(),
        };
        let c = |responses, households| CoverageCheck {
            rule: rule.clone(),
            responses,
            households,
        };
        assert!(c(60, 100).met());
        assert!(!c(59, 100).met());
        assert!(!c(5, 0).met());
        assert_eq!(share_display_vi(123, 200), "61,5 %");
        assert_eq!(share_display_vi(2, 3), "66,7 %");
        assert_eq!(share_display_vi(12_340, 1000), "1.234,0 %");
        assert_eq!(share_display_vi(1, 0), "–");
    }

    #[test]
    fn contents_encode_tally_and_lowest_commune_content() {
        use ContentAnswer::*;
        assert_eq!(encode_contents(&[Satisfied, Blank, NotSatisfied]), "1-0");
        assert_eq!(encode_contents(&[Blank, Blank]), "");
        assert_eq!(
            decode_contents("1-0", 4),
            vec![Satisfied, Blank, NotSatisfied, Blank]
        );
        let mut a = Vec::new();
        add_contents(&mut a, &[Satisfied, NotSatisfied], 3);
        add_contents(&mut a, &[NotSatisfied, Blank], 1);
        assert_eq!(
            a,
            vec![
                SatisfactionRate::new(3, 4).unwrap(),
                SatisfactionRate::new(0, 3).unwrap()
            ]
        );
        let r = |s, v| SatisfactionRate::new(s, v).unwrap();
        let communes = vec!["X1".to_owned(), "X2".to_owned()];
        let mut per = BTreeMap::new();
        per.insert("X1".to_owned(), vec![r(9, 10), r(17, 20)]);
        per.insert("X2".to_owned(), vec![r(4, 5), r(1, 1)]);
        // The lowest fraction wins: 4/5 = 80 % < 17/20 = 85 %.
        assert_eq!(min_commune_content(&communes, 2, &per), Some(r(4, 5)));
        // No contents, a commune without answers, a content without valid answers: unknown.
        assert_eq!(min_commune_content(&communes, 0, &per), None);
        assert_eq!(min_commune_content(&["X3".to_owned()], 2, &per), None);
        per.insert("X2".to_owned(), vec![r(4, 5)]);
        assert_eq!(min_commune_content(&communes, 2, &per), None);
        per.insert("X2".to_owned(), vec![r(4, 5), SatisfactionRate::default()]);
        assert_eq!(min_commune_content(&communes, 2, &per), None);
    }

    #[test]
    fn tokens_round_trip_and_catch_typos() {
        let t = make_token([0xde, 0xad, 0xbe, 0xef, 0x01, 0x23]);
        assert_eq!(t.len(), TOKEN_LEN);
        assert_eq!(check_token(&t), Ok(t.clone()));
        let lower = format!("{}-{}", &t[..5], &t[5..]).to_lowercase();
        assert_eq!(check_token(&lower), Ok(t.clone()));
        assert_eq!(check_token("ABC"), Err(TokenError::Length));
        assert_eq!(check_token("ABCDEFGHJU"), Err(TokenError::Character('U')));
    }
}
