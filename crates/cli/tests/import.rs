//! `luoshi import --dry-run --json` on real task tables and documents, and a ledger exported and
//! read back.

use std::path::Path;

use luoshi_testkit::cli::Cli;
use luoshi_testkit::{Backend, Scratch};
use serde_json::Value;

luoshi_testkit::on_both_backends!(
    real_task_tables_and_documents_read_with_their_units_and_deadlines,
    an_exported_ledger_reads_back_as_the_same_rows_and_a_second_import_adds_nothing,
    a_sweep_prints_what_it_did_and_a_second_sweep_at_the_same_moment_sends_nothing,
    every_score_is_the_base_plus_its_items_each_naming_its_event_and_ranks_follow_scores,
    the_bulletin_of_a_quarter_is_an_official_document_with_its_tables,
    tampering_with_an_audited_row_makes_audit_verify_fail_and_name_it,
    admin_actions_join_the_audit_chain_which_can_switch_to_sha256_and_tampering_with_one_is_named,
    gen_makes_the_same_city_for_the_same_seed_and_another_for_another,
    a_workbook_that_unpacks_to_a_gigabyte_is_refused_at_once_with_a_message,
    a_table_is_named_by_its_title_row_and_says_what_it_cannot_assign_or_is_already_late,
    a_scan_an_empty_document_and_a_file_of_50_mb_are_refused_and_a_dry_run_writes_nothing,
);

const CLOCK: &str = "2026-06-30T09:00:00+08:00";

fn luoshi(db: &Scratch) -> Cli {
    Cli::on(env!("CARGO_BIN_EXE_luoshi"), db).clock(CLOCK)
}

async fn dry_run(db: &Scratch, file: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../office/tests/data")
        .join(file);
    luoshi(db)
        .json(&["import", path.to_str().unwrap(), "--dry-run", "--json"])
        .await
}

fn row<'v>(plan: &'v Value, title_starts: &str) -> &'v Value {
    plan["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["title"].as_str().unwrap().starts_with(title_starts))
        .unwrap_or_else(|| panic!("no row {title_starts:?} in {plan:#}"))
}

fn names(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect()
}

async fn real_task_tables_and_documents_read_with_their_units_and_deadlines() {
    let db = Scratch::new().await;
    luoshi(&db).demo().await;

    // A table pasted as text, "*" marking the lead unit.
    let jiaxing = dry_run(&db, "01_jiaxing.txt").await;
    assert_eq!(jiaxing["rows"].as_array().unwrap().len(), 15);
    let talent = row(&jiaxing, "人才资源总量超过150万人");
    assert_eq!(names(&talent["lead_units"]), ["市委组织部(市委人才办)"]);
    assert_eq!(names(&talent["co_units"]), ["市人力社保局"]);
    let water = row(&jiaxing, "建设从源头到龙头");
    assert_eq!(
        (names(&water["lead_units"]), names(&water["co_units"])),
        (vec!["市建设局"], vec!["嘉源集团"])
    );
    assert!(
        names(&water["problems"]).contains(&"未找到单位“嘉源集团”"),
        "a unit outside the tree is named, not guessed"
    );
    let gdp = row(&jiaxing, "地区生产总值突破1万亿元");
    assert_eq!(gdp["deadline"], Value::Null);
    assert_eq!(
        gdp["unit_ids"].as_array().unwrap().len(),
        1,
        "市发展改革委 is the demo's 市发改委"
    );

    // A 分工方案 in running text: 牵头单位 and 责任单位 lines under each item.
    let lishan = dry_run(&db, "03_lishan.txt").await;
    assert_eq!(lishan["rows"].as_array().unwrap().len(), 7);
    let first = row(&lishan, "努力实现地区生产总值增长6.2%左右");
    assert_eq!(names(&first["lead_units"]), ["区发改局"]);
    assert_eq!(
        names(&first["co_units"]),
        ["立山经济开发区", "全区经济运行各专班"]
    );
    let retail = row(&lishan, "社会消费品零售总额增长9%左右");
    assert_eq!(names(&retail["co_units"]), ["各街道", "区市场局"]);

    // 牵头领导 and 主要责任单位.
    let daxing = dry_run(&db, "06_daxing.txt").await;
    let gdp = row(&daxing, "地区生产总值比上年增长4.5%以上");
    assert_eq!(
        (gdp["leader"].as_str(), names(&gdp["lead_units"])),
        (Some("常务副区长"), vec!["区发展改革委"])
    );

    // The closing bracket: who is responsible and until when.
    let council = dry_run(&db, "08_guowuyuan.txt").await;
    assert_eq!(council["year"], 2020);
    let first = &council["rows"][0];
    assert_eq!(first["deadline_text"], "年内持续推进");
    assert_eq!(first["deadline"], "2020-12-31");
    assert_eq!(first["ongoing"], true);
    assert_eq!(names(&first["lead_units"]), ["国务院各部门"]);
    assert!(
        names(&first["problems"]).iter().any(|p| p.contains("统称")),
        "a collective lead needs a real unit"
    );

    // 责任单位 lines, and the notice's rule to report each quarter.
    let caidian = dry_run(&db, "10_caidian.txt").await;
    assert_eq!(caidian["cadence"], "quarterly");
    let gdp = row(&caidian, "地区生产总值增长7%以上");
    assert_eq!(names(&gdp["lead_units"]), ["区发展和改革局"]);
}

