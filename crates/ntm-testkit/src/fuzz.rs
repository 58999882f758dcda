//! Mutation-based fuzzing inputs for the parsers of outside input (issue 14, part 5): a
//! real file cut, spliced and sprinkled with bytes that matter to YAML, CSV and XML, or plain
//! random bytes. Used with `proptest!` and a fixed number of cases, so runs are bounded.

use proptest::prelude::*;

/// One edit of a seed: what, where (a fraction of the length), how long, which byte.
#[derive(Debug, Clone)]
pub enum Edit {
    Delete(f64, usize),
    Insert(f64, Vec<u8>),
    Replace(f64, u8),
    Duplicate(f64, usize),
    Truncate(f64),
}

pub fn edit() -> impl Strategy<Value = Edit> {
    // Bytes that matter to YAML and CSV, and anything else.
    let interesting = prop_oneof![
        Just(b':'),
        Just(b'-'),
        Just(b'\n'),
        Just(b' '),
        Just(b','),
        Just(b'"'),
        Just(b'\''),
        Just(b'#'),
        Just(b'['),
        Just(b'{'),
        Just(b'&'),
        Just(b'*'),
        Just(b'!'),
        Just(b'|'),
        Just(b'>'),
        Just(b'<'),
        Just(b'/'),
        Just(b'='),
        Just(b'\t'),
        Just(0u8),
        any::<u8>(),
    ];
    prop_oneof![
        (0.0..1.0f64, 1..200usize).prop_map(|(at, n)| Edit::Delete(at, n)),
        (
            0.0..1.0f64,
            prop::collection::vec(interesting.clone(), 1..16)
        )
            .prop_map(|(at, b)| Edit::Insert(at, b)),
        (0.0..1.0f64, interesting).prop_map(|(at, b)| Edit::Replace(at, b)),
        (0.0..1.0f64, 1..400usize).prop_map(|(at, n)| Edit::Duplicate(at, n)),
        (0.0..1.0f64).prop_map(Edit::Truncate),
    ]
}

pub fn apply(seed: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut b = seed.to_vec();
    let pos = |b: &Vec<u8>, at: f64| ((b.len() as f64) * at) as usize;
    for e in edits {
        match e {
            Edit::Delete(at, n) => {
                let p = pos(&b, *at).min(b.len());
                let end = (p + n).min(b.len());
                b.drain(p..end);
            }
            Edit::Insert(at, bytes) => {
                let p = pos(&b, *at).min(b.len());
                b.splice(p..p, bytes.iter().copied());
            }
            Edit::Replace(at, byte) => {
                let p = pos(&b, *at);
                if p < b.len() {
                    b[p] = *byte;
                }
            }
            Edit::Duplicate(at, n) => {
                let p = pos(&b, *at).min(b.len());
                let end = (p + n).min(b.len());
                let part = b[p..end].to_vec();
                b.splice(end..end, part);
            }
            Edit::Truncate(at) => {
                let p = pos(&b, *at).min(b.len());
                b.truncate(p);
            }
        }
    }
    b
}

/// A mutated seed (one of `seeds`), or random bytes.
pub fn input(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    let n = seeds.len();
    prop_oneof![
        4 => (0..n, prop::collection::vec(edit(), 1..8))
            .prop_map(move |(i, edits)| apply(&seeds[i], &edits)),
        1 => prop::collection::vec(any::<u8>(), 0..2000),
    ]
}
