//! Small editing operations on an [`AuthoredSet`], from what a person typed in a form.
//!
//! Each operation works on a copy and replaces the set only when the whole result passes
//! [`AuthoredSet::check`]: a refusal changes nothing. Errors name the form field
//! (`<code>.<key>.value`, `<code>.<key>.basis_doc`, `valid_from`, …) with a Vietnamese and an
//! English message.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{
    AuthoredCriterion, AuthoredIndicator, AuthoredSet, AuthoredSource, AuthoredThreshold,
    Completeness, Kind, Op, Pass, Provenance, Region, ThresholdValue, Variation,
};
use crate::criteria::{CommuneGroup, ResolvedSet};

/// A refusal at one field of the editor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EditError {
    /// Form field: `version`, `valid_from`, `criterion.3.number`, `<code>.code`,
    /// `<code>.<general|REGION|nhom-N>.value`, `<code>.<key>.basis_doc`, …
    pub field: String,
    pub vi: String,
    pub en: String,
}

impl EditError {
    pub fn new(field: &str, vi: impl Into<String>, en: impl Into<String>) -> EditError {
        EditError {
            field: field.to_string(),
            vi: vi.into(),
            en: en.into(),
        }
    }
}

/// Version metadata as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetaInput {
    pub version: String,
    pub title_vi: String,
    /// `YYYY-MM-DD` or `dd/mm/yyyy`.
    pub valid_from: String,
    /// Empty: open.
    pub valid_to: String,
    /// `complete`, `partial`, …; empty: unchanged.
    pub completeness: String,
}

/// The legal basis of one value as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BasisInput {
    /// Document number ("12/2026/QĐ-UBND"); empty: no basis.
    pub doc: String,
    /// Date of the document.
    pub date: String,
    pub issuer: String,
    /// Article / appendix.
    pub article: String,
    /// SHA-256 and name of the PDF stored as evidence (set by the application).
    pub file_sha256: Option<String>,
    pub file_name: Option<String>,
}

/// One threshold as typed: `key` is `general`, a region code or a group id; an empty
/// `value` means "no value here".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThresholdInput {
    pub key: String,
    pub op: String,
    pub value: String,
    pub text: String,
    /// The person marks the value as confirmed (it then needs a basis).
    pub confirmed: bool,
    pub basis: BasisInput,
}

/// One indicator as typed (one form).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndicatorInput {
    /// Code of the indicator being edited; `None`: a new one.
    pub original_code: Option<String>,
    /// Criterion number as typed.
    pub criterion: String,
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub kind: String,
    pub unit: String,
    pub thresholds: Vec<ThresholdInput>,
    /// The platform measure the value is computed from (`crate::measures::MeasureKey`
    /// names); empty: typed by officers.
    pub computed_from: String,
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Parses a number typed the Vietnamese way ("80", "80,5", "1.234,5") or the file way ("80.5").
fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim().trim_end_matches('%').trim();
    if t.is_empty() {
        return None;
    }
    let norm = if t.contains(',') {
        t.replace('.', "").replace(',', ".")
    } else {
        t.to_string()
    };
    norm.parse::<f64>().ok().filter(|x| x.is_finite())
}

fn parse_value(field: &str, raw: &str, kind: Kind, op: Op) -> Result<ThresholdValue, EditError> {
    let raw = raw.trim();
    if kind == Kind::Boolean {
        let low = raw.to_lowercase();
        return match low.as_str() {
            "true" | "đạt" | "có" | "co" | "dat" | "yes" => Ok(ThresholdValue::Bool(true)),
            "false" | "không" | "khong" | "no" => Ok(ThresholdValue::Bool(false)),
            _ => Err(EditError::new(
                field,
                format!("“{raw}” không hợp lệ: chỉ tiêu có/không nhận “Đạt” hoặc “Không”"),
                format!("“{raw}” is not valid: a yes/no indicator takes “true” or “false”"),
            )),
        };
    }
    let one = |s: &str| -> Result<f64, EditError> {
        let x = parse_number(s).ok_or_else(|| {
            EditError::new(
                field,
                format!("“{s}” không phải là một số"),
                format!("“{s}” is not a number"),
            )
        })?;
        match kind {
            Kind::Percent if !(0.0..=100.0).contains(&x) => Err(EditError::new(
                field,
                format!("tỷ lệ phải từ 0 đến 100 %, nhận được {s}"),
                format!("a percentage must be between 0 and 100, found {s}"),
            )),
            Kind::Count | Kind::Level if x < 0.0 || x.fract() != 0.0 => Err(EditError::new(
                field,
                format!("phải là số nguyên ≥ 0, nhận được {s}"),
                format!("must be a whole number ≥ 0, found {s}"),
            )),
            _ => Ok(x),
        }
    };
    if op == Op::In {
        let items: Vec<&str> = raw
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if items.is_empty() {
            return Err(EditError::new(
                field,
                "cần ít nhất một giá trị (cách nhau bởi “;”)",
                "needs at least one value (separated by “;”)",
            ));
        }
        return items
            .into_iter()
            .map(one)
            .collect::<Result<Vec<_>, _>>()
            .map(ThresholdValue::List);
    }
    one(raw).map(ThresholdValue::Num)
}

