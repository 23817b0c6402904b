//! Settings, layered: defaults → luoshi.toml → LUOSHI_ environment variables → flags.

use std::path::{Path, PathBuf};

use anyhow::Context;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use luoshi_service::Rules;
use luoshi_service::channels::{SmsConfig, SmtpConfig, WebhookConfig};
use luoshi_service::notify::{Channels, Delivery};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The data directory; the database is `luoshi.db` inside it unless `database_url` is set.
    pub data: PathBuf,
    pub database_url: Option<String>,
    pub addr: String,
    pub rules: Rules,
    pub scheduler: Scheduler,
    /// `[smtp]`: the mail server reminders go out through; none, no e-mail.
    pub smtp: Option<SmtpConfig>,
    /// `[[webhook]]`: robots and receivers reminders are posted to, each all or a unit's.
    pub webhook: Vec<WebhookConfig>,
    /// `[sms]`: the gateway reminders and escalations are texted through; none, no texts.
    pub sms: Option<SmsConfig>,
    /// `[delivery]`: retries and timeouts.
    pub delivery: Delivery,
    /// `[audit]`: the audit chain.
    pub audit: Audit,
    /// `[limits]`: requests and sign-ins one address may send.
    pub limits: luoshi_http::Limits,
    /// `[tls]`: serve HTTPS with this certificate and key.
    pub tls: Option<luoshi_http::TlsFiles>,
    /// Set when a proxy in front serves HTTPS and passes plain HTTP to Luoshi: session
    /// cookies are then marked `Secure` and browsers told to keep to HTTPS, as with `[tls]`.
    pub behind_tls_proxy: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Audit {
    /// The hash new links use: `sm3` (GB/T 32905) or `sha256`.
    pub hash: String,
}

impl Default for Audit {
    fn default() -> Self {
        Audit { hash: "sm3".into() }
    }
}

impl Config {
    pub fn channels(&self) -> Channels {
        Channels {
            smtp: self.smtp.clone(),
            webhook: self.webhook.clone(),
            sms: self.sms.clone(),
            delivery: self.delivery.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scheduler {
    pub every_seconds: u64,
}

impl Default for Scheduler {
    fn default() -> Self {
        Scheduler { every_seconds: 60 }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data: PathBuf::from("luoshi-data"),
            database_url: None,
            addr: "127.0.0.1:8080".into(),
            rules: Rules::default(),
            scheduler: Scheduler::default(),
            smtp: None,
            webhook: Vec::new(),
            sms: None,
            delivery: Delivery::default(),
            audit: Audit::default(),
            limits: luoshi_http::Limits::default(),
            tls: None,
            behind_tls_proxy: false,
        }
    }
}

/// What the command line says, applied last.
#[derive(Debug, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addr: Option<String>,
}

impl Config {
    /// Loads the layers. The settings file is `file` if given, else `luoshi.toml` in the data
    /// directory (which itself may come from the flags, the environment or the default).
    pub fn load(defaults: Config, file: Option<&Path>, flags: Overrides) -> anyhow::Result<Config> {
        // LUOSHI_TEST_… variables steer the test suites (which database server to test on), not
        // the application; a process started by a test inherits them and must not choke on them.
        let env = || {
            Env::prefixed("LUOSHI_")
                .filter(|key| !key.as_str().to_ascii_lowercase().starts_with("test_"))
                .split("__")
        };
        let data_dir: PathBuf = match &flags.data {
            Some(dir) => dir.clone(),
            None => Figment::from(Serialized::defaults(&defaults))
                .merge(env())
                .extract_inner("data")?,
        };
        if let Some(named) = file
            && !named.exists()
        {
            anyhow::bail!("settings file {} does not exist", named.display());
        }
        let file = file
            .map(Path::to_path_buf)
            .unwrap_or_else(|| data_dir.join("luoshi.toml"));
        Figment::from(Serialized::defaults(defaults))
            .merge(Toml::file(&file))
            .merge(env())
            .merge(Serialized::defaults(flags))
            .extract()
            .with_context(|| {
                format!(
                    "reading settings ({} and LUOSHI_ variables)",
                    file.display()
                )
            })
    }

    /// The database URL in force.
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data.join("luoshi.db").display()))
    }
}

/// Logs one line per event to standard error. Values come from outside (a token's name, a
/// username typed at sign-in), so every control character inside a line is escaped: a name
/// holding a line break cannot forge a line of its own, nor an escape sequence recolour a
/// terminal. Colours are off for the same reason.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| OneLine(std::io::stderr()))
        .with_ansi(false)
        .init();
}

/// A writer of whole log lines that escapes the control characters inside each. The log
/// layer writes each event at once, ending in its one line break.
struct OneLine<W>(W);

impl<W: std::io::Write> std::io::Write for OneLine<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let (line, end) = match buf.strip_suffix(b"\n") {
            Some(line) => (line, &b"\n"[..]),
            None => (buf, &b""[..]),
        };
        let mut out = escape_controls(&String::from_utf8_lossy(line)).into_bytes();
        out.extend_from_slice(end);
        self.0.write_all(&out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// `text` with its control characters (and the Unicode line and paragraph separators, which
/// some log viewers break lines at) written as escapes: `\n`, `\r`, `\t`, `\u{1b}`.
fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => {
                out.push_str(&c.escape_unicode().to_string());
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_line_keeps_its_values_on_one_line_and_escapes_what_would_break_it() {
        use std::io::Write;
        let mut written = Vec::new();
        let forged = "INFO token.create 报表\n2026-12-04T00:00:00Z  INFO admin signed in\r\u{1b}[2J\u{2028}x";
        OneLine(&mut written)
            .write_all(format!("{forged}\n").as_bytes())
            .unwrap();
        let text = String::from_utf8(written).unwrap();
        assert_eq!(
            text,
            "INFO token.create 报表\\n2026-12-04T00:00:00Z  INFO admin signed in\\r\\u{1b}[2J\\u{2028}x\n"
        );
        assert_eq!(text.lines().count(), 1);
    }

    #[test]
    fn the_file_then_the_flags_override_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("luoshi.toml"),
            "addr = \"127.0.0.1:9999\"\n[rules.lights]\nyellow_working_days = 5\n[scheduler]\nevery_seconds = 30\n",
        )
        .unwrap();
        let flags = Overrides {
            data: Some(dir.path().to_path_buf()),
            ..Overrides::default()
        };
        let c = Config::load(Config::default(), None, flags).unwrap();
        assert_eq!(c.addr, "127.0.0.1:9999");
        assert_eq!(c.rules.lights.yellow_working_days, 5);
        assert_eq!(c.scheduler.every_seconds, 30);

        let flags = Overrides {
            data: Some(dir.path().to_path_buf()),
            addr: Some("127.0.0.1:1".into()),
            ..Overrides::default()
        };
        assert_eq!(
            Config::load(Config::default(), None, flags).unwrap().addr,
            "127.0.0.1:1"
        );
    }

    #[test]
    fn an_unknown_setting_is_an_error_not_ignored() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("luoshi.toml"),
            "[rules.lights]\nyelow_working_days = 5\n",
        )
        .unwrap();
        let flags = Overrides {
            data: Some(dir.path().to_path_buf()),
            ..Overrides::default()
        };
        assert!(Config::load(Config::default(), None, flags).is_err());
    }

    #[test]
    fn a_missing_settings_file_named_on_the_command_line_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.toml");
        assert!(Config::load(Config::default(), Some(&missing), Overrides::default()).is_err());
    }
}
