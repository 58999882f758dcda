//! A small reader over `saphyr`'s marked YAML nodes: typed field access with line numbers,
//! unknown-field detection (with a "did you mean" hint) and error collection, so a file
//! reports all its problems at once.
//!
//! Shared by the criteria files and the plan files: each collects its own error type
//! (`SetError`, `PlanError`) through [`FieldError`], and names `Cx` with it.

use saphyr::{AnnotatedMapping, LoadableYamlNode, MarkedYaml, Scalar, YamlData};

pub(crate) type Node<'a> = MarkedYaml<'a>;

/// An error type the reader can collect: `file:line: field: message`.
pub(crate) trait FieldError {
    fn new(file: &str, line: usize, field: &str, message: String) -> Self;
}

/// Error collector for one file.
pub(crate) struct Cx<'f, E> {
    pub file: &'f str,
    pub errors: Vec<E>,
}

impl<'f, E: FieldError> Cx<'f, E> {
    pub fn new(file: &'f str) -> Self {
        Cx {
            file,
            errors: Vec::new(),
        }
    }

    pub fn err(&mut self, line: usize, field: &str, message: impl Into<String>) {
        self.errors
            .push(E::new(self.file, line, field, message.into()));
    }
}

/// Loads the YAML documents of a text, or the syntax error.
pub(crate) fn load<E: FieldError>(cx: &mut Cx<'_, E>, text: &str) -> Option<Vec<Node<'static>>> {
    // The loader reads characters and owns every scalar, so the nodes borrow nothing.
    match <MarkedYaml<'static> as LoadableYamlNode<'static>>::load_from_str(text) {
        Ok(docs) => Some(docs),
        Err(e) => {
            let line = e.marker().line();
            let mut msg = format!("YAML syntax: {}", e.info());
            if e.info().contains("duplicated key")
                && let Some(key) = text
                    .lines()
                    .nth(line.saturating_sub(1))
                    .and_then(|l| l.split(':').next())
            {
                let key = key.trim().trim_start_matches("- ");
                msg = format!("YAML syntax: the key `{key}` appears twice in the same mapping");
            }
            cx.err(line, "", msg);
            None
        }
    }
}

pub(crate) fn line(n: &Node<'_>) -> usize {
    n.span.start.line()
}

pub(crate) fn is_null(n: &Node<'_>) -> bool {
    matches!(n.data, YamlData::Value(Scalar::Null))
}

/// Short description of a node's type for messages.
pub(crate) fn describe(n: &Node<'_>) -> String {
    match &n.data {
        YamlData::Value(Scalar::Null) => "null".into(),
        YamlData::Value(Scalar::Boolean(b)) => format!("{b}"),
        YamlData::Value(Scalar::Integer(i)) => format!("the number {i}"),
        YamlData::Value(Scalar::FloatingPoint(f)) => format!("the number {}", f.into_inner()),
        YamlData::Value(Scalar::String(s)) => format!("the text \"{s}\""),
        YamlData::Sequence(_) => "a list".into(),
        YamlData::Mapping(_) => "a mapping".into(),
        _ => "an unsupported YAML value".into(),
    }
}

pub(crate) fn as_str<'n>(n: &'n Node<'_>) -> Option<&'n str> {
    match &n.data {
        YamlData::Value(Scalar::String(s)) => Some(s.as_ref()),
        _ => None,
    }
}

pub(crate) fn as_f64(n: &Node<'_>) -> Option<f64> {
    match &n.data {
        YamlData::Value(Scalar::Integer(i)) => Some(*i as f64),
        YamlData::Value(Scalar::FloatingPoint(f)) => Some(f.into_inner()),
        _ => None,
    }
}

pub(crate) fn as_i64(n: &Node<'_>) -> Option<i64> {
    match &n.data {
        YamlData::Value(Scalar::Integer(i)) => Some(*i),
        _ => None,
    }
}

pub(crate) fn as_bool(n: &Node<'_>) -> Option<bool> {
    match &n.data {
        YamlData::Value(Scalar::Boolean(b)) => Some(*b),
        _ => None,
    }
}

pub(crate) fn as_seq<'n, 'a>(n: &'n Node<'a>) -> Option<&'n [Node<'a>]> {
    match &n.data {
        YamlData::Sequence(v) => Some(v.as_slice()),
        _ => None,
    }
}

/// The entries of a mapping node, or the error "expected a mapping".
fn mapping<'n, 'a, E: FieldError>(
    cx: &mut Cx<'_, E>,
    n: &'n Node<'a>,
    path: &str,
) -> Option<&'n AnnotatedMapping<'a, Node<'a>>> {
    match &n.data {
        YamlData::Mapping(m) => Some(m),
        _ => {
            cx.err(
                line(n),
                path,
                format!("expected a mapping, found {}", describe(n)),
            );
            None
        }
    }
}

