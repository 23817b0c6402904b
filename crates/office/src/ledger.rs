//! The ledger (台账) as .xlsx: the columns of the task tables offices import, then where each
//! matter stands, laid out to print on A4 landscape with the header on every page.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

/// One matter as the ledger shows it; every field is already the text to print.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerRow {
    pub number: String,
    pub title: String,
    pub lead: String,
    pub co: String,
    pub leader: String,
    /// 2026年6月30日, or 持续推进(每月反馈).
    pub deadline: String,
    pub state: String,
    pub light: String,
    pub progress: String,
    /// The office's 满意度 given at close; blank when not rated.
    pub rating: String,
}

impl LedgerRow {
    /// The row's cells under [`COLUMNS`], `serial` being its 序号.
    fn cells(&self, serial: usize) -> Vec<String> {
        let mut cells = vec![serial.to_string()];
        cells.extend(
            [
                &self.number,
                &self.title,
                &self.lead,
                &self.co,
                &self.leader,
                &self.deadline,
                &self.state,
                &self.light,
                &self.progress,
                &self.rating,
            ]
            .map(String::clone),
        );
        cells
    }
}

/// The column headings, in the import's words so that an exported ledger reads back in.
pub const COLUMNS: [(&str, f64); 11] = [
    ("序号", 6.0),
    ("督办编号", 14.0),
    ("工作任务", 44.0),
    ("牵头单位", 16.0),
    ("配合单位", 20.0),
    ("责任领导", 10.0),
    ("完成时限", 14.0),
    ("办理状态", 10.0),
    ("预警", 6.0),
    ("最新进展", 40.0),
    ("满意度", 10.0),
];

const FONT: &str = "仿宋";
/// Points per line of 11-point text.
const LINE_HEIGHT: f64 = 14.5;

/// How many lines `text` takes in a column `width` characters wide: a Chinese character takes
/// the room of two Latin ones.
fn lines_needed(text: &str, width: f64) -> usize {
    let room = (width - 1.0).max(1.0);
    let used: f64 = text
        .chars()
        .map(|c| if c.is_ascii() { 1.0 } else { 2.0 })
        .sum();
    ((used / room).ceil() as usize).max(1)
}

/// The ledger workbook: a title row, the header frozen and repeated on each printed page.
pub fn write(title: &str, rows: &[LedgerRow]) -> Result<Vec<u8>, XlsxError> {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| row.cells(i + 1))
        .collect();
    table("台账", title, &COLUMNS, &cells)
}

/// A printable sheet of any table: a title row over the columns (name, width in characters),
/// the header frozen and repeated on each page, text wrapped, A4 landscape.
pub fn table(
    sheet_name: &str,
    title: &str,
    columns: &[(&str, f64)],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name)?;
    let cell = Format::new()
        .set_font_name(FONT)
        .set_font_size(11)
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin);
    let head = Format::new()
        .set_font_name("黑体")
        .set_font_size(11)
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_background_color(0xD9D9D9);
    let heading = Format::new()
        .set_font_name("方正小标宋简体")
        .set_font_size(18)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);

    let last_col = (columns.len().max(1) - 1) as u16;
    sheet.merge_range(0, 0, 0, last_col, title, &heading)?;
    sheet.set_row_height(0, 36)?;
    for (col, (name, width)) in columns.iter().enumerate() {
        sheet.set_column_width(col as u16, *width)?;
        sheet.write_string_with_format(1, col as u16, *name, &head)?;
    }
    for (i, cells) in rows.iter().enumerate() {
        let r = (i + 2) as u32;
        for (col, text) in cells.iter().enumerate() {
            sheet.write_string_with_format(r, col as u16, text, &cell)?;
        }
        // Readers do not all grow a row to fit wrapped text, so the height is set here.
        let lines = cells
            .iter()
            .zip(columns)
            .map(|(text, (_, width))| lines_needed(text, *width))
            .max()
            .unwrap_or(1);
        sheet.set_row_height(r, LINE_HEIGHT * lines as f64 + 2.0)?;
    }
    sheet.set_freeze_panes(2, 0)?;
    sheet.set_repeat_rows(1, 1)?;
    sheet.set_landscape();
    // 9 is A4 in the spreadsheet's paper codes.
    sheet.set_paper_size(9);
    sheet.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_footer("&C第 &P 页,共 &N 页");
    book.save_to_buffer()
}

