//! Files on a matter's record — the scanned 批示件 it came from, meeting minutes, a stamped
//! completion report, a unit's evidence (佐证材料): what a file is, told by its bytes whatever its
//! name says, and who may add one.

use crate::lifecycle::{Actor, Denied};
use crate::{Matter, MatterState, Role, UnitId};

/// The largest file kept, attachment or responsibility letter.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// The kinds of file an office keeps on its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    /// 版式文件 (GB/T 33190), the national counterpart of PDF that stamped documents come in.
    Ofd,
    Png,
    Jpeg,
    Gif,
    /// Scanners' output.
    Tiff,
    Webp,
    Docx,
    Xlsx,
    Zip,
}

/// Every kind, in the order refusals list them.
pub const ALL_KINDS: &[FileKind] = &[
    FileKind::Pdf,
    FileKind::Ofd,
    FileKind::Png,
    FileKind::Jpeg,
    FileKind::Gif,
    FileKind::Tiff,
    FileKind::Webp,
    FileKind::Docx,
    FileKind::Xlsx,
    FileKind::Zip,
];

impl FileKind {
    /// What its bytes say a file is; `None` for anything else (a renamed program, a text file,
    /// a legacy .doc).
    pub fn of(bytes: &[u8]) -> Option<FileKind> {
        let zip_has = |name: &[u8]| bytes.windows(name.len()).any(|w| w == name);
        Some(if bytes.starts_with(b"%PDF-") {
            FileKind::Pdf
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            FileKind::Png
        } else if bytes.starts_with(b"\xFF\xD8\xFF") {
            FileKind::Jpeg
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            FileKind::Gif
        } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
            FileKind::Tiff
        } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
            FileKind::Webp
        } else if bytes.starts_with(b"PK\x03\x04") {
            // Office documents and OFD are zip packages told apart by the parts they hold.
            if zip_has(b"word/document.xml") {
                FileKind::Docx
            } else if zip_has(b"xl/workbook.xml") {
                FileKind::Xlsx
            } else if zip_has(b"OFD.xml") {
                FileKind::Ofd
            } else {
                FileKind::Zip
            }
        } else {
            return None;
        })
    }

    pub fn media_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Ofd => "application/ofd",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Gif => "image/gif",
            FileKind::Tiff => "image/tiff",
            FileKind::Webp => "image/webp",
            FileKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::Zip => "application/zip",
        }
    }

    /// The kind as a refusal names it.
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Pdf => "PDF 文件",
            FileKind::Ofd => "OFD 版式文件",
            FileKind::Png => "PNG 图片",
            FileKind::Jpeg => "JPEG 图片",
            FileKind::Gif => "GIF 图片",
            FileKind::Tiff => "TIFF 图片",
            FileKind::Webp => "WebP 图片",
            FileKind::Docx => "Word 文档(.docx)",
            FileKind::Xlsx => "Excel 表格(.xlsx)",
            FileKind::Zip => "ZIP 压缩包",
        }
    }

    fn extensions(self) -> &'static [&'static str] {
        match self {
            FileKind::Pdf => &["pdf"],
            FileKind::Ofd => &["ofd"],
            FileKind::Png => &["png"],
            FileKind::Jpeg => &["jpg", "jpeg"],
            FileKind::Gif => &["gif"],
            FileKind::Tiff => &["tif", "tiff"],
            FileKind::Webp => &["webp"],
            FileKind::Docx => &["docx"],
            FileKind::Xlsx => &["xlsx"],
            FileKind::Zip => &["zip"],
        }
    }

    /// The extension a file of this kind usually has.
    pub fn extension(self) -> &'static str {
        self.extensions()[0]
    }

    /// The kind a file's name claims, when its extension is one of ours.
    fn named(file_name: &str) -> Option<FileKind> {
        let (_, ext) = file_name.rsplit_once('.')?;
        let ext = ext.to_ascii_lowercase();
        ALL_KINDS
            .iter()
            .copied()
            .find(|k| k.extensions().contains(&ext.as_str()))
    }
}

