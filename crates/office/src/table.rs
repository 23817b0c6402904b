//! Task tables (任务分解表, 台账) read into candidate rows: the header found wherever it sits near
//! the top and its columns told by the names offices give them, section headings inside the
//! table carried to the rows below, repeated headers and notes skipped.

use crate::extract::Candidate;
use crate::read::Grid;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Number,
    Section,
    Title,
    Lead,
    Units,
    Co,
    Leader,
    Deadline,
}

/// Header words per column, most specific first: 牵头领导 is a leader before 牵头 makes it a
/// lead unit, and 主要责任单位 is a lead unit before 责任单位 makes it a plain list.
const HEADERS: &[(Column, &[&str])] = &[
    (Column::Number, &["序号"]),
    (Column::Leader, &["领导"]),
    (
        Column::Lead,
        &[
            "牵头单位",
            "牵头部门",
            "主要责任单位",
            "主责单位",
            "主办单位",
            "牵头",
        ],
    ),
    (
        Column::Co,
        &[
            "配合单位",
            "协办单位",
            "协助单位",
            "配合部门",
            "参与单位",
            "配合",
        ],
    ),
    (
        Column::Units,
        &[
            "责任单位",
            "责任部门",
            "承办单位",
            "落实单位",
            "责任主体",
            "单位",
        ],
    ),
    (
        Column::Deadline,
        &[
            "时限",
            "时间节点",
            "完成时间",
            "期限",
            "节点",
            "进度安排",
            "时间要求",
        ],
    ),
    (Column::Section, &["类别", "分类", "板块", "领域"]),
    (
        Column::Title,
        &[
            "任务",
            "事项",
            "重点工作",
            "工作内容",
            "内容",
            "项目名称",
            "目标",
            "举措",
            "措施",
        ],
    ),
];

/// How many rows from the top a header may sit.
const HEADER_SEARCH: usize = 30;
/// Header cells are short; a long cell is content that happens to contain a header word.
const HEADER_MAX_CHARS: usize = 12;

/// The rows a table holds, or why none could be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableRows {
    pub candidates: Vec<Candidate>,
    /// 0-based index of the header row.
    pub header_row: Option<usize>,
    pub problems: Vec<String>,
}

/// Reads the task rows of one grid.
pub fn rows(grid: &Grid) -> TableRows {
    let Some((header_row, columns)) = header(grid) else {
        return TableRows {
            problems: vec![format!(
                "{}未找到表头(应有“工作任务”“牵头单位”或“责任单位”等列)",
                sheet_label(grid)
            )],
            ..TableRows::default()
        };
    };
    let header_cells: Vec<String> = grid.rows[header_row].iter().map(|c| squash(c)).collect();
    let mut sections: Vec<(u8, String)> = Vec::new();
    let mut candidates = Vec::new();
    for (index, row) in grid.rows.iter().enumerate().skip(header_row + 1) {
        let get = |col: Column| -> String {
            let texts: Vec<&str> = columns
                .iter()
                .enumerate()
                .filter(|(_, c)| **c == Some(col))
                .filter_map(|(i, _)| row.get(i).map(|s| s.trim()))
                .filter(|s| !s.is_empty())
                .collect();
            let mut joined: Vec<&str> = Vec::new();
            for t in texts {
                if !joined.contains(&t) {
                    joined.push(t);
                }
            }
            joined.join("、")
        };
        let filled: Vec<&str> = row
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        if filled.is_empty() {
            continue;
        }
        let squashed: Vec<String> = row.iter().map(|c| squash(c)).collect();
        if squashed
            .iter()
            .zip(&header_cells)
            .filter(|(a, b)| !a.is_empty() && a == b)
            .count()
            >= 2
        {
            continue; // the header again, as printed on each page
        }
        let first = filled[0];
        if first.starts_with("注") || first.starts_with("说明") || first.starts_with("备注") {
            continue;
        }
        let title = get(Column::Title);
        let has_units = [Column::Lead, Column::Units, Column::Co]
            .iter()
            .any(|c| !get(*c).is_empty());
        let one_text = filled.iter().all(|t| *t == first);
        if one_text || (title.is_empty() && !has_units) || (!has_units && is_heading(&title)) {
            let text = if title.is_empty() { first } else { &title };
            let level = heading_level(text);
            sections.retain(|(l, _)| *l < level);
            sections.push((level, text.to_string()));
            continue;
        }
        if title.is_empty() {
            continue;
        }
        let section = get(Column::Section);
        let mut all_sections: Vec<String> = sections.iter().map(|(_, s)| s.clone()).collect();
        if !section.is_empty() && !all_sections.contains(&section) {
            all_sections.push(section);
        }
        let (number, title) = match get(Column::Number) {
            n if n.is_empty() => split_number(&title),
            n => (n, title),
        };
        candidates.push(Candidate {
            sections: all_sections,
            number,
            title,
            lead: get(Column::Lead),
            units: get(Column::Units),
            co: get(Column::Co),
            leader: get(Column::Leader),
            deadline: get(Column::Deadline),
            paragraph: index,
        });
    }
    TableRows {
        candidates,
        header_row: Some(header_row),
        problems: Vec::new(),
    }
}