/// A mapping being read: keys were checked against the allowed list.
pub(crate) struct Obj<'n, 'a> {
    pub line: usize,
    pub path: String,
    entries: Vec<(&'n str, &'n Node<'a>, &'n Node<'a>)>,
}

/// Opens a mapping node, reporting unknown keys (with a suggestion) and non-string keys.
pub(crate) fn obj<'n, 'a, E: FieldError>(
    cx: &mut Cx<'_, E>,
    n: &'n Node<'a>,
    path: &str,
    allowed: &[&str],
) -> Option<Obj<'n, 'a>> {
    let m = mapping(cx, n, path)?;
    let mut entries = Vec::with_capacity(m.len());
    for (k, v) in m.iter() {
        let Some(key) = as_str(k) else {
            cx.err(
                line(k),
                path,
                format!("field names must be text, found {}", describe(k)),
            );
            continue;
        };
        if !allowed.contains(&key) {
            let field = join(path, key);
            let msg = match suggest(key, allowed) {
                Some(s) => format!("unknown field `{key}` (did you mean `{s}`?)"),
                None => format!("unknown field `{key}` (allowed: {})", allowed.join(", ")),
            };
            cx.err(line(k), &field, msg);
            continue;
        }
        entries.push((key, k, v));
    }
    Some(Obj {
        line: line(n),
        path: path.to_string(),
        entries,
    })
}

/// Opens a mapping whose keys are free (ids, region codes...): returns (key, key line, value).
pub(crate) fn map_entries<'n, 'a, E: FieldError>(
    cx: &mut Cx<'_, E>,
    n: &'n Node<'a>,
    path: &str,
) -> Option<Vec<(&'n str, usize, &'n Node<'a>)>> {
    let m = mapping(cx, n, path)?;
    let mut out = Vec::with_capacity(m.len());
    for (k, v) in m.iter() {
        match as_str(k) {
            Some(key) => out.push((key, line(k), v)),
            None => cx.err(
                line(k),
                path,
                format!("keys must be text, found {}", describe(k)),
            ),
        }
    }
    Some(out)
}

pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl<'n, 'a> Obj<'n, 'a> {
    pub fn get(&self, key: &str) -> Option<&'n Node<'a>> {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, _, v)| *v)
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Line of a key (or of the mapping when absent).
    pub fn key_line(&self, key: &str) -> usize {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, k, _)| line(k))
            .unwrap_or(self.line)
    }

    pub fn field(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// A present, non-null value, or an error "missing required field".
    pub fn req<E: FieldError>(&self, cx: &mut Cx<'_, E>, key: &str) -> Option<&'n Node<'a>> {
        match self.get(key) {
            Some(v) if !is_null(v) => Some(v),
            Some(v) => {
                cx.err(line(v), &self.field(key), "must not be null");
                None
            }
            None => {
                cx.err(self.line, &self.field(key), "missing required field");
                None
            }
        }
    }

    /// A present, non-null value.
    pub fn opt(&self, key: &str) -> Option<&'n Node<'a>> {
        self.get(key).filter(|v| !is_null(v))
    }

    pub fn req_str<E: FieldError>(&self, cx: &mut Cx<'_, E>, key: &str) -> Option<String> {
        let v = self.req(cx, key)?;
        text_of(cx, v, &self.field(key))
    }

    pub fn opt_str<E: FieldError>(&self, cx: &mut Cx<'_, E>, key: &str) -> Option<String> {
        let v = self.opt(key)?;
        text_of(cx, v, &self.field(key))
    }

    pub fn opt_bool<E: FieldError>(&self, cx: &mut Cx<'_, E>, key: &str) -> Option<bool> {
        let v = self.opt(key)?;
        match as_bool(v) {
            Some(b) => Some(b),
            None => {
                cx.err(
                    line(v),
                    &self.field(key),
                    format!("expected true or false, found {}", describe(v)),
                );
                None
            }
        }
    }

    /// A list of texts (a single text is accepted as a one-element list).
    pub fn str_list<E: FieldError>(&self, cx: &mut Cx<'_, E>, key: &str) -> Vec<String> {
        let Some(v) = self.opt(key) else {
            return Vec::new();
        };
        let field = self.field(key);
        if let Some(items) = as_seq(v) {
            let mut out = Vec::with_capacity(items.len());
            for (i, it) in items.iter().enumerate() {
                if let Some(s) = text_of(cx, it, &format!("{field}[{i}]")) {
                    out.push(s);
                }
            }
            out
        } else {
            text_of(cx, v, &field).into_iter().collect()
        }
    }

    /// A list of mappings or other nodes.
    pub fn seq<E: FieldError>(&self, cx: &mut Cx<'_, E>, key: &str) -> &'n [Node<'a>] {
        let Some(v) = self.opt(key) else { return &[] };
        match as_seq(v) {
            Some(items) => items,
            None => {
                cx.err(
                    line(v),
                    &self.field(key),
                    format!("expected a list, found {}", describe(v)),
                );
                &[]
            }
        }
    }
}

/// Text of a scalar; numbers are accepted and written back as text.
pub(crate) fn text_of<E: FieldError>(
    cx: &mut Cx<'_, E>,
    v: &Node<'_>,
    field: &str,
) -> Option<String> {
    match &v.data {
        YamlData::Value(Scalar::String(s)) => Some(s.to_string()),
        YamlData::Value(Scalar::Integer(i)) => Some(i.to_string()),
        YamlData::Value(Scalar::FloatingPoint(f)) => Some(f.into_inner().to_string()),
        _ => {
            cx.err(
                line(v),
                field,
                format!("expected text, found {}", describe(v)),
            );
            None
        }
    }
}

/// The allowed name closest to `key`, when it is close enough to be a typo.
pub(crate) fn suggest<'s>(key: &str, allowed: &[&'s str]) -> Option<&'s str> {
    allowed
        .iter()
        .map(|a| (levenshtein(key, a), *a))
        .filter(|(d, a)| *d <= 2.max(a.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}
