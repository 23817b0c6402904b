//! Contact lists (通讯录) read into rows of units and people: the header found near the top of
//! each sheet and its columns told by the names offices give them (单位名称, 上级单位, 简称,
//! 姓名, 职务, 角色, 手机号码, 邮箱 …). A merged unit cell is already in every row it spans.

use crate::read::Grid;

/// One row of a contact list, every field as written (trimmed); empty where the list has no
/// such column or the cell is blank.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactRow {
    /// The sheet's name and the row's number in it, counted from 1, for problems.
    pub sheet: String,
    pub line: usize,
    pub unit: String,
    pub parent: String,
    pub short_names: Vec<String>,
    pub kind: String,
    pub name: String,
    pub title: String,
    pub role: String,
    pub username: String,
    pub phone: String,
    pub email: String,
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Parent,
    Short,
    Kind,
    Unit,
    Name,
    Title,
    Role,
    Username,
    Phone,
    Email,
}

/// Header words per column, the more specific first: 上级单位 is a parent before 单位 makes it
/// the unit, and 单位简称 a short name.
const HEADERS: &[(Column, &[&str])] = &[
    (
        Column::Parent,
        &["上级单位", "上级部门", "主管单位", "所属单位", "上级"],
    ),
    (Column::Short, &["简称", "别名"]),
    (
        Column::Kind,
        &["单位类型", "单位类别", "单位性质", "类型", "类别"],
    ),
    (
        Column::Unit,
        &["单位名称", "单位全称", "单位", "部门名称", "部门", "机构"],
    ),
    (Column::Username, &["用户名", "账号", "登录名"]),
    (Column::Name, &["姓名", "联系人", "联络员"]),
    (Column::Title, &["职务", "职位", "职称"]),
    (Column::Role, &["角色", "系统角色", "权限"]),
    (
        Column::Phone,
        &["手机号码", "手机号", "手机", "移动电话", "联系电话", "电话"],
    ),
    (
        Column::Email,
        &["电子邮箱", "电子邮件", "邮箱", "email", "e-mail"],
    ),
];

fn column_of(header: &str) -> Option<Column> {
    let h: String = header
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    if h.is_empty() || h.chars().count() > 12 {
        return None;
    }
    HEADERS
        .iter()
        .find(|(_, words)| words.iter().any(|w| h.contains(w)))
        .map(|(c, _)| *c)
}

/// The rows of every sheet that has a contact header; the problems of a file in which no sheet
/// has one.
pub fn contacts(grids: &[Grid]) -> (Vec<ContactRow>, Vec<String>) {
    let mut rows = Vec::new();
    let mut headed = false;
    for grid in grids {
        let Some((at, columns)) = header(grid) else {
            continue;
        };
        headed = true;
        let heading = &grid.rows[at];
        // A unit written once beside several people: the cells of a merged unit, saved as CSV
        // or typed that way, leave the rows below it blank.
        let mut unit_above = String::new();
        for (i, cells) in grid.rows.iter().enumerate().skip(at + 1) {
            let mut row = ContactRow {
                sheet: grid.name.clone(),
                line: i + 1,
                ..ContactRow::default()
            };
            for (cell, column) in cells.iter().zip(&columns) {
                let text = cell.trim();
                if text.is_empty() {
                    continue;
                }
                match column {
                    Some(Column::Unit) => row.unit = text.to_string(),
                    Some(Column::Parent) => row.parent = text.to_string(),
                    Some(Column::Short) => row.short_names = split_names(text),
                    Some(Column::Kind) => row.kind = text.to_string(),
                    Some(Column::Name) => row.name = text.to_string(),
                    Some(Column::Title) => row.title = text.to_string(),
                    Some(Column::Role) => row.role = text.to_string(),
                    Some(Column::Username) => row.username = text.to_string(),
                    Some(Column::Phone) => row.phone = text.to_string(),
                    Some(Column::Email) => row.email = text.to_string(),
                    None => {}
                }
            }
            // The header repeated on each printed page, or a blank or note line.
            let repeated = cells
                .iter()
                .zip(heading)
                .filter(|(c, h)| !h.trim().is_empty() && c.trim() == h.trim())
                .count()
                >= 2;
            if repeated {
                unit_above.clear();
                continue;
            }
            if row.unit.is_empty() && !row.name.is_empty() {
                row.unit = unit_above.clone();
            } else {
                unit_above = row.unit.clone();
            }
            if !row.unit.is_empty() || !row.name.is_empty() {
                rows.push(row);
            }
        }
    }
    let problems = if headed {
        Vec::new()
    } else {
        vec![
            "没有找到通讯录的表头:需要“单位名称”或“姓名”等列(上级单位、简称、职务、角色、手机号码、邮箱可选)"
                .to_string(),
        ]
    };
    (rows, problems)
}

