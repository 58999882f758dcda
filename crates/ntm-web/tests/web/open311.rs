//! Open311 GeoReport v2 errors through the real router: every refusal under `/open311/v2/`
//! is the spec's error list in the path's format (`<errors><error><code/><description/>`
//! on `.xml`, `[{"code", "description"}]` on `.json`) with the matching HTTP status,
//! whether the handler refused (bad input, unknown service or request, the limits per
//! contact) or the layers around it (body too large, wrong content type, wrong method,
//! unknown path, NUL character). The bodies are parsed, not searched.

use axum_test::{TestResponse, TestServer};
use ntm_app::{App, Db};
use ntm_web::{WebConfig, router};
use quick_xml::Reader;
use quick_xml::events::Event;

use crate::helpers::*;

/// The `(code, description)` pairs of a GeoReport v2 XML error document; panics when the
/// document is anything else (no declaration, another root, other elements, text outside).
fn xml_errors(body: &[u8]) -> Vec<(u16, String)> {
    let text = std::str::from_utf8(body).expect("UTF-8");
    assert!(text.starts_with("<?xml "), "no XML declaration: {text}");
    let mut r = Reader::from_str(text);
    let mut path: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let mut code = None;
    let mut desc = None;
    let mut buf = String::new();
    loop {
        match r.read_event().expect("well-formed XML") {
            Event::Decl(_) => {}
            Event::Start(e) => {
                let name = e.name().as_ref().to_string();
                let expected = match path.len() {
                    0 => name == "errors",
                    1 => name == "error",
                    2 => name == "code" || name == "description",
                    _ => false,
                };
                assert!(expected, "unexpected <{name}> under {path:?}: {text}");
                path.push(name);
            }
            Event::Text(t) if path.len() < 3 && t.xml10_content().trim().is_empty() => {}
            Event::Text(t) => {
                assert!(path.len() == 3, "text outside code/description: {text}");
                buf.push_str(&t.xml10_content());
            }
            Event::GeneralRef(r) => {
                assert!(path.len() == 3, "text outside code/description: {text}");
                match r.resolve_char_ref().expect("char ref") {
                    Some(c) => buf.push(c),
                    None => buf.push_str(
                        quick_xml::escape::resolve_xml_entity(&r.xml10_content())
                            .expect("a predefined entity"),
                    ),
                }
            }
            Event::End(_) => match path.pop().as_deref() {
                Some("code") => {
                    code = Some(buf.parse::<u16>().expect("an integer code"));
                    buf.clear();
                }
                Some("description") => desc = Some(std::mem::take(&mut buf)),
                Some("error") => out.push((
                    code.take().expect("<code>"),
                    desc.take().expect("<description>"),
                )),
                _ => {}
            },
            Event::Eof => break,
            other => panic!("unexpected {other:?}: {text}"),
        }
    }
    assert!(path.is_empty(), "unclosed elements {path:?}");
    out
}

/// The `(code, description)` pairs of a GeoReport v2 JSON error list.
fn json_errors(body: &[u8]) -> Vec<(u16, String)> {
    let v: serde_json::Value = serde_json::from_slice(body).expect("JSON");
    let list = v.as_array().expect("a JSON array");
    list.iter()
        .map(|e| {
            let o = e.as_object().expect("an object");
            assert_eq!(o.len(), 2, "code and description only: {e}");
            (
                u16::try_from(o["code"].as_u64().expect("an integer code")).expect("u16"),
                o["description"].as_str().expect("a string").to_string(),
            )
        })
        .collect()
}

/// Asserts the response is one spec error with `status`; returns its description.
fn spec_error(res: &TestResponse, path: &str, status: u16) -> String {
    assert_eq!(res.status_code().as_u16(), status, "{path}: {}", res.text());
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let xml = path.split('?').next().unwrap_or(path).ends_with(".xml");
    let errs = if xml {
        assert!(ct.starts_with("text/xml"), "{path}: content-type {ct}");
        xml_errors(res.as_bytes())
    } else {
        assert!(
            ct.starts_with("application/json"),
            "{path}: content-type {ct}"
        );
        json_errors(res.as_bytes())
    };
    assert_eq!(errs.len(), 1, "{path}: {errs:?}");
    let (code, desc) = errs.into_iter().next().expect("one error");
    assert_eq!(code, status, "{path}: the code is the HTTP status");
    assert!(!desc.trim().is_empty(), "{path}: a description");
    desc
}

async fn server(db: Db) -> (App, TestServer, String) {
    let app = setup(db).await;
    let province = ntm_app::units::latest_record(&app, COMMUNE)
        .await
        .unwrap()
        .province_code;
    ntm_app::feedback::seed_demo(&app, &province).await.unwrap();
    let s = TestServer::builder().build(router(app.clone(), WebConfig::default()));
    (app, s, province)
}

