#![no_main]

//! An uploaded file taken the way the import plans it, up to the point where the database is
//! needed: read by its bytes, tables read into rows (or, for a document without tables, its
//! numbered items), and each row's units found in an org tree and its deadline parsed.

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use luoshi_domain::names::{self, Directory, Found};
use luoshi_domain::{OrgTree, Unit, UnitId, UnitKind};
use luoshi_office::read::{self, Content};
use luoshi_office::{deadline, extract, table};

/// The reader tells formats by their bytes; the name only decides CSV against plain text, but
/// every kind of name an upload arrives with is tried.
const NAMES: &[&str] = &[
    "任务分解表.xlsx",
    "台账.xls",
    "方案.docx",
    "任务.csv",
    "纪要.txt",
    "upload",
    "旧文件.doc",
    "表.CSV",
];

static TREE: LazyLock<OrgTree> = LazyLock::new(|| {
    let unit = |id, name: &str, short: &[&str], kind, parent: Option<i64>| Unit {
        id: UnitId(id),
        code: format!("u{id}"),
        name: name.to_string(),
        short_names: short.iter().map(|s| s.to_string()).collect(),
        kind,
        parent_id: parent.map(UnitId),
    };
    OrgTree::new([
        unit(1, "云州市人民政府", &["市政府"], UnitKind::Government, None),
        unit(
            2,
            "云州市发展和改革委员会",
            &["市发改委", "市发展改革委"],
            UnitKind::Department,
            Some(1),
        ),
        unit(
            3,
            "云州市财政局",
            &["市财政局"],
            UnitKind::Department,
            Some(1),
        ),
        unit(
            4,
            "云州市住房和城乡建设局",
            &["市住建局"],
            UnitKind::Department,
            Some(1),
        ),
        unit(
            5,
            "青山县人民政府",
            &["青山县", "县政府"],
            UnitKind::Government,
            Some(1),
        ),
        unit(
            6,
            "青山县财政局",
            &["县财政局"],
            UnitKind::Department,
            Some(5),
        ),
    ])
});

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(selector) % NAMES.len()];
    let Ok(content) = read::read(name, bytes) else {
        return;
    };
    let candidates = match content {
        Content::Sheets(grids) => {
            let mut candidates = Vec::new();
            for grid in &grids {
                let rows = table::rows(grid);
                assert_eq!(rows.header_row.is_some(), rows.problems.is_empty());
                if let Some(header) = rows.header_row {
                    assert!(header < grid.rows.len());
                    assert!(rows.candidates.iter().all(|c| c.paragraph > header));
                }
                candidates.extend(rows.candidates);
            }
            candidates
        }
        Content::Document { paragraphs, tables } => {
            let mut candidates: Vec<_> = tables
                .iter()
                .flat_map(|t| table::rows(t).candidates)
                .collect();
            if candidates.is_empty() {
                candidates = extract::candidates(&paragraphs);
            }
            candidates
        }
    };
    let directory = Directory::new(&TREE, Some(UnitId(1)));
    for c in candidates {
        let (leads, cos) = names::roles(&c.lead, &c.units, &c.co);
        for mention in leads.iter().chain(&cos) {
            if let Found::Unknown = directory.find(&mention.name) {
                let _ = directory.segment(&mention.name);
            }
        }
        let _ = deadline::parse(&c.deadline, 2026);
    }
});