async fn an_exported_ledger_reads_back_as_the_same_rows_and_a_second_import_adds_nothing() {
    let db = Scratch::new().await;
    luoshi(&db).demo().await;
    let ledger = db.dir().join("台账.xlsx");
    let out = luoshi(&db)
        .run(&[
            "export",
            "ledger",
            "--out",
            ledger.to_str().unwrap(),
            "--state",
            "counted",
        ])
        .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = luoshi(&db)
        .run(&["import", ledger.to_str().unwrap(), "--dry-run", "--json"])
        .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = plan["rows"].as_array().unwrap();
    assert!(rows.len() > 50);
    for r in rows {
        assert!(
            r["problems"].as_array().unwrap().is_empty(),
            "every exported row reads back whole: {r:#}"
        );
        assert!(r["deadline"].is_string() || r["ongoing"] == true, "{r:#}");
    }

    let table = db.dir().join("任务.csv");
    std::fs::write(
        &table,
        "序号,工作任务,牵头单位,配合单位,完成时限\n1,建成城东污水处理厂,市住建局,市财政局,2026年9月底前\n",
    )
    .unwrap();
    let import = ["import", table.to_str().unwrap(), "--json"];
    let first = luoshi(&db).json(&import).await;
    let second = luoshi(&db).json(&import).await;
    assert_eq!(first["created"].as_array().unwrap().len(), 1);
    assert_eq!(
        (
            second["created"].as_array().unwrap().len(),
            second["already"].as_u64()
        ),
        (0, Some(1))
    );
}

async fn a_sweep_prints_what_it_did_and_a_second_sweep_at_the_same_moment_sends_nothing() {
    let db = Scratch::new().await;
    luoshi(&db).demo().await;
    let first = luoshi(&db).json(&["sweep"]).await;
    assert!(first["reminders"].as_u64().unwrap() > 0, "{first}");
    assert!(first["queued"].as_u64().unwrap() > 0);
    let second = luoshi(&db).json(&["sweep"]).await;
    assert_eq!(
        (second["reminders"].as_u64(), second["queued"].as_u64()),
        (Some(0), Some(0)),
        "{second}"
    );
}

