//! Reading plan and measure files (format in `docs/plans-format.md`).

use std::collections::BTreeSet;

use time::Date;

use super::{
    Aggregate, MeasureDef, MeasureKind, Metric, Plan, PlanError, PlanTask, ReportDue, ReportKind,
    Target, TargetOp,
};
use crate::criteria::{Catalog, ValueKind};
use crate::measures::{MeasureKey, Module};
use crate::yaml::{
    self, FieldError, Node, Obj, as_f64, as_i64, as_seq, describe, line, obj, suggest,
};

/// Error collector for one plan or measure file.
type Cx<'f> = yaml::Cx<'f, PlanError>;

impl FieldError for PlanError {
    fn new(file: &str, line: usize, field: &str, message: String) -> Self {
        PlanError {
            file: file.to_string(),
            line,
            field: field.to_string(),
            message,
        }
    }
}
use crate::text::parse_date;
use crate::units::Level;

/// Value of the optional `format:` field of a plan file.
pub const PLAN_FORMAT: &str = "ntm-plan/1";

const PLAN_FIELDS: &[&str] = &[
    "format",
    "id",
    "name",
    "document",
    "document_type",
    "document_note",
    "issued",
    "issuer",
    "province",
    "scope",
    "period",
    "lead_agency",
    "lead_agency_cite",
    "provenance",
    "notes",
    "reports",
    "targets",
    "tasks",
];
const TARGET_FIELDS: &[&str] = &[
    "code",
    "text",
    "metric",
    "op",
    "value",
    "due",
    "cite",
    "agency",
    "agency_cite",
    "baseline",
    "note",
];
const METRIC_KINDS: &[&str] = &[
    "measure",
    "share_meeting",
    "count_meeting",
    "count",
    "computed",
];
const LEVELS: &[&str] = &["province", "district", "commune", "hamlet"];

fn one_doc<'d>(cx: &mut Cx<'_>, docs: &'d [Node<'static>]) -> Option<&'d Node<'static>> {
    match docs {
        [d] => Some(d),
        [] => {
            cx.err(0, "", "the file is empty");
            None
        }
        _ => {
            cx.err(0, "", "one YAML document per file");
            None
        }
    }
}

fn done<T>(mut cx: Cx<'_>, v: Option<T>) -> Result<T, Vec<PlanError>> {
    match v {
        Some(v) if cx.errors.is_empty() => Ok(v),
        _ => {
            if cx.errors.is_empty() {
                cx.err(0, "", "invalid file");
            }
            Err(cx.errors)
        }
    }
}

fn level_of(cx: &mut Cx<'_>, n: &Node<'_>, field: &str) -> Option<Level> {
    let Some(s) = yaml::as_str(n) else {
        cx.err(
            line(n),
            field,
            format!("expected a level, found {}", describe(n)),
        );
        return None;
    };
    match Level::parse(s) {
        Some(l) => Some(l),
        None => {
            let hint = suggest(s, LEVELS)
                .map(|h| format!(" (did you mean `{h}`?)"))
                .unwrap_or_default();
            cx.err(
                line(n),
                field,
                format!("unknown level `{s}`{hint}; one of: {}", LEVELS.join(", ")),
            );
            None
        }
    }
}

fn levels_of(cx: &mut Cx<'_>, n: &Node<'_>, field: &str) -> Vec<Level> {
    match as_seq(n) {
        Some(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, it)| level_of(cx, it, &format!("{field}[{i}]")))
            .collect(),
        None => level_of(cx, n, field).into_iter().collect(),
    }
}

fn date_of(cx: &mut Cx<'_>, o: &Obj<'_, '_>, key: &str) -> Option<Date> {
    let s = o.opt_str(cx, key)?;
    match parse_date(&s) {
        Some(d) => Some(d),
        None => {
            cx.err(
                o.key_line(key),
                &o.field(key),
                format!("`{s}` is not a date (YYYY-MM-DD)"),
            );
            None
        }
    }
}