fn sheet_label(grid: &Grid) -> String {
    if grid.name.is_empty() {
        String::new()
    } else {
        format!("工作表“{}”", grid.name)
    }
}

/// The header row and what each column holds. A header has a task column and a unit column;
/// a second header row below it (牵头单位 | 配合单位 under a merged 责任单位) refines it.
fn header(grid: &Grid) -> Option<(usize, Vec<Option<Column>>)> {
    let classify =
        |row: &[String]| -> Vec<Option<Column>> { row.iter().map(|c| column_of(c)).collect() };
    let is_header = |cols: &[Option<Column>]| {
        cols.contains(&Some(Column::Title))
            && cols
                .iter()
                .any(|c| matches!(c, Some(Column::Lead | Column::Units | Column::Co)))
    };
    let (index, mut columns) = grid
        .rows
        .iter()
        .take(HEADER_SEARCH)
        .enumerate()
        .map(|(i, row)| (i, classify(row)))
        .find(|(_, cols)| is_header(cols))?;
    let mut last = index;
    if let Some(next) = grid.rows.get(index + 1) {
        let below = classify(next);
        let refines = below
            .iter()
            .any(|c| matches!(c, Some(Column::Lead | Column::Units | Column::Co)))
            && next.iter().zip(&below).all(|(text, c)| {
                text.trim().is_empty()
                    || matches!(
                        c,
                        Some(
                            Column::Lead
                                | Column::Units
                                | Column::Co
                                | Column::Leader
                                | Column::Deadline
                        )
                    )
            });
        if refines {
            for (i, c) in below.into_iter().enumerate() {
                if let Some(c) = c {
                    if columns.len() <= i {
                        columns.resize(i + 1, None);
                    }
                    columns[i] = Some(c);
                }
            }
            last = index + 1;
        }
    }
    Some((last, columns))
}

fn column_of(cell: &str) -> Option<Column> {
    let text = squash(cell);
    if text.is_empty() || text.chars().count() > HEADER_MAX_CHARS {
        return None;
    }
    HEADERS
        .iter()
        .find(|(_, words)| words.iter().any(|w| text.contains(w)))
        .map(|(c, _)| *c)
}

/// Header cells are often spaced out to fill the width: 主 要 工 作 任 务.
fn squash(cell: &str) -> String {
    cell.chars().filter(|c| !c.is_whitespace()).collect()
}

/// 一、… and (一)… and "XX牵头重点工作" rows head a group of tasks.
fn is_heading(text: &str) -> bool {
    heading_level(text) < 3 || text.ends_with("重点工作") || text.ends_with("工作任务")
}

fn heading_level(text: &str) -> u8 {
    let mut chars = text.chars();
    let first = chars.next().unwrap_or(' ');
    if is_chinese_numeral(first) {
        let rest: String = text
            .chars()
            .skip_while(|c| is_chinese_numeral(*c))
            .take(1)
            .collect();
        if rest == "、" {
            return 1;
        }
    }
    if matches!(first, '(' | '\u{ff08}') && chars.next().is_some_and(is_chinese_numeral) {
        return 2;
    }
    3
}

fn is_chinese_numeral(c: char) -> bool {
    "一二三四五六七八九十百".contains(c)
}

