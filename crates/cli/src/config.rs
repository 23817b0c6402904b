//! Settings, layered: defaults → luoshi.toml → LUOSHI_ environment variables → flags.

use std::path::{Path, PathBuf};

use anyhow::Context;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use luoshi_service::Rules;
use luoshi_service::channels::{SmtpConfig, WebhookConfig};
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
    /// `[[webhook]]`: robots and receivers every reminder is posted to.
    pub webhook: Vec<WebhookConfig>,
    /// `[delivery]`: retries and timeouts.
    pub delivery: Delivery,
    /// `[audit]`: the audit chain.
    pub audit: Audit,
    /// `[limits]`: requests and sign-ins one address may send.
    pub limits: luoshi_http::Limits,
    /// `[tls]`: serve HTTPS with this certificate and key.
    pub tls: Option<luoshi_http::TlsFiles>,
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
            delivery: Delivery::default(),
            audit: Audit::default(),
            limits: luoshi_http::Limits::default(),
            tls: None,
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

pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}

#[cfg(test)]
mod tests {
    use super::*;

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
