//! One unit's stored values for a set and year, kept in one allocation: what the dashboards'
//! kept evaluations hold so that a change of thresholds, set version, commune groups or unit
//! list re-evaluates a scope without reading its values again (`crate::dashboard::kept`).
//!
//! The country's 582,890 values of a year take about 9 MB this way, against about 37 MB as
//! pairs of strings (two allocations per value).

/// (indicator code, text) pairs, each string as a little-endian `u32` length then its bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PackedValues(Box<[u8]>);

impl PackedValues {
    /// Packs `pairs` in their order.
    pub(crate) fn pack<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut out = Vec::new();
        for (code, text) in pairs {
            for s in [code, text] {
                // A stored value is far below 4 GiB (`crate::criteria::observations` caps it).
                let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
                out.extend_from_slice(&len.to_le_bytes());
                out.extend_from_slice(&s.as_bytes()[..len as usize]);
            }
        }
        PackedValues(out.into_boxed_slice())
    }

    /// The pairs in the order packed.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        let mut rest: &[u8] = &self.0;
        std::iter::from_fn(move || {
            let code = take(&mut rest)?;
            let text = take(&mut rest)?;
            Some((code, text))
        })
    }

    /// Bytes held (measurements).
    pub(crate) fn len_bytes(&self) -> usize {
        self.0.len()
    }
}

/// The next string of `rest`, or `None` at its end.
fn take<'a>(rest: &mut &'a [u8]) -> Option<&'a str> {
    let (len, tail) = rest.split_first_chunk::<4>()?;
    let len = u32::from_le_bytes(*len) as usize;
    let (s, tail) = (tail.get(..len)?, tail.get(len..)?);
    *rest = tail;
    // Packed from `&str` only: always UTF-8.
    std::str::from_utf8(s).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn empty_and_unicode_round_trip() {
        assert_eq!(PackedValues::pack([]).iter().count(), 0);
        let pairs = [
            ("1.1", "Có"),
            ("", ""),
            ("2.3", "12,5 %"),
            ("x\u{1e}", "Đạt\n"),
        ];
        let p = PackedValues::pack(pairs);
        assert_eq!(p.iter().collect::<Vec<_>>(), pairs);
    }

    proptest! {
        #[test]
        fn any_pairs_round_trip(pairs in proptest::collection::vec((".{0,12}", ".{0,40}"), 0..60)) {
            let p = PackedValues::pack(pairs.iter().map(|(a, b)| (a.as_str(), b.as_str())));
            let back: Vec<(String, String)> =
                p.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
            prop_assert_eq!(back, pairs);
        }
    }
}
