//! What each command does, in terms of the library crates.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use luoshi_domain::notice;
use luoshi_domain::{Calendar, Light, MatterState, Role, Source, UnitId, UnitKind, User};
use luoshi_office::ledger;
use luoshi_service::demo::{self, Built};
use luoshi_service::import::{ImportOptions, ImportPlan};
use luoshi_service::matters::ListQuery;
use luoshi_service::office::{PersonSpec, UnitSpec, split_names};
use luoshi_service::{Clock, FixedClock, Luoshi, SystemClock};
use luoshi_storage::Store;
use luoshi_storage::sqlite::SqliteStore;
use tokio::net::TcpListener;

use crate::cli::{
    Args, AssessArgs, AuditCommand, BulletinArgs, CalendarCommand, CalendarFileArgs,
    CalendarImportArgs, Command, ConfigCommand, DataArgs, ExportCommand, ImportArgs, LedgerArgs,
    OrgCommand, OrgImportArgs, UnitAddArgs, UnitCommand, UserAddArgs, UserCommand,
};
use crate::config::{Config, Overrides};

pub async fn run(args: Args) -> anyhow::Result<()> {
    let clock: Arc<dyn Clock> = match args.clock {
        Some(t) => Arc::new(FixedClock(t.to_utc())),
        None => Arc::new(SystemClock),
    };
    let file = args.config.as_deref();
    match args.command {
        Command::Demo(a) => {
            let config = load(file, &a.data, a.addr.clone(), "luoshi-demo")?;
            let luoshi = open(&config, clock).await?;
            match demo::build(&luoshi)
                .await
                .context("building the demo city")?
            {
                Built::AlreadyThere => println!(
                    "演示数据已存在,直接启动 (the demo database exists; serving it as it is)"
                ),
                Built::Created {
                    units,
                    users,
                    matters,
                } => println!(
                    "已创建演示城市:{units}个单位、{users}个账号、{matters}个督办事项 (demo city created); 密码 password: {}",
                    demo::DEMO_PASSWORD
                ),
            }
            serve(&config, luoshi).await
        }
        Command::Serve(a) => {
            let config = load(file, &a.data, a.addr.clone(), "luoshi-data")?;
            let luoshi = open(&config, clock).await?;
            serve(&config, luoshi).await
        }
        Command::Config(ConfigCommand::Default) => {
            print!("{}", toml_of(&Config::default())?);
            Ok(())
        }
        Command::Config(ConfigCommand::Show(d)) => {
            print!("{}", toml_of(&load(file, &d, None, "luoshi-data")?)?);
            Ok(())
        }
        Command::Gen(a) => {
            let config = load(file, &a.data, None, "luoshi-data")?;
            let luoshi = open(&config, clock).await?;
            generate(&luoshi, &a).await
        }
        Command::Sweep(d) => {
            let config = load(file, &d, None, "luoshi-data")?;
            let luoshi = open(&config, clock).await?;
            luoshi
                .check_channels()
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let summary = luoshi.sweep().await.map_err(|e| anyhow::anyhow!("{e}"))?;
            write_audit_head(&config, &luoshi).await;
            println!("{}", serde_json::to_string(&summary)?);
            Ok(())
        }
        Command::Calendar(CalendarCommand::Parse(a)) => calendar_parse(&a),
        Command::Calendar(CalendarCommand::Import(a)) => {
            let config = load(file, &a.data, None, "luoshi-data")?;
            let luoshi = open(&config, clock).await?;
            calendar_import(&luoshi, &a).await
        }
        Command::Assess(a) => {
            let config = load(file, &a.data, None, "luoshi-data")?;
            let luoshi = open(&config, clock).await?;
            assess(&luoshi, &a).await
        }
        Command::Bulletin(a) => {
            let config = load(file, &a.data, None, "luoshi-data")?;
            let luoshi = open(&config, clock).await?;
            bulletin(&luoshi, &a).await
        }
        Command::Backup(a) => {
            if a.out.exists() {
                bail!("{} already exists; name a new file", a.out.display());
            }
            let config = load(file, &a.data, None, "luoshi-data")?;
            let luoshi = open(&config, clock).await?;
            luoshi
                .backup(&a.out)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if is_postgres(&config.database_url()) {
                check_pg_dump(&a.out)?;
                println!(
                    "已用 pg_dump 备份到 {} (backup written by pg_dump; restore it with pg_restore)",
                    a.out.display()
                );
                return Ok(());
            }
            let (_, matters) = SqliteStore::verify_file(&a.out)?;
            println!(
                "已备份到 {}:{matters} 个督办事项 (backup written and checked)",
                a.out.display()
            );
            Ok(())
        }
        Command::Restore(a) => {
            let config = load(file, &a.data, None, "luoshi-data")?;
            restore(&config, &a.input, clock).await
        }
        Command::Audit(AuditCommand::Verify(d)) => {
            let config = load(file, &d, None, "luoshi-data")?;
            let luoshi = open(&config, clock).await?;
            audit_verify(&config, &luoshi).await
        }
        Command::Import(a) => {
            let config = load(file, &a.data, None, "luoshi-data")?;
            let luoshi = open(&config, clock).await?;
            import(&luoshi, &a).await
        }
        Command::Export(ExportCommand::Ledger(a)) => {
            let config = load(file, &a.data, None, "luoshi-data")?;
            let luoshi = open(&config, clock).await?;
            export_ledger(&luoshi, &a).await
        }
        Command::Unit(UnitCommand::Add(a)) => {
            let config = load(file, &a.data, None, "luoshi-data")?;
            let luoshi = open(&config, clock).await?;
            unit_add(&luoshi, a).await
        }
        Command::Org(OrgCommand::Import(a)) => {
            let config = load(file, &a.data, None, "luoshi-data")?;
            let luoshi = open(&config, clock).await?;
            org_import(&luoshi, a).await
        }
        Command::User(UserCommand::Add(a)) => {
            let config = load(file, &a.data, None, "luoshi-data")?;
            let luoshi = open(&config, clock).await?;
            user_add(&luoshi, a).await
        }
    }
}

