//! The audit chain over the timeline's events and the administrators' actions: each link is a
//! hash (SM3, GB/T 32905, unless SHA-256 is chosen) of the link before it and of its row's
//! fields as text, written in the transaction that wrote the row; checked from the first link
//! to the last.
//!
//! Links are made in event order by one writer at a time ([`crate::sql::Access::Chain`]), or
//! two transactions would both chain onto the same previous link.

use crate::chain::{Linked, link};
use crate::sql::{Db, Row, Stored, chunked};
use crate::{AdminAction, AuditHash, Result, StoreError, args};

/// An event's fields, in the order they are hashed: the first ones always, the later ones
/// (added to the timeline since) only when set, so that links made before they existed still
/// verify.
const EVENT_FIELDS: &str = "e.id, e.matter_id, e.kind, e.actor_id, e.unit_id, e.at, e.comment, \
     e.percent, e.problems, e.next_steps, e.new_deadline, e.instruction, e.on_event_id, e.rating, e.indicator_values";

/// The event fields hashed whatever they hold …
const EVENT_ALWAYS: usize = 11;
/// … and the later ones, each tagged with its name when set.
const EVENT_WHEN_SET: [&str; 4] = ["instruction", "on_event_id", "rating", "indicator_values"];
const EVENT_COLUMNS: usize = EVENT_ALWAYS + EVENT_WHEN_SET.len();

/// An admin action's fields after the tag that keeps them apart from an event's.
const ADMIN_FIELDS: &str = "a.id, a.actor_id, a.at, a.action, a.detail";

/// Columns `from..from + n` as the texts the chain hashes.
fn texts(r: &Row<'_>, from: usize, n: usize) -> Result<Vec<String>> {
    (from..from + n)
        .map(|i| Ok(r.get::<Stored>(i)?.0))
        .collect()
}

fn event_texts(r: &Row<'_>, from: usize) -> Result<Vec<String>> {
    let mut fields = texts(r, from, EVENT_ALWAYS)?;
    for (i, name) in EVENT_WHEN_SET.iter().enumerate() {
        let Stored(value) = r.get(from + EVENT_ALWAYS + i)?;
        if !value.is_empty() {
            fields.push(format!("{name}={value}"));
        }
    }
    Ok(fields)
}

fn admin_texts(r: &Row<'_>, from: usize) -> Result<Vec<String>> {
    let mut fields = vec!["admin".to_string()];
    fields.extend(texts(r, from, 5)?);
    Ok(fields)
}

/// The hash new links use.
async fn chosen(db: &mut impl Db) -> Result<String> {
    Ok(db
        .row(
            "SELECT value FROM settings WHERE key = 'audit_hash'",
            &[],
            |r| r.get(0),
        )
        .await?
        .unwrap_or_else(|| AuditHash::Sm3.as_str().to_string()))
}

pub async fn choose(db: &mut impl Db, hash: AuditHash) -> Result<()> {
    db.execute(
        "INSERT INTO settings (key, value) VALUES ('audit_hash', $1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        args![hash.as_str()],
    )
    .await?;
    Ok(())
}

