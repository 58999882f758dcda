//! Certifications of an area (VietGAP, GlobalG.A.P., organic, other) with their validity.
//! The dates are the certificate's own (issued, last valid day): no legal validity period
//! is assumed here. "Expiring" starts `EXPIRING_WITHIN_DAYS` before the last valid day, the
//! same warning window as OCOP certificates (a product choice).

use time::Date;

pub const EXPIRING_WITHIN_DAYS: i64 = 90;
const MAX_TEXT: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertKind {
    VietGap,
    GlobalGap,
    Organic,
    Other,
}

impl CertKind {
    pub const ALL: [CertKind; 4] = [
        CertKind::VietGap,
        CertKind::GlobalGap,
        CertKind::Organic,
        CertKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CertKind::VietGap => "vietgap",
            CertKind::GlobalGap => "globalgap",
            CertKind::Organic => "organic",
            CertKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<CertKind> {
        CertKind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }
}

/// A certificate's status on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertStatus {
    NotYetValid,
    Valid,
    /// Valid, with this many days left including the day itself (1 = last day).
    Expiring {
        days_left: i64,
    },
    Expired,
}

impl CertStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CertStatus::NotYetValid => "not_yet_valid",
            CertStatus::Valid => "valid",
            CertStatus::Expiring { .. } => "expiring",
            CertStatus::Expired => "expired",
        }
    }
}

/// A certification as entered, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certification {
    pub kind: CertKind,
    /// Name of the scheme when `kind` is `Other` (optional otherwise).
    pub scheme: Option<String>,
    pub certificate_no: String,
    pub issuer: String,
    pub valid_from: Date,
    /// The last valid day.
    pub valid_until: Date,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificationError {
    #[error("choose the kind of certification")]
    Kind,
    #[error("name the scheme of an “other” certification")]
    Scheme,
    #[error("enter the certificate number (at most {MAX_TEXT} characters)")]
    Number,
    #[error("enter the certifying body (at most {MAX_TEXT} characters)")]
    Issuer,
    #[error("the last valid day is before the first")]
    Dates,
}

impl CertificationError {
    pub fn field(&self) -> &'static str {
        match self {
            CertificationError::Kind => "kind",
            CertificationError::Scheme => "scheme",
            CertificationError::Number => "certificate_no",
            CertificationError::Issuer => "issuer",
            CertificationError::Dates => "valid_until",
        }
    }

    pub fn vi(&self) -> String {
        match self {
            CertificationError::Kind => "Chọn loại chứng nhận".into(),
            CertificationError::Scheme => "Ghi tên chứng nhận khác".into(),
            CertificationError::Number => {
                format!("Nhập số giấy chứng nhận (tối đa {MAX_TEXT} ký tự)")
            }
            CertificationError::Issuer => {
                format!("Nhập tổ chức chứng nhận (tối đa {MAX_TEXT} ký tự)")
            }
            CertificationError::Dates => "Ngày hết hiệu lực trước ngày cấp".into(),
        }
    }
}

fn bounded(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty() && t.chars().count() <= MAX_TEXT).then(|| t.to_string())
}

impl Certification {
    /// Checks every field; all problems at once.
    pub fn new(
        kind: &str,
        scheme: &str,
        certificate_no: &str,
        issuer: &str,
        valid_from: Date,
        valid_until: Date,
    ) -> Result<Certification, Vec<CertificationError>> {
        let mut errors = Vec::new();
        let kind = CertKind::parse(kind);
        if kind.is_none() {
            errors.push(CertificationError::Kind);
        }
        let scheme = bounded(scheme);
        if kind == Some(CertKind::Other) && scheme.is_none() {
            errors.push(CertificationError::Scheme);
        }
        let number = bounded(certificate_no);
        if number.is_none() {
            errors.push(CertificationError::Number);
        }
        let issuer = bounded(issuer);
        if issuer.is_none() {
            errors.push(CertificationError::Issuer);
        }
        if valid_until < valid_from {
            errors.push(CertificationError::Dates);
        }
        match (kind, number, issuer) {
            (Some(kind), Some(certificate_no), Some(issuer)) if errors.is_empty() => {
                Ok(Certification {
                    kind,
                    scheme,
                    certificate_no,
                    issuer,
                    valid_from,
                    valid_until,
                })
            }
            _ => Err(errors),
        }
    }
}

/// Status on `day` of a certificate valid from `from` to `until` (both inclusive).
pub fn status_on(from: Date, until: Date, day: Date) -> CertStatus {
    if day < from {
        CertStatus::NotYetValid
    } else if day > until {
        CertStatus::Expired
    } else {
        let days_left = (until - day).whole_days() + 1;
        if days_left <= EXPIRING_WITHIN_DAYS {
            CertStatus::Expiring { days_left }
        } else {
            CertStatus::Valid
        }
    }
}

impl Certification {
    pub fn status_on(&self, day: Date) -> CertStatus {
        status_on(self.valid_from, self.valid_until, day)
    }
}