#[tokio::test]
async fn a_holiday_notice_parses_to_the_official_calendar() {
    let luoshi = Cli::bare(env!("CARGO_BIN_EXE_luoshi"));
    let notice = Path::new(env!("CARGO_MANIFEST_DIR")).join("../domain/data/notice-2026.txt");
    let out = luoshi
        .run(&["calendar", "parse", notice.to_str().unwrap(), "--json"])
        .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let days: Value = serde_json::from_slice(&out.stdout).unwrap();
    let days = days.as_array().unwrap();
    assert!(days.iter().any(|d| d == &serde_json::json!({"date": "2026-10-10", "kind": "workday", "name": "国庆节调休上班"})));
    assert!(
        days.iter()
            .any(|d| d["date"] == "2026-02-23" && d["kind"] == "holiday")
    );

    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("notice.txt");
    std::fs::write(
        &broken,
        "国务院办公厅关于2027年部分节假日安排的通知\n一、元旦:1月1日(周四)放假。",
    )
    .unwrap();
    let out = luoshi
        .run(&["calendar", "parse", broken.to_str().unwrap(), "--json"])
        .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("2027-01-01"),
        "a wrong weekday is named"
    );
}

async fn every_score_is_the_base_plus_its_items_each_naming_its_event_and_ranks_follow_scores() {
    let db = Scratch::new().await;
    luoshi(&db).demo().await;
    for scheme in ["lead_co", "items", "reports"] {
        let out = luoshi(&db)
            .run(&["assess", "--period", "2026", "--json", "--scheme", scheme])
            .await;
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let scores: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
        let base = if scheme == "items" { 0.0 } else { 100.0 };
        assert!(
            scores
                .iter()
                .any(|s| !s["items"].as_array().unwrap().is_empty()),
            "{scheme}"
        );
        for s in &scores {
            let items = s["items"].as_array().unwrap();
            let sum: f64 = items.iter().map(|i| i["points"].as_f64().unwrap()).sum();
            assert!(
                (s["score"].as_f64().unwrap() - (base + sum)).abs() < 1e-9,
                "{s:#}"
            );
            assert!(
                items
                    .iter()
                    .all(|i| i["event_id"].as_i64().is_some_and(|e| e > 0))
            );
            assert!(!s["unit"].as_str().unwrap().is_empty());
        }
        for a in &scores {
            for b in scores.iter().filter(|b| b["kind"] == a["kind"]) {
                let (sa, sb) = (a["score"].as_f64().unwrap(), b["score"].as_f64().unwrap());
                let (ra, rb) = (a["rank"].as_u64().unwrap(), b["rank"].as_u64().unwrap());
                assert_eq!(sa > sb, ra < rb, "{scheme}: {a} vs {b}");
            }
        }
    }
    let bad = luoshi(&db)
        .run(&["assess", "--period", "2026-Q5", "--json"])
        .await;
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("2026-Q5"));
}

async fn the_bulletin_of_a_quarter_is_an_official_document_with_its_tables() {
    let db = Scratch::new().await;
    luoshi(&db).demo().await;
    let out_file = db.dir().join("通报.docx");
    let out = luoshi(&db)
        .run(&[
            "bulletin",
            "--period",
            "2026-Q2",
            "--out",
            out_file.to_str().unwrap(),
            "--number",
            "云督通〔2026〕5号",
        ])
        .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&out_file).unwrap();
    let luoshi_office::read::Content::Document { paragraphs, tables } =
        luoshi_office::read::read("通报.docx", &bytes).unwrap()
    else {
        panic!("a document")
    };
    assert!(
        paragraphs
            .iter()
            .any(|p| p == "关于2026年第二季度督查督办工作情况的通报")
    );
    assert!(paragraphs.iter().any(|p| p == "云督通〔2026〕5号"));
    assert!(
        paragraphs
            .iter()
            .any(|p| p.starts_with("截至2026年6月30日"))
    );
    assert_eq!(
        tables[0].rows[0],
        ["序号", "单位", "在办", "红灯", "办结率"]
    );
    assert!(tables.len() >= 2, "the overdue matters are listed");
}