/// Files larger than this are refused unread, as uploads are: a contact list or task table is
/// a few hundred kilobytes.
const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;

/// A file to import, read whole, unless it is larger than any list an office keeps.
fn read_input(path: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    let size = std::fs::metadata(path)
        .with_context(|| format!("reading {}", path.display()))?
        .len();
    if size > MAX_FILE_BYTES {
        bail!(
            "文件超过 20 MB,请拆分后再导入 ({} is over 20 MB)",
            path.display()
        );
    }
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

/// `luoshi org import`: a contact list shown row by row, then imported when nothing is wrong.
async fn org_import(luoshi: &Luoshi, a: OrgImportArgs) -> anyhow::Result<()> {
    let bytes = read_input(&a.file)?;
    let name = a
        .file
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let progress = Progress::start(a.json);
    let plan = luoshi
        .plan_org_import(&name, &bytes)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    progress.say(&format!(
        "已读取 {} 个单位、{} 名人员",
        plan.units.len(),
        plan.people.len()
    ));
    if a.dry_run || plan.problem_count() > 0 {
        if a.json {
            println!("{}", serde_json::to_string_pretty(&plan)?);
        } else {
            print_org_plan(&plan);
        }
        if plan.problem_count() > 0 && !a.dry_run {
            bail!(
                "通讯录有 {} 处问题,未导入任何内容 (the list has problems; nothing was imported)",
                plan.problem_count()
            );
        }
        return Ok(());
    }
    let outcome = luoshi
        .import_org(None, &plan)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    luoshi.refresh_statistics().await?;
    progress.done();
    let mut written = None;
    if !outcome.passwords.is_empty() {
        let out = a.passwords.clone().unwrap_or_else(|| {
            let stem = a
                .file
                .file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
            a.file.with_file_name(format!("{stem}-初始密码.xlsx"))
        });
        let rows: Vec<Vec<String>> = outcome.passwords.iter().map(|p| p.to_vec()).collect();
        let columns = [
            ("姓名", 10.0),
            ("单位", 30.0),
            ("用户名", 16.0),
            ("初始密码", 16.0),
        ];
        let book = ledger::table("初始密码", "初始密码(首次登录后须修改)", &columns, &rows)?;
        std::fs::write(&out, book).with_context(|| format!("writing {}", out.display()))?;
        written = Some(out);
    }
    if a.json {
        let json = serde_json::json!({
            "units_added": outcome.units_added, "people_added": outcome.people_added,
            "passwords": written.as_ref().map(|p| p.display().to_string()),
        });
        println!("{json}");
    } else {
        println!(
            "已导入 {} 个单位、{} 名人员 (imported {} units and {} people)",
            outcome.units_added, outcome.people_added, outcome.units_added, outcome.people_added
        );
        if let Some(out) = &written {
            println!(
                "初始密码已写入 {},请分发给本人,首次登录后须修改 (one-time passwords written there, once)",
                out.display()
            );
        }
    }
    Ok(())
}

/// A row's mark: ✗ with problems, = already there, + to be added.
fn mark(problems: &[String], existing: bool) -> &'static str {
    if !problems.is_empty() {
        "✗"
    } else if existing {
        "="
    } else {
        "+"
    }
}

