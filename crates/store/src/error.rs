use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("record not found")]
    NotFound,
    /// A unique value is already taken; carries the field that holds it.
    #[error("{0} is already taken")]
    Taken(&'static str),
    /// A referenced record (e.g. a region) does not exist; carries the field.
    #[error("{0} refers to a record that does not exist")]
    BadReference(&'static str),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Carries the URL as [`redact_url`] leaves it: the message goes to the log.
    #[error("unsupported database URL: {0} (use sqlite:PATH or postgres://...)")]
    UnsupportedUrl(String),
    #[error("password hashing failed")]
    Hashing,
    /// A stored value that does not read back as what its column holds (a code no enum knows):
    /// the data is wrong, and saying so beats reading it as some default.
    #[error("{column} holds {value:?}, which is not a value it can hold")]
    Corrupt { column: &'static str, value: String },
}

/// Reads a stored code back through the domain's parser; text it does not know is
/// [`StoreError::Corrupt`]. `column` is named as `table.column`.
pub(crate) fn decode<T>(
    column: &'static str,
    value: &str,
    parse: impl FnOnce(&str) -> Result<T, &'static str>,
) -> Result<T, StoreError> {
    parse(value).map_err(|_| StoreError::Corrupt {
        column,
        value: value.to_owned(),
    })
}

/// A database URL as a log may show it: what precedes an `@` (user and password) and the query
/// (which may carry `password=`) become `***`.
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (format!("{scheme}://"), rest),
        None => (String::new(), url),
    };
    let query = rest.find(['?', '#']).unwrap_or(rest.len());
    let (head, tail) = rest.split_at(query);
    let head = match head.rfind('@') {
        Some(at) => format!("***{}", &head[at..]),
        None => head.to_owned(),
    };
    let tail = if tail.is_empty() { "" } else { "?***" };
    format!("{scheme}{head}{tail}")
}

impl StoreError {
    /// Maps a unique-constraint violation to `Taken(field)`, leaving other errors as they are.
    pub fn taken_as(field: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
        move |error| match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Taken(field),
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::BadReference(field),
            _ => StoreError::Database(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use onramp_domain::identity::Role;

    #[test]
    fn an_unsupported_url_is_told_without_its_secrets() {
        for (url, shown) in [
            (
                "mysql://onramp:s3cret@db.example:3306/onramp",
                "mysql://***@db.example:3306/onramp",
            ),
            (
                "mysql://onramp:pa/ss@word@db.example/onramp",
                "mysql://***@db.example/onramp",
            ),
            (
                "mysql://db.example/onramp?user=onramp&password=s3cret",
                "mysql://db.example/onramp?***",
            ),
            ("onramp:s3cret@db.example/onramp", "***@db.example/onramp"),
            ("mysql://db.example/onramp", "mysql://db.example/onramp"),
            ("onramp.sqlite3", "onramp.sqlite3"),
        ] {
            assert_eq!(redact_url(url), shown, "{url}");
        }
    }

    #[tokio::test]
    async fn connecting_to_an_unsupported_url_does_not_log_its_password() {
        let error = crate::Db::connect("mysql://onramp:s3cret@db.example/onramp")
            .await
            .expect_err("MySQL is not supported");
        let message = error.to_string();
        assert!(matches!(error, StoreError::UnsupportedUrl(_)));
        assert!(!message.contains("s3cret") && !message.contains("onramp:"), "{message}");
        assert!(message.contains("db.example"), "{message}");
    }

    #[test]
    fn a_stored_code_no_enum_knows_is_corrupt() {
        assert_eq!(decode("users.role", "coach", Role::parse).unwrap(), Role::Coach);
        for value in ["root", "", "Coach"] {
            match decode("users.role", value, Role::parse) {
                Err(StoreError::Corrupt { column, value: held }) => {
                    assert_eq!((column, held.as_str()), ("users.role", value));
                }
                other => panic!("{value:?} read as {other:?}"),
            }
        }
        let error = decode("users.role", "root", Role::parse).unwrap_err();
        assert_eq!(
            error.to_string(),
            "users.role holds \"root\", which is not a value it can hold"
        );
    }
}
