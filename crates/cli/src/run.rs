//! What each command does, in terms of the library crates.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use luoshi_domain::Calendar;
use luoshi_service::demo::{self, Built};
use luoshi_service::{Clock, FixedClock, Luoshi, SystemClock};
use luoshi_storage::Store;
use luoshi_storage::sqlite::SqliteStore;
use tokio::net::TcpListener;

use crate::cli::{Args, Command, ConfigCommand, DataArgs};
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
    }
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
    let store: Arc<dyn Store> = if url.starts_with("sqlite:") {
        Arc::new(
            SqliteStore::connect(&url)
                .await
                .with_context(|| format!("opening {url}"))?,
        )
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        bail!(
            "this build of luoshi stores data in SQLite only; use --data DIR or --database-url sqlite://FILE"
        );
    } else {
        bail!("unsupported database URL {url:?}: expected sqlite://FILE");
    };
    Luoshi::new(store, clock, Calendar::official(), config.rules.clone())
        .await
        .context("opening the database")
}

async fn serve(config: &Config, luoshi: Luoshi) -> anyhow::Result<()> {
    let listener = TcpListener::bind(&config.addr)
        .await
        .with_context(|| format!("listening on {}", config.addr))?;
    let addr = listener.local_addr()?;
    println!("Luoshi 落实 正在服务 serving at http://{addr}");
    luoshi_http::serve(listener, luoshi, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM, so requests in flight can finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
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
