//! Event-hash test vectors of the reference implementation of the CBV 2.0 event hash ID:
//! RalphTro/epcis-event-hash-generator, `tests/examples/` at commit 5d2f1c3 (MIT), copied
//! to `testdata/epcis-hash/`. Each document's events must give the published hashes, and
//! the published pre-hash strings where they are given.

use serde_json::Value;

use super::event::read_document;
use super::hash::{Namespaces, prehash};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/epcis-hash");

/// Vectors left out, and why (see docs/traceability.md).
const NOT_COVERED: &[(&str, &str)] = &[
    (
        "epcisDocHavingEventWithIgnoreFields",
        "`ignoreFields` is an extension of the reference implementation, not CBV 2.0",
    ),
    (
        "epcisQueryDocHavingEventWithIgnoreFields",
        "`ignoreFields` is an extension of the reference implementation, not CBV 2.0",
    ),
    (
        "epcisDocWithAllGS1Keys",
        "EPC schemes CPI, GINC, GSIN, ITIP, UPUI, SGCN are not converted",
    ),
    (
        "epclist_normalisation",
        "EPC schemes CPI, GINC, GSIN, ITIP, UPUI and Digital Link convenience alphas are not converted",
    ),
];

fn names() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(DIR)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "jsonld")
                .then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    v.sort();
    v
}

fn lines(path: &str) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(path).ok()?;
    Some(
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
    )
}

#[test]
fn reference_hash_vectors() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for name in names() {
        if NOT_COVERED.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let doc: Value =
            serde_json::from_str(&std::fs::read_to_string(format!("{DIR}/{name}.jsonld")).unwrap())
                .unwrap();
        let hashes = lines(&format!("{DIR}/{name}.hashes")).unwrap();
        let pre = lines(&format!("{DIR}/{name}.prehashes"));
        let ns = Namespaces::from_context(doc.get("@context"));
        let events = match read_document(&doc) {
            Ok(d) => d.events,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        if events.len() != hashes.len() {
            failures.push(format!(
                "{name}: {} events, {} hashes",
                events.len(),
                hashes.len()
            ));
            continue;
        }
        for (i, e) in events.iter().enumerate() {
            checked += 1;
            if e.hash != hashes[i] {
                let p = prehash(&e.json, &ns);
                let want = pre
                    .as_ref()
                    .and_then(|p| p.get(i))
                    .cloned()
                    .unwrap_or_default();
                failures.push(format!("{name}[{i}]:\n  got  {p}\n  want {want}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked >= 30, "only {checked} events checked");
}

#[test]
fn gs1_examples_read_with_lots() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/epcis/examples");
    let mut events = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        let d = read_document(&doc).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        assert!(!d.events.is_empty(), "{}", p.display());
        for ev in &d.events {
            assert!(ev.hash.starts_with("ni:///sha-256;") && ev.hash.ends_with("?ver=CBV2.0"));
        }
        events += d.events.len();
    }
    assert!(events >= 25, "{events}");
    // Example 9.6.2 counts an LGTIN class: its lot is found.
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{dir}/Example_9.6.2-ObjectEvent.jsonld")).unwrap(),
    )
    .unwrap();
    let d = read_document(&doc).unwrap();
    let lots: Vec<String> = d
        .events
        .iter()
        .flat_map(|e| e.lots.iter().map(|l| format!("{}/{}", l.product, l.lot)))
        .collect();
    assert!(!lots.is_empty(), "{lots:?}");
}

#[test]
fn bad_events_name_their_path() {
    let doc: Value = serde_json::json!({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2024-01-01T00:00:00Z",
        "epcisBody": {"eventList": [
            {"type": "ObjectEvent", "eventTime": "2024-01-01T00:00:00+07:00",
             "eventTimeZoneOffset": "+07:00", "action": "OBSERVE",
             "epcList": ["https://id.gs1.org/01/09520123456788/10/L1"]},
            {"type": "ObjectEvent", "eventTime": "2024-01-01T00:00:00+07:00",
             "eventTimeZoneOffset": "+07:00", "action": "OBSERVE",
             "epcList": ["https://id.gs1.org/01/09520123456789/10/L1"]}
        ]}
    });
    let e = read_document(&doc).unwrap_err();
    assert_eq!(e.path, "/epcisBody/eventList/1/epcList/0");
    assert!(e.message.contains("check digit"), "{}", e.message);
}
