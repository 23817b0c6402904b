//! `luoshi org import`: an office's contact list (通讯录) becomes its units and people.

use luoshi_testkit::Scratch;
use luoshi_testkit::cli::Cli;
use serde_json::Value;

luoshi_testkit::on_both_backends!(
    a_contact_list_builds_an_office_from_an_empty_directory_and_a_second_import_adds_nothing,
    a_contact_list_with_problems_says_so_on_each_row_and_writes_nothing,
);

fn luoshi(db: &Scratch) -> Cli {
    Cli::on(env!("CARGO_BIN_EXE_luoshi"), db)
}

/// A city's list as offices keep it, in GBK as Excel on a Chinese Windows saves CSV: the city
/// government, its office, 28 departments, 2 counties with 3 departments and a town each —
/// 40 units — and two people for each.
fn city_list() -> Vec<u8> {
    let mut rows = vec!["单位名称,上级单位,简称,姓名,职务,手机号码,邮箱".to_string()];
    let mut unit = |name: &str, parent: &str, short: &str| {
        let n = rows.len();
        rows.push(format!(
            "{name},{parent},{short},联络员甲{n},科长,1390000{n:04},"
        ));
        rows.push(format!(
            "{name},{parent},{short},联络员乙{n},科员,,p{n}@yz.gov.cn"
        ));
    };
    unit("云州市人民政府", "", "市政府");
    unit("云州市人民政府办公室", "云州市人民政府", "市政府办");
    for i in 1..=28 {
        unit(
            &format!("云州市第{i}局"),
            "云州市人民政府",
            &format!("市{i}局"),
        );
    }
    for county in ["青山县", "白水县"] {
        let gov = format!("{county}人民政府");
        unit(&gov, "云州市人民政府", county);
        for d in ["财政局", "教育局", "交通运输局"] {
            unit(
                &format!("{county}{d}"),
                &gov,
                &format!("{}{d}", &county[..3]),
            );
        }
        unit(&format!("{county}城关镇人民政府"), &gov, "");
    }
    encoding_rs::GBK
        .encode(&(rows.join("\n") + "\n"))
        .0
        .into_owned()
}

async fn a_contact_list_builds_an_office_from_an_empty_directory_and_a_second_import_adds_nothing()
{
    let db = Scratch::new().await;
    let list = db.dir().join("通讯录.csv");
    std::fs::write(&list, city_list()).unwrap();
    let list = list.to_str().unwrap();

    let plan = luoshi(&db)
        .json(&["org", "import", list, "--dry-run", "--json"])
        .await;
    let units = plan["units"].as_array().unwrap();
    let people = plan["people"].as_array().unwrap();
    assert_eq!((units.len(), people.len()), (40, 80));
    assert!(
        units
            .iter()
            .chain(people)
            .all(|r| r["problems"].as_array().unwrap().is_empty()),
        "{plan}"
    );
    let town = units
        .iter()
        .find(|u| u["name"] == "青山县城关镇人民政府")
        .unwrap();
    assert_eq!(
        (town["kind"].as_str(), town["parent"].as_str()),
        (Some("township"), Some("青山县人民政府"))
    );
    let first = &people[0];
    assert_eq!(
        (
            first["name"].as_str(),
            first["role"].as_str(),
            first["username"].as_str()
        ),
        (Some("联络员甲1"), Some("liaison"), Some("13900000001")),
        "a mobile number is the username when the list gives none"
    );
    assert_eq!(
        people[1]["username"], "lianluoyuanyi1",
        "else the name's pinyin"
    );

    let passwords = db.dir().join("密码.xlsx");
    let done = luoshi(&db)
        .json(&[
            "org",
            "import",
            list,
            "--json",
            "--passwords",
            passwords.to_str().unwrap(),
        ])
        .await;
    assert_eq!(
        (done["units_added"].as_u64(), done["people_added"].as_u64()),
        (Some(40), Some(80))
    );
    let luoshi_office::read::Content::Sheets(grids) =
        luoshi_office::read::read("密码.xlsx", &std::fs::read(&passwords).unwrap()).unwrap()
    else {
        panic!("a workbook")
    };
    let rows = &grids[0].rows;
    assert_eq!(rows[1], ["姓名", "单位", "用户名", "初始密码"]);
    assert_eq!(rows.len(), 2 + 80);
    assert_eq!(rows[2][2], "13900000001");
    assert_eq!(rows[2][3].len(), 12);

    let again = luoshi(&db)
        .json(&["org", "import", list, "--dry-run", "--json"])
        .await;
    assert!(
        again["units"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["existing"] == true),
        "{again}"
    );
    assert!(
        again["people"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["existing"] == true),
        "{again}"
    );
    let twice = luoshi(&db).json(&["org", "import", list, "--json"]).await;
    assert_eq!(
        (
            twice["units_added"].as_u64(),
            twice["people_added"].as_u64()
        ),
        (Some(0), Some(0))
    );

    // A task table now finds the units by the short names the list gave them.
    let table = db.dir().join("任务.csv");
    std::fs::write(&table, "序号,工作任务,牵头单位\n1,推进项目建设,市3局\n").unwrap();
    let plan = luoshi(&db)
        .json(&["import", table.to_str().unwrap(), "--dry-run", "--json"])
        .await;
    assert_eq!(
        plan["rows"][0]["unit_ids"].as_array().unwrap().len(),
        1,
        "{plan}"
    );
}