/// Reads the measure catalogue: a list under `measures:` of
/// `{code, kind: percent|yes_no|count, name_vi, name_en, levels}`.
pub fn parse_measures(file: &str, text: &str) -> Result<Vec<MeasureDef>, Vec<PlanError>> {
    let mut cx = Cx::new(file);
    let Some(docs) = yaml::load(&mut cx, text) else {
        return done(cx, None);
    };
    let Some(root) = one_doc(&mut cx, &docs) else {
        return done(cx, None);
    };
    let Some(o) = obj(&mut cx, root, "", &["format", "source", "measures"]) else {
        return done(cx, None);
    };
    let mut out: Vec<MeasureDef> = Vec::new();
    for (i, m) in o.seq(&mut cx, "measures").iter().enumerate() {
        let path = format!("measures[{i}]");
        let Some(mo) = obj(
            &mut cx,
            m,
            &path,
            &["code", "kind", "name_vi", "name_en", "levels", "note"],
        ) else {
            continue;
        };
        let code = mo.req_str(&mut cx, "code");
        let kind_s = mo.req_str(&mut cx, "kind");
        let kind = kind_s.as_deref().and_then(|k| {
            let r = MeasureKind::parse(k);
            if r.is_none() {
                cx.err(
                    mo.key_line("kind"),
                    &mo.field("kind"),
                    format!("unknown measure kind `{k}`; one of: percent, yes_no, count"),
                );
            }
            r
        });
        let name_vi = mo.req_str(&mut cx, "name_vi");
        let name_en = mo.req_str(&mut cx, "name_en");
        let levels = match mo.req(&mut cx, "levels") {
            Some(n) => levels_of(&mut cx, n, &mo.field("levels")),
            None => Vec::new(),
        };
        if let (Some(code), Some(kind), Some(name_vi), Some(name_en)) =
            (code, kind, name_vi, name_en)
        {
            if out.iter().any(|d| d.code == code) {
                cx.err(
                    mo.key_line("code"),
                    &mo.field("code"),
                    format!("measure `{code}` is defined twice"),
                );
                continue;
            }
            out.push(MeasureDef {
                code,
                kind,
                name_vi,
                name_en,
                levels,
            });
        }
    }
    done(cx, Some(out))
}

