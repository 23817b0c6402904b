use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};
use clap::{Args as ClapArgs, Parser, Subcommand};

/// Luoshi 落实 — 督查督办: every matter assigned, chased, answered, checked and reported.
#[derive(Debug, Parser)]
#[command(name = "luoshi", version, about)]
pub struct Args {
    /// Settings file (default: DIR/luoshi.toml).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Fix "now" for the whole process (RFC 3339, e.g. 2026-06-30T09:00:00+08:00).
    #[arg(long, global = true, value_name = "T", value_parser = parse_clock)]
    pub clock: Option<DateTime<FixedOffset>>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the demo city in DIR if it holds no database yet, then serve it.
    Demo(ServeArgs),
    /// Serve an existing or new database.
    Serve(ServeArgs),
    /// Settings.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// One pass of lights, reminders and escalations, then delivery of what is due; prints a
    /// JSON summary.
    Sweep(DataArgs),
    /// The working-day calendar.
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Scores for a period (2026, 2026-Q2, 2026-06), ranked within each kind of unit.
    Assess(AssessArgs),
    /// The bulletin (通报) of a period as an official .docx.
    Bulletin(BulletinArgs),
    /// A consistent copy of the database, taken while it serves.
    Backup(BackupArgs),
    /// Restore a backup into an empty data directory, checking it first.
    Restore(RestoreArgs),
    /// The audit chain over the timeline.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Import a task table (.xlsx, .xls, .csv) or document (.docx, .txt) as matters.
    Import(ImportArgs),
    /// Write out what Luoshi holds.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Fill an empty database with synthetic but realistic data, the demo accounts included.
    Gen(GenArgs),
    /// The office's units (单位).
    #[command(subcommand)]
    Unit(UnitCommand),
    /// The office's contact list (通讯录) of units and people.
    #[command(subcommand)]
    Org(OrgCommand),
    /// The office's people (人员).
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Import a contact list (.xlsx, .xls or .csv): units, their parents and short names, and
    /// people with their roles, phones and e-mail. Rows with problems stop the import; the same
    /// list imported again adds nothing twice. The people added get one-time passwords, written
    /// once to a workbook for the office to hand out.
    Import(OrgImportArgs),
}

#[derive(Debug, Clone, ClapArgs)]
pub struct OrgImportArgs {
    /// The contact list.
    pub file: PathBuf,
    /// Show what would be imported and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
    /// Where to write the one-time passwords of the people added (default: beside the list,
    /// named …-初始密码.xlsx).
    #[arg(long, value_name = "FILE.xlsx")]
    pub passwords: Option<PathBuf>,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Subcommand)]
pub enum UnitCommand {
    /// Add a unit; the first one of an empty database is the root. Prints it as JSON.
    Add(UnitAddArgs),
}

#[derive(Debug, Clone, ClapArgs)]
pub struct UnitAddArgs {
    /// The full name, e.g. 云州市发展和改革委员会.
    pub name: String,
    /// A short code of letters, digits, - and _, unique in the office, e.g. fgw.
    #[arg(long)]
    pub code: String,
    /// government, department, township, street, office or other; by default told from the
    /// name (…人民政府, …镇, …街道办事处, …办公室), else department.
    #[arg(long, value_parser = ["government", "department", "township", "street", "office", "other"])]
    pub kind: Option<String>,
    /// The code of the unit above it.
    #[arg(long, value_name = "CODE")]
    pub parent: Option<String>,
    /// Short names people write, separated by commas: 市发改委,市发展改革委.
    #[arg(long, value_name = "简称,…")]
    pub short: Option<String>,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a person. Without --password-stdin a one-time password is made, printed once, and
    /// must be changed at the first sign-in. Prints the account as JSON.
    Add(UserAddArgs),
}

#[derive(Debug, Clone, ClapArgs)]
pub struct UserAddArgs {
    /// The name to sign in with: letters, digits, ., _ and -.
    pub username: String,
    #[arg(long, value_parser = ["admin", "supervisor", "leader", "liaison"])]
    pub role: String,
    /// The code of the person's unit.
    #[arg(long, value_name = "CODE")]
    pub unit: String,
    /// The person's name as shown (姓名); the username if not given.
    #[arg(long, value_name = "姓名")]
    pub name: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    /// Mobile phone number, for text messages.
    #[arg(long)]
    pub phone: Option<String>,
    /// Read the password from standard input instead of making a one-time one.
    #[arg(long)]
    pub password_stdin: bool,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Clone, ClapArgs)]
pub struct GenArgs {
    /// `city` (≈ 300 units, 30,000 matters) or `province` (≈ 3,000 units, 300,000 matters).
    #[arg(long, value_parser = ["city", "province"])]
    pub scale: String,
    #[command(flatten)]
    pub data: DataArgs,
    /// The same seed makes the same data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// How many matters, instead of the scale's own number (for trial runs).
    #[arg(long, value_name = "N")]
    pub matters: Option<usize>,
}

