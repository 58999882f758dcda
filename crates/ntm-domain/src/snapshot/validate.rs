//! Checking the rows of a unit list on their own (before any comparison with stored units).

use std::collections::HashMap;

use super::RowError;
use super::vocab::{
    allowed_kinds, article, code_format_text, code_is_valid, kind_allowed, parent_fits, parent_text,
};
use crate::units::{Level, UnitRow};

/// Checks rows on their own: code format per level, kind allowed for the level, duplicate
/// codes, parent present (in `rows`, or known outside through `known_parent`, which returns
/// the level of an existing unit with that code), parent one level up as the hierarchy
/// allows (commune under district or, from 2025, province; hamlet under commune), and no
/// cycles. Returns every problem found.
///
/// Codes must be unique within a file across all levels (parents are referenced by code
/// alone); a parent code is looked up in the file first, then through `known_parent`.
pub fn validate_rows(
    rows: &[UnitRow],
    known_parent: &dyn Fn(&str) -> Option<Level>,
) -> Vec<RowError> {
    let mut errors = Vec::new();
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        if let Some(&j) = first.get(r.code.as_str()) {
            errors.push(RowError::new(
                r.line,
                Some("code"),
                format!(
                    "duplicate code \"{}\" (first on line {})",
                    r.code, rows[j].line
                ),
            ));
        } else {
            first.insert(r.code.as_str(), i);
        }
    }
    // Parent of each row inside the file, for the cycle check.
    let mut parent_in_rows: Vec<Option<usize>> = vec![None; rows.len()];
    for (i, r) in rows.iter().enumerate() {
        if !code_is_valid(r.level, &r.code) {
            errors.push(RowError::new(
                r.line,
                Some("code"),
                format!(
                    "code \"{}\" is not a valid {} code ({})",
                    r.code,
                    r.level.as_str(),
                    code_format_text(r.level)
                ),
            ));
        }
        if !kind_allowed(r.level, &r.kind) {
            let what = if r.kind.trim().is_empty() {
                "kind is empty".to_string()
            } else {
                format!(
                    "kind \"{}\" is not allowed for {}",
                    r.kind,
                    article(r.level)
                )
            };
            errors.push(RowError::new(
                r.line,
                Some("kind"),
                format!("{what} (allowed: {})", allowed_kinds(r.level).join(", ")),
            ));
        }
        let parent = r
            .parent_code
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty());
        match (r.level, parent) {
            (Level::Province, None) => {}
            (Level::Province, Some(p)) => errors.push(RowError::new(
                r.line,
                Some("parent_code"),
                format!("a province must not have a parent (parent_code is \"{p}\")"),
            )),
            (level, None) => errors.push(RowError::new(
                r.line,
                Some("parent_code"),
                format!("parent_code is empty: {}", parent_text(level)),
            )),
            (level, Some(p)) => {
                let (parent_level, where_) = if let Some(&j) = first.get(p) {
                    parent_in_rows[i] = Some(j);
                    (Some(rows[j].level), format!("on line {}", rows[j].line))
                } else {
                    (known_parent(p), "in the database".to_string())
                };
                match parent_level {
                    None => errors.push(RowError::new(
                        r.line,
                        Some("parent_code"),
                        format!(
                            "unknown parent code \"{p}\" (not in this file nor in the database)"
                        ),
                    )),
                    Some(pl) if !parent_fits(level, pl) => errors.push(RowError::new(
                        r.line,
                        Some("parent_code"),
                        format!(
                            "parent \"{p}\" is {} ({where_}); {}",
                            article(pl),
                            parent_text(level)
                        ),
                    )),
                    Some(_) => {}
                }
            }
        }
    }
    // Cycles: every row has at most one parent inside the file (a functional graph), so
    // walking each chain once with three colours finds every cycle in linear time.
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![NEW; rows.len()];
    let mut path: Vec<usize> = Vec::new();
    for start in 0..rows.len() {
        if state[start] != NEW {
            continue;
        }
        path.clear();
        let mut cur = Some(start);
        while let Some(i) = cur {
            match state[i] {
                NEW => {
                    state[i] = ON_PATH;
                    path.push(i);
                    cur = parent_in_rows[i];
                }
                ON_PATH => {
                    let at = path.iter().position(|&k| k == i).unwrap_or(0);
                    let cycle = &path[at..];
                    for (n, &k) in cycle.iter().enumerate() {
                        let chain: Vec<String> = cycle[n..]
                            .iter()
                            .chain(&cycle[..n])
                            .chain(std::iter::once(&k))
                            .map(|&c| format!("\"{}\"", rows[c].code))
                            .collect();
                        errors.push(RowError::new(
                            rows[k].line,
                            Some("parent_code"),
                            format!("parent links form a cycle: {}", chain.join(" → ")),
                        ));
                    }
                    break;
                }
                _ => break,
            }
        }
        for &k in &path {
            state[k] = DONE;
        }
    }
    errors.sort_by_key(|e| e.line);
    errors
}