fn parse_op(field: &str, s: &str, kind: Kind) -> Result<Op, EditError> {
    let s = s.trim();
    let op = match s {
        "" if kind == Kind::Boolean => Some(Op::Eq),
        "≥" => Some(Op::Ge),
        "≤" => Some(Op::Le),
        "=" => Some(Op::Eq),
        _ => Op::parse(s),
    }
    .ok_or_else(|| {
        EditError::new(
            field,
            format!("phép so sánh không hợp lệ: “{s}” (>=, <=, == hoặc in)"),
            format!("unknown comparison “{s}” (>=, <=, == or in)"),
        )
    })?;
    if kind == Kind::Boolean && op != Op::Eq {
        return Err(EditError::new(
            field,
            "chỉ tiêu có/không chỉ dùng phép so sánh “==”",
            "a yes/no indicator only takes “==”",
        ));
    }
    Ok(op)
}

/// The base indicator's own value at `key` (`general`, a region, a group), made explicit.
pub fn base_threshold(b: &crate::criteria::Indicator, key: &str) -> Option<AuthoredThreshold> {
    use crate::criteria::Varying;
    let t = if key == "general" {
        b.threshold.as_ref()
    } else if let Some(r) = Region::parse(key) {
        match &b.by_region {
            Varying::Known(m) => m.get(&r).and_then(|x| x.as_ref()),
            Varying::Unknown => None,
        }
    } else if let Some(g) = CommuneGroup::parse(key) {
        match &b.by_group {
            Varying::Known(m) => m.get(&g).and_then(|x| x.as_ref()),
            Varying::Unknown => None,
        }
    } else {
        None
    };
    t.map(|t| {
        let mut a = super::from_set::threshold(t);
        a.provenance = a.provenance.or(Some(b.provenance));
        a.uncertain = a.uncertain.or(Some(b.uncertain));
        if a.sources.is_empty() && a.source.is_none() {
            a.sources = b.sources.clone();
            a.source = b.source.clone();
        }
        a
    })
}

fn parse_date_field(field: &str, s: &str) -> Result<time::Date, EditError> {
    crate::text::parse_date(s).ok_or_else(|| {
        EditError::new(
            field,
            format!("ngày không hợp lệ: “{}” (dd/mm/yyyy)", s.trim()),
            format!("not a date: “{}” (dd/mm/yyyy)", s.trim()),
        )
    })
}

