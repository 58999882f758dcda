//! EPCIS 2.0 capture and query through the real router: every GS1 example document is
//! captured and queried back equal (on both engines); the same document twice is stored
//! once; malformed, schema-invalid documents and events for unknown lots are refused with
//! the JSON pointer, nothing stored; lots keep a hash chain that shows tampering.
//!
//! Documented normalisation of the comparison (docs/traceability.md): events come back as
//! captured, in an `EPCISQueryDocument` whose `@context` gathers the capture documents'
//! contexts; the example `EPCISQueryDocument.jsonld` is captured as an `EPCISDocument` with
//! the same events (capture takes EPCISDocuments only); an event whose CBV 2.0 hash equals
//! one captured before (the Digital Link variant of an example with EPC URIs) is stored once.

use std::collections::BTreeSet;

use axum_test::TestServer;
use ntm_app::{Actor, Db};
use ntm_domain::trace::read_document;
use serde_json::{Value, json};

use crate::helpers::{COMMUNE, OTHER_COMMUNE, browser, logged_in, setup, token};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/epcis/examples");

fn examples() -> Vec<(String, Value)> {
    let mut v: Vec<(String, Value)> = std::fs::read_dir(EXAMPLES)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let doc: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            (p.file_name().unwrap().to_string_lossy().into_owned(), doc)
        })
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, doc) in &mut v {
        if doc["type"] == "EPCISQueryDocument" {
            let events = doc["epcisBody"]["queryResults"]["resultsBody"]["eventList"].clone();
            doc["type"] = json!("EPCISDocument");
            doc["epcisBody"] = json!({ "eventList": events });
        }
    }
    assert_eq!(v.len(), 20);
    v
}

async fn capture(server: &TestServer, unit: &str, body: &str) -> axum_test::TestResponse {
    let t = token(server).await;
    server
        .post(&format!("/api/v1/epcis/capture?unit={unit}"))
        .add_header("x-csrf-token", t.as_str())
        .add_header("content-type", "application/ld+json")
        .bytes(body.to_string().into_bytes().into())
        .await
}