/// "3.建设图书馆" → ("3", "建设图书馆") when the table has no number column.
fn split_number(title: &str) -> (String, String) {
    let digits: String = title.chars().take_while(|c| c.is_ascii_digit()).collect();
    if !digits.is_empty()
        && let Some(rest) = title[digits.len()..].strip_prefix(['.', '、', '\u{ff0e}'])
        && !rest.trim().is_empty()
    {
        return (digits, rest.trim().to_string());
    }
    (String::new(), title.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn grid(rows: &[&[&str]]) -> Grid {
        Grid {
            name: "Sheet1".into(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect(),
        }
    }

    #[test]
    fn the_header_is_found_below_a_title_and_spaced_out_names_are_read() {
        let read = rows(&grid(&[
            &["2022年政府工作报告重点工作责任分解", "", ""],
            &["", "", ""],
            &["序号", "主 要 工 作 任 务", "责任单位"],
            &[
                "一、未来五年主要工作任务",
                "一、未来五年主要工作任务",
                "一、未来五年主要工作任务",
            ],
            &["1", "地区生产总值突破1万亿元。", "市发展改革委"],
            &[
                "6",
                "人才资源总量超过150万人。",
                "*市委组织部(市委人才办)、 市人力社保局",
            ],
            &["序号", "主要工作任务", "责任单位"],
            &["7", "国家高新技术企业突破5500家。", "市科技局"],
            &["注:带*的为牵头单位", "", ""],
        ]));
        assert_eq!(read.header_row, Some(2));
        let titles: Vec<_> = read.candidates.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "地区生产总值突破1万亿元。",
                "人才资源总量超过150万人。",
                "国家高新技术企业突破5500家。"
            ]
        );
        let six = &read.candidates[1];
        assert_eq!(
            (
                six.number.as_str(),
                six.units.as_str(),
                six.sections.as_slice()
            ),
            (
                "6",
                "*市委组织部(市委人才办)、 市人力社保局",
                &["一、未来五年主要工作任务".to_string()][..]
            )
        );
    }

    #[test]
    fn a_two_row_header_splits_lead_and_co_units_and_sections_nest() {
        let read = rows(&grid(&[
            &[
                "序号",
                "重点工作",
                "责任单位",
                "责任单位",
                "责任领导",
                "完成时限",
            ],
            &["", "", "牵头单位", "配合单位", "", ""],
            &["一、扩大有效投资", "", "", "", "", ""],
            &["(一)重大项目", "", "", "", "", ""],
            &[
                "1",
                "开工建设城东污水厂",
                "市住建局",
                "市财政局、市生态环境局",
                "李明",
                "2026年9月底前",
            ],
            &["二、民生实事", "", "", "", "", ""],
            &["2", "新增托位500个", "市卫健委", "", "王芳", "年底前"],
        ]));
        assert_eq!(read.header_row, Some(1));
        let first = &read.candidates[0];
        assert_eq!(
            (
                first.lead.as_str(),
                first.co.as_str(),
                first.leader.as_str(),
                first.deadline.as_str()
            ),
            (
                "市住建局",
                "市财政局、市生态环境局",
                "李明",
                "2026年9月底前"
            )
        );
        assert_eq!(first.sections, ["一、扩大有效投资", "(一)重大项目"]);
        assert_eq!(
            read.candidates[1].sections,
            ["二、民生实事"],
            "a new 一、 closes the (一)"
        );
    }

    #[test]
    fn a_merged_title_applies_to_each_row_it_spans() {
        // The reader has already copied a merged cell's text into every cell it spans.
        let read = rows(&grid(&[
            &["序号", "工作任务", "牵头单位", "时间节点"],
            &["1", "推进老旧小区改造", "市住建局", "6月底前"],
            &["2", "推进老旧小区改造", "县政府", "6月底前"],
        ]));
        assert_eq!(read.candidates.len(), 2);
        assert_eq!(read.candidates[1].lead, "县政府");
    }

    /// Cells drawn from header words, headings, numbers and marks, so that headers, repeated
    /// headers, sections and notes all turn up among the arbitrary ones.
    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            prop::sample::select(vec![
                "序号",
                "工作任务",
                "主 要 任 务",
                "牵头单位",
                "责任单位",
                "配合单位",
                "责任领导",
                "完成时限",
                "类别",
                "一、重点工作",
                "(一)项目",
                "注:说明",
                "3.建设",
                "12",
            ])
            .prop_map(str::to_string),
            "\\PC{0,16}",
        ]
    }

    proptest! {
        #[test]
        fn arbitrary_grids_never_panic_and_the_result_is_consistent(
            cells in prop::collection::vec(prop::collection::vec(cell(), 0..7), 0..40),
        ) {
            let grid = Grid { name: "表".into(), rows: cells };
            let read = rows(&grid);
            match read.header_row {
                Some(h) => {
                    prop_assert!(read.problems.is_empty());
                    prop_assert!(h < grid.rows.len() && h <= HEADER_SEARCH);
                    for c in &read.candidates {
                        prop_assert!(c.paragraph > h && c.paragraph < grid.rows.len());
                        prop_assert!(!c.title.trim().is_empty());
                    }
                }
                None => {
                    prop_assert!(read.candidates.is_empty());
                    prop_assert_eq!(read.problems.len(), 1);
                }
            }
        }
    }

    #[test]
    fn a_sheet_without_a_header_says_so() {
        let read = rows(&grid(&[&["甲", "乙"], &["1", "2"]]));
        assert!(read.candidates.is_empty());
        assert!(
            read.problems[0].contains("未找到表头"),
            "{:?}",
            read.problems
        );
    }
}
