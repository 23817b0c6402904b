//! Bytes of an uploaded file to text: a workbook's sheets as grids (merged cells filled in), a
//! document's paragraphs and tables. The format is told from the bytes, not the file name, so a
//! renamed file still reads and a broken one is named as broken.

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Sheets, open_workbook_auto_from_rs};

/// A table as text, row by row; a merged cell's text is in every cell it spans.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grid {
    pub name: String,
    pub rows: Vec<Vec<String>>,
}

/// What a file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// A workbook or CSV file.
    Sheets(Vec<Grid>),
    /// A document: its paragraphs in order, and the tables in it.
    Document {
        paragraphs: Vec<String>,
        tables: Vec<Grid>,
    },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReadError {
    #[error("文件有密码保护,请去掉密码后再导入")]
    Encrypted,
    #[error("暂不支持 Word 97-2003 (.doc) 文件,请另存为 .docx 后再导入")]
    LegacyWord,
    #[error("无法识别的文件格式,请使用 .xlsx、.xls、.csv、.docx 或 .txt 文件")]
    Unsupported,
    #[error("文件已损坏或不完整:{0}")]
    Corrupt(String),
    #[error("文件是空的")]
    Empty,
    #[error("工作表“{0}”过大(超过200万个单元格),请删去多余的行列或拆分后再导入")]
    TooLarge(String),
    #[error(
        "PDF 文件中没有找到文字(可能是扫描件或图片),请先进行文字识别,或改用 Word(.docx)原文再导入"
    )]
    ScannedPdf,
    #[error("暂不支持 PDF 文件,请另存为 .docx 后再导入")]
    Pdf,
    #[error("文件中没有找到文字,请检查是否选错了文件")]
    NoText,
    #[error("文件解压后过大(超过{}MB),可能已损坏或是恶意构造的压缩包,请检查后重新保存再导入", MAX_UNPACKED_BYTES >> 20)]
    Unpacks,
}

const ZIP: &[u8] = b"PK\x03\x04";
const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
const PDF: &[u8] = b"%PDF";

/// Reads a file by what its bytes are; `file_name` only tells CSV from plain text. Its text
/// comes back normalised (see [`crate::script`]), and a document without any is an error.
pub fn read(file_name: &str, bytes: &[u8]) -> Result<Content, ReadError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ReadError::Empty);
    }
    let normalise = |cells: Vec<String>| -> Vec<String> {
        cells.iter().map(|c| crate::script::normalise(c)).collect()
    };
    let grids = |grids: Vec<Grid>| -> Vec<Grid> {
        grids
            .into_iter()
            .map(|g| Grid {
                name: crate::script::normalise(&g.name),
                rows: g.rows.into_iter().map(normalise).collect(),
            })
            .collect()
    };
    match content(file_name, bytes)? {
        Content::Sheets(sheets) => Ok(Content::Sheets(grids(sheets))),
        Content::Document { paragraphs, tables } => {
            let blank = |t: &String| t.trim().is_empty();
            if paragraphs.iter().all(blank)
                && tables
                    .iter()
                    .flat_map(|t| t.rows.iter().flatten())
                    .all(blank)
            {
                return Err(ReadError::NoText);
            }
            Ok(Content::Document {
                paragraphs: normalise(paragraphs),
                tables: grids(tables),
            })
        }
    }
}

fn content(file_name: &str, bytes: &[u8]) -> Result<Content, ReadError> {
    if bytes.starts_with(PDF) {
        // A PDF with text names the fonts it is drawn in; a scan is only pictures.
        let has_text = bytes.windows(5).any(|w| w == b"/Font");
        return Err(if has_text {
            ReadError::Pdf
        } else {
            ReadError::ScannedPdf
        });
    }
    if bytes.starts_with(ZIP) {
        check_unpacked_size(bytes)?;
        return if zip_has(bytes, "word/document.xml") {
            docx(bytes)
        } else {
            workbook(bytes)
        };
    }
    if bytes.starts_with(OLE) {
        // An OLE container is an .xls, an encrypted .xlsx or an old .doc.
        let text = String::from_utf8_lossy(bytes);
        if text.contains("EncryptedPackage") || contains_utf16(bytes, "EncryptedPackage") {
            return Err(ReadError::Encrypted);
        }
        if contains_utf16(bytes, "WordDocument") {
            return Err(ReadError::LegacyWord);
        }
        return workbook(bytes);
    }
    let text = decode(bytes);
    if text.contains('\0') {
        return Err(ReadError::Unsupported);
    }
    let lower = file_name.to_lowercase();
    if lower.ends_with(".csv") || (!lower.ends_with(".txt") && looks_like_csv(&text)) {
        return csv(&text);
    }
    let paragraphs: Vec<String> = text.lines().map(|l| l.trim().to_string()).collect();
    let tables = piped_table(&paragraphs).into_iter().collect();
    Ok(Content::Document { paragraphs, tables })
}