/// Reads one plan file and checks it against the measures and the criteria sets. Every
/// problem is reported (`file:line: field: message`).
pub fn parse_plan(
    file: &str,
    text: &str,
    measures: &[MeasureDef],
    catalog: &Catalog,
) -> Result<Plan, Vec<PlanError>> {
    let mut cx = Cx::new(file);
    let Some(docs) = yaml::load(&mut cx, text) else {
        return done(cx, None);
    };
    let Some(root) = one_doc(&mut cx, &docs) else {
        return done(cx, None);
    };
    let Some(o) = obj(&mut cx, root, "", PLAN_FIELDS) else {
        return done(cx, None);
    };
    if let Some(f) = o.opt_str(&mut cx, "format")
        && f != PLAN_FORMAT
    {
        cx.err(
            o.key_line("format"),
            "format",
            format!("unsupported format `{f}` (expected `{PLAN_FORMAT}`)"),
        );
    }
    let id = o.req_str(&mut cx, "id");
    if let Some(id) = &id
        && (id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
    {
        cx.err(
            o.key_line("id"),
            "id",
            format!("`{id}`: use lower-case letters, digits and `-`"),
        );
    }
    let name = o.req_str(&mut cx, "name");
    let province = o.req_str(&mut cx, "province");
    if let Some(p) = &province
        && (p.len() != 2 || !p.chars().all(|c| c.is_ascii_digit()))
    {
        cx.err(
            o.key_line("province"),
            "province",
            format!("`{p}` is not a two-digit province code (write it quoted: \"04\")"),
        );
    }
    let issued = date_of(&mut cx, &o, "issued");
    let (mut period_from, mut period_to) = (None, None);
    if let Some(p) = o.req(&mut cx, "period")
        && let Some(po) = obj(&mut cx, p, "period", &["from", "to"])
    {
        period_from = date_of(&mut cx, &po, "from");
        period_to = date_of(&mut cx, &po, "to");
        if !po.has("from") {
            cx.err(po.line, "period.from", "missing required field");
        }
        if !po.has("to") {
            cx.err(po.line, "period.to", "missing required field");
        }
        if let (Some(f), Some(t)) = (period_from, period_to)
            && f > t
        {
            cx.err(po.line, "period", "`from` is after `to`");
        }
    }

    let mut reports = Vec::new();
    for (i, r) in o.seq(&mut cx, "reports").iter().enumerate() {
        let path = format!("reports[{i}]");
        let Some(ro) = obj(&mut cx, r, &path, &["kind", "due", "from_level", "to"]) else {
            continue;
        };
        let kind = ro.req_str(&mut cx, "kind").and_then(|k| {
            let r = ReportKind::parse(&k);
            if r.is_none() {
                cx.err(
                    ro.key_line("kind"),
                    &ro.field("kind"),
                    format!("unknown report kind `{k}`; one of: six_month, annual"),
                );
            }
            r
        });
        let due = ro.req_str(&mut cx, "due").and_then(|d| {
            let md = d.split_once('-').and_then(|(m, d)| {
                let m: u8 = m.parse().ok()?;
                let d: u8 = d.parse().ok()?;
                // Checked against a leap year so 02-29 is accepted.
                Date::from_calendar_date(2024, time::Month::try_from(m).ok()?, d).ok()?;
                Some((m, d))
            });
            if md.is_none() {
                cx.err(
                    ro.key_line("due"),
                    &ro.field("due"),
                    format!("`{d}` is not a month and day \"MM-DD\" (write it quoted)"),
                );
            }
            md
        });
        let from_level = ro
            .opt("from_level")
            .and_then(|n| level_of(&mut cx, n, &ro.field("from_level")));
        let to = ro.req_str(&mut cx, "to");
        if let (Some(kind), Some((m, d)), Some(to)) = (kind, due, to) {
            reports.push(ReportDue {
                kind,
                due_month: m,
                due_day: d,
                from_level,
                to,
            });
        }
    }

    let mut targets: Vec<Target> = Vec::new();
    let mut codes = BTreeSet::new();
    let target_nodes = o.seq(&mut cx, "targets");
    if target_nodes.is_empty() && o.has("targets") {
        cx.err(o.key_line("targets"), "targets", "no targets");
    }
    for (i, t) in target_nodes.iter().enumerate() {
        let path = format!("targets[{i}]");
        let Some(to) = obj(&mut cx, t, &path, TARGET_FIELDS) else {
            continue;
        };
        if let Some(t) = target(&mut cx, &to, measures, catalog) {
            if !codes.insert(t.code.clone()) {
                cx.err(
                    to.key_line("code"),
                    &to.field("code"),
                    format!("target code `{}` appears twice", t.code),
                );
                continue;
            }
            targets.push(t);
        }
    }
    if !o.has("targets") {
        cx.err(o.line, "targets", "missing required field");
    }

    let mut tasks: Vec<PlanTask> = Vec::new();
    for (i, t) in o.seq(&mut cx, "tasks").iter().enumerate() {
        let path = format!("tasks[{i}]");
        let Some(to) = obj(
            &mut cx,
            t,
            &path,
            &[
                "code",
                "section",
                "text",
                "lead",
                "coordinating",
                "period",
                "note",
            ],
        ) else {
            continue;
        };
        let code = to.req_str(&mut cx, "code");
        let text = to.req_str(&mut cx, "text");
        let lead = to.str_list(&mut cx, "lead");
        if lead.is_empty() {
            cx.err(to.line, &to.field("lead"), "name at least one lead agency");
        }
        let period = to.req_str(&mut cx, "period").and_then(|p| {
            let years: Vec<i32> = p
                .split(['-', '–'])
                .filter_map(|s| s.trim().parse().ok())
                .collect();
            let r = match years.as_slice() {
                [y] => Some((*y, *y)),
                [a, b] if a <= b => Some((*a, *b)),
                _ => None,
            };
            if r.is_none() {
                cx.err(
                    to.key_line("period"),
                    &to.field("period"),
                    format!("`{p}` is not a year or \"YYYY - YYYY\""),
                );
            }
            r
        });
        if let (Some(code), Some(text), Some((from_year, to_year))) = (code, text, period) {
            if tasks.iter().any(|t| t.code == code) {
                cx.err(
                    to.key_line("code"),
                    &to.field("code"),
                    format!("task code `{code}` appears twice"),
                );
                continue;
            }
            tasks.push(PlanTask {
                code,
                section: to.opt_str(&mut cx, "section"),
                text,
                lead,
                coordinating: to.opt_str(&mut cx, "coordinating"),
                from_year,
                to_year,
                note: to.opt_str(&mut cx, "note"),
            });
        }
    }

    let plan = match (id, name, province, period_from, period_to) {
        (Some(id), Some(name), Some(province), Some(period_from), Some(period_to)) => Some(Plan {
            id,
            name,
            document: o.opt_str(&mut cx, "document"),
            document_type: o.opt_str(&mut cx, "document_type"),
            document_note: o.opt_str(&mut cx, "document_note"),
            issued,
            issuer: o.opt_str(&mut cx, "issuer"),
            province,
            scope: o.opt_str(&mut cx, "scope"),
            period_from,
            period_to,
            lead_agency: o.opt_str(&mut cx, "lead_agency"),
            lead_agency_cite: o.opt_str(&mut cx, "lead_agency_cite"),
            provenance: o.opt_str(&mut cx, "provenance"),
            notes: o.opt_str(&mut cx, "notes"),
            reports,
            targets,
            tasks,
        }),
        _ => None,
    };
    done(cx, plan)
}

fn number(cx: &mut Cx<'_>, o: &Obj<'_, '_>, key: &str) -> Option<f64> {
    let n = o.opt(key)?;
    match as_f64(n) {
        Some(v) if v.is_finite() => Some(v),
        _ => {
            cx.err(
                line(n),
                &o.field(key),
                format!("expected a number, found {}", describe(n)),
            );
            None
        }
    }
}

fn target(
    cx: &mut Cx<'_>,
    o: &Obj<'_, '_>,
    measures: &[MeasureDef],
    catalog: &Catalog,
) -> Option<Target> {
    let code = o.req_str(cx, "code");
    let text = o.req_str(cx, "text");
    let op = o.req_str(cx, "op").and_then(|s| {
        let r = TargetOp::parse(&s);
        if r.is_none() {
            cx.err(
                o.key_line("op"),
                &o.field("op"),
                format!("unsupported op `{s}`: targets are minimums, use \">=\" or \">\""),
            );
        }
        r
    });
    if o.opt("value").is_none() {
        o.req(cx, "value");
    }
    let value = number(cx, o, "value");
    let due = match o.req(cx, "due") {
        Some(n) => match as_i64(n) {
            Some(y) if (2000..=2100).contains(&y) => Some(y as i32),
            _ => {
                cx.err(
                    line(n),
                    &o.field("due"),
                    format!("expected a year, found {}", describe(n)),
                );
                None
            }
        },
        None => None,
    };
    let baseline = number(cx, o, "baseline");
    let metric = o
        .req(cx, "metric")
        .and_then(|m| metric(cx, m, &o.field("metric"), measures, catalog));
    if let (Some(m), Some(v)) = (&metric, value)
        && m.is_percent()
        && !(0.0..=100.0).contains(&v)
    {
        cx.err(
            o.key_line("value"),
            &o.field("value"),
            format!("{v} is not a percentage (0–100) but the metric is a share"),
        );
    }
    Some(Target {
        code: code?,
        text: text?,
        metric: metric?,
        op: op?,
        value: value?,
        due: due?,
        cite: o.opt_str(cx, "cite"),
        agency: o.opt_str(cx, "agency"),
        agency_cite: o.opt_str(cx, "agency_cite"),
        baseline,
        note: o.opt_str(cx, "note"),
        line: o.line,
    })
}

fn metric(
    cx: &mut Cx<'_>,
    n: &Node<'_>,
    path: &str,
    measures: &[MeasureDef],
    catalog: &Catalog,
) -> Option<Metric> {
    let o = obj(
        cx,
        n,
        path,
        &[
            "kind",
            "measure",
            "set",
            "indicator",
            "level",
            "aggregate",
            "of",
            "at_least",
        ],
    )?;
    let kind = o.req_str(cx, "kind")?;
    let only = |cx: &mut Cx<'_>, allowed: &[&str]| {
        for k in [
            "measure",
            "set",
            "indicator",
            "level",
            "aggregate",
            "of",
            "at_least",
        ] {
            if o.has(k) && !allowed.contains(&k) {
                cx.err(
                    o.key_line(k),
                    &o.field(k),
                    format!("`{k}` does not apply to a `{kind}` metric"),
                );
            }
        }
    };
    match kind.as_str() {
        "measure" => {
            only(cx, &["measure", "level", "aggregate"]);
            let code = o.req_str(cx, "measure")?;
            let def = find_measure(cx, &o, "measure", &code, measures)?;
            let level_node = o.req(cx, "level")?;
            let levels = levels_of(cx, level_node, &o.field("level"));
            for l in &levels {
                if !def.levels.contains(l) {
                    cx.err(
                        o.key_line("level"),
                        &o.field("level"),
                        format!("measure `{code}` is not entered for {} units", l.as_str()),
                    );
                }
            }
            let aggregate = match o.opt_str(cx, "aggregate") {
                None => def.kind.default_aggregate(),
                Some(a) => {
                    let Some(agg) = Aggregate::parse(&a) else {
                        cx.err(
                            o.key_line("aggregate"),
                            &o.field("aggregate"),
                            format!("unknown aggregate `{a}`; one of: average, share_true, sum"),
                        );
                        return None;
                    };
                    if !agg.fits(def.kind) {
                        cx.err(
                            o.key_line("aggregate"),
                            &o.field("aggregate"),
                            format!(
                                "`{a}` does not fit measure `{code}` of kind {} (use {})",
                                def.kind.as_str(),
                                def.kind.default_aggregate().as_str()
                            ),
                        );
                        return None;
                    }
                    agg
                }
            };
            (!levels.is_empty()).then_some(Metric::Measure {
                measure: code,
                levels,
                aggregate,
            })
        }
        "share_meeting" | "count_meeting" => {
            only(cx, &["set", "indicator", "level"]);
            let set = o.req_str(cx, "set")?;
            let level_node = o.req(cx, "level")?;
            let level = level_of(cx, level_node, &o.field("level"));
            let indicator = o.opt_str(cx, "indicator");
            if !catalog.contains(&set) {
                let ids: Vec<&str> = catalog.sets().iter().map(|s| s.id.as_str()).collect();
                let hint = suggest(&set, &ids)
                    .map(|h| format!(" (did you mean `{h}`?)"))
                    .unwrap_or_default();
                cx.err(
                    o.key_line("set"),
                    &o.field("set"),
                    format!("unknown criteria set `{set}`{hint}"),
                );
                return None;
            }
            let set_level = catalog.versions(&set).next().map(|s| s.level);
            if let (Some(l), Some(sl)) = (level, set_level)
                && l != sl
            {
                cx.err(
                    o.key_line("level"),
                    &o.field("level"),
                    format!(
                        "set `{set}` evaluates {} units, not {}",
                        sl.as_str(),
                        l.as_str()
                    ),
                );
                return None;
            }
            if let Some(ind) = &indicator
                && !catalog
                    .versions(&set)
                    .any(|s| s.indicator_index(ind).is_some())
            {
                cx.err(
                    o.key_line("indicator"),
                    &o.field("indicator"),
                    format!("set `{set}` has no indicator `{ind}`"),
                );
                return None;
            }
            let level = level?;
            Some(if kind == "share_meeting" {
                Metric::ShareMeeting {
                    set,
                    indicator,
                    level,
                }
            } else {
                Metric::CountMeeting {
                    set,
                    indicator,
                    level,
                }
            })
        }
        "count" => {
            only(cx, &["of", "level"]);
            let of = o.req_str(cx, "of")?;
            let def = find_measure(cx, &o, "of", &of, measures)?;
            if def.kind != MeasureKind::Count {
                cx.err(
                    o.key_line("of"),
                    &o.field("of"),
                    format!(
                        "`{of}` is a {} measure; a count metric needs a count",
                        def.kind.as_str()
                    ),
                );
                return None;
            }
            let level = match o.opt("level") {
                Some(n) => level_of(cx, n, &o.field("level"))?,
                None => Level::Province,
            };
            Some(Metric::Count { of, level })
        }
        "computed" => {
            only(cx, &["measure", "level", "at_least"]);
            let name = o.req_str(cx, "measure")?;
            let Some(key) = MeasureKey::parse(&name) else {
                let names: Vec<&str> = MeasureKey::ALL.iter().map(|k| k.as_str()).collect();
                let hint = suggest(&name, &names)
                    .map(|h| format!(" (did you mean `{h}`?)"))
                    .unwrap_or_default();
                cx.err(
                    o.key_line("measure"),
                    &o.field("measure"),
                    format!(
                        "unknown computed measure `{name}`{hint}; one of: {}",
                        names.join(", ")
                    ),
                );
                return None;
            };
            let level_node = o.req(cx, "level")?;
            let level = level_of(cx, level_node, &o.field("level"))?;
            if key.module() == Module::Portal && level != Level::Commune {
                cx.err(
                    o.key_line("level"),
                    &o.field("level"),
                    format!(
                        "`{name}` is computed from a commune's portal: the level must be commune"
                    ),
                );
                return None;
            }
            let at_least = number(cx, &o, "at_least");
            if at_least.is_some() && key.value_kind() == ValueKind::Boolean {
                cx.err(
                    o.key_line("at_least"),
                    &o.field("at_least"),
                    format!(
                        "`{name}` is yes/no: the actual is already the share of units answering yes; remove `at_least`"
                    ),
                );
                return None;
            }
            if o.has("at_least") && at_least.is_none() {
                return None;
            }
            Some(Metric::Computed {
                measure: key,
                level,
                at_least,
            })
        }
        other => {
            let hint = suggest(other, METRIC_KINDS)
                .map(|h| format!(" (did you mean `{h}`?)"))
                .unwrap_or_default();
            cx.err(
                o.key_line("kind"),
                &o.field("kind"),
                format!(
                    "unknown metric kind `{other}`{hint}; one of: {}",
                    METRIC_KINDS.join(", ")
                ),
            );
            None
        }
    }
}

fn find_measure<'m>(
    cx: &mut Cx<'_>,
    o: &Obj<'_, '_>,
    key: &str,
    code: &str,
    measures: &'m [MeasureDef],
) -> Option<&'m MeasureDef> {
    let found = measures.iter().find(|m| m.code == code);
    if found.is_none() {
        let codes: Vec<&str> = measures.iter().map(|m| m.code.as_str()).collect();
        let hint = suggest(code, &codes)
            .map(|h| format!(" (did you mean `{h}`?)"))
            .unwrap_or_default();
        cx.err(
            o.key_line(key),
            &o.field(key),
            format!(
                "unknown measure `{code}`{hint} (measures are listed in data/plans/measures.yaml)"
            ),
        );
    }
    found
}
