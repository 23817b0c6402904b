//! The `luoshi` binary run as a person runs it, on a test's database.

use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Output, Stdio};

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Child;

use crate::Scratch;

/// How to run the binary: which one, on which data directory and database, at which moment.
#[derive(Clone)]
pub struct Cli {
    bin: PathBuf,
    data: Option<PathBuf>,
    database_url: Option<String>,
    clock: Option<String>,
    config: Option<PathBuf>,
}

impl Cli {
    /// The binary at `bin` (the test's `env!("CARGO_BIN_EXE_luoshi")`) with nothing else given:
    /// for commands that need no database, or tests that name their own.
    pub fn bare(bin: &str) -> Cli {
        Cli {
            bin: bin.into(),
            data: None,
            database_url: None,
            clock: None,
            config: None,
        }
    }

    /// The binary on `db`: its data directory always, for the settings file and whatever else
    /// Luoshi keeps there, and its PostgreSQL database when it has one. The database goes by
    /// `LUOSHI_DATABASE_URL` because `--database-url` may not be given with `--data`.
    pub fn on(bin: &str, db: &Scratch) -> Cli {
        Cli {
            data: Some(db.data()),
            database_url: (!db.is_sqlite()).then(|| db.url()),
            ..Cli::bare(bin)
        }
    }

    /// "Now" fixed for every command (RFC 3339).
    pub fn clock(self, at: &str) -> Cli {
        Cli {
            clock: Some(at.into()),
            ..self
        }
    }

    /// A settings file other than the data directory's `luoshi.toml`.
    pub fn config(self, file: &Path) -> Cli {
        Cli {
            config: Some(file.into()),
            ..self
        }
    }

    /// `luoshi ARGS` on this place and clock, for the caller to add to and start.
    pub fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(&self.bin);
        cmd.args(args).env_remove("RUST_LOG").kill_on_drop(true);
        if let Some(data) = &self.data {
            cmd.arg("--data").arg(data);
        }
        if let Some(url) = &self.database_url {
            cmd.env("LUOSHI_DATABASE_URL", url);
        }
        if let Some(clock) = &self.clock {
            cmd.args(["--clock", clock]);
        }
        if let Some(config) = &self.config {
            cmd.arg("--config").arg(config);
        }
        cmd
    }

    /// Runs `luoshi ARGS` to its end.
    pub async fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().await.unwrap()
    }

    /// Runs `luoshi ARGS`, which must succeed, and reads what it printed as JSON.
    pub async fn json(&self, args: &[&str]) -> Value {
        json_of(&self.run(args).await)
    }

    /// Starts `luoshi ARGS` (`serve` or `demo`) and waits for the line announcing its address.
    pub async fn start(&self, args: &[&str]) -> Server {
        start(self.command(args)).await
    }

    /// A `demo` on this place, built and stopped: the demo city's data, left as it is. Its
    /// scheduler is off, so that no sweep has reminded anyone before the test means to.
    pub async fn demo(&self) {
        let mut demo = self.command(&["demo", "--addr", "127.0.0.1:0"]);
        demo.env("LUOSHI_SCHEDULER__EVERY_SECONDS", "0");
        start(demo).await.stop().await;
    }
}

async fn start(mut command: tokio::process::Command) -> Server {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (url, said) = announced(&mut child).await;
    Server { child, url, said }
}

/// What a command printed, as JSON; it must have succeeded.
pub fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A serving process, killed if the test ends first.
pub struct Server {
    pub child: Child,
    /// `http://HOST:PORT` (or `https://`), as it announced it.
    pub url: String,
    /// The lines it printed before the address.
    pub said: Vec<String>,
}

impl Server {
    /// The API's root, `URL/api/v1`.
    pub fn api(&self) -> String {
        format!("{}/api/v1", self.url)
    }

    /// Stops it as a service manager does, with SIGTERM, and waits for it to end.
    pub async fn stop(mut self) -> ExitStatus {
        let pid = self.child.id().unwrap().to_string();
        let killed = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap();
        assert!(killed.success());
        self.child.wait().await.unwrap()
    }
}

/// Reads a starting process's output up to its address: the address and the lines before it.
pub async fn announced(child: &mut Child) -> (String, Vec<String>) {
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut before = Vec::new();
    while let Some(line) = lines.next_line().await.unwrap() {
        if let Some(at) = line.find("http://").or_else(|| line.find("https://")) {
            let url = line[at..].split_whitespace().next().unwrap().to_string();
            return (url, before);
        }
        before.push(line);
    }
    panic!("luoshi exited without announcing its address; it printed {before:?}");
}
