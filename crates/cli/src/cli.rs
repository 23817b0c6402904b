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
    /// The database: sqlite://FILE (PostgreSQL URLs are reserved for the server backend).
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