/// Tables pasted as text often keep their cells apart with `|` (from a web page or a wiki):
/// lines with two or more bars become the rows of a grid.
fn piped_table(lines: &[String]) -> Option<Grid> {
    let rows: Vec<Vec<String>> = lines
        .iter()
        .filter(|l| l.matches('|').count() >= 2)
        .map(|l| {
            let l = l.trim().trim_start_matches('|');
            let l = l.strip_suffix('|').unwrap_or(l);
            l.split('|').map(clean).collect()
        })
        .collect();
    (rows.len() >= 2).then(|| Grid {
        name: String::new(),
        rows,
    })
}

/// UTF-8 (with or without a byte-order mark), else GBK — what Excel on a Chinese Windows writes.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

fn looks_like_csv(text: &str) -> bool {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(20)
        .collect();
    lines.len() >= 2 && lines.iter().filter(|l| l.contains(',')).count() * 2 > lines.len()
}

fn csv(text: &str) -> Result<Content, ReadError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let rows = reader
        .records()
        .map(|r| {
            r.map(|r| r.iter().map(|cell| clean(unguarded(cell))).collect())
                .map_err(|e| ReadError::Corrupt(e.to_string()))
        })
        .collect::<Result<Vec<Vec<String>>, _>>()?;
    Ok(Content::Sheets(vec![Grid {
        name: String::new(),
        rows,
    }]))
}

/// A cell as it was typed, without the `'` that a ledger exported by Luoshi puts before text
/// that begins like a formula.
fn unguarded(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(crate::ledger::FORMULA_STARTS) => rest,
        _ => cell,
    }
}

/// Sheets whose used range holds more cells than this are refused: a task table has a few
/// thousand, and one stray value at Excel's last row and column would otherwise make a range of
/// seventeen billion.
const MAX_CELLS: usize = 2_000_000;

fn workbook(bytes: &[u8]) -> Result<Content, ReadError> {
    let corrupt = |e: &dyn std::fmt::Display| ReadError::Corrupt(e.to_string());
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        if e.to_string().contains("password") {
            ReadError::Encrypted
        } else {
            ReadError::Corrupt(e.to_string())
        }
    })?;
    let mut grids = Vec::new();
    for name in book.sheet_names() {
        // Cells are taken one by one where the format allows it: calamine's own range is dense
        // from the first cell to the last, allocated before its size could be checked.
        let mut cells = Vec::new();
        match &mut book {
            Sheets::Xlsx(x) => {
                let mut reader = x.worksheet_cells_reader(&name).map_err(|e| corrupt(&e))?;
                while let Some(cell) = reader.next_cell().map_err(|e| corrupt(&e))? {
                    cells.push((cell.get_position(), Data::from(cell.get_value().clone())));
                    if cells.len() > MAX_CELLS {
                        return Err(ReadError::TooLarge(name));
                    }
                }
            }
            Sheets::Xlsb(x) => {
                let mut reader = x.worksheet_cells_reader(&name).map_err(|e| corrupt(&e))?;
                while let Some(cell) = reader.next_cell().map_err(|e| corrupt(&e))? {
                    cells.push((cell.get_position(), Data::from(cell.get_value().clone())));
                    if cells.len() > MAX_CELLS {
                        return Err(ReadError::TooLarge(name));
                    }
                }
            }
            _ => {
                let range = book.worksheet_range(&name).map_err(|e| corrupt(&e))?;
                let (top, left) = range.start().unwrap_or((0, 0));
                for (r, c, value) in range.used_cells() {
                    let at = (top + r as u32, left + c as u32);
                    cells.push((at, value.clone()));
                }
            }
        }
        cells.retain(|(_, value)| *value != Data::Empty);
        let mut rows = grid_of(&name, &cells)?;
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        let merged = match &mut book {
            Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
            Sheets::Xls(x) => x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
            _ => Vec::new(),
        };
        for m in merged {
            let (r0, c0) = (m.start.0 as usize, m.start.1 as usize);
            let value = rows
                .get(r0)
                .and_then(|r| r.get(c0))
                .cloned()
                .unwrap_or_default();
            // A merge past the last column with a value fills nothing anyone reads, and filling
            // it could grow the sheet beyond what the cell limit allowed.
            let last_column = (m.end.1 as usize).min(width.saturating_sub(1));
            let spanned = rows.iter_mut().take(m.end.0 as usize + 1).skip(r0);
            for row in spanned {
                for c in c0..=last_column {
                    if row.len() <= c {
                        row.resize(c + 1, String::new());
                    }
                    if row[c].is_empty() {
                        row[c].clone_from(&value);
                    }
                }
            }
        }
        grids.push(Grid { name, rows });
    }
    Ok(Content::Sheets(grids))
}

