//! Official documents (公文) written as .docx, laid out after GB/T 9704-2012: red issuer and rule,
//! centred title, 3号仿宋 body on a 22-line page, page numbers as "— N —" on the outer side.
//!
//! The XML is written as strings: the few shapes a 公文 needs are fixed, and every piece of caller
//! text goes through one escape that also drops what XML 1.0 cannot carry. Nothing in the output
//! depends on the clock, so the same document always gives the same bytes.

use std::io::{Cursor, Write};

use chrono::{Datelike, NaiveDate};
use zip::{CompressionMethod, ZipWriter, write::SimpleFileOptions};

/// One 公文 as the standard arranges it, top to bottom.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OfficialDoc {
    /// 发文机关标志, e.g. "云州市人民政府督查室": red and centred, with the red rule under the 文号.
    pub issuer: String,
    /// 发文字号, e.g. "云督通〔2026〕5号".
    pub number: Option<String>,
    /// 标题: 2号小标宋, centred; a newline breaks it into lines.
    pub title: String,
    /// The title's colour where the kind of document is told by it (a red 催办单); black
    /// otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_colour: Option<Rgb>,
    /// 主送机关, e.g. "各县(市、区)人民政府,市政府各部门:", flush left.
    pub recipients: Option<String>,
    pub body: Vec<Block>,
    /// 发文机关署名, centred over the date.
    pub signature: Option<String>,
    /// 成文日期, written 2026年6月30日.
    pub date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Block {
    /// 一、… in 3号黑体.
    Heading1(String),
    /// (一)… in 3号楷体.
    Heading2(String),
    /// Running text in 3号仿宋, first line indented two characters; each line of the text is a
    /// paragraph of its own.
    Paragraph(String),
    Table(Table),
    /// A line of 3号黑体 across the type area on a ground of `colour`, in black or white,
    /// whichever reads on it: a form's colour, seen before a word of it is read.
    Band {
        text: String,
        colour: Rgb,
    },
}