async fn a_contact_list_with_problems_says_so_on_each_row_and_writes_nothing() {
    let db = Scratch::new().await;
    let list = db.dir().join("有问题.csv");
    std::fs::write(
        &list,
        "单位名称,上级单位,姓名,用户名,角色,手机号码\n\
         云州市人民政府,,李明,liming,领导,\n\
         云州市财政局,云州市人民政府,王丽,wangli,联络员,\n\
         云州市财政局,青山县人民政府,赵强,zhaoq,联络员,\n\
         市不存在局,不存在的上级,钱多,qianduo,,\n\
         云州市人民政府,,孙甲,wangli,联络员,\n\
         云州市人民政府,,周乙,zhouyi,局长,\n\
         云州市人民政府,,吴丙,wubing,,打电话\n",
    )
    .unwrap();
    let list = list.to_str().unwrap();
    let out = luoshi(&db).run(&["org", "import", list, "--json"]).await;
    assert_eq!(out.status.code(), Some(1), "problems stop the import");
    assert!(String::from_utf8_lossy(&out.stderr).contains("未导入任何内容"));
    let plan: Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems = |v: &Value| -> String {
        v["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect::<Vec<_>>()
            .join(";")
    };
    let unit = |name: &str| {
        plan["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["name"] == name)
            .unwrap()
            .clone()
    };
    let person = |name: &str| {
        plan["people"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap()
            .clone()
    };
    assert!(
        problems(&unit("云州市财政局"))
            .contains("第4行写上级单位为“青山县人民政府”,与第3行的“云州市人民政府”不同"),
        "{plan}"
    );
    assert!(
        problems(&unit("市不存在局")).contains("上级单位“不存在的上级”既不在通讯录中,也不在系统中")
    );
    assert!(problems(&person("孙甲")).contains("用户名 wangli 与第3行重复"));
    assert!(problems(&person("周乙")).contains("角色“局长”无法识别"));
    assert!(problems(&person("吴丙")).contains("手机号码“打电话”格式不正确"));
    assert!(problems(&person("王丽")).is_empty());
    let after = luoshi(&db)
        .json(&["import", list, "--dry-run", "--json"])
        .await;
    assert!(
        after["rows"]
            .as_array()
            .is_none_or(|rows| rows.iter().all(|r| r["unit_ids"] == serde_json::json!([]))),
        "no unit was written"
    );

    // A person whose unit is nowhere, an empty sheet, a file too large to be a list.
    let nowhere = db.dir().join("人员.csv");
    std::fs::write(&nowhere, "姓名,所属单位\n李四,市无此局\n").unwrap();
    let plan = luoshi(&db)
        .json(&[
            "org",
            "import",
            nowhere.to_str().unwrap(),
            "--dry-run",
            "--json",
        ])
        .await;
    assert!(
        problems(&plan["people"][0]).contains("单位“市无此局”不存在"),
        "{plan}"
    );
    let empty = db.dir().join("空.csv");
    std::fs::write(&empty, "单位名称,姓名\n").unwrap();
    let plan = luoshi(&db)
        .json(&[
            "org",
            "import",
            empty.to_str().unwrap(),
            "--dry-run",
            "--json",
        ])
        .await;
    assert_eq!(plan["file_problems"][0], "通讯录中没有单位或人员");
    let huge = db.dir().join("大.csv");
    std::fs::write(&huge, vec![b'a'; 50 * 1024 * 1024]).unwrap();
    let out = luoshi(&db)
        .run(&["org", "import", huge.to_str().unwrap(), "--dry-run"])
        .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("文件超过 20 MB"));
}
