//! Writing an [`AuthoredSet`] as an `ntm-criteria/1` YAML document.
//!
//! Strings are written as JSON strings (valid YAML double-quoted scalars), thresholds in flow
//! style, everything else in block style. Numbers use Rust's shortest round-trip form.

use std::fmt::Write;

use super::{
    AuthoredCriterion, AuthoredIndicator, AuthoredSet, AuthoredThreshold, Pass, ThresholdValue,
    Variation,
};

fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

fn value(v: &ThresholdValue) -> String {
    match v {
        ThresholdValue::Bool(b) => b.to_string(),
        ThresholdValue::Num(x) => num(*x),
        ThresholdValue::List(l) => format!(
            "[{}]",
            l.iter().map(|x| num(*x)).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn list(items: &[String]) -> String {
    format!(
        "[{}]",
        items.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ")
    )
}

fn threshold(t: &AuthoredThreshold) -> String {
    let mut parts = vec![
        format!("op: {}", q(t.op.as_str())),
        format!("value: {}", value(&t.value)),
    ];
    if let Some(x) = &t.text {
        parts.push(format!("text: {}", q(x)));
    }
    if let Some(p) = t.provenance {
        parts.push(format!("provenance: {}", p.as_str()));
    }
    if let Some(u) = t.uncertain {
        parts.push(format!("uncertain: {u}"));
    }
    if let Some(s) = &t.source {
        parts.push(format!("source: {}", q(s)));
    }
    if !t.sources.is_empty() {
        parts.push(format!("sources: {}", list(&t.sources)));
    }
    if let Some(n) = &t.note {
        parts.push(format!("note: {}", q(n)));
    }
    format!("{{{}}}", parts.join(", "))
}

fn opt_threshold(t: &Option<AuthoredThreshold>) -> String {
    t.as_ref().map_or_else(|| "null".to_string(), threshold)
}

fn variation(v: &Variation) -> String {
    match v {
        Variation::Unknown => "null".into(),
        Variation::Known(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, t)| format!("{}: {}", q(k), opt_threshold(t)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Writes one indicator as a block mapping starting with `- ` at `pad`.
fn indicator(out: &mut String, pad: &str, i: &AuthoredIndicator) {
    let p = format!("{pad}  ");
    let _ = writeln!(out, "{pad}- code: {}", q(&i.code));
    let _ = writeln!(
        out,
        "{p}name_vi: {}",
        i.name_vi.as_deref().map_or("null".into(), q)
    );
    if let Some(n) = &i.name_en {
        let _ = writeln!(out, "{p}name_en: {}", q(n));
    }
    let _ = writeln!(out, "{p}kind: {}", i.kind.as_str());
    if let Some(u) = &i.unit {
        let _ = writeln!(out, "{p}unit: {}", q(u));
    }
    let _ = writeln!(out, "{p}threshold: {}", opt_threshold(&i.threshold));
    if i.by_region != Variation::default() {
        let _ = writeln!(out, "{p}by_region: {}", variation(&i.by_region));
    }
    if i.by_group != Variation::default() {
        let _ = writeln!(out, "{p}by_group: {}", variation(&i.by_group));
    }
    if let Some(d) = &i.derived {
        let mut parts = vec![format!("measure: {}", d.measure.as_str())];
        if let Some(s) = &d.set {
            parts.push(format!("set: {}", q(s)));
        }
        if let Some(l) = d.child_level {
            parts.push(format!("child_level: {}", l.as_str()));
        }
        let _ = writeln!(out, "{p}derived: {{{}}}", parts.join(", "));
    }
    if let Some(k) = i.computed_from {
        let _ = writeln!(out, "{p}computed_from: {}", q(k.as_str()));
    }
    if let Some(m) = &i.measured_as {
        let _ = writeln!(out, "{p}measured_as: {}", q(m));
    }
    let _ = writeln!(out, "{p}provenance: {}", i.provenance.as_str());
    if i.uncertain {
        let _ = writeln!(out, "{p}uncertain: true");
    }
    if i.placeholder {
        let _ = writeln!(out, "{p}placeholder: true");
    }
    if let Some(e) = i.evidence_required {
        let _ = writeln!(out, "{p}evidence_required: {e}");
    }
    if let Some(s) = &i.source {
        let _ = writeln!(out, "{p}source: {}", q(s));
    }
    if !i.sources.is_empty() {
        let _ = writeln!(out, "{p}sources: {}", list(&i.sources));
    }
    if let Some(n) = &i.note {
        let _ = writeln!(out, "{p}note: {}", q(n));
    }
}

/// An inherited indicator, as an `overrides` entry restating every threshold.
fn override_entry(out: &mut String, i: &AuthoredIndicator) {
    let _ = writeln!(out, "  - code: {}", q(&i.code));
    let _ = writeln!(out, "    threshold: {}", opt_threshold(&i.threshold));
    let _ = writeln!(out, "    by_region: {}", variation(&i.by_region));
    let _ = writeln!(out, "    by_group: {}", variation(&i.by_group));
    let _ = writeln!(out, "    provenance: {}", i.provenance.as_str());
    if i.uncertain {
        let _ = writeln!(out, "    uncertain: true");
    }
    if let Some(n) = &i.note {
        let _ = writeln!(out, "    note: {}", q(n));
    }
}

impl AuthoredSet {
    /// The `ntm-criteria/1` document of this version (see the module documentation).
    pub fn to_yaml(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(
            o,
            "# {} version {} (written by NTM Số's criteria editor)",
            self.id, self.version
        );
        o.push_str("format: \"ntm-criteria/1\"\nkind: criteria_set\n");
        let _ = writeln!(o, "id: {}", q(&self.id));
        let _ = writeln!(o, "version: {}", q(&self.version));
        let _ = writeln!(o, "level: {}", self.level.as_str());
        if let Some(c) = &self.category {
            let _ = writeln!(o, "category: {}", q(c));
        }
        let _ = writeln!(o, "title_vi: {}", q(&self.title_vi));
        if let Some(t) = &self.title_en {
            let _ = writeln!(o, "title_en: {}", q(t));
        }
        if let Some(r) = &self.recognition_label {
            let _ = writeln!(o, "recognition_label: {}", q(r));
        }
        let _ = writeln!(
            o,
            "valid_from: {}",
            q(&crate::text::format_date_iso(self.valid_from))
        );
        if let Some(t) = self.valid_to {
            let _ = writeln!(o, "valid_to: {}", q(&crate::text::format_date_iso(t)));
        }
        if let Some(e) = &self.extends {
            match &e.version {
                Some(v) => {
                    let _ = writeln!(o, "extends: {{id: {}, version: {}}}", q(&e.id), q(v));
                }
                None => {
                    let _ = writeln!(o, "extends: {}", q(&e.id));
                }
            }
        }
        let _ = writeln!(o, "completeness: {}", self.completeness.as_str());
        if let Some(e) = self.evidence_required {
            let _ = writeln!(o, "evidence_required: {e}");
        }
        if let Some(kinds) = &self.applies_to {
            let _ = writeln!(o, "applies_to: {{unit_kinds: {}}}", list(kinds));
        }
        if !self.prerequisites.is_empty() {
            let _ = writeln!(o, "prerequisites: {}", list(&self.prerequisites));
        }
        if !self.legal_basis.is_empty() {
            o.push_str("legal_basis:\n");
            for l in &self.legal_basis {
                let _ = writeln!(o, "  - doc: {}", q(&l.doc));
                let _ = writeln!(o, "    role: {}", q(&l.role));
                for (k, v) in [
                    ("date", &l.date),
                    ("issuer", &l.issuer),
                    ("title", &l.title),
                    ("note", &l.note),
                    ("url", &l.url),
                ] {
                    if let Some(v) = v {
                        let _ = writeln!(o, "    {k}: {}", q(v));
                    }
                }
                if !l.sources.is_empty() {
                    let _ = writeln!(o, "    sources: {}", list(&l.sources));
                }
            }
        }
        if !self.sources.is_empty() {
            o.push_str("sources:\n");
            for (id, s) in &self.sources {
                let parts: Vec<String> = [
                    ("url", &s.url),
                    ("doc", &s.doc),
                    ("what", &s.what),
                    ("date", &s.date),
                    ("issuer", &s.issuer),
                    ("article", &s.article),
                    ("file_sha256", &s.file_sha256),
                    ("file_name", &s.file_name),
                ]
                .into_iter()
                .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}: {}", q(v))))
                .collect();
                let _ = writeln!(o, "  {}: {{{}}}", q(id), parts.join(", "));
            }
        }
        if !self.special_rules.is_empty() {
            o.push_str("special_rules:\n");
            for r in &self.special_rules {
                let _ = writeln!(o, "  - id: {}", q(&r.id));
                let _ = writeln!(o, "    text_vi: {}", q(&r.text_vi));
                o.push_str("    applies_when: disadvantaged_commune\n");
                match r.evaluate_with_region {
                    Some(reg) => {
                        let _ = writeln!(o, "    effect: {{evaluate_with_region: {}}}", reg.code());
                    }
                    None => o.push_str("    effect: {}\n"),
                }
                let _ = writeln!(o, "    provenance: {}", r.provenance.as_str());
                if !r.sources.is_empty() {
                    let _ = writeln!(o, "    sources: {}", list(&r.sources));
                }
            }
        }
        if !self.notes.is_empty() {
            o.push_str("notes:\n");
            for n in &self.notes {
                let _ = writeln!(o, "  - {}", q(n));
            }
        }
        let own_pre: Vec<&AuthoredIndicator> =
            self.preconditions.iter().filter(|i| !i.inherited).collect();
        if !own_pre.is_empty() {
            o.push_str("preconditions:\n");
            for i in own_pre {
                indicator(&mut o, "  ", i);
            }
        }
        let own: Vec<&AuthoredCriterion> = self.criteria.iter().filter(|c| !c.inherited).collect();
        if own.is_empty() {
            o.push_str("criteria: []\n");
        } else {
            o.push_str("criteria:\n");
            for c in own {
                let _ = writeln!(o, "  - number: {}", c.number);
                let _ = writeln!(o, "    name_vi: {}", q(&c.name_vi));
                if let Some(n) = &c.name_en {
                    let _ = writeln!(o, "    name_en: {}", q(n));
                }
                if let Some(g) = &c.group {
                    let _ = writeln!(o, "    group: {}", q(g));
                }
                if c.pass == Pass::Any {
                    o.push_str("    pass: any\n");
                }
                if let Some(p) = c.provenance {
                    let _ = writeln!(o, "    provenance: {}", p.as_str());
                }
                if c.uncertain {
                    o.push_str("    uncertain: true\n");
                }
                if !c.sources.is_empty() {
                    let _ = writeln!(o, "    sources: {}", list(&c.sources));
                }
                if let Some(n) = &c.note {
                    let _ = writeln!(o, "    note: {}", q(n));
                }
                if c.indicators.is_empty() {
                    o.push_str("    indicators: []\n");
                } else {
                    o.push_str("    indicators:\n");
                    for i in &c.indicators {
                        indicator(&mut o, "      ", i);
                    }
                }
            }
        }
        if self.extends.is_some() {
            let overrides: Vec<&AuthoredIndicator> =
                self.indicators().filter(|i| i.inherited).collect();
            if !overrides.is_empty() {
                o.push_str("overrides:\n");
                for i in overrides {
                    override_entry(&mut o, i);
                }
            }
            let added: Vec<(u16, &AuthoredIndicator)> = self
                .criteria
                .iter()
                .filter(|c| c.inherited)
                .flat_map(|c| {
                    c.indicators
                        .iter()
                        .filter(|i| !i.inherited)
                        .map(move |i| (c.number, i))
                })
                .collect();
            if !added.is_empty() {
                o.push_str("add_indicators:\n");
                for (n, i) in added {
                    let _ = writeln!(o, "  - criterion: {n}");
                    let mut block = String::new();
                    indicator(&mut block, "", i);
                    // `- code: ...` becomes `indicator:` + the mapping indented.
                    let mut lines = block.lines();
                    if let Some(first) = lines.next() {
                        let _ = writeln!(o, "    indicator:");
                        let _ = writeln!(o, "      {}", first.trim_start_matches("- "));
                        for l in lines {
                            let _ = writeln!(o, "    {l}");
                        }
                    }
                }
            }
        }
        o
    }
}