/// The kind of a file to keep on a matter's record, or why it is refused: empty, over
/// [`MAX_FILE_BYTES`], of no kind we keep, or named as one kind while its bytes are another —
/// a file that lies about itself would open as something else on the reader's desk.
pub fn check(file_name: &str, bytes: &[u8]) -> Result<FileKind, Denied> {
    let refuse = |why: String| Err(Denied::Invalid(why));
    if bytes.is_empty() {
        return refuse("请选择要上传的文件".into());
    }
    if bytes.len() > MAX_FILE_BYTES {
        return refuse(format!(
            "文件“{file_name}”超过 {} MB,请压缩或拆分后再上传",
            MAX_FILE_BYTES >> 20
        ));
    }
    let accepted = || "只接受 PDF、OFD、图片(PNG、JPEG、GIF、TIFF、WebP)、Word(.docx)、Excel(.xlsx)或 ZIP 压缩包";
    match (FileKind::of(bytes), FileKind::named(file_name)) {
        (Some(is), Some(named)) if is != named => refuse(format!(
            "文件“{file_name}”的扩展名表明是{},内容却是{},请核对后重新上传",
            named.label(),
            is.label()
        )),
        (Some(is), _) => Ok(is),
        (None, Some(named)) => refuse(format!(
            "文件“{file_name}”的内容不是{}(扩展名与内容不符);{}",
            named.label(),
            accepted()
        )),
        (None, None) => refuse(format!("无法识别文件“{file_name}”的类型;{}", accepted())),
    }
}

impl Actor<'_> {
    /// Whether this person may add files to the matter's record, and the unit they add them
    /// for: the supervisors who manage it, the responsible leader and the leaders in charge of
    /// a unit at work on it, and the liaisons of its units (for their unit). A finished matter's
    /// record is closed; a draft is its office's alone.
    pub fn may_attach(&self, m: &Matter) -> Result<Option<UnitId>, Denied> {
        let user = self.user;
        let working = m.state != MatterState::Draft;
        let allowed = self.manages(m)
            || match user.role {
                Role::Liaison => working && m.assignment(user.unit_id).is_some(),
                Role::Leader => {
                    working
                        && (m.leader_id == Some(user.id)
                            || m.assignments.iter().any(|a| {
                                user.in_charge_of
                                    .iter()
                                    .any(|u| self.tree.is_within(a.unit_id, *u))
                            }))
                }
                Role::Supervisor | Role::Admin => false,
            };
        if !allowed {
            return Err(Denied::Forbidden(
                "只有督查人员、责任领导和承办单位可以为该事项上传附件".into(),
            ));
        }
        if matches!(m.state, MatterState::Closed | MatterState::Cancelled) {
            return Err(Denied::WrongState {
                state: m.state.label(),
                action: "上传附件",
            });
        }
        Ok((user.role == Role::Liaison).then_some(user.unit_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCX: &[u8] = b"PK\x03\x04....[Content_Types].xml....word/document.xml....";

    #[test]
    fn a_file_is_told_by_its_bytes() {
        assert_eq!(FileKind::of(b"%PDF-1.7\n"), Some(FileKind::Pdf));
        assert_eq!(FileKind::of(DOCX), Some(FileKind::Docx));
        assert_eq!(
            FileKind::of(b"PK\x03\x04..xl/workbook.xml.."),
            Some(FileKind::Xlsx)
        );
        assert_eq!(FileKind::of(b"PK\x03\x04..OFD.xml.."), Some(FileKind::Ofd));
        assert_eq!(
            FileKind::of(b"PK\x03\x04..photo.jpg.."),
            Some(FileKind::Zip)
        );
        assert_eq!(FileKind::of(b"RIFF\0\0\0\0WEBPVP8 "), Some(FileKind::Webp));
        assert_eq!(FileKind::of(b"MZ\x90\0 a program"), None);
    }

    #[test]
    fn a_renamed_file_keeps_its_kind_when_its_name_claims_none_of_ours() {
        assert_eq!(check("扫描件", b"\xFF\xD8\xFF\xE0"), Ok(FileKind::Jpeg));
        assert_eq!(check("照片.JPEG", b"\xFF\xD8\xFF\xE0"), Ok(FileKind::Jpeg));
    }

    #[test]
    fn a_file_whose_name_and_bytes_disagree_is_refused_naming_both() {
        let Err(Denied::Invalid(why)) = check("完成报告.pdf", b"\x89PNG\r\n\x1a\n") else {
            panic!("a PNG named .pdf was taken");
        };
        assert!(why.contains("PDF") && why.contains("PNG"), "{why}");
        let Err(Denied::Invalid(why)) = check("完成报告.pdf", b"just text") else {
            panic!("text named .pdf was taken");
        };
        assert!(why.contains("不是PDF"), "{why}");
        assert!(check("setup.exe", b"MZ\x90\0").is_err());
    }

    #[test]
    fn an_empty_or_oversized_file_is_refused() {
        assert!(check("a.pdf", b"").is_err());
        let mut big = b"%PDF-1.7\n".to_vec();
        big.resize(MAX_FILE_BYTES + 1, b' ');
        let Err(Denied::Invalid(why)) = check("a.pdf", &big) else {
            panic!("an oversized file was taken");
        };
        assert!(why.contains("20 MB"), "{why}");
    }
}
