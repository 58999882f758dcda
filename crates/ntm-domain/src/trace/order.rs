//! Events of a lot in time order (issue 15, bad input "events … out of time order"): in a
//! captured document an event may not be older than an earlier event of the same lot, nor
//! lie in the future beyond a clock tolerance. Across documents EPCIS allows late capture
//! (GS1's own examples reuse lots across documents in any time order), so the rule does not
//! compare with events stored before. Pure: the caller passes the current time.

use std::collections::HashMap;
use std::hash::Hash;

/// How far in the future an event time may be (clocks of phones and scanners drift).
pub const FUTURE_TOLERANCE_MS: i64 = 10 * 60 * 1000;

/// Why an event is out of order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderProblem<K> {
    /// Its time is after now plus [`FUTURE_TOLERANCE_MS`].
    InFuture { event_ms: i64, now_ms: i64 },
    /// Its time is before `last_ms`, the latest earlier event of `lot` in the document.
    BeforeLast { lot: K, last_ms: i64, event_ms: i64 },
}

/// The problems of `events` (each: the lots it names and its time, in document order), by
/// event index. An event with a problem does not move its lots' latest time.
pub fn out_of_order<K: Eq + Hash + Clone>(
    events: &[(Vec<K>, i64)],
    now_ms: i64,
) -> Vec<(usize, OrderProblem<K>)> {
    let mut latest: HashMap<K, i64> = HashMap::new();
    let mut problems = Vec::new();
    for (i, (lots, t)) in events.iter().enumerate() {
        if *t > now_ms.saturating_add(FUTURE_TOLERANCE_MS) {
            problems.push((
                i,
                OrderProblem::InFuture {
                    event_ms: *t,
                    now_ms,
                },
            ));
            continue;
        }
        let before = lots.iter().find_map(|k| {
            latest
                .get(k)
                .filter(|last| t < *last)
                .map(|last| (k.clone(), *last))
        });
        match before {
            Some((lot, last_ms)) => problems.push((
                i,
                OrderProblem::BeforeLast {
                    lot,
                    last_ms,
                    event_ms: *t,
                },
            )),
            None => {
                for k in lots {
                    latest.insert(k.clone(), *t);
                }
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: i64 = 1_780_000_000_000;

    #[test]
    fn older_than_earlier_in_the_document_or_future() {
        let events = vec![
            (vec!["A"], 1_000),                         // first of A
            (vec!["A"], 1_000),                         // equal: fine
            (vec!["A", "B"], 999),                      // before A's last
            (vec!["B"], 500),                           // B had no event: fine
            (vec!["B"], 400),                           // before B's 500 in this document
            (vec!["C"], NOW + FUTURE_TOLERANCE_MS),     // at the tolerance: fine
            (vec!["C"], NOW + FUTURE_TOLERANCE_MS + 1), // beyond it
            (vec![], 5),                                // no lot: only the future rule
        ];
        let p = out_of_order(&events, NOW);
        assert_eq!(
            p,
            vec![
                (
                    2,
                    OrderProblem::BeforeLast {
                        lot: "A",
                        last_ms: 1_000,
                        event_ms: 999
                    }
                ),
                (
                    4,
                    OrderProblem::BeforeLast {
                        lot: "B",
                        last_ms: 500,
                        event_ms: 400
                    }
                ),
                (
                    6,
                    OrderProblem::InFuture {
                        event_ms: NOW + FUTURE_TOLERANCE_MS + 1,
                        now_ms: NOW
                    }
                ),
            ]
        );
    }

    proptest! {
        /// Events sorted by time never have a problem; the events left after dropping the
        /// refused ones are in time order per lot.
        #[test]
        fn accepted_events_are_in_time_order(
            raw in proptest::collection::vec((proptest::collection::vec(0u8..4, 0..3), 0i64..1_000), 0..40),
        ) {
            let mut sorted = raw.clone();
            sorted.sort_by_key(|(_, t)| *t);
            prop_assert!(out_of_order(&sorted, NOW).is_empty());
            let refused: Vec<usize> = out_of_order(&raw, NOW).into_iter().map(|(i, _)| i).collect();
            let mut latest: HashMap<u8, i64> = HashMap::new();
            for (i, (lots, t)) in raw.iter().enumerate() {
                if refused.contains(&i) { continue; }
                for k in lots {
                    prop_assert!(latest.get(k).is_none_or(|l| l <= t));
                    latest.insert(*k, *t);
                }
            }
        }
    }
}