/// The last link, (place, hash): written out beside the database so that cutting the tail
/// off shows.
pub async fn head(db: &mut impl Db) -> Result<Option<(i64, String)>> {
    db.row(
        "SELECT seq, hash FROM audit_links ORDER BY seq DESC LIMIT 1",
        &[],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .await
}

/// Whether the link recorded earlier as the head is still in the chain.
pub async fn holds(db: &mut impl Db, seq: i64, hash: &str) -> Result<bool> {
    let stored: Option<String> = db
        .row(
            "SELECT hash FROM audit_links WHERE seq = $1",
            args![seq],
            |r| r.get(0),
        )
        .await?;
    Ok(stored.as_deref() == Some(hash))
}

/// Links the events and admin actions written since the last link, in order; called in the
/// transaction that wrote them (and once at start-up for rows written before the chain
/// existed).
pub async fn extend(db: &mut impl Db) -> Result<()> {
    let algo = chosen(db).await?;
    let (mut seq, mut prev) = head(db).await?.unwrap_or_default();
    let mut rows: Vec<(Linked, Vec<String>)> = db
        .rows(
            &format!(
                "SELECT {EVENT_FIELDS} FROM events e
                 WHERE e.id > (SELECT coalesce(max(event_id), 0) FROM audit_links) ORDER BY e.id"
            ),
            &[],
            |r| Ok((Linked::Event(r.get(0)?), event_texts(r, 0)?)),
        )
        .await?;
    rows.extend(
        db.rows(
            &format!(
                "SELECT {ADMIN_FIELDS} FROM admin_actions a
                 WHERE a.id > (SELECT coalesce(max(admin_id), 0) FROM audit_links) ORDER BY a.id"
            ),
            &[],
            |r| Ok((Linked::Admin(r.get(0)?), admin_texts(r, 0)?)),
        )
        .await?,
    );
    let links = rows.into_iter().map(|(row, fields)| {
        let hash = link(&algo, &prev, &fields).expect("the chosen hash is a known one");
        seq += 1;
        let (event, admin) = row.columns();
        prev = hash.clone();
        vec![
            seq.into(),
            event.into(),
            admin.into(),
            (&algo).into(),
            hash.into(),
        ]
    });
    chunked(
        db,
        "INSERT INTO audit_links (seq, event_id, admin_id, algo, hash) VALUES",
        links.collect(),
        "",
        |_| Ok(()),
    )
    .await?;
    Ok(())
}

/// Writes an admin action and links it.
pub async fn record(db: &mut impl Db, action: &AdminAction) -> Result<()> {
    db.execute(
        "INSERT INTO admin_actions (actor_id, at, action, detail) VALUES ($1, $2, $3, $4)",
        args![
            action.actor.map(|a| a.0),
            action.at,
            &action.action,
            &action.detail
        ],
    )
    .await?;
    extend(db).await
}

/// The first row whose link does not hold, named, and why — a changed row, a removed one, or
/// one without a link; or how many links were checked when all hold. Walked as it is read,
/// one link at a time: a province's chain has millions of links.
pub async fn verify(db: &mut impl Db) -> Result<std::result::Result<usize, (String, String)>> {
    let (mut prev, mut checked) = (String::new(), 0_usize);
    let mut verdict: Option<(String, String)> = None;
    db.each(
        &format!(
            "SELECT l.event_id, l.admin_id, l.algo, l.hash, e.id IS NOT NULL, a.id IS NOT NULL,
                 {EVENT_FIELDS}, {ADMIN_FIELDS}
             FROM audit_links l
             LEFT JOIN events e ON e.id = l.event_id
             LEFT JOIN admin_actions a ON a.id = l.admin_id
             ORDER BY l.seq"
        ),
        &[],
        |r| {
            if verdict.is_some() {
                return Ok(());
            }
            let Some(row) = Linked::from_columns(r.get(0)?, r.get(1)?) else {
                return Err(StoreError::Corrupt("a link names no row".into()));
            };
            let (algo, stored): (String, String) = (r.get(2)?, r.get(3)?);
            let fields = match row {
                Linked::Event(_) if r.get::<bool>(4)? => event_texts(r, 6)?,
                Linked::Admin(_) if r.get::<bool>(5)? => admin_texts(r, 6 + EVENT_COLUMNS)?,
                _ => {
                    verdict = Some((row.name(), "it was removed".into()));
                    return Ok(());
                }
            };
            let Some(expected) = link(&algo, &prev, &fields) else {
                verdict = Some((
                    row.name(),
                    format!("its link uses an unknown hash {algo:?}"),
                ));
                return Ok(());
            };
            if expected != stored {
                verdict = Some((row.name(), "it or the link before it was changed".into()));
                return Ok(());
            }
            prev = stored;
            checked += 1;
            Ok(())
        },
    )
    .await?;
    if let Some(broken) = verdict {
        return Ok(Err(broken));
    }
    for (table, column, name) in [
        ("events", "event_id", Linked::Event as fn(i64) -> Linked),
        ("admin_actions", "admin_id", Linked::Admin),
    ] {
        let unlinked: Option<i64> = db
            .value(
                &format!(
                    "SELECT min(id) FROM {table} t
                     WHERE NOT EXISTS (SELECT 1 FROM audit_links l WHERE l.{column} = t.id)"
                ),
                &[],
            )
            .await?;
        if let Some(id) = unlinked {
            return Ok(Err((name(id).name(), "it has no link in the chain".into())));
        }
    }
    Ok(Ok(checked))
}