/// A colour as red, green and blue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// The six hex digits Word writes, e.g. `C00000`.
    pub fn hex(self) -> String {
        format!("{:02X}{:02X}{:02X}", self.0, self.1, self.2)
    }

    /// Black on light colours, white on dark ones (by perceived brightness, ITU-R BT.601).
    fn ink(self) -> Rgb {
        let brightness =
            299 * u32::from(self.0) + 587 * u32::from(self.1) + 114 * u32::from(self.2);
        if brightness > 150_000 {
            Rgb(0, 0, 0)
        } else {
            Rgb(255, 255, 255)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Table {
    pub caption: Option<String>,
    /// Repeated at the top of every page the table runs onto; may be empty.
    pub header: Vec<String>,
    /// Rows shorter than the widest row or header are padded with empty cells.
    pub rows: Vec<Vec<String>>,
    /// Relative column widths; `None` gives every column the same width.
    pub widths: Option<Vec<u32>>,
}

#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    #[error("table {table} has {columns} columns but {widths} widths")]
    WidthsMismatch {
        table: usize,
        columns: usize,
        widths: usize,
    },
    #[error("table {table} has only zero widths")]
    ZeroWidths { table: usize },
    #[error("table {table} has neither header nor rows")]
    EmptyTable { table: usize },
    #[error("zip: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("writing the package: {0}")]
    Io(#[from] std::io::Error),
}

/// The .docx package for `doc`.
pub fn write(doc: &OfficialDoc) -> Result<Vec<u8>, DocxError> {
    let parts = [
        ("[Content_Types].xml", CONTENT_TYPES.to_owned()),
        ("_rels/.rels", ROOT_RELS.to_owned()),
        ("docProps/core.xml", core_xml(doc)),
        ("docProps/app.xml", APP.to_owned()),
        ("word/document.xml", document_xml(doc)?),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_owned()),
        ("word/styles.xml", styles_xml()),
        ("word/settings.xml", SETTINGS.to_owned()),
        ("word/fontTable.xml", font_table_xml()),
        ("word/footer1.xml", footer_xml(FooterSide::Odd)),
        ("word/footer2.xml", footer_xml(FooterSide::Even)),
    ];
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, xml) in parts {
        zip.start_file(name, options)?;
        zip.write_all(xml.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

const fn mm(millimetres: u32) -> u32 {
    // 1 mm = 1440 / 25.4 twips, rounded to the nearest twip.
    (millimetres * 14400 + 127) / 254
}

const PAGE_WIDTH: u32 = 11906;
const PAGE_HEIGHT: u32 = 16838;
const MARGIN_TOP: u32 = mm(37);
const MARGIN_BOTTOM: u32 = mm(35);
const MARGIN_INSIDE: u32 = mm(28);
const MARGIN_OUTSIDE: u32 = mm(26);
/// The type area's 156 mm.
const TEXT_WIDTH: u32 = PAGE_WIDTH - MARGIN_INSIDE - MARGIN_OUTSIDE;
/// 22 lines in the 225 mm type area.
const LINE: u32 = 579;
/// Twentieths of a point taken from every character, so that 28 characters of 16 pt fit the
/// 156 mm (442 pt) line. Word's character grid (docGrid linesAndChars) would do the same, but
/// LibreOffice lays each character over two grid cells then.
const CONDENSE: i32 = -5;
/// One character of 3号 body text.
const CHAR: u32 = 320;
/// Puts the page number's dash about 7 mm below the type area (GB/T 9704 §7.5).
const FOOTER_DISTANCE: u32 = mm(25);
/// GB/T 9704 §7.2.3: the issuer's top edge 35 mm below the top of the type area.
const ISSUER_GAP: u32 = mm(35);
/// Room for the seal, which presses on signature and date and may reach up to a line under the
/// text.
const SIGNATURE_GAP: u32 = 2 * LINE;

const RED: &str = "FF0000";
const FANGSONG: &str = "仿宋_GB2312";
const HEITI: &str = "黑体";
const KAITI: &str = "楷体_GB2312";
const XIAOBIAOSONG: &str = "方正小标宋简体";
const SONGTI: &str = "宋体";

/// Each font with a second name for readers to look for: the common font where the GB2312-era or
/// Founder one is missing, the English name where a Chinese name is not known.
const FONTS: [(&str, &str); 5] = [
    (FANGSONG, "仿宋"),
    (HEITI, "SimHei"),
    (KAITI, "楷体"),
    (XIAOBIAOSONG, SONGTI),
    (SONGTI, "SimSun"),
];

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const XML_DECL: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;

fn document_xml(doc: &OfficialDoc) -> Result<String, DocxError> {
    let mut x = format!(r#"{XML_DECL}<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>"#);

    // The border's space counts from the bottom of the 文号's line, itself below the glyphs:
    // 6 pt puts the rule about 4 mm under the characters (§7.2.5).
    let rule = format!(
        r#"<w:pBdr><w:bottom w:val="single" w:sz="12" w:space="6" w:color="{RED}"/></w:pBdr>"#
    );
    let issuer_sz = issuer_size(&doc.issuer);
    paragraph(
        &mut x,
        "Issuer",
        &format!(
            r#"{}<w:spacing w:before="{}" w:after="0" w:line="{}" w:lineRule="exact"/>"#,
            if doc.number.is_none() {
                rule.as_str()
            } else {
                ""
            },
            ISSUER_GAP,
            issuer_sz * 12
        ),
        &format!(r#"<w:sz w:val="{issuer_sz}"/><w:szCs w:val="{issuer_sz}"/>"#),
        &doc.issuer,
    );
    if let Some(number) = &doc.number {
        paragraph(&mut x, "DocNumber", &rule, "", number);
    }
    let title_colour = doc.title_colour.map_or(String::new(), |c| {
        format!(r#"<w:color w:val="{}"/>"#, c.hex())
    });
    paragraph(&mut x, "DocTitle", "", &title_colour, &doc.title);
    if let Some(recipients) = &doc.recipients {
        paragraph(&mut x, "Recipients", "", "", recipients);
    }

    let mut tables = 0;
    for block in &doc.body {
        match block {
            Block::Heading1(text) => paragraph(&mut x, "Heading1", "", "", text),
            Block::Heading2(text) => paragraph(&mut x, "Heading2", "", "", text),
            // Text pasted from elsewhere brings its own blank lines and full-width-space
            // indents; a 公文 has neither, the indent comes from the style.
            Block::Paragraph(text) => lines(text)
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .for_each(|line| paragraph(&mut x, "BodyText", "", "", line)),
            Block::Table(table) => {
                tables += 1;
                table_xml(&mut x, table, tables)?;
            }
            Block::Band { text, colour } => paragraph(
                &mut x,
                "Band",
                &format!(
                    r#"<w:shd w:val="clear" w:color="auto" w:fill="{}"/>"#,
                    colour.hex()
                ),
                &format!(r#"<w:color w:val="{}"/>"#, colour.ink().hex()),
                text,
            ),
        }
    }

    let date = format!(
        "{}年{}月{}日",
        doc.date.year(),
        doc.date.month(),
        doc.date.day()
    );
    let (signature_right, date_right) = signature_and_date_indents(doc.signature.as_deref(), &date);
    if let Some(signature) = &doc.signature {
        paragraph(
            &mut x,
            "Signature",
            &format!(
                r#"<w:spacing w:before="{SIGNATURE_GAP}"/><w:ind w:right="{signature_right}"/>"#
            ),
            "",
            signature,
        );
    }
    let date_gap = if doc.signature.is_none() {
        SIGNATURE_GAP
    } else {
        0
    };
    paragraph(
        &mut x,
        "DocDate",
        &format!(r#"<w:spacing w:before="{date_gap}"/><w:ind w:right="{date_right}"/>"#),
        "",
        &date,
    );

    x.push_str(&format!(
        concat!(
            r#"<w:sectPr><w:footerReference w:type="default" r:id="rIdFooterOdd"/>"#,
            r#"<w:footerReference w:type="even" r:id="rIdFooterEven"/>"#,
            r#"<w:pgSz w:w="{}" w:h="{}"/>"#,
            r#"<w:pgMar w:top="{}" w:right="{}" w:bottom="{}" w:left="{}" w:header="851" w:footer="{}" w:gutter="0"/>"#,
            r#"<w:cols w:space="425"/>"#,
            r#"<w:docGrid w:type="lines" w:linePitch="{}"/>"#,
            r#"</w:sectPr></w:body></w:document>"#
        ),
        PAGE_WIDTH,
        PAGE_HEIGHT,
        MARGIN_TOP,
        MARGIN_OUTSIDE,
        MARGIN_BOTTOM,
        MARGIN_INSIDE,
        FOOTER_DISTANCE,
        LINE
    ));
    Ok(x)
}

/// Half-points for the issuer: 小初 (36 pt) when the name is short, smaller so that a long name
/// still fits on one line of the type area, never below the title's 2号.
fn issuer_size(issuer: &str) -> u32 {
    let widest = lines(issuer).map(half_widths).max().unwrap_or(0).max(1);
    // 420 pt of the 442 pt line, as half-points per half-width character.
    (1680 / widest).clamp(44, 72)
}

/// Right indents of the signature and the date: the date stands four characters in from the
/// right, the signature centred over it, and if the signature is the longer of the two both move
/// left so that it keeps two characters from the edge (GB/T 9704 §7.3.5).
fn signature_and_date_indents(signature: Option<&str>, date: &str) -> (u32, u32) {
    let half = CHAR / 2;
    let date_width = half_widths(date) * half;
    let signature_width = signature.map_or(0, |s| half_widths(s) * half);
    let centre = (4 * CHAR + date_width / 2).max(2 * CHAR + signature_width / 2);
    (centre - signature_width / 2, centre - date_width / 2)
}

/// Width in half characters: Latin letters and Arabic numerals are half as wide as Chinese.
fn half_widths(text: &str) -> u32 {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

fn table_xml(x: &mut String, table: &Table, index: usize) -> Result<(), DocxError> {
    let columns = table
        .rows
        .iter()
        .map(Vec::len)
        .chain([table.header.len()])
        .max()
        .unwrap_or(0);
    if columns == 0 {
        return Err(DocxError::EmptyTable { table: index });
    }
    let widths = column_widths(table.widths.as_deref(), columns, index)?;

    if let Some(caption) = &table.caption {
        paragraph(x, "TableCaption", "", "", caption);
    }
    x.push_str(&format!(
        concat!(
            r#"<w:tbl><w:tblPr><w:tblW w:w="{}" w:type="dxa"/><w:jc w:val="center"/>"#,
            r#"<w:tblBorders><w:top {b}/><w:left {b}/><w:bottom {b}/><w:right {b}/>"#,
            r#"<w:insideH {b}/><w:insideV {b}/></w:tblBorders><w:tblLayout w:type="fixed"/>"#,
            r#"<w:tblLook w:val="0020" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>"#,
            r#"</w:tblPr><w:tblGrid>"#
        ),
        TEXT_WIDTH,
        b = r#"w:val="single" w:sz="4" w:space="0" w:color="000000""#
    ));
    for width in &widths {
        x.push_str(&format!(r#"<w:gridCol w:w="{width}"/>"#));
    }
    x.push_str("</w:tblGrid>");
    if !table.header.is_empty() {
        row_xml(x, &table.header, &widths, "TableHeader", "<w:tblHeader/>");
    }
    for row in &table.rows {
        row_xml(x, row, &widths, "TableText", "");
    }
    x.push_str("</w:tbl>");
    Ok(())
}

/// Twips per column, summing to the type area's width.
fn column_widths(
    relative: Option<&[u32]>,
    columns: usize,
    table: usize,
) -> Result<Vec<u32>, DocxError> {
    let relative = match relative {
        None => vec![1; columns],
        Some(widths) if widths.len() != columns => {
            return Err(DocxError::WidthsMismatch {
                table,
                columns,
                widths: widths.len(),
            });
        }
        Some(widths) => widths.to_vec(),
    };
    let total: u64 = relative.iter().map(|&w| u64::from(w)).sum();
    if total == 0 {
        return Err(DocxError::ZeroWidths { table });
    }
    let mut twips: Vec<u32> = relative
        .iter()
        .map(|&w| u32::try_from(u64::from(w) * u64::from(TEXT_WIDTH) / total).unwrap_or(0))
        .collect();
    // Rounding down leaves a few twips over; the last column takes them so the table is flush.
    let rest = TEXT_WIDTH - twips.iter().sum::<u32>();
    if let Some(last) = twips.last_mut() {
        *last += rest;
    }
    Ok(twips)
}

fn row_xml(x: &mut String, cells: &[String], widths: &[u32], style: &str, header: &str) {
    // A row kept whole reads better than one split over a page break.
    x.push_str(&format!("<w:tr><w:trPr><w:cantSplit/>{header}</w:trPr>"));
    for (i, width) in widths.iter().enumerate() {
        x.push_str(&format!(
            r#"<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>"#
        ));
        paragraph(x, style, "", "", cells.get(i).map_or("", String::as_str));
        x.push_str("</w:tc>");
    }
    x.push_str("</w:tr>");
}

/// A paragraph of `style`; `ppr` and `rpr` are extra properties, already in schema order after
/// the style.
fn paragraph(x: &mut String, style: &str, ppr: &str, rpr: &str, text: &str) {
    x.push_str(&format!(
        r#"<w:p><w:pPr><w:pStyle w:val="{style}"/>{ppr}</w:pPr>"#
    ));
    runs(x, rpr, text);
    x.push_str("</w:p>");
}

/// `text` as one run: line breaks become `<w:br/>`, tabs `<w:tab/>`.
fn runs(x: &mut String, rpr: &str, text: &str) {
    if text.is_empty() {
        return;
    }
    x.push_str("<w:r>");
    if !rpr.is_empty() {
        x.push_str(&format!("<w:rPr>{rpr}</w:rPr>"));
    }
    for (i, line) in lines(text).enumerate() {
        if i > 0 {
            x.push_str("<w:br/>");
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                x.push_str("<w:tab/>");
            }
            if !piece.is_empty() {
                x.push_str(r#"<w:t xml:space="preserve">"#);
                escape_into(x, piece);
                x.push_str("</w:t>");
            }
        }
    }
    x.push_str("</w:r>");
}

/// Lines of `text`, whichever of \n, \r\n or \r ends them.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split("\r\n").flat_map(|part| part.split(['\r', '\n']))
}

/// `text` escaped for element content or an attribute value, without the characters XML 1.0
/// forbids. C1 controls are allowed by XML but dropped too: they never mean anything in a 公文
/// and Word refuses some of them.
fn escape_into(x: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => x.push_str("&amp;"),
            '<' => x.push_str("&lt;"),
            '>' => x.push_str("&gt;"),
            '"' => x.push_str("&quot;"),
            '\'' => x.push_str("&apos;"),
            '\t' | '\n' | '\r' => x.push(c),
            '\u{FFFE}' | '\u{FFFF}' => {}
            c if c.is_control() => {}
            c => x.push(c),
        }
    }
}

fn escape(text: &str) -> String {
    let mut x = String::with_capacity(text.len());
    escape_into(&mut x, text);
    x
}

fn fonts(name: &str) -> String {
    format!(r#"<w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:eastAsia="{name}" w:cs="{name}"/>"#)
}

fn size(half_points: u32) -> String {
    format!(r#"<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>"#)
}

/// A paragraph style of our own, on top of Normal.
fn style(x: &mut String, id: &str, name: &str, ppr: &str, rpr: &str) {
    x.push_str(&format!(
        concat!(
            r#"<w:style w:type="paragraph" w:customStyle="1" w:styleId="{id}"><w:name w:val="{name}"/>"#,
            r#"<w:basedOn w:val="Normal"/><w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"#
        ),
        id = id,
        name = name,
        ppr = ppr,
        rpr = rpr
    ));
}

fn styles_xml() -> String {
    let indent = format!(
        r#"<w:ind w:firstLine="{}" w:firstLineChars="200"/>"#,
        2 * CHAR
    );
    let not_bold = r#"<w:b w:val="0"/><w:bCs w:val="0"/>"#;
    let mut x = format!(
        concat!(
            r#"{decl}<w:styles xmlns:w="{w}"><w:docDefaults><w:rPrDefault><w:rPr>{fonts}"#,
            r#"<w:spacing w:val="{condense}"/><w:kern w:val="2"/>{size}<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>"#,
            r#"</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>"#,
            r#"<w:spacing w:before="0" w:after="0" w:line="{line}" w:lineRule="exact"/>"#,
            r#"<w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>"#,
            r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:rPr>{size}</w:rPr></w:style>"#,
            r#"<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>"#,
            r#"<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>"#,
            r#"<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>"#,
        ),
        decl = XML_DECL,
        w = W_NS,
        fonts = fonts(FANGSONG),
        size = size(32),
        condense = CONDENSE,
        line = LINE,
    );
    style(
        &mut x,
        "Issuer",
        "发文机关标志",
        r#"<w:snapToGrid w:val="0"/><w:jc w:val="center"/>"#,
        &format!(r#"{}<w:color w:val="{RED}"/>"#, fonts(XIAOBIAOSONG)),
    );
    // §7.2.4: two blank lines under the issuer; the rule 4 mm under the number.
    style(
        &mut x,
        "DocNumber",
        "发文字号",
        &format!(
            r#"<w:spacing w:before="{}" w:after="0" w:line="{LINE}" w:lineRule="exact"/><w:jc w:val="center"/>"#,
            2 * LINE
        ),
        "",
    );
    // §7.3.1: two blank lines under the rule.
    style(
        &mut x,
        "DocTitle",
        "公文标题",
        &format!(
            r#"<w:snapToGrid w:val="0"/><w:spacing w:before="{}" w:after="0" w:line="{LINE}" w:lineRule="exact"/><w:jc w:val="center"/>"#,
            2 * LINE
        ),
        &format!("{}{not_bold}{}", fonts(XIAOBIAOSONG), size(44)),
    );
    // §7.3.2: one blank line under the title, flush left.
    style(
        &mut x,
        "Recipients",
        "主送机关",
        &format!(
            r#"<w:spacing w:before="{LINE}" w:after="0" w:line="{LINE}" w:lineRule="exact"/>"#
        ),
        "",
    );
    style(&mut x, "BodyText", "公文正文", &indent, "");
    // Built-in names, so that readers list them in the outline; said not to be bold because the
    // readers' own heading 1 and 2 are, and a 公文 heading never is.
    for (id, name, level, font) in [
        ("Heading1", "heading 1", 0, HEITI),
        ("Heading2", "heading 2", 1, KAITI),
    ] {
        x.push_str(&format!(
            concat!(
                r#"<w:style w:type="paragraph" w:styleId="{id}"><w:name w:val="{name}"/><w:basedOn w:val="BodyText"/>"#,
                r#"<w:next w:val="BodyText"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/>"#,
                r#"<w:outlineLvl w:val="{level}"/></w:pPr><w:rPr>{fonts}{not_bold}</w:rPr></w:style>"#
            ),
            id = id,
            name = name,
            level = level,
            fonts = fonts(font),
            not_bold = not_bold,
        ));
    }
    // A line of space above and below, so that the ground stands clear of the text.
    style(
        &mut x,
        "Band",
        "色带",
        &format!(
            r#"<w:spacing w:before="{LINE}" w:after="{LINE}" w:line="{LINE}" w:lineRule="exact"/><w:jc w:val="center"/>"#
        ),
        &format!("{}<w:b/><w:bCs/>", fonts(HEITI)),
    );
    style(
        &mut x,
        "Signature",
        "发文机关署名",
        r#"<w:jc w:val="right"/>"#,
        "",
    );
    style(
        &mut x,
        "DocDate",
        "成文日期",
        r#"<w:jc w:val="right"/>"#,
        "",
    );
    style(
        &mut x,
        "TableCaption",
        "表格标题",
        r#"<w:keepNext/><w:jc w:val="center"/>"#,
        &fonts(HEITI),
    );
    let cell = r#"<w:snapToGrid w:val="0"/><w:spacing w:before="40" w:after="40" w:line="400" w:lineRule="exact"/>"#;
    style(
        &mut x,
        "TableText",
        "表格文字",
        &format!(r#"{cell}<w:jc w:val="both"/>"#),
        &size(28),
    );
    style(
        &mut x,
        "TableHeader",
        "表头",
        &format!(r#"<w:keepNext/>{cell}<w:jc w:val="center"/>"#),
        &format!(r#"{}<w:b/><w:bCs/>{}"#, fonts(HEITI), size(28)),
    );
    // The hint has Word set the dashes as East Asian text, full-width like a 一字线 should be.
    x.push_str(&format!(
        concat!(
            r#"<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/>"#,
            r#"<w:pPr><w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="360" w:lineRule="exact"/></w:pPr>"#,
            r#"<w:rPr><w:rFonts w:ascii="{f}" w:hAnsi="{f}" w:eastAsia="{f}" w:cs="{f}" w:hint="eastAsia"/>{size}</w:rPr></w:style>"#
        ),
        f = SONGTI,
        size = size(28)
    ));
    x.push_str("</w:styles>");
    x
}

fn font_table_xml() -> String {
    let mut x = format!(r#"{XML_DECL}<w:fonts xmlns:w="{W_NS}">"#);
    for (name, alt) in FONTS {
        x.push_str(&format!(
            concat!(
                r#"<w:font w:name="{}"><w:altName w:val="{}"/><w:charset w:val="86"/>"#,
                r#"<w:family w:val="{}"/><w:pitch w:val="variable"/></w:font>"#
            ),
            name,
            alt,
            if name == HEITI { "modern" } else { "roman" }
        ));
    }
    x.push_str("</w:fonts>");
    x
}

#[derive(Clone, Copy)]
enum FooterSide {
    Odd,
    Even,
}

/// §7.5: 4号 Arabic numerals between two dashes, odd pages one character in from the right,
/// even pages one character in from the left.
fn footer_xml(side: FooterSide) -> String {
    let one_char = 280;
    let (jc, ind) = match side {
        FooterSide::Odd => ("right", format!(r#"w:right="{one_char}""#)),
        FooterSide::Even => ("left", format!(r#"w:left="{one_char}""#)),
    };
    format!(
        concat!(
            r#"{}<w:ftr xmlns:w="{}" xmlns:r="{}"><w:p><w:pPr><w:pStyle w:val="Footer"/>"#,
            r#"<w:ind {}/><w:jc w:val="{}"/></w:pPr>"#,
            r#"<w:r><w:t xml:space="preserve">— </w:t></w:r>"#,
            r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r>"#,
            r#"<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>"#,
            r#"<w:r><w:fldChar w:fldCharType="separate"/></w:r>"#,
            r#"<w:r><w:t>1</w:t></w:r>"#,
            r#"<w:r><w:fldChar w:fldCharType="end"/></w:r>"#,
            r#"<w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>"#
        ),
        XML_DECL, W_NS, R_NS, ind, jc
    )
}

fn core_xml(doc: &OfficialDoc) -> String {
    // The 成文日期 rather than the clock, so that writing is repeatable.
    let when = format!("{}T00:00:00Z", doc.date.format("%Y-%m-%d"));
    format!(
        concat!(
            r#"{}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" "#,
            r#"xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" "#,
            r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            r#"<dc:title>{}</dc:title><dc:creator>{}</dc:creator>"#,
            r#"<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>"#,
            r#"<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified></cp:coreProperties>"#
        ),
        XML_DECL,
        escape(&lines(&doc.title).collect::<String>()),
        escape(&doc.issuer),
        when = when
    )
}

const CONTENT_TYPES: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
    r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
    r#"<Default Extension="xml" ContentType="application/xml"/>"#,
    r#"<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>"#,
    r#"<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>"#,
    r#"<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>"#,
    r#"<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>"#,
    r#"<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>"#,
    r#"<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>"#,
    r#"<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>"#,
    r#"<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>"#,
    r#"</Types>"#
);

const ROOT_RELS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>"#,
    r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>"#,
    r#"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>"#,
    r#"</Relationships>"#
);

const DOCUMENT_RELS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    r#"<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#,
    r#"<Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>"#,
    r#"<Relationship Id="rIdFontTable" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>"#,
    r#"<Relationship Id="rIdFooterOdd" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>"#,
    r#"<Relationship Id="rIdFooterEven" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/>"#,
    r#"</Relationships>"#
);

/// Mirrored margins and separate odd and even footers, because a 公文 is printed on both sides
/// and bound on the left of the front page; no compression of punctuation, which would break the
/// 28-character grid.
const SETTINGS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    r#"<w:mirrorMargins/><w:defaultTabStop w:val="420"/><w:evenAndOddHeaders/>"#,
    r#"<w:characterSpacingControl w:val="doNotCompress"/>"#,
    r#"<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>"#,
    r#"<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>"#,
    r#"</w:settings>"#
);

const APP: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">"#,
    r#"<Application>Luoshi</Application></Properties>"#
);

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::io::Read;

    use proptest::prelude::*;
    use quick_xml::Reader;
    use quick_xml::escape::resolve_predefined_entity;
    use quick_xml::events::{BytesStart, Event};

    use super::*;

    fn bulletin() -> OfficialDoc {
        OfficialDoc {
            issuer: "云州市人民政府督查室".into(),
            number: Some("云督通〔2026〕5号".into()),
            title: "关于2026年上半年重点任务督查情况的通报".into(),
            title_colour: None,
            recipients: Some("各县(市、区)人民政府,市政府各部门:".into()),
            body: vec![
                Block::Paragraph("按照市政府工作安排,市政府督查室对重点任务进行了督查。".into()),
                Block::Heading1("一、总体情况".into()),
                Block::Heading2("(一)进展较好的任务".into()),
                Block::Paragraph("多数单位按期办结。".into()),
                Block::Table(Table {
                    caption: Some("表1 逾期任务".into()),
                    header: vec!["序号".into(), "任务".into(), "承办单位".into()],
                    rows: vec![
                        vec!["1".into(), "老旧小区改造".into(), "市住建局".into()],
                        vec!["2".into(), "背街小巷整治".into(), "市城管局".into()],
                    ],
                    widths: Some(vec![1, 5, 3]),
                }),
                Block::Heading1("二、工作要求".into()),
                Block::Paragraph("各单位要抓紧整改。".into()),
            ],
            signature: Some("云州市人民政府督查室".into()),
            date: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
        }
    }

    fn unzip(bytes: &[u8]) -> BTreeMap<String, String> {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        (0..archive.len())
            .map(|i| {
                let mut file = archive.by_index(i).unwrap();
                let mut xml = String::new();
                file.read_to_string(&mut xml).unwrap();
                (file.name().unwrap().into_owned(), xml)
            })
            .collect()
    }

    fn part(doc: &OfficialDoc, name: &str) -> Node {
        parse(&unzip(&write(doc).unwrap())[name])
    }

    /// An element as read back by quick-xml.
    #[derive(Debug, Default)]
    struct Node {
        name: String,
        attrs: BTreeMap<String, String>,
        children: Vec<Node>,
        text: String,
    }

    impl Node {
        fn open(start: &BytesStart) -> Node {
            let attrs = start
                .attributes()
                .map(|a| {
                    let a = a.unwrap();
                    let value = a.normalized_value(quick_xml::XmlVersion::Implicit1_0);
                    (a.key.0.to_owned(), value.unwrap().into_owned())
                })
                .collect();
            Node {
                name: start.name().0.to_owned(),
                attrs,
                ..Node::default()
            }
        }

        /// Descendants called `name`, in document order.
        fn all<'a>(&'a self, name: &str) -> Vec<&'a Node> {
            let mut found = Vec::new();
            for child in &self.children {
                if child.name == name {
                    found.push(child);
                }
                found.extend(child.all(name));
            }
            found
        }

        fn first(&self, name: &str) -> &Node {
            self.all(name)
                .into_iter()
                .next()
                .unwrap_or_else(|| panic!("no {name} in {}", self.name))
        }

        fn attr(&self, key: &str) -> &str {
            self.attrs
                .get(key)
                .unwrap_or_else(|| panic!("no {key} on {}", self.name))
        }

        /// What a reader shows: w:t text, w:br as a newline, w:tab as a tab.
        fn text(&self) -> String {
            self.children
                .iter()
                .map(|child| match child.name.as_str() {
                    "w:t" => child.text.clone(),
                    "w:br" => "\n".into(),
                    "w:tab" => "\t".into(),
                    _ => child.text(),
                })
                .collect()
        }

        fn style(&self) -> &str {
            self.first("w:pStyle").attr("w:val")
        }
    }

    /// The root element; panics unless the XML is well-formed.
    fn parse(xml: &str) -> Node {
        let mut reader = Reader::from_str(xml);
        let mut open = vec![Node::default()];
        loop {
            match reader.read_event().unwrap() {
                Event::Start(start) => open.push(Node::open(&start)),
                Event::Empty(start) => open.last_mut().unwrap().children.push(Node::open(&start)),
                Event::End(_) => {
                    let node = open.pop().unwrap();
                    open.last_mut().unwrap().children.push(node);
                }
                Event::Text(text) => open.last_mut().unwrap().text += &text.xml10_content(),
                Event::GeneralRef(reference) => {
                    let resolved = match reference.resolve_char_ref().unwrap() {
                        Some(c) => c.to_string(),
                        None => resolve_predefined_entity(&reference).unwrap().to_owned(),
                    };
                    open.last_mut().unwrap().text += &resolved;
                }
                Event::Eof => break,
                _ => {}
            }
        }
        let mut document = open.pop().unwrap();
        assert!(open.is_empty(), "elements left open");
        assert_eq!(document.children.len(), 1, "one root element");
        document.children.pop().unwrap()
    }

    /// (style, text) of every paragraph in the body.
    fn paragraphs(doc: &OfficialDoc) -> Vec<(String, String)> {
        part(doc, "word/document.xml")
            .all("w:p")
            .into_iter()
            .map(|p| (p.style().to_owned(), p.text()))
            .collect()
    }

    #[test]
    fn package_holds_every_part_and_declares_and_links_them() {
        let parts = unzip(&write(&bulletin()).unwrap());
        let names: Vec<&str> = parts.keys().map(String::as_str).collect();
        for needed in [
            "[Content_Types].xml",
            "_rels/.rels",
            "word/document.xml",
            "word/styles.xml",
            "word/settings.xml",
            "word/fontTable.xml",
            "word/_rels/document.xml.rels",
            "word/footer1.xml",
            "word/footer2.xml",
            "docProps/core.xml",
            "docProps/app.xml",
        ] {
            assert!(names.contains(&needed), "{needed} missing from {names:?}");
        }
        for (name, xml) in &parts {
            parse(xml);
            if name.ends_with(".xml") && !name.starts_with('[') {
                let declared = parse(&parts["[Content_Types].xml"])
                    .all("Override")
                    .iter()
                    .any(|o| o.attr("PartName") == format!("/{name}"));
                assert!(declared, "{name} has no content type");
            }
        }
        for (rels, base) in [
            ("_rels/.rels", ""),
            ("word/_rels/document.xml.rels", "word/"),
        ] {
            for rel in parse(&parts[rels]).all("Relationship") {
                let target = format!("{base}{}", rel.attr("Target"));
                assert!(
                    parts.contains_key(&target),
                    "{rels} points at missing {target}"
                );
            }
        }
    }

    #[test]
    fn title_headings_paragraphs_and_cells_come_in_order_with_their_styles() {
        let expected = [
            ("Issuer", "云州市人民政府督查室"),
            ("DocNumber", "云督通〔2026〕5号"),
            ("DocTitle", "关于2026年上半年重点任务督查情况的通报"),
            ("Recipients", "各县(市、区)人民政府,市政府各部门:"),
            (
                "BodyText",
                "按照市政府工作安排,市政府督查室对重点任务进行了督查。",
            ),
            ("Heading1", "一、总体情况"),
            ("Heading2", "(一)进展较好的任务"),
            ("BodyText", "多数单位按期办结。"),
            ("TableCaption", "表1 逾期任务"),
            ("TableHeader", "序号"),
            ("TableHeader", "任务"),
            ("TableHeader", "承办单位"),
            ("TableText", "1"),
            ("TableText", "老旧小区改造"),
            ("TableText", "市住建局"),
            ("TableText", "2"),
            ("TableText", "背街小巷整治"),
            ("TableText", "市城管局"),
            ("Heading1", "二、工作要求"),
            ("BodyText", "各单位要抓紧整改。"),
            ("Signature", "云州市人民政府督查室"),
            ("DocDate", "2026年6月30日"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|&(style, text)| (style.to_owned(), text.to_owned()))
            .collect();
        assert_eq!(paragraphs(&bulletin()), expected);
    }

    #[test]
    fn styles_set_the_gbt9704_fonts_with_fallbacks() {
        let doc = bulletin();
        let styles = part(&doc, "word/styles.xml");
        let east_asian = |node: &Node| node.first("w:rFonts").attr("w:eastAsia").to_owned();
        assert_eq!(east_asian(styles.first("w:docDefaults")), "仿宋_GB2312");
        let by_id: BTreeMap<&str, &Node> = styles
            .all("w:style")
            .into_iter()
            .map(|s| (s.attr("w:styleId"), s))
            .collect();
        for (id, font) in [
            ("Issuer", "方正小标宋简体"),
            ("DocTitle", "方正小标宋简体"),
            ("Heading1", "黑体"),
            ("Heading2", "楷体_GB2312"),
            ("TableHeader", "黑体"),
            ("Footer", "宋体"),
        ] {
            let fonts = by_id[id].first("w:rFonts");
            for slot in ["w:ascii", "w:hAnsi", "w:eastAsia"] {
                assert_eq!(fonts.attr(slot), font, "{id} {slot}");
            }
        }
        let size = |id: &str| by_id[id].first("w:sz").attr("w:val").to_owned();
        assert_eq!(size("DocTitle"), "44", "2号");
        assert_eq!(size("Normal"), "32", "3号");
        assert_eq!(size("TableText"), "28", "4号");
        assert_eq!(size("Footer"), "28", "4号");
        assert_eq!(
            styles.first("w:docDefaults").first("w:sz").attr("w:val"),
            "32"
        );
        let body = by_id["BodyText"].first("w:ind");
        assert_eq!(body.attr("w:firstLineChars"), "200");

        let font_table = part(&doc, "word/fontTable.xml");
        let alternatives: BTreeMap<&str, &str> = font_table
            .all("w:font")
            .into_iter()
            .map(|f| (f.attr("w:name"), f.first("w:altName").attr("w:val")))
            .collect();
        assert_eq!(alternatives["仿宋_GB2312"], "仿宋");
        assert_eq!(alternatives["楷体_GB2312"], "楷体");
    }

    #[test]
    fn page_is_a4_with_gbt9704_margins_and_a_22_line_grid() {
        let document = part(&bulletin(), "word/document.xml");
        let section = document.first("w:sectPr");
        let size = section.first("w:pgSz");
        assert_eq!((size.attr("w:w"), size.attr("w:h")), ("11906", "16838"));
        let margins = section.first("w:pgMar");
        // 37, 35, 28 and 26 mm.
        for (side, twips) in [
            ("w:top", "2098"),
            ("w:bottom", "1984"),
            ("w:left", "1587"),
            ("w:right", "1474"),
        ] {
            assert_eq!(margins.attr(side), twips, "{side}");
        }
        assert_eq!(section.first("w:docGrid").attr("w:linePitch"), "579");
        let settings = part(&bulletin(), "word/settings.xml");
        settings.first("w:mirrorMargins");
        let styles = part(&bulletin(), "word/styles.xml");
        let spacing = styles.first("w:pPrDefault").first("w:spacing");
        assert_eq!(
            (spacing.attr("w:line"), spacing.attr("w:lineRule")),
            ("579", "exact")
        );
    }

    #[test]
    fn issuer_is_red_and_the_red_rule_sits_under_the_number_or_else_the_issuer() {
        let styles = part(&bulletin(), "word/styles.xml");
        let issuer = styles
            .all("w:style")
            .into_iter()
            .find(|s| s.attr("w:styleId") == "Issuer")
            .unwrap();
        assert_eq!(issuer.first("w:color").attr("w:val"), "FF0000");

        let ruled = |doc: &OfficialDoc| -> Vec<String> {
            part(doc, "word/document.xml")
                .all("w:p")
                .into_iter()
                .filter(|p| !p.all("w:pBdr").is_empty())
                .map(|p| {
                    assert_eq!(p.first("w:bottom").attr("w:color"), "FF0000");
                    p.style().to_owned()
                })
                .collect()
        };
        assert_eq!(ruled(&bulletin()), ["DocNumber"]);
        let unnumbered = OfficialDoc {
            number: None,
            ..bulletin()
        };
        assert_eq!(ruled(&unnumbered), ["Issuer"]);
    }

    #[test]
    fn a_coloured_title_and_band_carry_their_colour_with_ink_that_reads_on_it() {
        let doc = OfficialDoc {
            title: "红色催办单".into(),
            title_colour: Some(Rgb(0xC0, 0, 0)),
            body: vec![
                Block::Band {
                    text: "督办升级".into(),
                    colour: Rgb(0xC0, 0, 0),
                },
                Block::Band {
                    text: "催办".into(),
                    colour: Rgb(0xFF, 0xC0, 0),
                },
            ],
            ..bulletin()
        };
        let document = part(&doc, "word/document.xml");
        let of = |style: &str| -> Vec<&Node> {
            document
                .all("w:p")
                .into_iter()
                .filter(|p| p.style() == style)
                .collect()
        };
        assert_eq!(of("DocTitle")[0].first("w:color").attr("w:val"), "C00000");
        let bands: Vec<(&str, &str, String)> = of("Band")
            .into_iter()
            .map(|p| {
                (
                    p.first("w:shd").attr("w:fill"),
                    p.first("w:color").attr("w:val"),
                    p.text(),
                )
            })
            .collect();
        assert_eq!(
            bands,
            [
                ("C00000", "FFFFFF", "督办升级".to_string()),
                ("FFC000", "000000", "催办".to_string())
            ]
        );
        let plain = part(&bulletin(), "word/document.xml");
        let title = plain
            .all("w:p")
            .into_iter()
            .find(|p| p.style() == "DocTitle")
            .unwrap();
        assert!(title.all("w:color").is_empty(), "black unless told");
        // A document kept before titles had colours reads as it did.
        let mut kept = serde_json::to_value(bulletin()).unwrap();
        assert!(kept.get("title_colour").is_none());
        kept.as_object_mut().unwrap().remove("title_colour");
        assert_eq!(
            serde_json::from_value::<OfficialDoc>(kept).unwrap(),
            bulletin()
        );
    }

    #[test]
    fn hostile_text_is_escaped_and_illegal_characters_dropped() {
        let hostile = "<script>alert(\"x\")</script>&amp;'\u{0}\u{1}\u{8}\u{B}\u{C}\u{1F}\u{7F}\u{85}\u{FFFE}\u{FFFF}末";
        let clean = "<script>alert(\"x\")</script>&amp;'末";
        let doc = OfficialDoc {
            issuer: hostile.into(),
            number: Some(hostile.into()),
            title: hostile.into(),
            title_colour: None,
            recipients: Some(hostile.into()),
            body: vec![
                Block::Heading1(hostile.into()),
                Block::Heading2(hostile.into()),
                Block::Paragraph(hostile.into()),
                Block::Table(Table {
                    caption: Some(hostile.into()),
                    header: vec![hostile.into()],
                    rows: vec![vec![hostile.into()]],
                    widths: None,
                }),
            ],
            signature: Some(hostile.into()),
            date: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
        };
        let parts = unzip(&write(&doc).unwrap());
        for (name, xml) in &parts {
            assert!(
                !xml.chars().any(char::is_control),
                "control character in {name}"
            );
            assert!(!xml.contains('\u{FFFE}'), "U+FFFE in {name}");
        }
        assert!(parts["word/document.xml"].contains("&lt;script&gt;"));
        let texts: Vec<String> = paragraphs(&doc).into_iter().map(|(_, text)| text).collect();
        assert_eq!(texts[..texts.len() - 1], vec![clean.to_owned(); 11]);
        let core = parse(&parts["docProps/core.xml"]);
        assert_eq!(core.first("dc:title").text, clean);
    }

    #[test]
    fn newlines_make_paragraphs_of_running_text_and_line_breaks_elsewhere() {
        let doc = OfficialDoc {
            title: "关于……的通报\n(征求意见稿)".into(),
            body: vec![
                Block::Paragraph("第一段\n\n\u{3000}\u{3000}第二段\r\n第三段\r第四段\n".into()),
                Block::Heading1("一、甲\r\n乙".into()),
                Block::Table(Table {
                    caption: None,
                    header: vec![],
                    rows: vec![vec!["上\n下\t右".into()]],
                    widths: None,
                }),
            ],
            ..bulletin()
        };
        let texts: Vec<(String, String)> = paragraphs(&doc);
        let of = |style: &str| -> Vec<&str> {
            texts
                .iter()
                .filter(|(s, _)| s == style)
                .map(|(_, t)| t.as_str())
                .collect()
        };
        assert_eq!(of("DocTitle"), ["关于……的通报\n(征求意见稿)"]);
        assert_eq!(of("BodyText"), ["第一段", "第二段", "第三段", "第四段"]);
        assert_eq!(of("Heading1"), ["一、甲\n乙"]);
        assert_eq!(of("TableText"), ["上\n下\t右"]);
    }

    #[test]
    fn date_is_in_arabic_numerals_without_leading_zeros() {
        let doc = OfficialDoc {
            date: NaiveDate::from_ymd_opt(2026, 7, 5).unwrap(),
            ..bulletin()
        };
        let (style, date) = paragraphs(&doc).pop().unwrap();
        assert_eq!((style.as_str(), date.as_str()), ("DocDate", "2026年7月5日"));
    }

    /// Right indent of the paragraph of `style`, and where the centre of its text falls, both in
    /// twips from the right margin.
    fn indent_and_centre(doc: &OfficialDoc, style: &str, text_chars: f64) -> (u32, f64) {
        let document = part(doc, "word/document.xml");
        let p = document
            .all("w:p")
            .into_iter()
            .find(|p| p.style() == style)
            .unwrap();
        let right: u32 = p.first("w:ind").attr("w:right").parse().unwrap();
        (right, f64::from(right) + text_chars * 320.0 / 2.0)
    }

    #[test]
    fn date_stands_four_characters_in_and_the_signature_is_centred_over_it() {
        let doc = bulletin();
        // 云州市人民政府督查室 is 10 characters, 2026年6月30日 is 6.5.
        let (date_indent, date_centre) = indent_and_centre(&doc, "DocDate", 6.5);
        let (_, signature_centre) = indent_and_centre(&doc, "Signature", 10.0);
        assert_eq!(date_indent, 4 * 320);
        assert!((date_centre - signature_centre).abs() < 1.0);
    }

    #[test]
    fn long_signature_keeps_two_characters_from_the_edge_and_moves_the_date() {
        let doc = OfficialDoc {
            signature: Some("云州市人民政府办公室督查室联合工作组".into()),
            ..bulletin()
        };
        let (date_indent, date_centre) = indent_and_centre(&doc, "DocDate", 6.5);
        let (signature_indent, signature_centre) = indent_and_centre(&doc, "Signature", 18.0);
        assert_eq!(signature_indent, 2 * 320);
        assert!(date_indent > 4 * 320);
        assert!((date_centre - signature_centre).abs() < 1.0);
    }

    #[test]
    fn table_fills_the_line_in_proportion_and_repeats_its_header() {
        let document = part(&bulletin(), "word/document.xml");
        let table = document.first("w:tbl");
        let widths: Vec<u32> = table
            .all("w:gridCol")
            .iter()
            .map(|c| c.attr("w:w").parse().unwrap())
            .collect();
        assert_eq!(widths.iter().sum::<u32>(), 11906 - 1587 - 1474);
        assert_eq!(widths[..2], [982, 4913], "1 : 5 : 3 of 8845");
        assert_eq!(table.first("w:tblLayout").attr("w:type"), "fixed");
        for border in [
            "w:top",
            "w:left",
            "w:bottom",
            "w:right",
            "w:insideH",
            "w:insideV",
        ] {
            assert_eq!(
                table.first("w:tblBorders").first(border).attr("w:val"),
                "single"
            );
        }
        let repeated: Vec<bool> = table
            .all("w:tr")
            .iter()
            .map(|row| !row.all("w:tblHeader").is_empty())
            .collect();
        assert_eq!(repeated, [true, false, false]);
    }

    #[test]
    fn short_rows_are_padded_to_the_widest() {
        let doc = OfficialDoc {
            body: vec![Block::Table(Table {
                caption: None,
                header: vec!["甲".into(), "乙".into()],
                rows: vec![vec!["1".into()], vec!["1".into(), "2".into(), "3".into()]],
                widths: None,
            })],
            ..bulletin()
        };
        let document = part(&doc, "word/document.xml");
        let cells: Vec<usize> = document
            .all("w:tr")
            .iter()
            .map(|row| row.all("w:tc").len())
            .collect();
        assert_eq!(cells, [3, 3, 3]);
    }

    #[test]
    fn tables_that_cannot_be_laid_out_are_refused() {
        let with_table = |header: Vec<String>, widths: Option<Vec<u32>>| OfficialDoc {
            body: vec![
                Block::Table(Table {
                    caption: None,
                    header: vec!["甲".into()],
                    rows: vec![],
                    widths: None,
                }),
                Block::Table(Table {
                    caption: None,
                    header,
                    rows: vec![],
                    widths,
                }),
            ],
            ..bulletin()
        };
        let two = || vec!["甲".to_owned(), "乙".to_owned()];
        assert!(matches!(
            write(&with_table(two(), Some(vec![1, 2, 3]))),
            Err(DocxError::WidthsMismatch {
                table: 2,
                columns: 2,
                widths: 3
            })
        ));
        assert!(matches!(
            write(&with_table(two(), Some(vec![0, 0]))),
            Err(DocxError::ZeroWidths { table: 2 })
        ));
        assert!(matches!(
            write(&with_table(vec![], None)),
            Err(DocxError::EmptyTable { table: 2 })
        ));
    }

    #[test]
    fn footers_number_pages_with_a_page_field_on_the_outer_side() {
        let doc = bulletin();
        for (footer, side) in [("word/footer1.xml", "right"), ("word/footer2.xml", "left")] {
            let footer = part(&doc, footer);
            assert_eq!(footer.first("w:instrText").text.trim(), "PAGE");
            assert_eq!(footer.text(), "— 1 —");
            assert_eq!(footer.first("w:jc").attr("w:val"), side);
        }
        let section = part(&doc, "word/document.xml");
        let references: Vec<&str> = section
            .all("w:footerReference")
            .iter()
            .map(|r| r.attr("w:type"))
            .collect();
        assert_eq!(references, ["default", "even"]);
        part(&doc, "word/settings.xml").first("w:evenAndOddHeaders");
    }

    #[test]
    fn same_document_gives_the_same_bytes() {
        assert_eq!(write(&bulletin()).unwrap(), write(&bulletin()).unwrap());
    }

    proptest! {
        #[test]
        fn any_text_reads_back_as_written_less_what_xml_cannot_hold(text in any::<String>()) {
            let doc = OfficialDoc { body: vec![Block::Heading1(text.clone())], ..bulletin() };
            let expected: String = text
                .replace("\r\n", "\n")
                .replace('\r', "\n")
                .chars()
                .filter(|&c| !(c.is_control() && c != '\n' && c != '\t') && c != '\u{FFFE}' && c != '\u{FFFF}')
                .collect();
            let heading = paragraphs(&doc).into_iter().find(|(style, _)| style == "Heading1").unwrap();
            prop_assert_eq!(heading.1, expected);
        }
    }
}