#[derive(Debug, Clone, ClapArgs)]
pub struct ImportArgs {
    /// The file to import.
    pub file: PathBuf,
    #[command(flatten)]
    pub data: DataArgs,
    /// Show what would be imported and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
    /// Where the tasks come from: decision, work_report, meeting, special or instruction
    /// (default: guessed from the file).
    #[arg(long, value_name = "SOURCE")]
    pub source: Option<String>,
    /// The year of the document, for deadlines written without one (default: found in it).
    #[arg(long)]
    pub year: Option<i32>,
    /// Assign (交办) the matters at once instead of leaving them as drafts.
    #[arg(long)]
    pub assign: bool,
    /// Import the rows without problems even if others have some.
    #[arg(long)]
    pub partial: bool,
    /// The supervisor importing (default: the first supervisor of the top government).
    #[arg(long, value_name = "USERNAME")]
    pub user: Option<String>,
}

#[derive(Debug, Clone, ClapArgs)]
pub struct AssessArgs {
    /// 2026, 2026-Q2 or 2026-06.
    #[arg(long)]
    pub period: String,
    #[command(flatten)]
    pub data: DataArgs,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// A preset (reports, items, lead_co) or a custom scheme's name (default: the configured one).
    #[arg(long)]
    pub scheme: Option<String>,
    /// Whose view (default: the first supervisor of the top government).
    #[arg(long, value_name = "USERNAME")]
    pub user: Option<String>,
}

#[derive(Debug, Clone, ClapArgs)]
pub struct BulletinArgs {
    /// 2026, 2026-Q2 or 2026-06.
    #[arg(long)]
    pub period: String,
    #[command(flatten)]
    pub data: DataArgs,
    /// Where to write the .docx.
    #[arg(long, value_name = "FILE.docx")]
    pub out: PathBuf,
    /// The bulletin's 文号, e.g. 云督通〔2026〕5号.
    #[arg(long)]
    pub number: Option<String>,
    /// Who issues it (default: the first supervisor of the top government).
    #[arg(long, value_name = "USERNAME")]
    pub user: Option<String>,
}

#[derive(Debug, Clone, ClapArgs)]
pub struct BackupArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The backup file to write (it must not exist).
    pub out: PathBuf,
}

#[derive(Debug, Clone, ClapArgs)]
pub struct RestoreArgs {
    /// The backup file.
    pub input: PathBuf,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Exit 0 when every link holds; otherwise exit 1 naming the first broken entry.
    Verify(DataArgs),
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Read a State Council holiday notice and print its days.
    Parse(CalendarFileArgs),
    /// Read a notice (or a CSV of date,kind,name) and add its days to the calendar.
    Import(CalendarImportArgs),
}

#[derive(Debug, Clone, ClapArgs)]
pub struct CalendarFileArgs {
    pub file: PathBuf,
    /// Print JSON: [{"date","kind","name"}].
    #[arg(long)]
    pub json: bool,
    /// The year, when the notice does not say it.
    #[arg(long)]
    pub year: Option<i32>,
}

#[derive(Debug, Clone, ClapArgs)]
pub struct CalendarImportArgs {
    pub file: PathBuf,
    #[command(flatten)]
    pub data: DataArgs,
    #[arg(long)]
    pub year: Option<i32>,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The ledger (台账) as .xlsx (or .csv, by the file's extension), in the import's columns.
    Ledger(LedgerArgs),
}

#[derive(Debug, Clone, ClapArgs)]
pub struct LedgerArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Where to write it.
    #[arg(long, value_name = "FILE.xlsx")]
    pub out: PathBuf,
    /// Only matters in this state (or `counted`: all but drafts and cancelled).
    #[arg(long)]
    pub state: Option<String>,
    /// Only matters with this light: green, yellow or red.
    #[arg(long)]
    pub light: Option<String>,
    /// Only matters from this source.
    #[arg(long)]
    pub source: Option<String>,
    /// Only matters this unit carries.
    #[arg(long, value_name = "ID")]
    pub unit_id: Option<i64>,
    /// Words in the title or content, or a number such as 督〔2026〕15号.
    #[arg(long)]
    pub q: Option<String>,
    /// Deadlines on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub due_from: Option<chrono::NaiveDate>,
    /// Deadlines on or before this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub due_to: Option<chrono::NaiveDate>,
    /// Whose view to export (default: the first supervisor of the top government).
    #[arg(long, value_name = "USERNAME")]
    pub user: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the default settings as a luoshi.toml to start from.
    Default,
    /// Print the settings in force after luoshi.toml, LUOSHI_ variables and flags.
    Show(DataArgs),
}

#[derive(Debug, Clone, ClapArgs)]
pub struct DataArgs {
    /// The data directory (holds luoshi.db and luoshi.toml).
    #[arg(long, value_name = "DIR", conflicts_with = "database_url")]
    pub data: Option<PathBuf>,
    /// The database: sqlite://FILE or postgres://USER@HOST:PORT/DB (also LUOSHI_DATABASE_URL).
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

#[derive(Debug, Clone, ClapArgs)]
pub struct ServeArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Address to listen on.
    #[arg(long, value_name = "HOST:PORT")]
    pub addr: Option<String>,
}

fn parse_clock(s: &str) -> Result<DateTime<FixedOffset>, String> {
    DateTime::parse_from_rfc3339(s)
        .map_err(|e| format!("not an RFC 3339 time ({e}); for example 2026-06-30T09:00:00+08:00"))
}
