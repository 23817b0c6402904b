//! Responsibility letters (责任书): signed letters uploaded per unit per year, checked for what
//! they really are, kept by content hash, linked to their matters; and the units still missing
//! one.

use luoshi_domain::attachment::{FileKind, MAX_FILE_BYTES};
use luoshi_domain::{MatterId, Power, UnitId, User};
pub use luoshi_storage::letter::Letter;

use crate::attachments::{kept_name, sha256_hex};
use crate::{Luoshi, Result, ServiceError};

/// The largest letter accepted: as large as any file kept.
pub const MAX_LETTER_BYTES: usize = MAX_FILE_BYTES;

/// What a letter may be: a signed and stamped page, scanned or as sent.
const LETTER_KINDS: &[FileKind] = &[FileKind::Pdf, FileKind::Png, FileKind::Jpeg, FileKind::Docx];

impl Luoshi {
    pub async fn upload_letter(
        &self,
        user: &User,
        unit_id: UnitId,
        year: i32,
        file_name: &str,
        bytes: &[u8],
        matters: &[MatterId],
    ) -> Result<i64> {
        let org = self.authorize(user, Power::Letters)?;
        if !self.tree().is_within(unit_id, org) || unit_id == org {
            return Err(ServiceError::invalid("unit", "该单位不在本级管辖范围内"));
        }
        if !(2000..=2100).contains(&year) {
            return Err(ServiceError::invalid(
                "year",
                "年份应为2000至2100之间的数字",
            ));
        }
        if bytes.is_empty() {
            return Err(ServiceError::invalid("file", "请选择责任书文件"));
        }
        if bytes.len() > MAX_LETTER_BYTES {
            return Err(ServiceError::invalid("file", "文件超过 20 MB"));
        }
        let content_type = FileKind::of(bytes)
            .filter(|k| LETTER_KINDS.contains(k))
            .map(FileKind::media_type)
            .ok_or_else(|| {
                ServiceError::invalid("file", "只接受 PDF、图片(PNG、JPEG)或 Word(.docx)文件")
            })?;
        for m in matters {
            self.visible_matter(user, *m).await?;
        }
        let sha256 = sha256_hex(bytes);
        let letter = Letter {
            id: 0,
            org_id: org,
            unit_id,
            year,
            file_name: kept_name(file_name),
            content_type: content_type.into(),
            sha256,
            size: bytes.len(),
            matter_ids: matters.to_vec(),
            uploaded_by: user.id,
            uploaded_at: self.now(),
        };
        let id = self.store.save_letter(&letter, bytes).await?;
        let detail = format!(
            "{id}: unit {} year {year} “{}” sha256 {}",
            unit_id, letter.file_name, letter.sha256
        );
        self.audit_admin(Some(user), "letter.save", detail).await?;
        Ok(id)
    }

    /// The year's letters, and the departments and governments of the org without one.
    pub async fn letters(&self, user: &User, year: i32) -> Result<(Vec<Letter>, Vec<UnitId>)> {
        let org = self.authorize(user, Power::Letters)?;
        let letters = self.store.letters(org, year).await?;
        let tree = self.tree();
        let missing = tree
            .subtree(org)
            .into_iter()
            .filter(|u| *u != org)
            .filter(|u| tree.get(*u).is_some_and(|u| u.kind.is_assessed()))
            .filter(|u| !letters.iter().any(|l| l.unit_id == *u))
            .collect();
        Ok((letters, missing))
    }

    pub async fn letter_file(&self, user: &User, id: i64) -> Result<(Letter, Vec<u8>)> {
        let org = self.authorize(user, Power::Letters)?;
        self.store
            .letter_file(id)
            .await?
            .filter(|(l, _)| l.org_id == org)
            .ok_or_else(|| ServiceError::NotFound(format!("责任书 {id} 不存在")))
    }
}