async fn tampering_with_an_audited_row_makes_audit_verify_fail_and_name_it() {
    let db = Scratch::new().await;
    luoshi(&db).demo().await;
    let ok = luoshi(&db).run(&["audit", "verify"]).await;
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    // Someone with the database in hand: the triggers go first.
    db.execute(if db.is_sqlite() {
        "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;"
    } else {
        "DROP TRIGGER events_no_update ON events;"
    })
    .await;
    db.execute("UPDATE events SET comment = '已按要求完成' WHERE id = 40")
        .await;
    let broken = luoshi(&db).run(&["audit", "verify"]).await;
    assert_eq!(broken.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&broken.stderr).contains("event 40"),
        "{}",
        String::from_utf8_lossy(&broken.stderr)
    );
}

/// SQLite only: the chain's head is kept in the data directory beside a database file, and a
/// PostgreSQL database has no data directory of its own to keep it in.
#[tokio::test]
async fn cutting_the_newest_events_off_a_database_file_makes_audit_verify_fail() {
    let db = Scratch::on(&Backend::Sqlite).await;
    luoshi(&db).demo().await;
    assert!(
        luoshi(&db).run(&["sweep"]).await.status.success(),
        "the sweep writes the head"
    );
    assert!(db.data().join("audit-head").exists());
    db.execute(
        "DROP TRIGGER events_no_delete; DROP TRIGGER audit_links_no_delete;
         DELETE FROM audit_links WHERE event_id > (SELECT max(id) - 3 FROM events);
         DELETE FROM events WHERE id > (SELECT max(id) - 3 FROM events);",
    )
    .await;
    let cut = luoshi(&db).run(&["audit", "verify"]).await;
    assert_eq!(
        cut.status.code(),
        Some(1),
        "the recorded head shows the cut"
    );
    assert!(String::from_utf8_lossy(&cut.stderr).contains("no longer holds"));
}

async fn admin_actions_join_the_audit_chain_which_can_switch_to_sha256_and_tampering_with_one_is_named()
 {
    let db = Scratch::new().await;
    luoshi(&db).demo().await;
    std::fs::create_dir_all(db.data()).unwrap();
    std::fs::write(
        db.data().join("luoshi.toml"),
        "[audit]\nhash = \"sha256\"\n",
    )
    .unwrap();
    let notice = Path::new(env!("CARGO_MANIFEST_DIR")).join("../domain/data/notice-2026.txt");
    let saved = luoshi(&db)
        .run(&["calendar", "import", notice.to_str().unwrap()])
        .await;
    assert!(
        saved.status.success(),
        "{}",
        String::from_utf8_lossy(&saved.stderr)
    );
    let newest = db
        .rows(
            "SELECT a.action, l.algo FROM audit_links l JOIN admin_actions a ON a.id = l.admin_id
             ORDER BY l.seq DESC LIMIT 1",
        )
        .await;
    assert_eq!(
        newest,
        [[
            Some("calendar.save".to_string()),
            Some("sha256".to_string())
        ]]
    );
    let sm3_links = db
        .rows("SELECT count(*) FROM audit_links WHERE algo = 'sm3'")
        .await;
    assert_ne!(
        sm3_links,
        [[Some("0".to_string())]],
        "the demo's events were linked with SM3 before the switch"
    );
    let ok = luoshi(&db).run(&["audit", "verify"]).await;
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );

    db.execute(if db.is_sqlite() {
        "DROP TRIGGER admin_actions_no_update;"
    } else {
        "DROP TRIGGER admin_actions_append_only ON admin_actions;"
    })
    .await;
    db.execute("UPDATE admin_actions SET detail = '0 days' WHERE action = 'calendar.save'")
        .await;
    let broken = luoshi(&db).run(&["audit", "verify"]).await;
    assert_eq!(broken.status.code(), Some(1));
    let said = String::from_utf8_lossy(&broken.stderr);
    assert!(said.contains("admin action 1"), "{said}");
}

/// A matter as a ledger lists it: number, title, state, deadline.
type LedgerLine = Vec<Option<String>>;