impl AuthoredSet {
    /// Replaces `self` with `next` if it passes [`AuthoredSet::check`].
    fn commit(
        &mut self,
        mut next: AuthoredSet,
        base: Option<&ResolvedSet>,
    ) -> Result<(), Vec<EditError>> {
        next.prune_bases();
        let errors = next.check(base);
        if errors.is_empty() {
            *self = next;
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Changes the label, title, validity and completeness.
    pub fn set_meta(&mut self, m: &MetaInput) -> Result<(), Vec<EditError>> {
        let mut errors = Vec::new();
        let mut next = self.clone();
        match opt(&m.version) {
            Some(v) if v.chars().count() <= 40 => next.version = v,
            Some(_) => errors.push(EditError::new(
                "version",
                "nhãn phiên bản tối đa 40 ký tự",
                "a version label has at most 40 characters",
            )),
            None => errors.push(EditError::new(
                "version",
                "cần nhãn phiên bản (ví dụ “2026”)",
                "a version label is needed (e.g. “2026”)",
            )),
        }
        match opt(&m.title_vi) {
            Some(t) => next.title_vi = t,
            None => errors.push(EditError::new(
                "title_vi",
                "cần tên bộ tiêu chí",
                "the set needs a title",
            )),
        }
        match parse_date_field("valid_from", &m.valid_from) {
            Ok(d) => next.valid_from = d,
            Err(e) => errors.push(e),
        }
        next.valid_to = None;
        if let Some(t) = opt(&m.valid_to) {
            match parse_date_field("valid_to", &t) {
                Ok(d) if d < next.valid_from => errors.push(EditError::new(
                    "valid_to",
                    "ngày hết hiệu lực trước ngày có hiệu lực",
                    "the end date is before the start date",
                )),
                Ok(d) => next.valid_to = Some(d),
                Err(e) => errors.push(e),
            }
        }
        if let Some(c) = opt(&m.completeness) {
            match Completeness::parse(&c) {
                Some(c) => next.completeness = c,
                None => errors.push(EditError::new(
                    "completeness",
                    format!("mức đầy đủ không hợp lệ: “{c}”"),
                    format!("unknown completeness “{c}”"),
                )),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        *self = next;
        Ok(())
    }

    /// Adds a criterion, or renames one (`original`); inherited criteria are the base's.
    pub fn upsert_criterion(
        &mut self,
        original: Option<u16>,
        number: &str,
        name_vi: &str,
        name_en: &str,
    ) -> Result<(), Vec<EditError>> {
        let n: u16 = match number.trim().parse() {
            Ok(n) if (1..=999).contains(&n) => n,
            _ => {
                return Err(vec![EditError::new(
                    "number",
                    format!("số tiêu chí không hợp lệ: “{}” (1–999)", number.trim()),
                    format!("not a criterion number: “{}” (1–999)", number.trim()),
                )]);
            }
        };
        let Some(name) = opt(name_vi) else {
            return Err(vec![EditError::new(
                "name_vi",
                "cần tên tiêu chí",
                "the criterion needs a name",
            )]);
        };
        let mut next = self.clone();
        match original {
            Some(o) => {
                let Some(c) = next.criteria.iter_mut().find(|c| c.number == o) else {
                    return Err(vec![EditError::new(
                        "number",
                        format!("không có tiêu chí số {o}"),
                        format!("no criterion {o}"),
                    )]);
                };
                if c.inherited {
                    return Err(vec![EditError::new(
                        "name_vi",
                        "tiêu chí của bộ quốc gia: không đổi được tên hoặc số",
                        "a criterion of the national set: its name and number cannot change",
                    )]);
                }
                c.number = n;
                c.name_vi = name;
                c.name_en = opt(name_en);
            }
            None => {
                if next.criteria.iter().any(|c| c.number == n) {
                    return Err(vec![EditError::new(
                        "number",
                        format!("tiêu chí số {n} đã có"),
                        format!("criterion {n} already exists"),
                    )]);
                }
                next.criteria.push(AuthoredCriterion {
                    number: n,
                    name_vi: name,
                    name_en: opt(name_en),
                    group: None,
                    pass: Pass::All,
                    inherited: false,
                    provenance: None,
                    uncertain: false,
                    sources: Vec::new(),
                    note: None,
                    indicators: Vec::new(),
                });
            }
        }
        self.commit(next, None).map_err(|mut e| {
            for x in &mut e {
                if x.field.starts_with("criterion.") {
                    x.field = "number".into();
                }
            }
            e
        })
    }

    /// Removes a criterion of this version (not an inherited one) with its indicators.
    pub fn remove_criterion(&mut self, number: u16) -> Result<(), Vec<EditError>> {
        match self.criteria.iter().position(|c| c.number == number) {
            Some(k) if self.criteria[k].inherited => Err(vec![EditError::new(
                "number",
                "tiêu chí của bộ quốc gia không xóa được",
                "a criterion of the national set cannot be removed",
            )]),
            Some(k) => {
                self.criteria.remove(k);
                Ok(())
            }
            None => Err(vec![EditError::new(
                "number",
                format!("không có tiêu chí số {number}"),
                format!("no criterion {number}"),
            )]),
        }
    }

    /// Removes an indicator (an inherited one: the base's thresholds apply again).
    pub fn remove_indicator(&mut self, code: &str) -> Result<(), Vec<EditError>> {
        let n = self.preconditions.len();
        self.preconditions.retain(|i| i.code != code);
        let mut found = self.preconditions.len() != n;
        for c in &mut self.criteria {
            let n = c.indicators.len();
            c.indicators.retain(|i| i.code != code);
            found |= c.indicators.len() != n;
        }
        if found {
            self.prune_bases();
            Ok(())
        } else {
            Err(vec![EditError::new(
                "code",
                format!("không có chỉ tiêu “{code}”"),
                format!("no indicator “{code}”"),
            )])
        }
    }

    /// Drops the editor's basis entries (`CC…`) no threshold cites any more.
    fn prune_bases(&mut self) {
        let mut cited: Vec<String> = Vec::new();
        for i in self.indicators() {
            cited.extend(i.sources.iter().cloned());
            for t in std::iter::once(&i.threshold)
                .chain(i.by_region.entries().map(|(_, t)| t))
                .chain(i.by_group.entries().map(|(_, t)| t))
                .flatten()
            {
                cited.extend(t.sources.iter().cloned());
            }
        }
        self.sources
            .retain(|id, _| !id.starts_with("CC") || cited.contains(id));
    }

    /// The source id for a basis: an existing entry with the same document, date, issuer,
    /// article and file, else `CC` + the start of the SHA-256 of the entry.
    fn basis_id(&mut self, b: &BasisInput) -> String {
        let entry = AuthoredSource {
            url: None,
            doc: opt(&b.doc),
            what: None,
            date: opt(&b.date)
                .map(|d| crate::text::parse_date(&d).map_or(d, crate::text::format_date_iso)),
            issuer: opt(&b.issuer),
            article: opt(&b.article),
            file_sha256: b.file_sha256.clone(),
            file_name: b.file_name.clone(),
        };
        if let Some((id, _)) = self.sources.iter().find(|(_, s)| **s == entry) {
            return id.clone();
        }
        // Derived from the content, so a basis keeps its id across versions and never takes
        // an id the base set uses for another document (resolve refuses that).
        use sha2::Digest;
        let key = serde_json::to_string(&entry).unwrap_or_default();
        let hash = hex::encode(sha2::Sha256::digest(key.as_bytes()));
        let mut n = 8;
        let mut id = format!("CC{}", &hash[..n]);
        while self.sources.contains_key(&id) && n < hash.len() {
            n += 2;
            id = format!("CC{}", &hash[..n]);
        }
        self.sources.insert(id.clone(), entry);
        id
    }

    /// Adds or replaces one indicator with its thresholds (see the module documentation).
    /// With `base` (an extending version), an indicator whose code is the base's restates
    /// that indicator's thresholds (its name, kind and unit stay the base's) and may only be
    /// stricter than the base's known values; any other code is added to the criterion.
    pub fn upsert_indicator(
        &mut self,
        input: &IndicatorInput,
        base: Option<&ResolvedSet>,
    ) -> Result<(), Vec<EditError>> {
        let mut errors = Vec::new();
        let code = input.code.trim().to_string();
        if code.is_empty() || code.chars().any(char::is_whitespace) {
            errors.push(EditError::new(
                "code",
                format!(
                    "mã chỉ tiêu không hợp lệ: “{code}” (không để trống, không có khoảng trắng)"
                ),
                format!("not a valid indicator code: “{code}” (not empty, no spaces)"),
            ));
        }
        let base_ind = base.and_then(|b| b.indicator_index(&code).map(|i| b.indicator(i)));
        let criterion: Option<u16> = match input.criterion.trim() {
            "" => None,
            t => match t.parse::<u16>() {
                Ok(n) if self.criteria.iter().any(|c| c.number == n) => Some(n),
                _ => {
                    errors.push(EditError::new(
                        "criterion",
                        format!("không có tiêu chí số “{t}” trong bộ"),
                        format!("no criterion “{t}” in the set"),
                    ));
                    None
                }
            },
        };
        let kind = match base_ind {
            Some(b) => Some(b.kind),
            None => match Kind::parse(input.kind.trim()) {
                Some(Kind::Derived) | None => {
                    errors.push(EditError::new(
                        "kind",
                        format!(
                            "loại chỉ tiêu không hợp lệ: “{}” (boolean, percent, number, count, level)",
                            input.kind.trim()
                        ),
                        format!(
                            "unknown kind “{}” (boolean, percent, number, count, level)",
                            input.kind.trim()
                        ),
                    ));
                    None
                }
                k => k,
            },
        };
        let name_vi = match base_ind {
            Some(b) => b.name_vi.clone(),
            None => {
                let n = opt(&input.name_vi);
                if n.is_none() {
                    errors.push(EditError::new(
                        "name_vi",
                        "cần tên chỉ tiêu",
                        "the indicator needs a name",
                    ));
                }
                n
            }
        };
        let Some(kind) = kind else {
            return Err(errors);
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut next = self.clone();
        // Each threshold, parsed with its basis.
        let mut general = None;
        let mut by_region: BTreeMap<String, Option<AuthoredThreshold>> = BTreeMap::new();
        let mut by_group: BTreeMap<String, Option<AuthoredThreshold>> = BTreeMap::new();
        for t in &input.thresholds {
            let key = t.key.trim();
            let prefix = format!("{code}.{key}");
            let is_region = Region::parse(key).is_some();
            let is_group = CommuneGroup::parse(key).is_some();
            if key != "general" && !is_region && !is_group {
                errors.push(EditError::new(
                    &format!("{prefix}.key"),
                    format!(
                        "vùng hoặc nhóm xã không tồn tại: “{key}” (vùng: TDMNPB, DBSH, BTB, DHNTB, TN, DNB, DBSCL; nhóm: nhom-1, nhom-2, nhom-3)"
                    ),
                    format!("unknown region or commune group “{key}”"),
                ));
                continue;
            }
            if t.value.trim().is_empty() {
                if t.confirmed || !t.basis.doc.trim().is_empty() {
                    errors.push(EditError::new(
                        &format!("{prefix}.value"),
                        "cần giá trị ngưỡng cho căn cứ đã nhập",
                        "a value is needed for the basis entered",
                    ));
                }
                continue;
            }
            let op = match parse_op(&format!("{prefix}.op"), &t.op, kind) {
                Ok(op) => op,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let value = match parse_value(&format!("{prefix}.value"), &t.value, kind, op) {
                Ok(v) => v,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let has_basis = !t.basis.doc.trim().is_empty();
            if t.confirmed && !has_basis {
                errors.push(EditError::new(
                    &format!("{prefix}.basis_doc"),
                    "giá trị đánh dấu đã xác nhận cần căn cứ pháp lý: số văn bản, ngày, cơ quan ban hành, điều khoản",
                    "a value marked confirmed needs its legal basis: document number, date, issuer, article",
                ));
                continue;
            }
            if has_basis
                && !t.basis.date.trim().is_empty()
                && crate::text::parse_date(&t.basis.date).is_none()
            {
                errors.push(EditError::new(
                    &format!("{prefix}.basis_date"),
                    format!(
                        "ngày văn bản không hợp lệ: “{}” (dd/mm/yyyy)",
                        t.basis.date.trim()
                    ),
                    format!("not a date: “{}” (dd/mm/yyyy)", t.basis.date.trim()),
                ));
                continue;
            }
            // A base value restated unchanged without a basis keeps the base's provenance
            // and citations (a province re-saving the national value does not unconfirm it).
            if !has_basis
                && !t.confirmed
                && let (Some(b), Some(bs)) = (base_ind, base)
                && let Some(bt) = base_threshold(b, key)
                && bt.op == op
                && bt.value == value
            {
                for id in &bt.sources {
                    if let Some(src) = bs.sources.get(id) {
                        next.sources
                            .entry(id.clone())
                            .or_insert_with(|| super::from_set::source(src));
                    }
                }
                let bt = AuthoredThreshold {
                    text: opt(&t.text).or(bt.text),
                    ..bt
                };
                if key == "general" {
                    general = Some(bt);
                } else if is_region {
                    by_region.insert(key.to_string(), Some(bt));
                } else {
                    by_group.insert(key.to_string(), Some(bt));
                }
                continue;
            }
            let th = if has_basis {
                AuthoredThreshold {
                    op,
                    value,
                    text: opt(&t.text),
                    provenance: Some(Provenance::Sourced),
                    uncertain: Some(false),
                    source: None,
                    sources: vec![next.basis_id(&t.basis)],
                    note: None,
                }
            } else {
                AuthoredThreshold {
                    op,
                    value,
                    text: opt(&t.text),
                    provenance: Some(Provenance::Recalled),
                    uncertain: Some(true),
                    source: None,
                    sources: Vec::new(),
                    note: None,
                }
            };
            if key == "general" {
                general = Some(th);
            } else if is_region {
                by_region.insert(key.to_string(), Some(th));
            } else {
                by_group.insert(key.to_string(), Some(th));
            }
        }
        let computed_from = match input.computed_from.trim() {
            "" => None,
            s => match crate::measures::MeasureKey::parse(s) {
                Some(k)
                    if crate::criteria::ValueKind::from_kind(kind).is_some_and(|v| k.fits(v)) =>
                {
                    Some(k)
                }
                Some(k) => {
                    errors.push(EditError::new(
                        "computed_from",
                        format!(
                            "“{}” cho giá trị kiểu {}, chỉ tiêu này kiểu {}",
                            k.name_vi(),
                            k.value_kind().as_str(),
                            kind.as_str(),
                        ),
                        format!(
                            "“{}” gives {} values; the indicator is {}",
                            k.name_en(),
                            k.value_kind().as_str(),
                            kind.as_str()
                        ),
                    ));
                    None
                }
                None => {
                    errors.push(EditError::new(
                        "computed_from",
                        format!("không có phép đo “{s}”"),
                        format!("no measure “{s}”"),
                    ));
                    None
                }
            },
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let ind = AuthoredIndicator {
            code: code.clone(),
            name_vi,
            name_en: base_ind.map_or_else(|| opt(&input.name_en), |b| b.name_en.clone()),
            kind,
            unit: base_ind.map_or_else(|| opt(&input.unit), |b| b.unit.clone()),
            inherited: base_ind.is_some(),
            threshold: general,
            by_region: Variation::Known(by_region),
            by_group: Variation::Known(by_group),
            derived: None,
            measured_as: None,
            computed_from,
            provenance: base_ind.map_or(Provenance::Sourced, |b| b.provenance),
            uncertain: false,
            placeholder: false,
            evidence_required: None,
            source: None,
            sources: Vec::new(),
            note: None,
        };
        // Where it goes: the base's criterion for an inherited indicator, else the one typed.
        let target = match (base, base_ind) {
            (Some(b), Some(_)) => b
                .indicator_index(&code)
                .and_then(|i| b.criterion_of(i))
                .map(|ci| b.criteria[ci].number),
            _ => criterion,
        };
        let original = input
            .original_code
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let replace = original.unwrap_or(&code).to_string();
        if original.is_none() && next.indicator(&code).is_some() {
            return Err(vec![EditError::new(
                "code",
                format!("mã chỉ tiêu “{code}” đã có trong bộ"),
                format!("indicator code “{code}” is already in the set"),
            )]);
        }
        // Replace in place when the indicator stays in the same criterion.
        let same_place = next.indicator(&replace).map(|(c, _)| c) == Some(target);
        if same_place {
            let slot = next
                .preconditions
                .iter_mut()
                .chain(
                    next.criteria
                        .iter_mut()
                        .flat_map(|c| c.indicators.iter_mut()),
                )
                .find(|i| i.code == replace);
            if let Some(s) = slot {
                *s = ind;
            }
        } else {
            if original.is_some() {
                let _ = next.remove_indicator(&replace);
            }
            let list = match target {
                None => &mut next.preconditions,
                Some(n) => match next.criteria.iter_mut().find(|c| c.number == n) {
                    Some(c) => &mut c.indicators,
                    None => &mut next.preconditions,
                },
            };
            // Inherited indicators come first (the order the YAML is read back in).
            let at = if ind.inherited {
                list.iter().take_while(|i| i.inherited).count()
            } else {
                list.len()
            };
            list.insert(at, ind);
        }
        self.commit(next, base)
    }
}