/// The header near the top of a sheet: the first of its first ten rows naming a unit or a name
/// column and one more.
fn header(grid: &Grid) -> Option<(usize, Vec<Option<Column>>)> {
    grid.rows
        .iter()
        .take(10)
        .enumerate()
        .find_map(|(i, cells)| {
            let mut columns: Vec<Option<Column>> = cells.iter().map(|c| column_of(c)).collect();
            // 所属单位 beside 姓名, with no unit column of its own, is the person's unit.
            if !columns.contains(&Some(Column::Unit)) && columns.contains(&Some(Column::Name)) {
                for c in columns.iter_mut().filter(|c| **c == Some(Column::Parent)) {
                    *c = Some(Column::Unit);
                }
            }
            let has = |c: Column| columns.contains(&Some(c));
            let known = columns.iter().flatten().count();
            ((has(Column::Unit) || has(Column::Name)) && known >= 2).then_some((i, columns))
        })
}

/// Names in one cell: 市发改委、市发展改革委 or 市发改委,市发展改革委.
fn split_names(text: &str) -> Vec<String> {
    text.split(['、', ',', '\u{ff0c}', ';', '\u{ff1b}', '/'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[&[&str]]) -> Grid {
        Grid {
            name: "通讯录".into(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect(),
        }
    }

    #[test]
    fn columns_are_found_by_the_names_offices_give_them() {
        let (rows, problems) = contacts(&[grid(&[
            &["云州市督查督办联络员通讯录", "", "", "", "", ""],
            &["序号", "单位名称", "简称", "姓名", "职务", "手机号码"],
            &[
                "1",
                "云州市发展和改革委员会",
                "市发改委、市发展改革委",
                "刘芳",
                "科长",
                "13800001111",
            ],
            &[
                "2",
                "云州市发展和改革委员会",
                "市发改委、市发展改革委",
                "赵强",
                "副科长",
                "",
            ],
            &["序号", "单位名称", "简称", "姓名", "职务", "手机号码"],
            &["", "", "", "", "", ""],
            &["3", "云州市财政局", "", "王丽", "", "139 0000 2222"],
        ])]);
        assert!(problems.is_empty());
        assert_eq!(rows.len(), 3, "{rows:?}");
        assert_eq!(rows[0].unit, "云州市发展和改革委员会");
        assert_eq!(rows[0].short_names, ["市发改委", "市发展改革委"]);
        assert_eq!(
            (rows[0].name.as_str(), rows[0].title.as_str()),
            ("刘芳", "科长")
        );
        assert_eq!(rows[0].line, 3);
        assert_eq!(rows[2].phone, "139 0000 2222");
    }

    #[test]
    fn a_unit_written_once_stands_for_the_people_below_it_whatever_its_rows_hold() {
        let (rows, _) = contacts(&[grid(&[
            &["单位名称", "姓名", "角色"],
            // A unit's name and a role may hold header words; the row is still a person.
            &["云州市机构编制委员会办公室", "刘芳", "联络员"],
            &["", "赵强", "联络员"],
            &["", "", ""],
            &["", "王丽", "联络员"],
        ])]);
        let units: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r.name.as_str(), r.unit.as_str()))
            .collect();
        assert_eq!(
            units,
            [
                ("刘芳", "云州市机构编制委员会办公室"),
                ("赵强", "云州市机构编制委员会办公室"),
                ("王丽", ""),
            ],
            "a blank line ends the unit above"
        );
    }

    #[test]
    fn a_parent_column_is_not_taken_for_the_unit() {
        let (rows, _) = contacts(&[grid(&[
            &["单位", "上级单位", "单位类型"],
            &["青山县人民政府", "云州市人民政府", "政府"],
        ])]);
        assert_eq!(rows[0].unit, "青山县人民政府");
        assert_eq!(rows[0].parent, "云州市人民政府");
        assert_eq!(rows[0].kind, "政府");
    }

    #[test]
    fn the_unit_a_person_belongs_to_may_be_headed_as_theirs() {
        let (rows, _) = contacts(&[grid(&[&["姓名", "所属单位"], &["李明", "市财政局"]])]);
        assert_eq!(
            (rows[0].unit.as_str(), rows[0].parent.as_str()),
            ("市财政局", "")
        );
    }

    #[test]
    fn a_sheet_without_a_header_is_a_problem_of_the_file() {
        let (rows, problems) = contacts(&[grid(&[&["甲", "乙"], &["1", "2"]])]);
        assert!(rows.is_empty());
        assert!(problems[0].contains("没有找到通讯录的表头"));
    }
}