/// Every event of the unit, walking the pages.
async fn all_events(server: &TestServer, query: &str) -> (Vec<Value>, usize) {
    let mut url = format!("/api/v1/epcis/events?unit={COMMUNE}{query}");
    let mut events = Vec::new();
    let mut pages = 0;
    loop {
        let res = server.get(&url).await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        assert_eq!(res.header("content-type"), "application/ld+json");
        let doc: Value = serde_json::from_str(&res.text()).unwrap();
        assert_eq!(doc["type"], "EPCISQueryDocument");
        events.extend(
            doc["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
                .as_array()
                .unwrap()
                .iter()
                .cloned(),
        );
        pages += 1;
        let Some(link) = res.maybe_header("link") else {
            break;
        };
        let link = link.to_str().unwrap();
        url = link
            .trim_start_matches('<')
            .split('>')
            .next()
            .unwrap()
            .to_string();
        assert!(pages < 100);
    }
    (events, pages)
}

async fn record_lots(app: &ntm_app::App, doc: &Value) {
    for e in read_document(doc).unwrap().events {
        for k in e.lots {
            match ntm_app::trace::create_lot(
                app,
                &Actor::cli(),
                COMMUNE,
                &ntm_app::trace::NewLot {
                    product: k.product.as_str().into(),
                    lot: k.lot.clone(),
                    ..Default::default()
                },
            )
            .await
            {
                Ok(_) | Err(ntm_app::AppError::Conflict(_)) => {}
                Err(e) => panic!("lot {k:?}: {e}"),
            }
        }
    }
}

fn canonical(v: &Value) -> String {
    v.to_string()
}

ntm_testkit::both_backends!(epcis_examples_round_trip, |db: Db| async move {
    let app = setup(db).await;
    let officer = logged_in(&app, "xa.chauthanh").await;
    let mut expected: Vec<String> = Vec::new();
    let mut hashes = BTreeSet::new();
    let mut total = 0;
    for (name, doc) in examples() {
        record_lots(&app, &doc).await;
        let res = capture(&officer, COMMUNE, &doc.to_string()).await;
        assert_eq!(res.status_code(), 201, "{name}: {}", res.text());
        let r: Value = res.json();
        let events = doc["epcisBody"]["eventList"].as_array().unwrap();
        assert_eq!(r["events"], events.len(), "{name}");
        let got_hashes = r["event_hashes"].as_array().unwrap();
        let mut new = 0;
        for (e, h) in events.iter().zip(got_hashes) {
            if hashes.insert(h.as_str().unwrap().to_owned()) {
                expected.push(canonical(e));
                new += 1;
            }
        }
        assert_eq!(r["stored"], new, "{name}: {r}");
        assert_eq!(r["duplicates"], events.len() - new, "{name}: {r}");
        total += events.len();
    }
    assert!(total >= 25, "{total}");
    // Queried back, page by page: the same events, each exactly as captured.
    let (events, pages) = all_events(&officer, "&perPage=7").await;
    assert!(pages > 1, "{pages} pages");
    let mut got: Vec<String> = events.iter().map(canonical).collect();
    got.sort();
    expected.sort();
    assert_eq!(got.len(), expected.len());
    assert_eq!(got, expected);
    // Captured again: nothing stored, every event a duplicate.
    let (name, doc) = &examples()[7];
    let res = capture(&officer, COMMUNE, &doc.to_string()).await;
    assert_eq!(res.status_code(), 201, "{name}: {}", res.text());
    let r: Value = res.json();
    assert_eq!(r["stored"], 0, "{r}");
    assert_eq!(r["duplicates"], r["events"], "{r}");
    let (again, _) = all_events(&officer, "&perPage=1000").await;
    assert_eq!(again.len(), expected.len());
});

ntm_testkit::both_backends!(epcis_query_filters, |db: Db| async move {
    let app = setup(db).await;
    let officer = logged_in(&app, "xa.chauthanh").await;
    for (_, doc) in examples() {
        record_lots(&app, &doc).await;
        let res = capture(&officer, COMMUNE, &doc.to_string()).await;
        assert_eq!(res.status_code(), 201, "{}", res.text());
    }
    let (all, _) = all_events(&officer, "").await;
    let count = |pred: &dyn Fn(&Value) -> bool| all.iter().filter(|e| pred(e)).count();
    // eventType
    let (agg, _) = all_events(&officer, "&eventType=AggregationEvent").await;
    assert_eq!(agg.len(), count(&|e| e["type"] == "AggregationEvent"));
    assert!(!agg.is_empty());
    // EQ_bizStep: bare name and CBV URI give the same.
    let (s1, _) = all_events(&officer, "&EQ_bizStep=shipping").await;
    let (s2, _) = all_events(
        &officer,
        "&EQ_bizStep=https%3A%2F%2Fref.gs1.org%2Fcbv%2FBizStep-shipping",
    )
    .await;
    assert!(!s1.is_empty());
    assert_eq!(s1, s2);
    assert!(
        s1.iter()
            .all(|e| e["bizStep"].as_str().unwrap().ends_with("shipping"))
    );
    // EQ_disposition
    let (d, _) = all_events(&officer, "&EQ_disposition=in_transit").await;
    assert!(!d.is_empty());
    assert!(
        d.iter()
            .all(|e| e["disposition"].as_str().unwrap().ends_with("in_transit"))
    );
    // Time window: GE inclusive, LT exclusive.
    let (w, _) = all_events(
        &officer,
        "&GE_eventTime=2005-04-03T00:00:00Z&LT_eventTime=2005-04-05T00:00:00Z",
    )
    .await;
    assert!(!w.is_empty());
    for e in &w {
        let t = time::OffsetDateTime::parse(
            e["eventTime"].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap();
        assert!(t >= time::macros::datetime!(2005-04-03 0:00 UTC));
        assert!(t < time::macros::datetime!(2005-04-05 0:00 UTC));
    }
    // MATCH_epc with the EPC URI finds the events captured with it and with the
    // equivalent Digital Link URI.
    let (m, _) = all_events(&officer, "&MATCH_epc=urn:epc:id:sgtin:0614141.107346.2018").await;
    assert!(!m.is_empty());
    let (m2, _) = all_events(
        &officer,
        "&MATCH_epc=https%3A%2F%2Fid.gs1.org%2F01%2F10614141073464%2F21%2F2018",
    )
    .await;
    assert_eq!(m, m2);
    // MATCH_anyEPC also matches parentID; MATCH_epc does not.
    let parent = agg
        .iter()
        .find_map(|e| e["parentID"].as_str())
        .expect("an aggregation with a parent");
    let (p1, _) = all_events(&officer, &format!("&MATCH_anyEPC={parent}")).await;
    assert!(!p1.is_empty());
    let (p2, _) = all_events(&officer, &format!("&MATCH_epc={parent}")).await;
    assert!(p2.len() < p1.len() || p2.is_empty());
    // EQ_readPoint
    let rp = all
        .iter()
        .find_map(|e| e["readPoint"]["id"].as_str())
        .unwrap()
        .to_owned();
    let (r, _) = all_events(&officer, &format!("&EQ_readPoint={rp}")).await;
    assert!(!r.is_empty());
    // Bad parameters are named.
    for (q, field) in [
        ("&eventType=Event", "eventType"),
        ("&GE_eventTime=hier", "GE_eventTime"),
        ("&perPage=0", "perPage"),
        ("&nextPageToken=xyz", "nextPageToken"),
    ] {
        let res = officer
            .get(&format!("/api/v1/epcis/events?unit={COMMUNE}{q}"))
            .await;
        assert_eq!(res.status_code(), 422, "{q}: {}", res.text());
        let v: Value = res.json();
        assert_eq!(v["errors"][0]["field"], field, "{v}");
    }
    // Another commune's officer sees nothing of this commune.
    let other = logged_in(&app, "xa.tanan").await;
    let res = other
        .get(&format!("/api/v1/epcis/events?unit={COMMUNE}"))
        .await;
    assert_eq!(res.status_code(), 403);
    let res = other
        .get(&format!("/api/v1/epcis/events?unit={OTHER_COMMUNE}"))
        .await;
    assert_eq!(res.status_code(), 200);
    assert!(res.text().contains("\"eventList\":[]"));
});

ntm_testkit::both_backends!(epcis_bad_documents, |db: Db| async move {
    let app = setup(db).await;
    let officer = logged_in(&app, "xa.chauthanh").await;
    let (_, doc) = examples()
        .into_iter()
        .find(|(n, _)| n == "Example_9.6.2-ObjectEvent.jsonld")
        .unwrap();
    // Unknown lot: refused, the path names the event.
    let res = capture(&officer, COMMUNE, &doc.to_string()).await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    let v: Value = res.json();
    assert!(
        v["errors"].as_array().unwrap().iter().any(|e| e["field"]
            .as_str()
            .unwrap()
            .starts_with("/epcisBody/eventList/")
            && e["message"].as_str().unwrap().contains("not recorded")),
        "{v}"
    );
    // Malformed JSON.
    let res = capture(&officer, COMMUNE, "{\"type\": ").await;
    assert_eq!(res.status_code(), 422);
    assert!(res.text().contains("not JSON"), "{}", res.text());
    // Schema-invalid event (second of two): the whole document refused, path named,
    // the valid first event not stored.
    let mut bad = doc.clone();
    let mut second = bad["epcisBody"]["eventList"][0].clone();
    second["action"] = json!("WATCH");
    bad["epcisBody"]["eventList"] = json!([
        {
            "type": "ObjectEvent", "eventTime": "2024-05-01T08:00:00+07:00",
            "eventTimeZoneOffset": "+07:00", "action": "OBSERVE",
            "epcList": ["urn:epc:id:sgtin:0614141.107346.2017"]
        },
        second
    ]);
    let res = capture(&officer, COMMUNE, &bad.to_string()).await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    let v: Value = res.json();
    assert!(
        v["errors"].as_array().unwrap().iter().any(|e| e["field"]
            .as_str()
            .unwrap()
            .starts_with("/epcisBody/eventList/1")),
        "{v}"
    );
    // A Digital Link with a wrong GTIN check digit: refused with its path.
    let mut dl = bad.clone();
    dl["epcisBody"]["eventList"] = json!([{
        "type": "ObjectEvent", "eventTime": "2024-05-01T08:00:00+07:00",
        "eventTimeZoneOffset": "+07:00", "action": "OBSERVE",
        "epcList": ["https://id.gs1.org/01/09520123456789/10/L1"]
    }]);
    let res = capture(&officer, COMMUNE, &dl.to_string()).await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    let v: Value = res.json();
    assert_eq!(
        v["errors"][0]["field"], "/epcisBody/eventList/0/epcList/0",
        "{v}"
    );
    // A lot's events out of time order in one document, and an event in the future:
    // refused, each naming its eventTime; the lot exists, so nothing else is wrong.
    ntm_app::trace::create_lot(
        &app,
        &Actor::cli(),
        COMMUNE,
        &ntm_app::trace::NewLot {
            product: "09520123456788".into(),
            lot: "ORDER-1".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let event = |time: &str| {
        json!({
            "type": "ObjectEvent", "eventTime": time, "eventTimeZoneOffset": "+07:00",
            "action": "OBSERVE",
            "epcList": ["https://id.gs1.org/01/09520123456788/10/ORDER-1"]
        })
    };
    let mut order = bad.clone();
    order["epcisBody"]["eventList"] = json!([
        event("2026-03-02T08:00:00+07:00"),
        event("2026-03-01T08:00:00+07:00"),
        event("2999-01-01T08:00:00+07:00"),
    ]);
    let res = capture(&officer, COMMUNE, &order.to_string()).await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    let v: Value = res.json();
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{v}");
    assert_eq!(
        errors[0]["field"], "/epcisBody/eventList/1/eventTime",
        "{v}"
    );
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("time order"),
        "{v}"
    );
    assert_eq!(
        errors[1]["field"], "/epcisBody/eventList/2/eventTime",
        "{v}"
    );
    assert!(
        errors[1]["message"].as_str().unwrap().contains("future"),
        "{v}"
    );
    // Not JSON by type; another commune; anonymous.
    let t = token(&officer).await;
    let res = officer
        .post(&format!("/api/v1/epcis/capture?unit={COMMUNE}"))
        .add_header("x-csrf-token", t.as_str())
        .add_header("content-type", "text/plain")
        .bytes(doc.to_string().into_bytes().into())
        .await;
    assert_eq!(res.status_code(), 415);
    let res = capture(&officer, OTHER_COMMUNE, &doc.to_string()).await;
    assert_eq!(res.status_code(), 403);
    let anon = browser(&app);
    let res = capture(&anon, COMMUNE, &doc.to_string()).await;
    assert_eq!(res.status_code(), 401);
    // Nothing was stored by any of these.
    let (events, _) = all_events(&officer, "").await;
    assert!(events.is_empty(), "{events:?}");
});

ntm_testkit::both_backends!(epcis_lots_and_chain, |db: Db| async move {
    let app = setup(db).await;
    let officer = logged_in(&app, "xa.chauthanh").await;
    let t = token(&officer).await;
    let lot = |product: &str, lot: &str| json!({"product": product, "lot": lot});
    // A bad check digit is refused, naming the product.
    let res = officer
        .post(&format!("/api/v1/epcis/lots?unit={COMMUNE}"))
        .add_header("x-csrf-token", t.as_str())
        .json(&lot("9520123456789", "L1"))
        .await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    assert_eq!(res.json::<Value>()["errors"][0]["field"], "product");
    // A GTIN-13 lot and a short-code lot.
    let res = officer
        .post(&format!("/api/v1/epcis/lots?unit={COMMUNE}"))
        .add_header("x-csrf-token", t.as_str())
        .json(&lot("9520123456788", "2026-03"))
        .await;
    assert_eq!(res.status_code(), 201, "{}", res.text());
    let created: Value = res.json();
    assert_eq!(
        created["digital_link_path"],
        "/01/09520123456788/10/2026-03"
    );
    let res = officer
        .post(&format!("/api/v1/epcis/lots?unit={COMMUNE}"))
        .add_header("x-csrf-token", t.as_str())
        .json(&lot("9520123456788", "2026-03"))
        .await;
    assert_eq!(res.status_code(), 409);
    let res = officer
        .post(&format!("/api/v1/epcis/lots?unit={COMMUNE}"))
        .add_header("x-csrf-token", t.as_str())
        .json(&lot("OCOP-TV-01", "L7"))
        .await;
    assert_eq!(res.status_code(), 201, "{}", res.text());
    assert_eq!(
        res.json::<Value>()["digital_link_path"],
        "/p/OCOP-TV-01/10/L7"
    );
    // Three events on the GTIN lot (Digital Link), one naming both lots.
    let ev = |time: &str, step: &str, epcs: Value| {
        json!({
            "type": "ObjectEvent", "eventTime": time, "eventTimeZoneOffset": "+07:00",
            "action": "OBSERVE", "bizStep": step, "epcList": epcs,
            "readPoint": {"id": "https://id.gs1.org/414/9520123456788"}
        })
    };
    let doc = json!({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument", "schemaVersion": "2.0",
        "creationDate": "2026-03-05T08:00:00+07:00",
        "epcisBody": {"eventList": [
            ev("2026-03-01T07:00:00+07:00", "commissioning",
               json!(["https://id.gs1.org/01/09520123456788/10/2026-03"])),
            ev("2026-03-02T07:00:00+07:00", "inspecting",
               json!(["https://id.gs1.org/01/09520123456788/10/2026-03"])),
            ev("2026-03-03T07:00:00+07:00", "shipping",
               json!(["https://id.gs1.org/01/09520123456788/10/2026-03",
                      "https://ntm.example.vn/p/OCOP-TV-01/10/L7"])),
        ]}
    });
    let res = capture(&officer, COMMUNE, &doc.to_string()).await;
    assert_eq!(res.status_code(), 201, "{}", res.text());
    assert_eq!(res.json::<Value>()["stored"], 3);
    let id = created["id"].as_str().unwrap();
    let res = officer
        .get(&format!("/api/v1/epcis/lots/{id}/verify"))
        .await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    let v: Value = res.json();
    assert_eq!(v, json!({"events": 3, "intact": true, "broken_at": null}));
    // Someone edits the second event behind the application's back: the chain shows it.
    let store = app.db_for_tests();
    let backend = store.backend();
    let (disable, enable) = match backend {
        ntm_store::Backend::Sqlite => ("DROP TRIGGER trace_events_no_update", "SELECT 1"),
        ntm_store::Backend::Postgres => (
            "ALTER TABLE trace_events DISABLE TRIGGER trace_events_no_update_delete",
            "ALTER TABLE trace_events ENABLE TRIGGER trace_events_no_update_delete",
        ),
    };
    store.debug_execute_raw(disable).await.unwrap();
    store
        .debug_execute_raw(
            "UPDATE trace_events SET event_json = REPLACE(event_json, 'inspecting', 'accepting') \
             WHERE event_json LIKE '%inspecting%'",
        )
        .await
        .unwrap();
    store.debug_execute_raw(enable).await.unwrap();
    let v: Value = officer
        .get(&format!("/api/v1/epcis/lots/{id}/verify"))
        .await
        .json();
    assert_eq!(v["intact"], false, "{v}");
    assert_eq!(v["broken_at"], 2, "{v}");
    // Not a lot id: 422 naming the field (documented in the OpenAPI document).
    let res = officer.get("/api/v1/epcis/lots/0/verify").await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    assert_eq!(res.json::<Value>()["errors"][0]["field"], "id");
});
