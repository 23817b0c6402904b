//! Signing in: argon2id password hashes and bearer tokens stored as SHA-256 digests.

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use chrono::Duration;
use luoshi_domain::{TokenScope, User, password};
pub use luoshi_storage::Token;
use luoshi_storage::TokenKind;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::{Luoshi, Result, ServiceError};

/// argon2id with 19 MiB of memory, 2 passes and 1 lane: OWASP's recommended floor, about
/// 40 ms per sign-in on one core of a small server, so a stolen hash costs a guesser dearly
/// while a sign-in stays quick. Each hash records its parameters, so raising them later
/// leaves existing passwords working.
fn argon2() -> Argon2<'static> {
    let params = argon2::Params::new(19 * 1024, 2, 1, None)
        .expect("the chosen argon2 parameters are within its bounds");
    Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
}

/// Hashes a password with argon2id and a fresh salt.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashes any password with default parameters")
        .to_string()
}

/// Hashes a one-time password made by [`crate::office`]: a random secret of about 70 bits, which
/// guessing cannot reach, so argon2id's smallest cost is enough, and a contact list of
/// thousands of people is imported in seconds. It is replaced by a fully hashed password of
/// the person's own at the first sign-in.
pub(crate) fn hash_one_time(password: &str) -> String {
    let params = argon2::Params::new(argon2::Params::MIN_M_COST, 1, 1, None)
        .expect("the smallest argon2 parameters are within its bounds");
    let salt = SaltString::generate(&mut OsRng);
    Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashes any password with valid parameters")
        .to_string()
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

fn token_digest(token: &str) -> String {
    to_hex(&Sha256::digest(token.as_bytes()))
}

pub(crate) fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Luoshi {
    /// Checks the password and hands out a new bearer token.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        from: Option<std::net::IpAddr>,
    ) -> Result<(String, Access)> {
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
        // A success clears the account's failures but never the address's: were it otherwise,
        // anyone with an account could sign in between guesses at others' passwords and never
        // be held back by the address's limit.
        let counted = if checked { &keys[..1] } else { &keys[..] };
        self.store
            .record_login(counted, now, !checked, now - window)
            .await?;
        let Some((account, _)) = found.filter(|_| checked) else {
            return Err(ServiceError::BadCredentials);
        };
        let (token, _) = self
            .issue(
                &account.user,
                TokenKind::Session,
                "",
                TokenScope::Write,
                self.rules.token_hours,
            )
            .await?;
        let access = Access {
            user: account.user,
            scope: TokenScope::Write,
            session: true,
            must_change_password: account.must_change_password,
        };
        Ok((token, access))
    }

    /// A new random token of `kind` for the user, lasting `hours`: its secret, and the token
    /// as stored, where only the secret's digest is kept.
    async fn issue(
        &self,
        user: &User,
        kind: TokenKind,
        name: &str,
        scope: TokenScope,
        hours: i64,
    ) -> Result<(String, Token)> {
        let mut raw = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut raw);
        let secret = to_hex(&raw);
        let now = self.now();
        let mut token = Token {
            id: 0,
            hash: token_digest(&secret),
            user_id: user.id,
            kind,
            name: name.to_string(),
            scope,
            created_at: now,
            expires_at: now + Duration::hours(hours),
            last_used_at: None,
        };
        token.id = self.store.insert_token(&token).await?;
        Ok((secret, token))
    }

    /// Signs out: the token stops working at once.
    pub async fn logout(&self, token: &str) -> Result<()> {
        Ok(self.store.delete_token(&token_digest(token)).await?)
    }

    /// Signs out everywhere: every session of the user stops working at once, and so does
    /// every token made for a program, since a stolen session could have made one. The names
    /// of the programs' tokens that ended.
    pub async fn logout_everywhere(&self, user: &User) -> Result<Vec<String>> {
        let ended = self.store.delete_tokens_of(user.id).await?;
        self.audit_admin(Some(user), "sessions.end", ended_detail(&ended))
            .await?;
        Ok(ended)
    }

    /// An administrator ends everything someone is signed in with (a lost phone, a person who
    /// left): their sessions and their programs' tokens. The names of the tokens that ended.
    pub async fn end_sessions_of(
        &self,
        admin: &User,
        user: luoshi_domain::UserId,
    ) -> Result<(User, Vec<String>)> {
        may_end_sessions(admin)?;
        let target = self
            .store
            .user(user)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("用户 {} 不存在", user.0)))?;
        let ended = self.store.delete_tokens_of(target.id).await?;
        let detail = format!("{} {}", target.username, ended_detail(&ended));
        self.audit_admin(Some(admin), "sessions.end_of", detail)
            .await?;
        Ok((target, ended))
    }

    /// Who a bearer token or session belongs to and what it may do, if it is live: not past
    /// its end, and, for a session, used within the idle time.
    pub async fn authenticate(&self, token: &str) -> Result<Access> {
        let now = self.now();
        let digest = token_digest(token);
        let luoshi_storage::SignedIn {
            user,
            token: t,
            must_change_password,
        } = self
            .store
            .user_by_token(&digest, now)
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        let last = t.last_used_at.unwrap_or(t.created_at);
        let idle = Duration::minutes(self.rules.session_idle_minutes.max(1));
        if t.kind == TokenKind::Session && now - last > idle {
            self.store.delete_token(&digest).await?;
            return Err(ServiceError::Unauthenticated);
        }
        // Written at most once a minute per token: enough for idle timeouts and for people to
        // see when a token was last used, without a write on every request.
        if t.last_used_at
            .is_none_or(|at| now - at >= Duration::minutes(1))
        {
            self.store.touch_token(t.id, now).await?;
        }
        Ok(Access {
            user,
            must_change_password,
            scope: t.scope,
            session: t.kind == TokenKind::Session,
        })
    }

    /// A token for a program of the person's own: its secret, shown once, and the token as
    /// kept. It lasts `days` (1 to 365).
    pub async fn create_api_token(
        &self,
        user: &User,
        name: &str,
        scope: TokenScope,
        days: i64,
    ) -> Result<(String, Token)> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 40 {
            return Err(ServiceError::invalid("name", "请填写令牌名称(不超过40字)"));
        }
        if !(1..=365).contains(&days) {
            return Err(ServiceError::invalid("days", "有效期应为1至365天"));
        }
        let made = self
            .issue(user, TokenKind::Api, name, scope, days * 24)
            .await?;
        let detail = format!("{} “{name}” ({scope})", made.1.id);
        self.audit_admin(Some(user), "token.create", detail).await?;
        Ok(made)
    }

    /// The person's API tokens, newest first.
    pub async fn api_tokens(&self, user: &User) -> Result<Vec<Token>> {
        Ok(self.store.tokens_of(user.id, TokenKind::Api).await?)
    }

    /// Revokes one of the person's API tokens: it stops working at once.
    pub async fn revoke_api_token(&self, user: &User, id: i64) -> Result<()> {
        if !self.store.revoke_token(user.id, id).await? {
            return Err(ServiceError::NotFound(format!("令牌 {id} 不存在")));
        }
        self.audit_admin(Some(user), "token.revoke", id.to_string())
            .await
    }

    /// Changes the person's password after checking the current one and the password rule;
    /// every session and program token of theirs ends, so nothing a thief made with the old
    /// password outlives it. The names of the programs' tokens that ended.
    pub async fn change_password(
        &self,
        user: &User,
        current: &str,
        new: &str,
    ) -> Result<Vec<String>> {
        let hash = self
            .store
            .user_for_login(&user.username)
            .await?
            .map(|(_, hash)| hash)
            .unwrap_or_default();
        if !verify_password(current, &hash) {
            return Err(ServiceError::invalid("current", "当前密码不正确"));
        }
        let problems = password::problems(new, &user.username);
        if !problems.is_empty() {
            return Err(ServiceError::invalid("password", problems.join(";")));
        }
        if new == current {
            return Err(ServiceError::invalid(
                "password",
                "新密码不能与当前密码相同",
            ));
        }
        self.store
            .set_password(user.id, &hash_password(new), false)
            .await?;
        let ended = self.store.delete_tokens_of(user.id).await?;
        self.audit_admin(Some(user), "password.change", ended_detail(&ended))
            .await?;
        Ok(ended)
    }
}

/// Only an administrator ends someone else's sign-ins.
pub fn may_end_sessions(user: &User) -> Result<()> {
    if user.role == luoshi_domain::Role::Admin {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "只有系统管理员可以结束他人的登录".into(),
        ))
    }
}

/// The audit's note of the programs' tokens that ended with the sessions.
fn ended_detail(ended: &[String]) -> String {
    if ended.is_empty() {
        String::new()
    } else {
        format!("tokens ended: {}", ended.join(", "))
    }
}

/// A live sign-in: who, and what the token lets them do.
#[derive(Debug, Clone)]
pub struct Access {
    pub user: User,
    pub scope: TokenScope,
    /// A browser or API sign-in with a password, rather than a token made for a program.
    pub session: bool,
    /// Signed in with a one-time password: choosing one's own is all this sign-in may do.
    pub must_change_password: bool,
}

static DUMMY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("luoshi-demo");
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password("luoshi-demo", &hash));
        assert!(!verify_password("luoshi-dem0", &hash));
        assert!(!verify_password("luoshi-demo", "not a hash"));
    }
}
