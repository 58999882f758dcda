//! Vocabulary of the hierarchy: the unit types allowed at each level, code formats, and
//! which level may sit under which.

use unicode_normalization::UnicodeNormalization;

use crate::units::Level;

pub(super) const PROVINCE_KINDS: &[&str] = &["Tỉnh", "Thành phố trực thuộc trung ương"];
pub(super) const DISTRICT_KINDS: &[&str] = &["Huyện", "Quận", "Thị xã", "Thành phố"];
pub(super) const COMMUNE_KINDS: &[&str] = &["Xã", "Phường", "Thị trấn", "Đặc khu"];
pub(super) const HAMLET_KINDS: &[&str] = &[
    "Ấp",
    "Thôn",
    "Xóm",
    "Bản",
    "Buôn",
    "Bon",
    "Plei",
    "Sóc",
    "Khóm",
    "Khu phố",
    "Tổ dân phố",
    "Khu",
    "Tổ",
];

/// The unit types (loại hình) allowed at a level.
pub fn allowed_kinds(level: Level) -> &'static [&'static str] {
    match level {
        Level::Province => PROVINCE_KINDS,
        Level::District => DISTRICT_KINDS,
        Level::Commune => COMMUNE_KINDS,
        Level::Hamlet => HAMLET_KINDS,
    }
}

/// Whether `kind` is allowed at `level` (case-insensitive, Unicode-normalized).
pub fn kind_allowed(level: Level, kind: &str) -> bool {
    canonical_kind(level, kind).is_some()
}

/// The official spelling of an allowed `kind` at `level` ("THỊ TRẤN" → "Thị trấn");
/// `None` when the kind is not allowed there.
pub fn canonical_kind(level: Level, kind: &str) -> Option<&'static str> {
    let k = fold(kind);
    allowed_kinds(level).iter().copied().find(|a| fold(a) == k)
}

pub(super) fn fold(s: &str) -> String {
    s.trim().nfc().collect::<String>().to_lowercase()
}

/// Official code format: province 2 digits, district 3, commune 5 (zero-padded); a hamlet
/// code is 1–32 ASCII letters, digits, `-`, `.` or `_` (e.g. `28756-01`).
pub fn code_is_valid(level: Level, code: &str) -> bool {
    let digits = |n: usize| code.len() == n && code.bytes().all(|b| b.is_ascii_digit());
    match level {
        Level::Province => digits(2),
        Level::District => digits(3),
        Level::Commune => digits(5),
        Level::Hamlet => {
            !code.is_empty()
                && code.len() <= 32
                && code
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
        }
    }
}

pub(super) fn code_format_text(level: Level) -> &'static str {
    match level {
        Level::Province => "2 digits, e.g. 84",
        Level::District => "3 digits, e.g. 842",
        Level::Commune => "5 digits, e.g. 28756",
        Level::Hamlet => "1 to 32 letters, digits, '-', '.' or '_', e.g. 28756-01",
    }
}

/// Whether a unit of level `child` may sit directly under one of level `parent`
/// (district under province; commune under district or, from 2025, province; hamlet
/// under commune).
pub fn parent_fits(child: Level, parent: Level) -> bool {
    matches!(
        (child, parent),
        (Level::District, Level::Province)
            | (Level::Commune, Level::District)
            | (Level::Commune, Level::Province)
            | (Level::Hamlet, Level::Commune)
    )
}

pub(super) fn parent_text(child: Level) -> &'static str {
    match child {
        Level::Province => "a province has no parent",
        Level::District => "a district must be under a province",
        Level::Commune => "a commune must be under a district or a province",
        Level::Hamlet => "a hamlet must be under a commune",
    }
}

pub(super) fn article(level: Level) -> &'static str {
    match level {
        Level::Province => "a province",
        Level::District => "a district",
        Level::Commune => "a commune",
        Level::Hamlet => "a hamlet",
    }
}
