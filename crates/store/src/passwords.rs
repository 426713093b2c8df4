//! Password hashing with argon2id (the `argon2` crate's defaults, per OWASP).
//! Hashing is slow by design: call these from `spawn_blocking`.

use crate::StoreError;
use argon2::{Argon2, PasswordHasher, PasswordVerifier};

pub fn hash(password: &str) -> Result<String, StoreError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|_| StoreError::Hashing)
}

/// True when `password` matches the stored hash. A malformed hash never matches.
pub fn verify(password: &str, stored_hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), stored_hash)
        .is_ok()
}

/// A hash of a random password, compared against when the account does not
/// exist, so an unknown e-mail takes as long to refuse as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash(&crate::tokens::random_token(24)).expect("argon2 hashes a random password"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn hash_then_verify() {
        let stored = super::hash("correct horse battery").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(super::verify("correct horse battery", &stored));
        assert!(!super::verify("wrong horse battery", &stored));
        assert!(!super::verify("anything", "not a hash"));
    }
}
