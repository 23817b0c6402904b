//! People's accounts: who they are, their unit and role, how to reach them, their passwords.

use chrono::Utc;
use luoshi_domain::{Role, UnitId, User, UserId};

use crate::sql::{Arg, Db, Json, Row};
use crate::{Account, NewUser, Result, args};

/// The columns [`user`] and [`account`] read, and the password hash last.
const SELECT: &str = "SELECT id, username, display_name, role, unit_id, email, in_charge_of, \
     phone, disabled, must_change_password, primary_liaison, password_hash FROM users";

/// The columns [`account`] reads, of users `u`, for a statement that reads more after them.
pub(crate) const ACCOUNT_COLUMNS: &str = "u.id, u.username, u.display_name, u.role, u.unit_id, \
     u.email, u.in_charge_of, u.phone, u.disabled, u.must_change_password, u.primary_liaison";
/// How many columns [`ACCOUNT_COLUMNS`] are.
pub(crate) const ACCOUNT_WIDTH: usize = 11;

fn user(r: &Row<'_>) -> Result<User> {
    Ok(User {
        id: UserId(r.get(0)?),
        username: r.get(1)?,
        display_name: r.get(2)?,
        role: r.named(3, Role::parse)?,
        unit_id: UnitId(r.get(4)?),
        email: r.get(5)?,
        in_charge_of: r.get::<Json<_>>(6)?.0,
    })
}

pub(crate) fn account(r: &Row<'_>) -> Result<Account> {
    Ok(Account {
        user: user(r)?,
        phone: r.get(7)?,
        disabled: r.get(8)?,
        must_change_password: r.get(9)?,
        primary_liaison: r.get(10)?,
    })
}

/// Whether an administrator's account is enabled.
pub async fn has_admin(db: &mut impl Db) -> Result<bool> {
    db.value(
        "SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND NOT disabled)",
        &[],
    )
    .await
}

pub async fn insert(db: &mut impl Db, u: &NewUser) -> Result<UserId> {
    let id = db
        .value(
            "INSERT INTO users (username, display_name, role, unit_id, email, password_hash,
                 in_charge_of, created_at, phone, must_change_password)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            &[
                (&u.username).into(),
                (&u.display_name).into(),
                u.role.as_str().into(),
                u.unit_id.0.into(),
                u.email.as_deref().into(),
                (&u.password_hash).into(),
                Arg::json(&u.in_charge_of),
                Utc::now().into(),
                u.phone.as_deref().into(),
                u.must_change_password.into(),
            ],
        )
        .await?;
    Ok(UserId(id))
}

pub async fn users(db: &mut impl Db) -> Result<Vec<User>> {
    db.rows(&format!("{SELECT} ORDER BY id"), &[], user).await
}

pub async fn one(db: &mut impl Db, id: UserId) -> Result<Option<User>> {
    db.row(&format!("{SELECT} WHERE id = $1"), args![id.0], user)
        .await
}

pub async fn accounts(db: &mut impl Db) -> Result<Vec<Account>> {
    db.rows(&format!("{SELECT} ORDER BY id"), &[], account)
        .await
}

pub async fn account_of(db: &mut impl Db, id: UserId) -> Result<Option<Account>> {
    db.row(&format!("{SELECT} WHERE id = $1"), args![id.0], account)
        .await
}

/// The account and its password hash, for signing in; none for a disabled account.
pub async fn for_login(db: &mut impl Db, username: &str) -> Result<Option<(Account, String)>> {
    db.row(
        &format!("{SELECT} WHERE username = $1 AND NOT disabled"),
        args![username],
        |r| Ok((account(r)?, r.get(11)?)),
    )
    .await
}

/// Writes what an administrator may change of an account; a new 主联络员 is the unit's only one.
pub async fn save(db: &mut impl Db, a: &Account) -> Result<()> {
    db.execute(
        "UPDATE users SET display_name = $2, role = $3, unit_id = $4, email = $5, phone = $6,
             in_charge_of = $7, disabled = $8, primary_liaison = $9
         WHERE id = $1",
        &[
            a.user.id.0.into(),
            (&a.user.display_name).into(),
            a.user.role.as_str().into(),
            a.user.unit_id.0.into(),
            a.user.email.as_deref().into(),
            a.phone.as_deref().into(),
            Arg::json(&a.user.in_charge_of),
            a.disabled.into(),
            a.primary_liaison.into(),
        ],
    )
    .await?;
    if a.primary_liaison {
        db.execute(
            "UPDATE users SET primary_liaison = false
             WHERE unit_id = $2 AND id <> $1 AND primary_liaison",
            args![a.user.id.0, a.user.unit_id.0],
        )
        .await?;
    }
    Ok(())
}

/// Sets a password hash; a one-time password must be changed at the next sign-in.
pub async fn set_password(
    db: &mut impl Db,
    user: UserId,
    hash: &str,
    one_time: bool,
) -> Result<()> {
    db.execute(
        "UPDATE users SET password_hash = $2, must_change_password = $3 WHERE id = $1",
        args![user.0, hash, one_time],
    )
    .await?;
    Ok(())
}
