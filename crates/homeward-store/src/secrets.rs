//! Passwords, session secrets and API tokens.
//!
//! Passwords are hashed with argon2id. Session secrets and API tokens are 256 random bits, so a
//! fast SHA-256 of them is enough to store: nobody can guess their way back.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};

use crate::StoreError;

/// Random bytes from the operating system.
fn random<const N: usize>() -> Result<[u8; N], StoreError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Hash(format!("no randomness: {e}")))?;
    Ok(bytes)
}

/// A one-time password of 20 letters and digits, without look-alikes (0/O, 1/l).
pub fn new_password() -> Result<String, StoreError> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let bytes: [u8; 20] = random()?;
    Ok(bytes.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect())
}

/// A new secret for a session or token, with a prefix that says which it is.
pub fn new_secret(prefix: &str) -> Result<String, StoreError> {
    let bytes: [u8; 32] = random()?;
    Ok(format!("{prefix}{}", hex::encode(bytes)))
}

/// What is stored of a session secret or token.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

pub fn hash_password(password: &str) -> Result<String, StoreError> {
    let salt_bytes: [u8; 16] = random()?;
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| StoreError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Hash(e.to_string()))
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A hash to verify against when the user does not exist, so that a wrong e-mail address
/// takes as long to refuse as a wrong password.
pub fn decoy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2d2YdLzwOSnO3pXq1iTo1cgNvhR3O5jw0sVZ2eRXfbM"
}

/// The rules a new password must meet.
pub fn check_new_password(password: &str) -> Result<(), homeward_domain::DomainError> {
    let mut v = homeward_domain::Validation::new();
    let len = password.chars().count();
    if len < 12 {
        v.push_limit("new_password", homeward_domain::Problem::TooShort, 12, "must be at least 12 characters long");
    }
    if len > 200 {
        v.push_limit("new_password", homeward_domain::Problem::TooLong, 200, "must be at most 200 characters long");
    }
    v.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(&hash, "correct horse battery"));
        assert!(!verify_password(&hash, "correct horse batterY"));
        assert!(!verify_password(decoy_hash(), "anything"));
    }

    #[test]
    fn secrets_are_distinct_and_hashed() {
        let a = new_secret("hw_").unwrap();
        let b = new_secret("hw_").unwrap();
        assert_ne!(a, b);
        assert_eq!(hash_secret(&a).len(), 64);
        assert_ne!(hash_secret(&a), a);
        assert_eq!(new_password().unwrap().len(), 20);
    }
}