/// The sheet's cells laid out as rows: rows above the first cell are empty, the others span the
/// same columns, from A to the rightmost cell.
fn grid_of(name: &str, cells: &[((u32, u32), Data)]) -> Result<Vec<Vec<String>>, ReadError> {
    let extent = |pick: fn(&(u32, u32)) -> u32| cells.iter().map(move |(at, _)| pick(at) as usize);
    let (Some(top), Some(bottom), Some(right)) = (
        extent(|at| at.0).min(),
        extent(|at| at.0).max(),
        extent(|at| at.1).max(),
    ) else {
        return Ok(Vec::new());
    };
    let width = right + 1;
    let area = (bottom - top + 1).saturating_mul(width).saturating_add(top);
    if area > MAX_CELLS {
        return Err(ReadError::TooLarge(name.to_string()));
    }
    let mut rows = vec![Vec::new(); top];
    rows.resize(bottom + 1, vec![String::new(); width]);
    for ((r, c), value) in cells {
        rows[*r as usize][*c as usize] = cell_text(value);
    }
    Ok(rows)
}

/// A cell as a person reads it: numbers without a trailing ".0", dates as ISO dates,
/// formula errors as nothing.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => clean(s),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{day:02}")
        }
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.chars().take(10).collect(),
    }
}

/// Cell text with its line breaks and runs of spaces folded to one space.
fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What the parts of a zip-based file (.xlsx, .docx, .ods) may unpack to, each and in all. A
/// task table of two million cells is about 100 MB of XML; a few megabytes that unpack to
/// gigabytes are a zip bomb, refused before any reader inflates them into memory.
const MAX_UNPACKED_BYTES: u64 = 256 << 20;
const MAX_PART_BYTES: u64 = 160 << 20;
/// An office file has a few dozen parts; a hundred thousand tiny ones are an attack on the
/// central directory's reader.
const MAX_PARTS: usize = 10_000;

/// Refuses an archive whose parts unpack to more than the limits allow, by the sizes its
/// directory declares. The zip reader inflates no part past its declared size (a forged,
/// understated size reads as a broken file; a test holds it to that), so checking the
/// declarations bounds what any reader of the file can unpack, without inflating anything.
fn check_unpacked_size(bytes: &[u8]) -> Result<(), ReadError> {
    let corrupt = |e: &dyn std::fmt::Display| ReadError::Corrupt(e.to_string());
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(&e))?;
    if archive.len() > MAX_PARTS {
        return Err(ReadError::Unpacks);
    }
    let mut total = 0u64;
    for i in 0..archive.len() {
        let size = archive.by_index_raw(i).map_err(|e| corrupt(&e))?.size();
        total = total.saturating_add(size);
        if size > MAX_PART_BYTES || total > MAX_UNPACKED_BYTES {
            return Err(ReadError::Unpacks);
        }
    }
    Ok(())
}

fn zip_has(bytes: &[u8], name: &str) -> bool {
    zip::ZipArchive::new(Cursor::new(bytes)).is_ok_and(|z| z.index_for_name(name).is_some())
}