/// The contact list as understood, for a person to read.
fn print_org_plan(plan: &luoshi_service::contacts::OrgPlan) {
    use std::fmt::Write as _;
    use std::io::Write as _;
    let mut out = String::new();
    for p in &plan.file_problems {
        let _ = writeln!(out, "问题:{p}");
    }
    for u in &plan.units {
        let mark = mark(&u.problems, u.existing);
        let _ = writeln!(
            out,
            "{mark} 单位 {} 上级:{} 类型:{} 简称:{} {}",
            u.name,
            if u.parent.is_empty() { "-" } else { &u.parent },
            u.kind.label(),
            u.short_names.join("、"),
            u.problems.join(";")
        );
    }
    for p in &plan.people {
        let mark = mark(&p.problems, p.existing);
        let _ = writeln!(
            out,
            "{mark} 人员 {} {} {} 用户名:{} {}",
            p.name,
            p.unit,
            p.role.label(),
            p.username,
            p.problems.join(";")
        );
    }
    let _ = std::io::stdout().write_all(out.as_bytes());
}

/// `luoshi unit add`: the operator of the machine adds a unit, as the administrator would.
async fn unit_add(luoshi: &Luoshi, a: UnitAddArgs) -> anyhow::Result<()> {
    let tree = luoshi.tree();
    let parent_id = match &a.parent {
        Some(code) => Some(unit_by_code(&tree, code)?),
        None => None,
    };
    let kind = a
        .kind
        .as_deref()
        .and_then(UnitKind::parse)
        .unwrap_or_else(|| UnitKind::from_name(&a.name));
    let short_names = a.short.as_deref().map(split_names).unwrap_or_default();
    let unit = luoshi
        .add_unit(
            None,
            UnitSpec {
                name: a.name,
                code: a.code,
                kind,
                parent_id,
                short_names,
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let json = serde_json::json!({
        "id": unit.id.0, "code": unit.code, "name": unit.name, "short_names": unit.short_names,
        "kind": unit.kind.as_str(), "parent_id": unit.parent_id.map(|p| p.0),
    });
    println!("{json}");
    Ok(())
}

/// `luoshi user add`: the operator of the machine adds a person; without a password given on
/// standard input, the one-time password made is printed this once.
async fn user_add(luoshi: &Luoshi, a: UserAddArgs) -> anyhow::Result<()> {
    let unit_id = unit_by_code(&luoshi.tree(), &a.unit)?;
    let password = if a.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        Some(line.trim_end_matches(['\r', '\n']).to_string())
    } else {
        None
    };
    let role = Role::parse(&a.role).context("unknown role")?;
    let (account, initial) = luoshi
        .add_person(
            None,
            PersonSpec {
                username: a.username,
                display_name: a.name.unwrap_or_default(),
                role,
                unit_id,
                email: a.email,
                phone: a.phone,
                password,
                in_charge_of: Vec::new(),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let u = &account.user;
    let mut json = serde_json::json!({"user": {
        "id": u.id.0, "username": u.username, "display_name": u.display_name,
        "role": u.role.as_str(), "unit_id": u.unit_id.0, "email": u.email, "phone": account.phone,
    }});
    if let Some(initial) = &initial {
        json["initial_password"] = initial.clone().into();
        eprintln!(
            "初始密码只显示这一次,请转交本人;首次登录后须修改 (the one-time password is shown once; it must be changed at the first sign-in)"
        );
    }
    println!("{json}");
    Ok(())
}

fn unit_by_code(tree: &luoshi_domain::OrgTree, code: &str) -> anyhow::Result<UnitId> {
    tree.units()
        .find(|u| u.code == code)
        .map(|u| u.id)
        .with_context(|| format!("no unit with the code {code:?} (luoshi unit add adds one)"))
}

/// The person a command acts as: the one named, else the first supervisor of the top
/// government.
async fn acting_user(luoshi: &Luoshi, username: Option<&str>) -> anyhow::Result<User> {
    let users = luoshi.users().await?;
    let tree = luoshi.tree();
    let found = match username {
        Some(name) => users.into_iter().find(|u| u.username == name),
        None => users.into_iter().find(|u| {
            u.role == Role::Supervisor
                && tree
                    .org_of(u.unit_id)
                    .and_then(|org| tree.get(org))
                    .is_some_and(|org| org.parent_id.is_none())
        }),
    };
    found.with_context(|| match username {
        Some(name) => format!("no account named {name:?}"),
        None => "no supervisor account to act as; name one with --user".to_string(),
    })
}

async fn import(luoshi: &Luoshi, a: &ImportArgs) -> anyhow::Result<()> {
    let bytes = read_input(&a.file)?;
    // Trying a file needs nobody to act as: before any account exists, its units are matched
    // in the whole tree (or reported, in an empty one).
    let user = match acting_user(luoshi, a.user.as_deref()).await {
        Ok(user) => Some(user),
        Err(_) if a.dry_run && a.user.is_none() => None,
        Err(e) => return Err(e),
    };
    let source = match a.source.as_deref() {
        Some(s) => Some(Source::parse(s).with_context(|| {
            format!(
                "unknown source {s:?}: use decision, work_report, meeting, special or instruction"
            )
        })?),
        None => None,
    };
    let options = ImportOptions {
        source,
        year: a.year,
        assign: a.assign,
        partial: a.partial,
    };
    let name = a
        .file
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let progress = Progress::start(a.json);
    let plan = luoshi
        .plan_import(user.as_ref(), &name, &bytes, &options)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    progress.say(&format!("已读取 {} 行", plan.rows.len()));
    if a.dry_run {
        if a.json {
            println!("{}", serde_json::to_string_pretty(&plan)?);
        } else {
            print_plan(&plan);
        }
        return Ok(());
    }
    let user = user.context("no supervisor account to act as; name one with --user")?;
    let outcome = luoshi
        .import(&user, &plan, &options)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    luoshi.refresh_statistics().await?;
    progress.done();
    if a.json {
        println!("{}", serde_json::to_string_pretty(&outcome)?);
    } else {
        println!(
            "已导入 {} 件,此前已导入而跳过 {} 件,有问题未导入 {} 件 (imported {}, already there {}, left out {})",
            outcome.created.len(),
            outcome.already,
            outcome.left_out,
            outcome.created.len(),
            outcome.already,
            outcome.left_out
        );
    }
    Ok(())
}

/// The plan for a person to read; written at once, so a reader that stops early (`| head`)
/// does not break the command.
fn print_plan(plan: &ImportPlan) {
    use std::fmt::Write as _;
    use std::io::Write as _;
    let mut out = String::new();
    for p in &plan.file_problems {
        let _ = writeln!(out, "问题:{p}");
    }
    let _ = writeln!(
        out,
        "{} 年,来源“{}”,出处“{}”,共 {} 行,其中有问题 {} 行",
        plan.year,
        plan.source.label(),
        plan.origin,
        plan.rows.len(),
        plan.problem_rows()
    );
    for r in &plan.rows {
        let mark = if !r.problems.is_empty() {
            "✗"
        } else if r.imported_before {
            "="
        } else {
            "✓"
        };
        let _ = writeln!(
            out,
            "{mark} 第{}行 {} | 牵头:{} | 配合:{} | 时限:{}",
            r.line,
            r.title,
            r.lead_units.join("、"),
            r.co_units.join("、"),
            r.deadline
                .map_or_else(|| r.deadline_text.clone(), |d| d.to_string())
        );
        for p in &r.problems {
            let _ = writeln!(out, "    问题:{p}");
        }
        for n in &r.notes {
            let _ = writeln!(out, "    提示:{n}");
        }
    }
    let _ = std::io::stdout().write_all(out.as_bytes());
}

/// Progress on stderr for long commands: a line rewritten in place on a terminal, plain lines
/// where stderr is a file or a pipe (a log, CI), nothing with `--json`.
struct Progress {
    json: bool,
    terminal: bool,
    started: std::time::Instant,
    /// The stage and tenth last written as a plain line.
    last: std::sync::Mutex<(String, usize)>,
}

impl Progress {
    fn new(json: bool) -> Progress {
        Progress {
            json,
            terminal: std::io::IsTerminal::is_terminal(&std::io::stderr()),
            started: std::time::Instant::now(),
            last: std::sync::Mutex::new((String::new(), usize::MAX)),
        }
    }

    fn start(json: bool) -> Progress {
        let p = Progress::new(json);
        p.say("正在读取文件…");
        p
    }

    fn say(&self, what: &str) {
        let secs = self.started.elapsed().as_secs_f64();
        if self.json {
        } else if self.terminal {
            eprint!("\r\x1b[2K{what} ({secs:.1}s)");
        } else {
            eprintln!("{what} ({secs:.1}s)");
        }
    }

    /// `done` of `of` of a stage: a bar on a terminal, else a line at every tenth.
    fn count(&self, what: &str, done: usize, of: usize) {
        use std::io::Write as _;
        let percent = (done * 100).checked_div(of).unwrap_or(100).min(100);
        if self.json {
        } else if self.terminal {
            let filled = percent / 5;
            eprint!(
                "\r[{}{}] {what}: {done}/{of} {percent}%   ",
                "#".repeat(filled),
                " ".repeat(20 - filled)
            );
            let _ = std::io::stderr().flush();
        } else {
            let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
            if last.0 != what || last.1 != percent / 10 {
                *last = (what.to_string(), percent / 10);
                eprintln!("{what}: {done}/{of} {percent}%");
            }
        }
    }

    fn done(&self) {
        let secs = self.started.elapsed().as_secs_f64();
        if self.json {
        } else if self.terminal {
            eprintln!("\r\x1b[2K完成 ({secs:.1}s)");
        } else {
            eprintln!("完成 ({secs:.1}s)");
        }
    }
}

async fn export_ledger(luoshi: &Luoshi, a: &LedgerArgs) -> anyhow::Result<()> {
    let user = acting_user(luoshi, a.user.as_deref()).await?;
    let parse =
        |what: &str, value: &Option<String>, parse: fn(&str) -> Option<_>| -> anyhow::Result<_> {
            value
                .as_deref()
                .map(|v| parse(v).with_context(|| format!("unknown {what} {v:?}")))
                .transpose()
        };
    let query = ListQuery {
        states: parse("state", &a.state, MatterState::parse_filter)?.unwrap_or_default(),
        light: a
            .light
            .as_deref()
            .map(|l| Light::parse(l).with_context(|| format!("unknown light {l:?}")))
            .transpose()?,
        source: a
            .source
            .as_deref()
            .map(|s| Source::parse(s).with_context(|| format!("unknown source {s:?}")))
            .transpose()?,
        unit_id: a.unit_id.map(UnitId),
        q: a.q.clone(),
        due_from: a.due_from,
        due_to: a.due_to,
        ..ListQuery::default()
    };
    let rows = luoshi
        .ledger(&user, &query)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let csv = a
        .out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let bytes = if csv {
        ledger::csv(&rows)?
    } else {
        ledger::write("督办事项台账", &rows)?
    };
    std::fs::write(&a.out, bytes).with_context(|| format!("writing {}", a.out.display()))?;
    println!(
        "已导出 {} 件到 {} (wrote {} matters)",
        rows.len(),
        a.out.display(),
        rows.len()
    );
    Ok(())
}

fn toml_of(config: &Config) -> anyhow::Result<String> {
    Ok(toml::to_string(config)?)
}

fn load(
    file: Option<&std::path::Path>,
    data: &DataArgs,
    addr: Option<String>,
    default_dir: &str,
) -> anyhow::Result<Config> {
    let defaults = Config {
        data: PathBuf::from(default_dir),
        ..Config::default()
    };
    let flags = Overrides {
        data: data.data.clone(),
        database_url: data.database_url.clone(),
        addr,
    };
    Config::load(defaults, file, flags)
}

async fn open(config: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<Luoshi> {
    let url = config.database_url();
    let store: Arc<dyn Store> = luoshi_storage::connect(&url)
        .await
        .with_context(|| format!("opening {}", without_password(&url)))?;
    let luoshi = Luoshi::new(store, clock, Calendar::official(), config.rules.clone())
        .await
        .context("opening the database")?;
    luoshi
        .choose_audit_hash(&config.audit.hash)
        .await
        .map_err(|e| anyhow::anyhow!("[audit] hash: {e}"))?;
    Ok(luoshi.with_channels(config.channels()))
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// A URL as it may be shown: without the password it may carry.
fn without_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => match url[scheme + 3..at].find(':') {
            Some(colon) => format!("{}:***{}", &url[..scheme + 3 + colon], &url[at..]),
            None => url.to_string(),
        },
        _ => url.to_string(),
    }
}

/// pg_dump's custom format starts with these bytes; anything else is not a dump it wrote.
fn check_pg_dump(path: &std::path::Path) -> anyhow::Result<()> {
    let mut magic = [0_u8; 5];
    std::io::Read::read_exact(&mut std::fs::File::open(path)?, &mut magic)
        .with_context(|| format!("reading {}", path.display()))?;
    if &magic != b"PGDMP" {
        bail!("{} is not a pg_dump archive", path.display());
    }
    Ok(())
}

async fn serve(config: &Config, luoshi: Luoshi) -> anyhow::Result<()> {
    luoshi
        .check_channels()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let listener = TcpListener::bind(&config.addr)
        .await
        .with_context(|| format!("listening on {}", config.addr))?;
    let addr = listener.local_addr()?;
    if config.scheduler.every_seconds > 0 {
        tokio::spawn(scheduler(
            config.clone(),
            luoshi.clone(),
            config.scheduler.every_seconds,
        ));
    }
    let scheme = match &config.tls {
        Some(files) => {
            files.check().context("[tls]")?;
            "https"
        }
        None => "http",
    };
    let options = luoshi_http::ServeOptions {
        limits: config.limits.clone(),
        tls: config.tls.clone(),
        behind_tls_proxy: config.behind_tls_proxy,
    };
    if let Some(steps) = luoshi.first_steps().await? {
        // Where this server keeps its data, so that the commands act on the same database.
        let place = match &config.database_url {
            Some(url) => format!(" --database-url {}", without_password(url)),
            None => format!(" --data {}", config.data.display()),
        };
        let commands: Vec<String> = steps
            .commands()
            .iter()
            .map(|c| format!("{c}{place}"))
            .collect();
        tracing::warn!(
            commands = commands.join(" ; "),
            "no administrator yet: nobody can sign in until one is made with these commands"
        );
        eprintln!(
            "尚无系统管理员,请在本机运行以下命令创建第一个管理员(初始密码只显示一次,首次登录须修改):"
        );
        for c in &commands {
            eprintln!("    {c}");
        }
    }
    // Deliveries stop being claimed the moment the signal comes; those under way are sent and
    // recorded once the requests in flight are answered, so that a restart sends none again.
    let stopping = luoshi.clone();
    let signal = shutdown_signal();
    let signal = async move {
        signal.await;
        stopping.stop_delivering();
    };
    println!("Luoshi 落实 正在服务 serving at {scheme}://{addr}");
    luoshi_http::serve_with(listener, luoshi.clone(), options, signal).await?;
    luoshi.finish_deliveries().await;
    tracing::info!("stopped");
    Ok(())
}

/// Sweeps every `every` seconds for as long as the server runs: lights, reminders, delivery.
async fn scheduler(config: Config, luoshi: Luoshi, every: u64) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(every));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tick.tick().await;
        if let Err(e) = luoshi.sweep().await {
            tracing::error!(error = %e, "sweep failed; trying again at the next tick");
        }
        write_audit_head(&config, &luoshi).await;
    }
}

