//! Files on a matter's record, each resting on the event that records its upload, its bytes
//! kept once by their hash with the letters' files.

use luoshi_domain::{EventId, MatterId, NewEvent};

use crate::Result;
use crate::args;
use crate::sql::{Arg, Db, Row};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The id of the event that records the upload (0 until it is written).
    pub id: EventId,
    pub matter_id: MatterId,
    /// The report or step the file is evidence for; `None` for the matter as a whole.
    pub on_event_id: Option<EventId>,
    pub file_name: String,
    pub media_type: String,
    /// The SHA-256 of the file, hex: where its bytes are kept.
    pub sha256: String,
    pub size: usize,
}

const COLUMNS: &str = "a.event_id, a.matter_id, a.on_event_id, a.file_name, a.media_type,
    a.sha256, a.size";

fn attachment(r: &Row<'_>) -> Result<Attachment> {
    Ok(Attachment {
        id: EventId(r.get(0)?),
        matter_id: MatterId(r.get(1)?),
        on_event_id: r.get::<Option<i64>>(2)?.map(EventId),
        file_name: r.get(3)?,
        media_type: r.get(4)?,
        sha256: r.get(5)?,
        size: r.get::<i64>(6)?.max(0) as usize,
    })
}

/// Keeps the file (once, by its hash), the event of its upload and the attachment, in the
/// caller's transaction; the attachment's id.
pub async fn save(
    db: &mut impl Db,
    a: &Attachment,
    upload: &NewEvent,
    bytes: &[u8],
) -> Result<EventId> {
    db.execute(
        "INSERT INTO blobs (sha256, bytes) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        args![&a.sha256, bytes],
    )
    .await?;
    let id = crate::events::insert(db, &[(a.matter_id, upload)]).await?[0];
    db.execute(
        "INSERT INTO attachments (event_id, matter_id, on_event_id, file_name, media_type,
             sha256, size)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            id.0.into(),
            a.matter_id.0.into(),
            a.on_event_id.map(|e| e.0).into(),
            (&a.file_name).into(),
            (&a.media_type).into(),
            (&a.sha256).into(),
            (a.size as i64).into(),
        ],
    )
    .await?;
    Ok(id)
}

/// The files on these matters, in the order they were added.
pub async fn of_matters(db: &mut impl Db, matters: &[MatterId]) -> Result<Vec<Attachment>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM attachments a WHERE {} ORDER BY a.event_id",
        db.dialect().any("a.matter_id", 1)
    );
    db.rows(&sql, &[Arg::ids(matters.iter().map(|m| m.0))], attachment)
        .await
}

/// An attachment with its file's bytes.
pub async fn file(db: &mut impl Db, id: EventId) -> Result<Option<(Attachment, Vec<u8>)>> {
    let sql = format!(
        "SELECT {COLUMNS}, b.bytes FROM attachments a JOIN blobs b ON b.sha256 = a.sha256
         WHERE a.event_id = $1"
    );
    db.row(&sql, args![id.0], |r| Ok((attachment(r)?, r.get(7)?)))
        .await
}
