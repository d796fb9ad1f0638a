//! Per-session CSRF tokens carried in every state-changing form.

use crate::auth::Session;
use crate::error::AppError;
use sha2::{Digest, Sha256};

/// Compares in constant time (over hashes) so the token can't be guessed byte by byte.
pub fn tokens_match(expected: &str, given: &str) -> bool {
    let a = Sha256::digest(expected.as_bytes());
    let b = Sha256::digest(given.as_bytes());
    let diff = a
        .iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y));
    diff == 0 && !expected.is_empty()
}

pub fn verify(session: &Session, given: &str) -> Result<(), AppError> {
    if tokens_match(&session.csrf_token, given) {
        Ok(())
    } else {
        Err(AppError::csrf())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching() {
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("abc", "abd"));
        assert!(!tokens_match("", ""));
    }
}