/// Completes on Ctrl-C or SIGTERM, so requests in flight can finish. SIGTERM is listened for
/// from the call on: one that comes as soon as the address is announced stops the server as
/// gently as a later one.
fn shutdown_signal() -> impl Future<Output = ()> {
    #[cfg(unix)]
    let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate());
    async move {
        let ctrl_c = async {
            if let Err(e) = tokio::signal::ctrl_c().await {
                tracing::error!(error = %e, "cannot listen for Ctrl-C");
                std::future::pending::<()>().await;
            }
        };
        #[cfg(unix)]
        let term = async {
            match term {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(e) => {
                    tracing::error!(error = %e, "cannot listen for SIGTERM");
                    std::future::pending::<()>().await;
                }
            }
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        tokio::select! {
            () = ctrl_c => {},
            () = term => {},
        }
        tracing::info!("shutting down");
    }
}

fn calendar_parse(a: &CalendarFileArgs) -> anyhow::Result<()> {
    let bytes = std::fs::read(&a.file).with_context(|| format!("reading {}", a.file.display()))?;
    let text = luoshi_office::read::decode(&bytes);
    let days = notice::parse_notice(&text, a.year).map_err(|e| anyhow::anyhow!("{e}"))?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&days)?);
    } else {
        for d in &days {
            let kind = match d.kind {
                notice::NoticeKind::Holiday => "放假",
                notice::NoticeKind::Workday => "上班",
            };
            println!("{} {kind} {}", d.date, d.name);
        }
    }
    Ok(())
}

