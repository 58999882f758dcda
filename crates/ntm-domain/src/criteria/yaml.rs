//! The shared YAML reader ([`crate::yaml`]) collecting [`SetError`]s.

pub(crate) use crate::yaml::*;

use super::model::SetError;

/// Error collector for one criteria file.
pub(crate) type Cx<'f> = crate::yaml::Cx<'f, SetError>;

impl FieldError for SetError {
    fn new(file: &str, line: usize, field: &str, message: String) -> Self {
        SetError {
            file: file.to_string(),
            line,
            field: field.to_string(),
            message,
        }
    }
}