/// A generated database, and its matters as a ledger would list them.
async fn generated(seed: &str) -> (Scratch, Value, Vec<LedgerLine>) {
    let db = Scratch::new().await;
    let summary = luoshi(&db)
        .json(&["gen", "--scale", "city", "--matters", "800", "--seed", seed])
        .await;
    let rows = db
        .rows(
            "SELECT CAST(org_id AS TEXT) || '-' || CAST(year AS TEXT) || '-' || CAST(seq AS TEXT),
                    title, state, CAST(deadline AS TEXT)
             FROM matters ORDER BY id",
        )
        .await;
    (db, summary, rows)
}

async fn gen_makes_the_same_city_for_the_same_seed_and_another_for_another() {
    let (a, summary, first) = generated("7").await;
    let (_, _, again) = generated("7").await;
    let (_, _, other) = generated("8").await;
    assert!(first == again, "the same seed made different matters");
    assert!(first != other, "another seed made the same matters");
    assert!(summary["units"].as_u64().unwrap() >= 280, "{summary}");
    assert!(summary["users"].as_u64().unwrap() >= 2800, "{summary}");
    // The demo city's matters and the generated ones.
    assert!(first.len() >= 800, "{}", first.len());
    let states: std::collections::HashSet<&str> =
        first.iter().map(|r| r[2].as_deref().unwrap()).collect();
    for s in ["closed", "in_progress", "assigned", "completion_requested"] {
        assert!(states.contains(s), "no {s} matter among {states:?}");
    }
    // Its demo accounts sign in, and a second gen refuses to touch the data.
    let again = luoshi(&a).run(&["gen", "--scale", "city"]).await;
    assert_eq!(again.status.code(), Some(1));
    let verify = luoshi(&a).run(&["audit", "verify"]).await;
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
}

async fn a_workbook_that_unpacks_to_a_gigabyte_is_refused_at_once_with_a_message() {
    use std::io::Write;
    let db = Scratch::new().await;
    luoshi(&db).demo().await;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(
        "xl/sharedStrings.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    let zeros = vec![b'0'; 1 << 20];
    for _ in 0..1024 {
        zip.write_all(&zeros).unwrap();
    }
    let bomb = db.dir().join("任务.xlsx");
    std::fs::write(&bomb, zip.finish().unwrap().into_inner()).unwrap();
    let out = luoshi(&db)
        .run(&["import", bomb.to_str().unwrap(), "--dry-run", "--json"])
        .await;
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("文件解压后过大"), "{said}");
}

async fn a_table_is_named_by_its_title_row_and_says_what_it_cannot_assign_or_is_already_late() {
    let db = Scratch::new().await;
    luoshi(&db).demo().await;
    let table = db.dir().join("附件.csv");
    std::fs::write(
        &table,
        "附件1\n云州市2026年重点工作任务分解表\n序号,工作任务,牵头单位,配合单位,完成时限\n\
         1,推进老旧小区改造,市住建局,各县区政府,2026年9月底前\n\
         2,编制年度项目清单,市发改委,,2026年3月底前\n\
         3,建设智慧城市平台,市发改委,市财政局,年底前\n\
         4,建成城东污水处理厂,市住建局,市财政局,2026年10月底前\n\
         5,完善养老服务体系,市民政局,市卫健委,2026年11月底前\n",
    )
    .unwrap();
    let dry_run = ["import", table.to_str().unwrap(), "--dry-run", "--json"];
    let plan = luoshi(&db).json(&dry_run).await;
    assert_eq!(plan["origin"], "云州市2026年重点工作任务分解表");
    let renovation = row(&plan, "推进老旧小区改造");
    assert_eq!(names(&renovation["collective"]), ["各县区政府"]);
    assert!(
        names(&renovation["notes"])
            .iter()
            .any(|n| n.contains("“各县区政府”为统称")),
        "{renovation:#}"
    );
    let late = row(&plan, "编制年度项目清单");
    assert!(
        names(&late["notes"])
            .iter()
            .any(|n| n.contains("完成时限2026年3月31日已过")),
        "{late:#}"
    );
    assert!(
        names(&row(&plan, "建设智慧城市平台")["notes"])
            .iter()
            .all(|n| !n.contains("已过")),
        "a deadline still ahead is not flagged"
    );

    let out = luoshi(&db)
        .run(&["import", table.to_str().unwrap(), "--json"])
        .await;
    let done: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(done["created"].as_array().unwrap().len(), 5, "{done:#}");
    let again = luoshi(&db).json(&dry_run).await;
    let rows = again["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    assert!(
        rows.iter().all(|r| r["imported_before"] == true),
        "every row of the second import is known: {again:#}"
    );
}