async fn calendar_import(luoshi: &Luoshi, a: &CalendarImportArgs) -> anyhow::Result<()> {
    let bytes = std::fs::read(&a.file).with_context(|| format!("reading {}", a.file.display()))?;
    let text = luoshi_office::read::decode(&bytes);
    let days = luoshi
        .import_calendar_file(&text, a.year)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("已导入 {days} 天的安排 (calendar days saved: {days})");
    Ok(())
}

async fn assess(luoshi: &Luoshi, a: &AssessArgs) -> anyhow::Result<()> {
    let period: luoshi_domain::assess::Period =
        a.period.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    let user = acting_user(luoshi, a.user.as_deref()).await?;
    let result = luoshi
        .assess(&user, period, a.scheme.as_deref())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let tree = luoshi.tree();
    let name = |u| tree.get(u).map_or(String::new(), |u| u.name.clone());
    if a.json {
        let rows = result.rows(&tree);
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        println!(
            "{} 考核(方案 {},基础分 {})",
            result.period, result.scheme, result.base
        );
        for s in &result.scores {
            println!(
                "{:>3}  {:<8} {:>7.2}  {}",
                s.rank,
                s.kind.as_str(),
                s.score,
                name(s.unit_id)
            );
        }
    }
    Ok(())
}

async fn bulletin(luoshi: &Luoshi, a: &BulletinArgs) -> anyhow::Result<()> {
    let period: luoshi_domain::assess::Period =
        a.period.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    let user = acting_user(luoshi, a.user.as_deref()).await?;
    let doc = luoshi
        .bulletin(&user, period, a.number.clone())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let bytes = luoshi_office::docx::write(&doc)?;
    std::fs::write(&a.out, bytes).with_context(|| format!("writing {}", a.out.display()))?;
    println!("已生成通报 {} (wrote {})", doc.title, a.out.display());
    Ok(())
}

