//! The two formats of GeoReport v2: JSON (arrays of objects) and XML (a root element, one
//! child element per item), from one small tree.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use quick_xml::escape::escape;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fmt {
    Json,
    Xml,
}

/// A value of a response. `List` names its items' XML element; `Root` names the XML root
/// (JSON ignores both names).
#[derive(Debug, Clone)]
pub enum Node {
    Null,
    Bool(bool),
    Num(f64),
    Int(i64),
    Str(String),
    Obj(Vec<(&'static str, Node)>),
    List(&'static str, Vec<Node>),
    Root(&'static str, Box<Node>),
}

impl Node {
    pub fn s(v: &str) -> Node {
        Node::Str(v.to_string())
    }
    pub fn obj(fields: Vec<(&'static str, Node)>) -> Node {
        Node::Obj(fields)
    }
    pub fn list(item: &'static str, items: Vec<Node>) -> Node {
        Node::List(item, items)
    }
    pub fn root(self, name: &'static str) -> Node {
        Node::Root(name, Box::new(self))
    }

    fn json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Num(n) => serde_json::Number::from_f64(*n).map_or(Value::Null, Value::Number),
            Node::Int(n) => Value::Number((*n).into()),
            Node::Str(s) => Value::String(s.clone()),
            Node::Obj(f) => Value::Object(
                f.iter()
                    .map(|(k, v)| ((*k).to_string(), v.json()))
                    .collect(),
            ),
            Node::List(_, items) => Value::Array(items.iter().map(Node::json).collect()),
            Node::Root(_, n) => n.json(),
        }
    }

    fn xml(&self, name: &str, out: &mut String) {
        match self {
            Node::Null => out.push_str(&format!("<{name}/>")),
            Node::Bool(b) => out.push_str(&format!("<{name}>{b}</{name}>")),
            Node::Num(n) => out.push_str(&format!("<{name}>{n}</{name}>")),
            Node::Int(n) => out.push_str(&format!("<{name}>{n}</{name}>")),
            Node::Str(s) => out.push_str(&format!("<{name}>{}</{name}>", escape(s.as_str()))),
            Node::Obj(f) => {
                out.push_str(&format!("<{name}>"));
                for (k, v) in f {
                    v.xml(k, out);
                }
                out.push_str(&format!("</{name}>"));
            }
            Node::List(item, items) => {
                out.push_str(&format!("<{name}>"));
                for i in items {
                    i.xml(item, out);
                }
                out.push_str(&format!("</{name}>"));
            }
            Node::Root(_, n) => n.xml(name, out),
        }
    }
}

pub fn respond(f: Fmt, n: Node) -> Response {
    match f {
        Fmt::Json => {
            let mut r = n.json().to_string().into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            );
            r
        }
        Fmt::Xml => {
            let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            let name = match &n {
                Node::Root(name, _) => *name,
                _ => "response",
            };
            n.xml(name, &mut s);
            let mut r = s.into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/xml; charset=utf-8"),
            );
            r
        }
    }
}

/// The format a path asks for: `….xml` is XML, anything else JSON (the spec's default).
pub fn fmt_for_path(path: &str) -> Fmt {
    if path.ends_with(".xml") {
        Fmt::Xml
    } else {
        Fmt::Json
    }
}

/// `[{"code": 400, "description": "…"}]` / `<errors><error>…</error></errors>`, the
/// spec's error list, with `status` as the HTTP status and the code.
pub fn error_response(f: Fmt, status: StatusCode, description: &str) -> Response {
    let n = Node::list(
        "error",
        vec![Node::obj(vec![
            ("code", Node::Int(i64::from(status.as_u16()))),
            ("description", Node::s(description)),
        ])],
    )
    .root("errors");
    let mut r = respond(f, n);
    *r.status_mut() = status;
    r
}
