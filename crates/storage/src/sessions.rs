//! Sign-ins and programs' tokens, and the failed sign-ins that slow down guessing.

use chrono::{DateTime, Utc};
use luoshi_domain::{TokenScope, UserId};

use crate::sql::{Arg, Db, Row, chunked};
use crate::{Result, SignedIn, Token, TokenKind, args, people};

const SELECT: &str = "SELECT id, token_hash, user_id, kind, name, scope, created_at, expires_at, \
     last_used_at FROM api_tokens";

fn token(r: &Row<'_>) -> Result<Token> {
    token_at(r, 0)
}

/// A token read from the columns of [`SELECT`], starting at column `at`.
fn token_at(r: &Row<'_>, at: usize) -> Result<Token> {
    Ok(Token {
        id: r.get(at)?,
        hash: r.get(at + 1)?,
        user_id: UserId(r.get(at + 2)?),
        kind: r.named(at + 3, TokenKind::parse)?,
        name: r.get(at + 4)?,
        scope: r.named(at + 5, TokenScope::parse)?,
        created_at: r.get(at + 6)?,
        expires_at: r.get(at + 7)?,
        last_used_at: r.get(at + 8)?,
    })
}

pub async fn insert(db: &mut impl Db, t: &Token) -> Result<i64> {
    db.value(
        "INSERT INTO api_tokens (token_hash, user_id, created_at, expires_at, kind, name, scope)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        args![
            &t.hash,
            t.user_id.0,
            t.created_at,
            t.expires_at,
            t.kind.as_str(),
            &t.name,
            t.scope.as_str()
        ],
    )
    .await
}

pub async fn delete(db: &mut impl Db, hash: &str) -> Result<()> {
    db.execute("DELETE FROM api_tokens WHERE token_hash = $1", args![hash])
        .await?;
    Ok(())
}

/// Ends every token of the user; the names of the programs' tokens that ended, oldest first.
pub async fn delete_all_of(db: &mut impl Db, user: UserId) -> Result<Vec<String>> {
    let names = db
        .rows(
            "SELECT name FROM api_tokens WHERE user_id = $1 AND kind = 'api' ORDER BY id",
            args![user.0],
            |r| r.get(0),
        )
        .await?;
    db.execute("DELETE FROM api_tokens WHERE user_id = $1", args![user.0])
        .await?;
    Ok(names)
}

pub async fn revoke(db: &mut impl Db, user: UserId, id: i64) -> Result<bool> {
    let gone = db
        .execute(
            "DELETE FROM api_tokens WHERE id = $1 AND user_id = $2",
            args![id, user.0],
        )
        .await?;
    Ok(gone == 1)
}

pub async fn of(db: &mut impl Db, user: UserId, kind: TokenKind) -> Result<Vec<Token>> {
    db.rows(
        &format!("{SELECT} WHERE user_id = $1 AND kind = $2 ORDER BY id DESC"),
        args![user.0, kind.as_str()],
        token,
    )
    .await
}

/// A live token and its holder, unless the account is disabled: one statement, since every
/// request asks it first.
pub async fn signed_in(
    db: &mut impl Db,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<SignedIn>> {
    let sql = format!(
        "SELECT {}, t.id, t.token_hash, t.user_id, t.kind, t.name, t.scope, t.created_at,
             t.expires_at, t.last_used_at
         FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = $1 AND t.expires_at > $2 AND NOT u.disabled",
        people::ACCOUNT_COLUMNS
    );
    db.row(&sql, args![hash, now], |r| {
        let account = people::account(r)?;
        Ok(SignedIn {
            user: account.user,
            token: token_at(r, people::ACCOUNT_WIDTH)?,
            must_change_password: account.must_change_password,
        })
    })
    .await
}

pub async fn touch(db: &mut impl Db, id: i64, at: DateTime<Utc>) -> Result<()> {
    db.execute(
        "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2",
        args![at, id],
    )
    .await?;
    Ok(())
}

/// Failed sign-ins since `since`, for each key in the order asked.
pub async fn failures(
    db: &mut impl Db,
    keys: &[String],
    since: DateTime<Utc>,
) -> Result<Vec<usize>> {
    let sql = format!(
        "SELECT key, count(*) FROM login_failures WHERE {} AND at >= $2 GROUP BY key",
        db.dialect().any("key", 1)
    );
    let counted: Vec<(String, i64)> = db
        .rows(&sql, &[Arg::texts(keys), since.into()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .await?;
    Ok(keys
        .iter()
        .map(|k| {
            counted
                .iter()
                .find(|(key, _)| key == k)
                .map_or(0, |(_, n)| *n as usize)
        })
        .collect())
}

/// Records a failed sign-in for the keys, or clears them after a success; drops rows older
/// than `prune_before`.
pub async fn record(
    db: &mut impl Db,
    keys: &[String],
    at: DateTime<Utc>,
    failed: bool,
    prune_before: DateTime<Utc>,
) -> Result<()> {
    db.execute(
        "DELETE FROM login_failures WHERE at < $1",
        args![prune_before],
    )
    .await?;
    if failed {
        let rows = keys.iter().map(|k| vec![k.into(), at.into()]);
        chunked(
            db,
            "INSERT INTO login_failures (key, at) VALUES",
            rows.collect(),
            "",
            |_| Ok(()),
        )
        .await?;
    } else {
        let sql = format!(
            "DELETE FROM login_failures WHERE {}",
            db.dialect().any("key", 1)
        );
        db.execute(&sql, &[Arg::texts(keys)]).await?;
    }
    Ok(())
}