/// Restores into an empty data directory only: the backup is checked, copied under a temporary
/// name and renamed into place, then opened (and brought to this build's schema).
async fn restore(
    config: &Config,
    input: &std::path::Path,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<()> {
    if config.database_url.is_some() {
        bail!(
            "restore works on a data directory (--data DIR), not a database URL; a PostgreSQL database is restored from its pg_dump archive with pg_restore"
        );
    }
    let (_, matters) = SqliteStore::verify_file(input)?;
    let target = config.data.join("luoshi.db");
    if target.exists() {
        bail!(
            "{} already holds a database; restore into an empty data directory",
            config.data.display()
        );
    }
    std::fs::create_dir_all(&config.data)
        .with_context(|| format!("creating {}", config.data.display()))?;
    let partial = config.data.join("luoshi.db.restoring");
    std::fs::copy(input, &partial).with_context(|| format!("copying {}", input.display()))?;
    std::fs::File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, &target)?;
    let luoshi = open(config, clock).await?;
    let users = luoshi
        .users()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .len();
    println!(
        "已恢复到 {}:{matters} 个督办事项、{users} 个账号 (restored and checked)",
        config.data.display()
    );
    Ok(())
}

/// Where the chain's last link is kept, outside the database, so that cutting off the newest
/// events shows: `audit-head` in the data directory.
fn audit_head_file(config: &Config) -> Option<PathBuf> {
    config
        .database_url
        .is_none()
        .then(|| config.data.join("audit-head"))
}

