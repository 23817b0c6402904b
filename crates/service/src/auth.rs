//! Signing in: argon2id password hashes and bearer tokens stored as SHA-256 digests.

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use chrono::Duration;
use luoshi_domain::User;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::{Luoshi, Result, ServiceError};

/// Hashes a password with argon2id and a fresh salt.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashes any password with default parameters")
        .to_string()
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

fn token_digest(token: &str) -> String {
    to_hex(&Sha256::digest(token.as_bytes()))
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Luoshi {
    /// Checks the password and hands out a new bearer token.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        from: Option<std::net::IpAddr>,
    ) -> Result<(String, User)> {
        let username = username.trim();
        // After too many failures an account, or an address, waits: guessing gets nowhere, and
        // the wait ends by itself.
        let mut keys = vec![format!("user:{username}")];
        if let Some(addr) = from {
            keys.push(format!("addr:{addr}"));
        }
        let now = self.now();
        let window = Duration::minutes(self.rules.lockout_minutes.max(1));
        let failures = self.store.login_failures(&keys, now - window).await?;
        // An address stands for a whole office behind one gateway, so it may fail more often.
        let limits = [
            self.rules.lockout_failures.max(1),
            self.rules.lockout_failures_per_address.max(1),
        ];
        if failures.iter().zip(limits).any(|(n, limit)| *n >= limit) {
            tracing::warn!(username, addr = ?from, "sign-in refused: locked out");
            return Err(ServiceError::Locked(self.rules.lockout_minutes));
        }
        let found = self.store.user_for_login(username).await?;
        let checked = match &found {
            Some((_, hash)) => verify_password(password, hash),
            None => {
                // Spend the same time as a real check, so response times do not reveal usernames.
                verify_password(password, DUMMY_HASH.get_or_init(|| hash_password("luoshi")));
                false
            }
        };
        self.store
            .record_login(&keys, now, !checked, now - window)
            .await?;
        let Some((user, _)) = found.filter(|_| checked) else {
            return Err(ServiceError::BadCredentials);
        };
        let mut raw = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut raw);
        let token = to_hex(&raw);
        let now = self.now();
        let expires = now + Duration::hours(self.rules.token_hours);
        self.store
            .insert_token(&token_digest(&token), user.id, now, expires)
            .await?;
        Ok((token, user))
    }

    /// Signs out: the token stops working at once.
    pub async fn logout(&self, token: &str) -> Result<()> {
        Ok(self.store.delete_token(&token_digest(token)).await?)
    }

    /// Signs out everywhere: every token of the user stops working at once.
    pub async fn logout_everywhere(&self, user: &User) -> Result<()> {
        Ok(self.store.delete_tokens_of(user.id).await?)
    }

    /// The user a bearer token belongs to, if it is live.
    pub async fn authenticate(&self, token: &str) -> Result<User> {
        self.store
            .user_by_token(&token_digest(token), self.now())
            .await?
            .ok_or(ServiceError::Unauthenticated)
    }
}

static DUMMY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("luoshi-demo");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("luoshi-demo", &hash));
        assert!(!verify_password("luoshi-dem0", &hash));
        assert!(!verify_password("luoshi-demo", "not a hash"));
    }
}