/// The same ledger as CSV: UTF-8 with a byte-order mark, so that Excel opens the Chinese as
/// Chinese.
pub fn csv(rows: &[LedgerRow]) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    out.write_record(COLUMNS.iter().map(|(name, _)| *name))?;
    for (i, row) in rows.iter().enumerate() {
        out.write_record(row.cells(i + 1).iter().map(|c| inert(c).into_owned()))?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

/// A CSV cell that a spreadsheet shows as text, never runs: one that begins as a formula does
/// (`=`, `+`, `-`, `@`, or a tab or carriage return before one) gets a leading `'`, as OWASP
/// advises, so `=HYPERLINK(…)` typed into a report is read, not followed.
pub fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The characters a spreadsheet takes as the start of a formula.
pub const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{Content, read};

    #[test]
    fn csv_cells_that_begin_as_formulas_are_written_as_text_and_read_back_as_typed() {
        let hostile = [
            "=HYPERLINK(\"http://evil.example/x\",\"点此\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1+1",
        ];
        let rows: Vec<LedgerRow> = hostile
            .iter()
            .map(|text| LedgerRow {
                title: text.to_string(),
                progress: text.to_string(),
                ..LedgerRow::default()
            })
            .collect();
        let bytes = csv(&rows).unwrap();
        let mut reader = ::csv::ReaderBuilder::new().from_reader(&bytes[3..]);
        for (record, text) in reader.records().zip(hostile) {
            let record = record.unwrap();
            assert_eq!(&record[2], format!("'{text}"));
            assert_eq!(&record[9], format!("'{text}"));
        }
        assert_eq!(inert("建设图书馆"), "建设图书馆");
        assert_eq!(inert("2026-06-30"), "2026-06-30");

        let Content::Sheets(grids) = read("台账.csv", &bytes).unwrap() else {
            panic!("a CSV is a sheet")
        };
        assert_eq!(
            grids[0].rows[1][2], hostile[0],
            "the importer drops the guard"
        );
    }

    #[test]
    fn the_ledger_reads_back_with_its_header_and_chinese_text() {
        let rows = vec![LedgerRow {
            number: "督〔2026〕1号".into(),
            title: "建设城东污水处理厂 <二期>".into(),
            lead: "市住建局".into(),
            co: "市财政局、市生态环境局".into(),
            leader: "李明".into(),
            deadline: "2026年9月30日".into(),
            state: "办理中".into(),
            light: "黄灯".into(),
            progress: "主体完工".into(),
            rating: "基本满意".into(),
        }];
        let bytes = write("督办事项台账", &rows).unwrap();
        let Content::Sheets(grids) = read("台账.xlsx", &bytes).unwrap() else {
            panic!("a workbook")
        };
        let grid = &grids[0];
        assert_eq!(grid.name, "台账");
        assert_eq!(grid.rows[0][0], "督办事项台账");
        assert_eq!(
            grid.rows[0][3], "督办事项台账",
            "the merged title reads in every cell"
        );
        assert_eq!(grid.rows[1][2], "工作任务");
        assert_eq!(grid.rows[2][2], "建设城东污水处理厂 <二期>");
        assert_eq!(grid.rows[2][4], "市财政局、市生态环境局");
        assert_eq!(
            (grid.rows[1][10].as_str(), grid.rows[2][10].as_str()),
            ("满意度", "基本满意")
        );
    }
}
