//! Files on a matter's record: added by whoever may act on the matter, read by whoever may read
//! it, and asked for before 申请办结 only where the office has set that for the matter's source.

use luoshi_domain::attachment::check;
use luoshi_domain::{Event, EventId, EventKind, Matter, MatterId, NewEvent, User};
pub use luoshi_storage::attachment::Attachment;
use sha2::{Digest, Sha256};

use crate::{Luoshi, Result, ServiceError, with_actor};

const NOTE_MAX: usize = 500;

/// What someone sends to put on a matter's record.
pub struct NewFile<'a> {
    pub file_name: &'a str,
    pub bytes: &'a [u8],
    pub note: &'a str,
    /// The report or step the file is evidence for; `None` for the matter as a whole.
    pub on_event: Option<EventId>,
}

/// The hex SHA-256 a file's bytes are kept under.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A file's name as it is kept and offered for download: without control characters (which
/// would break a header) and at most 200 characters.
pub(crate) fn kept_name(file_name: &str) -> String {
    file_name
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect()
}

impl Luoshi {
    /// Puts a file on the matter's record, with the event of its upload. Someone who may not
    /// read the matter is told it does not exist.
    pub async fn attach(
        &self,
        user: &User,
        matter: MatterId,
        file: NewFile<'_>,
    ) -> Result<Attachment> {
        let (m, events) = self.visible_matter_with_events(user, matter).await?;
        let unit = with_actor(self, user, |a| a.may_attach(&m))?;
        let kind = check(file.file_name, file.bytes)
            .map_err(|d| ServiceError::invalid("file", d.to_string()))?;
        if let Some(step) = file.on_event {
            let found = events
                .iter()
                .find(|e| e.id == step && e.data.kind != EventKind::Attached);
            match found {
                None => {
                    return Err(ServiceError::invalid(
                        "on_event_id",
                        "所附的反馈或办理步骤不在该事项的办理过程中",
                    ));
                }
                Some(e) if unit.is_some() && e.data.unit_id != unit => {
                    return Err(ServiceError::invalid(
                        "on_event_id",
                        "只能为本单位的反馈或办理步骤上传附件",
                    ));
                }
                Some(_) => {}
            }
        }
        let note = file.note.trim();
        if note.chars().count() > NOTE_MAX {
            return Err(ServiceError::invalid(
                "note",
                format!("附件说明不能超过{NOTE_MAX}字"),
            ));
        }
        let name = match kept_name(file.file_name.trim()) {
            n if n.is_empty() => format!("附件.{}", kind.extension()),
            n => n,
        };
        let mut attachment = Attachment {
            id: EventId(0),
            matter_id: m.id,
            on_event_id: file.on_event,
            file_name: name,
            media_type: kind.media_type().into(),
            sha256: sha256_hex(file.bytes),
            size: file.bytes.len(),
        };
        let mut upload = NewEvent::new(EventKind::Attached, user.id, self.now(), note);
        upload.unit_id = unit;
        attachment.id = self
            .store
            .save_attachment(&attachment, &upload, file.bytes)
            .await?;
        Ok(attachment)
    }

    /// Refuses, as [`Luoshi::attach`] would, someone who may not add files to the matter: asked
    /// before a file is read, so that nobody outside the matter has one taken in.
    pub async fn may_attach(&self, user: &User, matter: MatterId) -> Result<()> {
        let m = self.visible_matter(user, matter).await?;
        with_actor(self, user, |a| a.may_attach(&m))?;
        Ok(())
    }

    /// The files on a matter the caller may read.
    pub async fn attachments(&self, user: &User, matter: MatterId) -> Result<Vec<Attachment>> {
        self.visible_matter(user, matter).await?;
        Ok(self.store.attachments(&[matter]).await?)
    }

    /// A file with its bytes, to whoever may read its matter; "not found" to anyone else, so
    /// nobody learns which files exist outside their scope.
    pub async fn attachment_file(&self, user: &User, id: EventId) -> Result<(Attachment, Vec<u8>)> {
        let not_found = || ServiceError::NotFound(format!("附件 {id} 不存在或无权查看"));
        let (attachment, bytes) = self
            .store
            .attachment_file(id)
            .await?
            .ok_or_else(not_found)?;
        self.visible_matter(user, attachment.matter_id)
            .await
            .map_err(|_| not_found())?;
        Ok((attachment, bytes))
    }

    /// Refuses 申请办结 on a matter whose source the office has set to need evidence
    /// (`[rules] evidence_before_completion`) until the lead unit has put a file on its record.
    pub(crate) async fn require_evidence(&self, m: &Matter, events: &[Event]) -> Result<()> {
        if !self.rules.evidence_before_completion.contains(&m.source) {
            return Ok(());
        }
        let attached = self.store.attachments(&[m.id]).await?;
        let by_lead = attached.iter().any(|a| {
            events
                .iter()
                .any(|e| e.id == a.id && e.data.unit_id == Some(m.lead_unit_id))
        });
        if by_lead {
            Ok(())
        } else {
            Err(ServiceError::invalid(
                "file",
                format!(
                    "{}事项申请办结前须上传佐证材料,请先在“上传附件”中上传",
                    m.source.label()
                ),
            ))
        }
    }
}