async fn a_scan_an_empty_document_and_a_file_of_50_mb_are_refused_and_a_dry_run_writes_nothing() {
    use std::io::Write;
    let db = Scratch::new().await;
    luoshi(&db).demo().await;
    let refused = async |name: &str, bytes: &[u8]| {
        let file = db.dir().join(name);
        std::fs::write(&file, bytes).unwrap();
        let out = luoshi(&db)
            .run(&["import", file.to_str().unwrap(), "--dry-run", "--json"])
            .await;
        std::fs::remove_file(&file).unwrap();
        assert_eq!(out.status.code(), Some(1), "{name}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let scan = refused(
        "纪要.pdf",
        b"%PDF-1.4\n1 0 obj << /Subtype /Image >> stream\xff\xd8 endstream",
    )
    .await;
    assert!(scan.contains("没有找到文字"), "{scan}");
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(
        "word/document.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    zip.write_all(b"<w:document><w:body><w:p></w:p></w:body></w:document>")
        .unwrap();
    let empty = refused("空白.docx", &zip.finish().unwrap().into_inner()).await;
    assert!(empty.contains("没有找到文字"), "{empty}");
    let big = refused("纪要.docx", &vec![b'P'; 50 << 20]).await;
    assert!(big.contains("文件超过 20 MB"), "{big}");

    let minutes = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../office/tests/data/bench/m01_doumen_cwhy.txt");
    let dry_run = ["import", minutes.to_str().unwrap(), "--dry-run", "--json"];
    // The demo's write-ahead log is folded into the file first, which moves bytes but changes
    // nothing; a process that opens the database does the same, or not, as it happens to close.
    if db.is_sqlite() {
        let folded = db.rows("PRAGMA wal_checkpoint(TRUNCATE)").await;
        assert_eq!(folded[0][0].as_deref(), Some("0"), "the log was folded in");
    }
    let before = contents(&db).await;
    let plan = luoshi(&db).json(&dry_run).await;
    let rows = plan["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "{plan:#}");
    assert!(
        rows[2]["title"]
            .as_str()
            .unwrap()
            .starts_with("区交通运输局"),
        "simplified"
    );
    assert!(
        contents(&db).await == before,
        "a dry run leaves the database as it was"
    );
}

/// Everything the database holds: on SQLite the files of the data directory byte for byte, on
/// PostgreSQL every table's rows.
async fn contents(db: &Scratch) -> Vec<u8> {
    if db.is_sqlite() {
        return std::fs::read_dir(db.data())
            .unwrap()
            .flatten()
            // SQLite's shared-memory index (-shm) changes whenever the database is opened.
            .filter(|e| e.path().is_file() && !e.path().to_string_lossy().ends_with("-shm"))
            .flat_map(|e| std::fs::read(e.path()).unwrap())
            .collect();
    }
    let tables = db
        .rows(
            "SELECT table_name FROM information_schema.tables
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
        )
        .await;
    let mut all = Vec::new();
    for table in tables.into_iter().flatten().flatten() {
        let rows = db
            .rows(&format!(
                "SELECT string_agg(t::text, '|' ORDER BY t::text) FROM \"{table}\" t"
            ))
            .await;
        all.extend(format!("{table}: {rows:?}\n").into_bytes());
    }
    all
}
