//! GS1's EPCIS 2.0 JSON schema (`data/epcis/`, embedded), compiled once, and the reading
//! of a captured document: size, JSON syntax, schema, then the domain's checks. Runs on
//! the bounded parsing pool (`spreadsheets::on_pool`), never on a request thread.

use std::sync::LazyLock;

use jsonschema::Validator;
use ntm_domain::trace::{EpcisDocument, read_document};
use serde_json::Value;

use crate::error::{AppError, FieldError};

/// Largest capture document accepted (bytes), checked before parsing.
pub const MAX_CAPTURE_BYTES: usize = 8 * 1024 * 1024;

/// Schema errors reported at most (the first ones, by position in the document).
const MAX_ERRORS: usize = 20;

static SCHEMA_TEXT: &str = include_str!("../../../../data/epcis/EPCIS-JSON-Schema.json");

static VALIDATOR: LazyLock<Result<Validator, String>> = LazyLock::new(|| {
    let schema: Value = serde_json::from_str(SCHEMA_TEXT).map_err(|e| e.to_string())?;
    jsonschema::validator_for(&schema).map_err(|e| e.to_string())
});

/// Reads and checks a capture document: every problem is named by its JSON pointer.
pub fn read_capture(bytes: &[u8]) -> Result<EpcisDocument, AppError> {
    if bytes.len() > MAX_CAPTURE_BYTES {
        return Err(AppError::invalid(
            "",
            format!(
                "the document has {} bytes; at most {MAX_CAPTURE_BYTES} are accepted (send several documents)",
                bytes.len()
            ),
        ));
    }
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| {
        AppError::invalid(
            "",
            format!("not JSON (line {}, column {}): {e}", e.line(), e.column()),
        )
    })?;
    let validator = VALIDATOR
        .as_ref()
        .map_err(|e| AppError::Internal(format!("EPCIS schema: {e}")))?;
    let errors: Vec<FieldError> = validator
        .iter_errors(&doc)
        .take(MAX_ERRORS)
        .map(|e| FieldError::new(e.instance_path().to_string(), e.to_string()))
        .collect();
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    if doc.get("type").and_then(Value::as_str) != Some("EPCISDocument") {
        return Err(AppError::invalid("/type", "capture takes an EPCISDocument"));
    }
    read_document(&doc).map_err(|e| AppError::invalid(e.path, e.message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_compiles_and_names_paths() {
        assert!(VALIDATOR.is_ok(), "{:?}", VALIDATOR.as_ref().err());
        let bad =
            br#"{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
            "type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2024-01-01T00:00:00Z",
            "epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2024-01-01T00:00:00+07:00",
            "eventTimeZoneOffset":"+07:00","action":"WATCH","epcList":[]}]}}"#;
        let Err(AppError::Validation(errs)) = read_capture(bad) else {
            panic!("accepted");
        };
        assert!(
            errs.iter()
                .any(|e| e.field.starts_with("/epcisBody/eventList/0")),
            "{errs:?}"
        );
        let Err(AppError::Validation(errs)) = read_capture(b"{not json") else {
            panic!("accepted");
        };
        assert!(errs[0].message.contains("line 1"), "{errs:?}");
    }
}