fn contains_utf16(bytes: &[u8], text: &str) -> bool {
    let needle: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.windows(needle.len()).any(|w| w == needle)
}

/// A .docx's paragraphs and tables, in document order: the text of `w:t` runs, a paragraph per
/// `w:p`, a grid per `w:tbl` (cells spanning rows by `w:vMerge` take the text above).
fn docx(bytes: &[u8]) -> Result<Content, ReadError> {
    use quick_xml::events::Event;

    let corrupt = |e: &dyn std::fmt::Display| ReadError::Corrupt(e.to_string());
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(&e))?;
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .map_err(|e| corrupt(&e))?
        .take(64 * 1024 * 1024)
        .read_to_string(&mut xml)
        .map_err(|e| corrupt(&e))?;

    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut paragraphs = Vec::new();
    let mut tables: Vec<Grid> = Vec::new();
    // Tables nest; the innermost open one collects cells.
    let mut open: Vec<(Vec<Vec<String>>, Vec<bool>)> = Vec::new();
    let (mut para, mut cell) = (String::new(), String::new());
    let mut in_text = false;
    let mut continues_above = false;
    loop {
        match reader.read_event().map_err(|e| corrupt(&e))? {
            Event::Start(e) | Event::Empty(e) if e.local_name().into_inner() == "vMerge" => {
                let restart = e
                    .attributes()
                    .flatten()
                    .any(|a| a.key.local_name().into_inner() == "val" && &*a.value == "restart");
                continues_above = !restart;
            }
            Event::Start(e) => match e.local_name().into_inner() {
                "tbl" => open.push((Vec::new(), Vec::new())),
                "tr" => {
                    if let Some((rows, spans)) = open.last_mut() {
                        rows.push(Vec::new());
                        spans.clear();
                    }
                }
                "tc" => {
                    cell.clear();
                    continues_above = false;
                }
                "t" => in_text = true,
                _ => {}
            },
            Event::Empty(e) => match e.local_name().into_inner() {
                "tab" => para.push(' '),
                "br" => para.push(' '),
                _ => {}
            },
            Event::Text(t) if in_text => para.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_text => match r.resolve_char_ref() {
                Ok(Some(c)) => para.push(c),
                _ => para.push_str(match &*r {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "",
                }),
            },
            Event::End(e) => match e.local_name().into_inner() {
                "t" => in_text = false,
                "p" => {
                    let text = clean(&std::mem::take(&mut para));
                    if open.is_empty() {
                        paragraphs.push(text);
                    } else if !text.is_empty() {
                        if !cell.is_empty() {
                            cell.push(' ');
                        }
                        cell.push_str(&text);
                    }
                }
                "tc" => {
                    if let Some((rows, _)) = open.last_mut() {
                        let row_index = rows.len().saturating_sub(1);
                        let column = rows.last().map_or(0, Vec::len);
                        let text = if continues_above && cell.is_empty() && row_index > 0 {
                            rows[row_index - 1].get(column).cloned().unwrap_or_default()
                        } else {
                            std::mem::take(&mut cell)
                        };
                        if let Some(row) = rows.last_mut() {
                            row.push(text);
                        }
                    }
                    cell.clear();
                }
                "tbl" => {
                    if let Some((rows, _)) = open.pop() {
                        tables.push(Grid {
                            name: format!("表{}", tables.len() + 1),
                            rows,
                        });
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(Content::Document { paragraphs, tables })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_and_utf8_with_a_bom_both_read_as_chinese() {
        let (gbk, _, _) =
            encoding_rs::GBK.encode("序号,工作任务,牵头单位\n1,建设图书馆,市文广旅局\n");
        let Content::Sheets(grids) = read("任务.csv", &gbk).unwrap() else {
            panic!("a CSV is a sheet")
        };
        assert_eq!(grids[0].rows[1], ["1", "建设图书馆", "市文广旅局"]);
        let bom = "\u{feff}序号,任务\n1,甲\n".as_bytes();
        let Content::Sheets(grids) = read("x.csv", bom).unwrap() else {
            panic!()
        };
        assert_eq!(grids[0].rows[0][0], "序号");
    }

    #[test]
    fn broken_encrypted_and_old_word_files_are_named_as_such() {
        assert!(matches!(
            read("a.xlsx", b"PK\x03\x04not really a zip"),
            Err(ReadError::Corrupt(_))
        ));
        assert_eq!(read("a.txt", b"  \n "), Err(ReadError::Empty));
        let mut ole = OLE.to_vec();
        ole.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(read("a.doc", &ole), Err(ReadError::LegacyWord));
        let mut encrypted = OLE.to_vec();
        encrypted.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(read("a.xlsx", &encrypted), Err(ReadError::Encrypted));
        assert_eq!(
            read("a.bin", b"\x00\x01\x02abc"),
            Err(ReadError::Unsupported)
        );
    }

    /// A workbook of one sheet "S" with the given `<sheetData>` rows and merged ranges, as
    /// Excel writes it, without styles or shared strings.
    fn xlsx(rows: &str, merged: &[&str]) -> Vec<u8> {
        use std::io::Write;
        let merges: String = merged
            .iter()
            .map(|m| format!(r#"<mergeCell ref="{m}"/>"#))
            .collect();
        let parts = [
            (
                "[Content_Types].xml",
                r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#.to_string(),
            ),
            (
                "_rels/.rels",
                r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string(),
            ),
            (
                "xl/workbook.xml",
                r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string(),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string(),
            ),
            (
                "xl/worksheets/sheet1.xml",
                format!(
                    r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData><mergeCells>{merges}</mergeCells></worksheet>"#
                ),
            ),
        ];
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, text) in parts {
            zip.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn cell(at: &str, text: &str) -> String {
        format!(r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#)
    }

    #[test]
    fn a_merged_range_on_a_sheet_without_values_reads_as_an_empty_sheet() {
        let Content::Sheets(grids) = read("空表.xlsx", &xlsx("", &["A1:B2"])).unwrap() else {
            panic!("a workbook")
        };
        assert!(grids[0].rows.is_empty());
    }

    #[test]
    fn a_merged_title_fills_its_range_but_not_columns_past_the_last_value() {
        let rows = format!(
            r#"<row r="2">{}{}</row><row r="3">{}{}</row>"#,
            cell("B2", "责任单位"),
            cell("D2", "完成时限"),
            cell("B3", "牵头单位"),
            cell("C3", "配合单位")
        );
        let Content::Sheets(grids) = read("表.xlsx", &xlsx(&rows, &["B2:C2", "D2:XFD3"])).unwrap()
        else {
            panic!("a workbook")
        };
        assert_eq!(
            grids[0].rows,
            [
                vec![],
                vec!["", "责任单位", "责任单位", "完成时限"],
                vec!["", "牵头单位", "配合单位", "完成时限"],
            ]
        );
    }

    #[test]
    fn a_sheet_with_a_value_in_excels_last_cell_is_refused_as_too_large() {
        let rows = format!(
            r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
            cell("A1", "序号"),
            cell("XFD1048576", "x")
        );
        assert_eq!(
            read("表.xlsx", &xlsx(&rows, &[])),
            Err(ReadError::TooLarge("S".into()))
        );
    }

    /// A zip of one part, `name`, holding `size` zero bytes: a few hundred kilobytes that
    /// unpack to `size`, as a bomb is made.
    fn bomb(name: &str, size: usize) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().large_file(size > u32::MAX as usize);
        zip.start_file(name, options).unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..size >> 20 {
            zip.write_all(&zeros).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn a_workbook_or_document_that_unpacks_past_the_limit_is_refused_before_it_is_read() {
        let sheet = bomb("xl/worksheets/sheet1.xml", 1 << 30);
        assert!(sheet.len() < 2 << 20, "a bomb is small: {}", sheet.len());
        assert_eq!(read("任务.xlsx", &sheet), Err(ReadError::Unpacks));
        assert_eq!(
            read("纪要.docx", &bomb("word/document.xml", 300 << 20)),
            Err(ReadError::Unpacks)
        );
        let message = ReadError::Unpacks.to_string();
        assert!(message.contains("解压后过大(超过256MB)"), "{message}");
    }

    #[test]
    fn a_bomb_that_understates_its_size_is_inflated_no_further_than_it_says() {
        let mut forged = bomb("xl/sharedStrings.xml", 200 << 20);
        // The declared size sits at offset 22 of the local header and 24 of the central
        // directory's entry; both are set to one byte.
        let central = forged.windows(4).rposition(|w| w == b"PK\x01\x02").unwrap();
        for at in [22, central + 24] {
            forged[at..at + 4].copy_from_slice(&1u32.to_le_bytes());
        }
        let started = std::time::Instant::now();
        assert!(matches!(
            read("任务.xlsx", &forged),
            Err(ReadError::Corrupt(_))
        ));
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn a_table_pasted_with_bars_in_text_reads_as_a_grid() {
        let text = "说明\n序号 | 主要工作任务 | 责任单位 |\n1 | 地区生产总值突破1万亿元。 | 市发展改革委 |\n";
        let Content::Document { tables, .. } = read("表.txt", text.as_bytes()).unwrap() else {
            panic!()
        };
        assert_eq!(
            tables[0].rows[1],
            ["1", "地区生产总值突破1万亿元。", "市发展改革委"]
        );
    }

    #[test]
    fn a_docx_reads_as_its_paragraphs_and_tables() {
        use crate::docx::{Block, OfficialDoc, Table, write};
        let bytes = write(&OfficialDoc {
            issuer: "云州市人民政府办公室".into(),
            number: Some("云政办发〔2026〕3号".into()),
            title: "关于印发重点工作任务分解方案的通知".into(),
            title_colour: None,
            recipients: None,
            body: vec![
                Block::Paragraph("一、议定事项 & 要求".into()),
                Block::Table(Table {
                    caption: None,
                    header: vec!["序号".into(), "工作任务".into(), "牵头单位".into()],
                    rows: vec![vec![
                        "1".into(),
                        "建设<城东>污水厂".into(),
                        "市住建局".into(),
                    ]],
                    widths: None,
                }),
            ],
            signature: None,
            date: chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        })
        .unwrap();
        let Content::Document { paragraphs, tables } = read("方案.docx", &bytes).unwrap() else {
            panic!("a document")
        };
        assert!(
            paragraphs
                .iter()
                .any(|p| p == "关于印发重点工作任务分解方案的通知")
        );
        assert!(paragraphs.iter().any(|p| p == "一、议定事项 & 要求"));
        assert_eq!(tables[0].rows[1], ["1", "建设<城东>污水厂", "市住建局"]);
    }

    #[test]
    fn a_scanned_pdf_or_a_document_without_text_says_no_text_was_found() {
        let scan =
            b"%PDF-1.4\n1 0 obj << /Type /XObject /Subtype /Image >> stream\xff\xd8\x00 endstream";
        assert_eq!(read("纪要.pdf", scan), Err(ReadError::ScannedPdf));
        assert!(ReadError::ScannedPdf.to_string().contains("没有找到文字"));
        let typed = b"%PDF-1.4\n<< /Font << /F1 5 0 R >> >>";
        assert_eq!(read("纪要.pdf", typed), Err(ReadError::Pdf));
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        std::io::Write::write_all(
            &mut zip,
            b"<w:document><w:body><w:p></w:p></w:body></w:document>",
        )
        .unwrap();
        let empty = zip.finish().unwrap().into_inner();
        assert_eq!(read("空白.docx", &empty), Err(ReadError::NoText));
    }

    #[test]
    fn text_from_a_page_in_traditional_script_reads_as_simplified_without_its_pinyin() {
        let page = "一、審議《責(zé)任清單》\n由區(qū)住建局牽頭\n";
        let Content::Document { paragraphs, .. } = read("纪要.txt", page.as_bytes()).unwrap()
        else {
            panic!()
        };
        assert_eq!(paragraphs, ["一、审议《责任清单》", "由区住建局牵头"]);
    }

    #[test]
    fn plain_text_is_a_document_of_lines() {
        let Content::Document { paragraphs, .. } =
            read("纪要.txt", "一、议定事项\n 1.由市住建局牵头 \n".as_bytes()).unwrap()
        else {
            panic!()
        };
        assert_eq!(paragraphs, ["一、议定事项", "1.由市住建局牵头"]);
    }
}
