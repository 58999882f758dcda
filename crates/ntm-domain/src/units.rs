//! Administrative units (đơn vị hành chính) and their lineage over time.
//!
//! A unit record is one *version* of a unit: the same official code can name
//! different units at different times (codes were reused by the 1 July 2025
//! reform), so a record is identified by its `id`, and by `(code, valid_from)`.
//! Validity is half-open: a record is valid on `d` when
//! `valid_from <= d` (or `valid_from` is unknown) and `d < valid_to` (or open).
//! Parents are referenced by code; the parent of a record on a date is the
//! record with that code valid on that date.

use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

/// Level in the hierarchy. Ordered from the top: province < district < commune < hamlet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Province,
    District,
    Commune,
    Hamlet,
}

impl Level {
    pub const ALL: [Level; 4] = [
        Level::Province,
        Level::District,
        Level::Commune,
        Level::Hamlet,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::District => "district",
            Level::Commune => "commune",
            Level::Hamlet => "hamlet",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s.trim())
    }

    /// 0 for province … 3 for hamlet.
    pub fn rank(self) -> u8 {
        self as u8
    }
}

/// Socio-economic region used by the 2021–2025 criteria sets (QĐ 318/QĐ-TTg: 7 regions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Region {
    /// Trung du miền núi phía Bắc
    TDMNPB,
    /// Đồng bằng sông Hồng
    DBSH,
    /// Bắc Trung Bộ
    BTB,
    /// Duyên hải Nam Trung Bộ
    DHNTB,
    /// Tây Nguyên
    TN,
    /// Đông Nam Bộ
    DNB,
    /// Đồng bằng sông Cửu Long
    DBSCL,
}

impl Region {
    pub const ALL: [Region; 7] = [
        Region::TDMNPB,
        Region::DBSH,
        Region::BTB,
        Region::DHNTB,
        Region::TN,
        Region::DNB,
        Region::DBSCL,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Region::TDMNPB => "TDMNPB",
            Region::DBSH => "DBSH",
            Region::BTB => "BTB",
            Region::DHNTB => "DHNTB",
            Region::TN => "TN",
            Region::DNB => "DNB",
            Region::DBSCL => "DBSCL",
        }
    }

    pub fn parse(s: &str) -> Option<Region> {
        Region::ALL.into_iter().find(|r| r.code() == s.trim())
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            Region::TDMNPB => "Trung du miền núi phía Bắc",
            Region::DBSH => "Đồng bằng sông Hồng",
            Region::BTB => "Bắc Trung Bộ",
            Region::DHNTB => "Duyên hải Nam Trung Bộ",
            Region::TN => "Tây Nguyên",
            Region::DNB => "Đông Nam Bộ",
            Region::DBSCL => "Đồng bằng sông Cửu Long",
        }
    }
}

/// One row of a unit list file (`code,name,level,kind,parent_code`), as parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRow {
    /// 1-based line number in the source file (header is line 1).
    pub line: usize,
    pub code: String,
    pub name: String,
    pub level: Level,
    /// Tỉnh, Thành phố trực thuộc trung ương, Huyện, Quận, Thị xã, Thành phố,
    /// Xã, Phường, Thị trấn, Đặc khu, Ấp, Thôn, Xóm, Bản, Khu phố, Tổ dân phố…
    pub kind: String,
    pub parent_code: Option<String>,
}

/// One stored version of a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub level: Level,
    pub parent_code: Option<String>,
    /// Materialized path of codes valid together, e.g. `/84/842/28756/`.
    pub path: String,
    /// Code of the province this unit lies in (itself for a province).
    pub province_code: String,
    pub region: Option<Region>,
    /// `None`: the start is unknown (the unit was already there in the first snapshot).
    pub valid_from: Option<Date>,
    /// Exclusive end; `None`: still valid.
    pub valid_to: Option<Date>,
    /// Lower-case name without diacritics, for search ("Xã Tân Hòa" → "xa tan hoa").
    pub search_key: String,
}

impl Unit {
    pub fn is_valid_on(&self, d: Date) -> bool {
        self.valid_from.is_none_or(|f| f <= d) && self.valid_to.is_none_or(|t| d < t)
    }
}

/// How a unit became another one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineageKind {
    /// The whole old unit went into the new one (Nhập toàn bộ).
    Merge,
    /// Part of the old unit went into the new one (Nhập một phần).
    Split,
    /// Same territory, new name or type (Đổi tên / đổi loại hình).
    Rename,
    /// Same unit, kept as it was (Giữ nguyên); a new record because its parent changed.
    Unchanged,
    /// A change of level or structure (e.g. an island district became a special zone).
    Reorganize,
}

impl LineageKind {
    pub const ALL: [LineageKind; 5] = [
        LineageKind::Merge,
        LineageKind::Split,
        LineageKind::Rename,
        LineageKind::Unchanged,
        LineageKind::Reorganize,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LineageKind::Merge => "merge",
            LineageKind::Split => "split",
            LineageKind::Rename => "rename",
            LineageKind::Unchanged => "unchanged",
            LineageKind::Reorganize => "reorganize",
        }
    }

    pub fn parse(s: &str) -> Option<LineageKind> {
        LineageKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A lineage record: `from` (a unit record) became, wholly or partly, `to` on `effective`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lineage {
    pub id: Uuid,
    pub from_unit: Uuid,
    pub to_unit: Uuid,
    pub kind: LineageKind,
    pub effective: Date,
    pub note: String,
}