async fn write_audit_head(config: &Config, luoshi: &Luoshi) {
    let Some(path) = audit_head_file(config) else {
        return;
    };
    match luoshi.audit_head().await {
        Ok(Some((id, hash))) => {
            let partial = path.with_extension("writing");
            let written = std::fs::write(&partial, format!("{id} {hash}\n"))
                .and_then(|()| std::fs::rename(&partial, &path));
            if let Err(e) = written {
                tracing::warn!(error = %e, "the audit head could not be written");
            }
        }
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "the audit head could not be read"),
    }
}

async fn audit_verify(config: &Config, luoshi: &Luoshi) -> anyhow::Result<()> {
    match luoshi
        .audit_verify()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
    {
        Err((row, why)) => bail!("the audit chain is broken at {row}: {why}"),
        Ok(links) => {
            if let Some(path) = audit_head_file(config).filter(|p| p.exists()) {
                let recorded = std::fs::read_to_string(&path)?;
                let (id, hash) = recorded
                    .trim()
                    .split_once(' ')
                    .with_context(|| format!("{} is not an audit head", path.display()))?;
                let id: i64 = id.parse().context("the audit head's place")?;
                if !luoshi
                    .audit_holds(id, hash)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?
                {
                    bail!(
                        "the audit chain no longer holds link {id}, recorded as its head: it was cut or rewritten"
                    );
                }
            }
            println!("审计链完整:{links} 条记录 (the audit chain holds: {links} links)");
            Ok(())
        }
    }
}

/// Fills an empty database, showing on stderr how far it has got.
async fn generate(luoshi: &Luoshi, a: &crate::cli::GenArgs) -> anyhow::Result<()> {
    let scale = luoshi_service::generate::Scale::parse(&a.scale).context("--scale")?;
    let started = std::time::Instant::now();
    let progress = Progress::new(false);
    let mut show = |what: &str, done: usize, of: usize| progress.count(what, done, of);
    let made = luoshi_service::generate::generate(luoshi, scale, a.seed, a.matters, &mut show)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    progress.done();
    let mut summary = serde_json::to_value(&made)?;
    summary["seconds"] = serde_json::json!(started.elapsed().as_secs_f64());
    println!("{summary}");
    Ok(())
}
