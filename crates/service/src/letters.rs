//! Responsibility letters (责任书): signed letters uploaded per unit per year, checked for what
//! they really are, kept by content hash, linked to their matters; and the units still missing
//! one.

use luoshi_domain::{MatterId, Power, UnitId, User};
pub use luoshi_storage::letter::Letter;
use sha2::{Digest, Sha256};

use crate::{Luoshi, Result, ServiceError};

/// The largest letter accepted.
pub const MAX_LETTER_BYTES: usize = 20 * 1024 * 1024;

/// What a file is, by its first bytes, whatever its name says: PDF, PNG, JPEG or .docx.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"\xFF\xD8\xFF") {
        Some("image/jpeg")
    } else if bytes.starts_with(b"PK\x03\x04")
        && bytes.windows(17).any(|w| w == b"word/document.xml")
    {
        Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    } else {
        None
    }
}

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
        let content_type = sniff(bytes).ok_or_else(|| {
            ServiceError::invalid("file", "只接受 PDF、图片(PNG、JPEG)或 Word(.docx)文件")
        })?;
        for m in matters {
            self.visible_matter(user, *m).await?;
        }
        let sha256: String = Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let letter = Letter {
            id: 0,
            org_id: org,
            unit_id,
            year,
            file_name: file_name
                .chars()
                .filter(|c| !c.is_control())
                .take(200)
                .collect(),
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
