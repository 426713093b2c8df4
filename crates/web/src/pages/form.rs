//! Form values and field errors as a page shows them again after a mistake.

use crate::i18n;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use onramp_domain::FieldErrors;
use onramp_domain::identity::Language;

/// The submitted fields of a form, parsed once by the `csrf` middleware.
#[derive(Debug, Clone, Default)]
pub struct FormData(Vec<(String, String)>);

impl FormData {
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        FormData(pairs)
    }

    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// All values of a repeated field (checkbox groups).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn checked(&self, name: &str) -> bool {
        matches!(self.get(name), "on" | "true" | "1")
    }

    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for FormData {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<FormData>().cloned().unwrap_or_default())
    }
}

/// What a form shows: the values typed (kept after an error) and each field's error message.
#[derive(Debug, Clone, Default)]
pub struct Form {
    values: Vec<(String, String)>,
    pub errors: Vec<(String, String)>,
    /// Starts the ids of the form's fields, so that several forms on one page keep unique ids.
    prefix: Option<String>,
}

impl Form {
    pub fn empty() -> Self {
        Form::default()
    }

    pub fn with_values(values: Vec<(String, String)>) -> Self {
        Form {
            values,
            errors: Vec::new(),
            prefix: None,
        }
    }

    /// Keeps what was typed (never passwords) and translates each error.
    pub fn failed(data: &FormData, errors: &FieldErrors, lang: Language) -> Self {
        let values = data
            .pairs()
            .iter()
            .filter(|(k, _)| k != "csrf" && !k.contains("password"))
            .cloned()
            .collect();
        let errors = errors
            .0
            .iter()
            .map(|e| (e.field.to_string(), i18n::field_error_text(lang, e)))
            .collect();
        Form {
            values,
            errors,
            prefix: None,
        }
    }

    /// Gives the field ids their own prefix (ids are `f-name` and `e-name` when none is set).
    pub fn prefixed(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }

    /// The id of a field's control.
    pub fn id(&self, name: impl AsRef<str>) -> String {
        format!("{}-{}", self.prefix.as_deref().unwrap_or("f"), name.as_ref())
    }

    /// The id of a field's error message.
    pub fn error_id(&self, name: impl AsRef<str>) -> String {
        let name = name.as_ref();
        match &self.prefix {
            Some(prefix) => format!("{prefix}-e-{name}"),
            None => format!("e-{name}"),
        }
    }

    pub fn value(&self, name: impl AsRef<str>) -> &str {
        let name = name.as_ref();
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// Everything the form shows, as (name, value) pairs.
    pub fn values(&self) -> &[(String, String)] {
        &self.values
    }

    pub fn has(&self, name: impl AsRef<str>, value: &str) -> bool {
        let name = name.as_ref();
        self.values.iter().any(|(k, v)| k == name && v == value)
    }

    pub fn error(&self, name: impl AsRef<str>) -> Option<&str> {
        let name = name.as_ref();
        self.errors.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
}
