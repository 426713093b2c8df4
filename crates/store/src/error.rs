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
    #[error("unsupported database URL: {0} (use sqlite:PATH or postgres://...)")]
    UnsupportedUrl(String),
    #[error("password hashing failed")]
    Hashing,
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
