//! Routing: which unit answers a report, by the province's rules. A rule covers a location
//! subtree (a unit path prefix) and optionally one category; the most specific rule wins —
//! the deepest subtree, then a rule for the category over one for any category. Without a
//! rule, the unit where the report is located answers it (the caller's fallback).

/// What the rule needs of a stored routing rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule<'a> {
    pub category: Option<&'a str>,
    pub area_path: &'a str,
}

/// The index of the rule that applies to a report of `category` located at `path`.
pub fn route(rules: &[Rule<'_>], category: &str, path: &str) -> Option<usize> {
    rules
        .iter()
        .enumerate()
        .filter(|(_, r)| path.starts_with(r.area_path))
        .filter(|(_, r)| r.category.is_none_or(|c| c == category))
        .max_by_key(|(i, r)| {
            (
                r.area_path.len(),
                r.category.is_some(),
                std::cmp::Reverse(*i),
            )
        })
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_specific_rule_wins() {
        let rules = [
            Rule {
                category: None,
                area_path: "/84/",
            },
            Rule {
                category: Some("road"),
                area_path: "/84/",
            },
            Rule {
                category: None,
                area_path: "/84/29000/",
            },
            Rule {
                category: Some("light"),
                area_path: "/84/29000/",
            },
        ];
        assert_eq!(route(&rules, "road", "/84/28000/"), Some(1));
        assert_eq!(route(&rules, "water", "/84/28000/"), Some(0));
        assert_eq!(route(&rules, "road", "/84/29000/"), Some(2));
        assert_eq!(route(&rules, "light", "/84/29000/"), Some(3));
        assert_eq!(route(&rules, "road", "/86/1/"), None);
        assert_eq!(route(&[], "road", "/84/"), None);
    }
}