ntm_testkit::both_backends!(open311_errors_follow_the_spec, |db: Db| async move {
    let (_app, s, j) = server(db).await;
    for ext in ["xml", "json"] {
        // Bad input from the handlers.
        let p = format!("/open311/v2/services.{ext}");
        let d = spec_error(&s.get(&p).await, &p, 400);
        assert!(d.contains("jurisdiction_id"), "{d}");
        let p = format!("/open311/v2/services.{ext}?jurisdiction_id=00");
        spec_error(&s.get(&p).await, &p, 404);
        let p = format!("/open311/v2/requests.{ext}");
        let res = s
            .post(&p)
            .form(&[
                ("jurisdiction_id", j.as_str()),
                ("service_code", "giao-thong"),
                ("description", "no location"),
            ])
            .await;
        assert!(spec_error(&res, &p, 400).contains("location"));
        let res = s
            .post(&p)
            .form(&[
                ("jurisdiction_id", j.as_str()),
                ("service_code", "giao-thong"),
                ("attribute[unit_code]", COMMUNE),
                ("description", " "),
            ])
            .await;
        spec_error(&res, &p, 400);
        let res = s
            .get(&format!(
                "/open311/v2/requests.{ext}?jurisdiction_id={j}&start_date=yesterday"
            ))
            .await;
        assert!(spec_error(&res, &p, 400).contains("yesterday"));
        // Unknown service (GET definition, POST), unknown request.
        let p = format!("/open311/v2/services/khong-co.{ext}?jurisdiction_id={j}");
        spec_error(&s.get(&p).await, &p, 404);
        let p = format!("/open311/v2/requests.{ext}");
        let res = s
            .post(&p)
            .form(&[
                ("jurisdiction_id", j.as_str()),
                ("service_code", "khong-co"),
                ("attribute[unit_code]", COMMUNE),
                ("description", "x"),
            ])
            .await;
        assert!(spec_error(&res, &p, 404).contains("khong-co"));
        let p = format!("/open311/v2/requests/PA-KHONG-CO.{ext}?jurisdiction_id={j}");
        spec_error(&s.get(&p).await, &p, 404);
        // From the layers around the handlers: body too large (the general 2 MB limit),
        // JSON instead of a form, a method the resource does not take, an unknown path, NUL.
        let p = format!("/open311/v2/requests.{ext}");
        let big = format!(
            "jurisdiction_id={j}&description={}",
            "a".repeat(3 * 1024 * 1024)
        );
        let res = s
            .post(&p)
            .content_type("application/x-www-form-urlencoded")
            .bytes(big.into_bytes().into())
            .await;
        spec_error(&res, &p, 413);
        let res = s
            .post(&p)
            .json(&serde_json::json!({"jurisdiction_id": j, "service_code": "giao-thong"}))
            .await;
        spec_error(&res, &p, 415);
        let res = s.delete(&p).await;
        spec_error(&res, &p, 405);
        let p = format!("/open311/v2/services/giao-thong.{ext}");
        spec_error(&s.post(&p).form(&[("a", "b")]).await, &p, 405);
        let p = format!("/open311/v2/khong/co/gi.{ext}");
        spec_error(&s.get(&p).await, &p, 404);
        let p = format!("/open311/v2/requests.{ext}");
        let res = s
            .post(&p)
            .form(&[
                ("jurisdiction_id", j.as_str()),
                ("service_code", "giao-thong"),
                ("attribute[unit_code]", COMMUNE),
                ("description", "a\0b"),
            ])
            .await;
        spec_error(&res, &p, 400);
    }
    // Without a format the spec's default, JSON.
    spec_error(
        &s.get("/open311/v2/services").await,
        "/open311/v2/services",
        404,
    );
});

ntm_testkit::both_backends!(open311_rate_limit_is_a_spec_error, |db: Db| async move {
    let (_app, s, j) = server(db).await;
    // Five reports a day per contact; the sixth and later are refused with Retry-After.
    for i in 0..5 {
        let res = s
            .post("/open311/v2/requests.json")
            .form(&[
                ("jurisdiction_id", j.as_str()),
                ("service_code", "giao-thong"),
                ("attribute[unit_code]", COMMUNE),
                ("phone", "0909 000 111"),
                ("description", &format!("Ổ gà số {i} trên đường liên xã")),
            ])
            .await;
        assert_eq!(res.status_code(), 201, "{}", res.text());
    }
    for ext in ["json", "xml"] {
        let p = format!("/open311/v2/requests.{ext}");
        let res = s
            .post(&p)
            .form(&[
                ("jurisdiction_id", j.as_str()),
                ("service_code", "giao-thong"),
                ("attribute[unit_code]", COMMUNE),
                ("phone", "0909000111"),
                ("description", "Thêm một ổ gà nữa"),
            ])
            .await;
        assert!(spec_error(&res, &p, 429).contains("retry after"));
        let retry = res
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .expect("Retry-After in seconds");
        assert!(retry > 0 && retry <= 86_400, "{retry}");
    }
});
