//! Configuration: defaults, then an optional TOML file, then `PROPDESK_` variables.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// Everything the server needs to know about where it runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Address and port to listen on.
    pub listen: SocketAddr,
    /// `sqlite://…` (default: a file under the data directory) or `postgres://…`.
    pub database_url: String,
    /// Where the SQLite file, blobs and backups live.
    pub data_dir: PathBuf,
    pub log_format: LogFormat,
    /// Mark the session cookie `Secure` (behind HTTPS).
    pub secure_cookies: bool,
}

/// The TOML file's shape: every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    listen: Option<SocketAddr>,
    database_url: Option<String>,
    data_dir: Option<PathBuf>,
    log_format: Option<LogFormat>,
    secure_cookies: Option<bool>,
}

/// A configuration that cannot be used, with what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("config file {path}: {source}")]
    Parse {
        path: String,
        source: toml::de::Error,
    },
    #[error("{name}: {message}")]
    Env { name: &'static str, message: String },
}

impl Settings {
    /// Builds settings from defaults, `file` (or `./propdesk.toml` if present), and the
    /// environment, each overriding the one before.
    pub fn load(file: Option<&Path>, default_listen: SocketAddr) -> Result<Self, SettingsError> {
        let from_file = match file {
            Some(p) => Some(read_file(p)?),
            None if Path::new("propdesk.toml").exists() => {
                Some(read_file(Path::new("propdesk.toml"))?)
            }
            None => None,
        }
        .unwrap_or_default();
        let env = |name: &'static str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let listen = match env("PROPDESK_LISTEN") {
            Some(v) => v.parse().map_err(|e| SettingsError::Env {
                name: "PROPDESK_LISTEN",
                message: format!("`{v}` is not an address like 127.0.0.1:3000 ({e})"),
            })?,
            None => from_file.listen.unwrap_or(default_listen),
        };
        let data_dir = env("PROPDESK_DATA_DIR")
            .map(PathBuf::from)
            .or(from_file.data_dir)
            .unwrap_or_else(|| PathBuf::from("data"));
        let database_url = env("PROPDESK_DATABASE_URL")
            .or(from_file.database_url)
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("propdesk.db").display()));
        let log_format = match env("PROPDESK_LOG_FORMAT").as_deref() {
            Some("json") => LogFormat::Json,
            Some("text") => LogFormat::Text,
            Some(other) => {
                return Err(SettingsError::Env {
                    name: "PROPDESK_LOG_FORMAT",
                    message: format!("`{other}`: use text or json"),
                })
            }
            None => from_file.log_format.unwrap_or(LogFormat::Text),
        };
        let secure_cookies = match env("PROPDESK_SECURE_COOKIES").as_deref() {
            Some("1" | "true") => true,
            Some("0" | "false") => false,
            Some(other) => {
                return Err(SettingsError::Env {
                    name: "PROPDESK_SECURE_COOKIES",
                    message: format!("`{other}`: use true or false"),
                })
            }
            None => from_file.secure_cookies.unwrap_or(false),
        };
        Ok(Settings {
            listen,
            database_url,
            data_dir,
            log_format,
            secure_cookies,
        })
    }

    /// Creates the data directory (and so the SQLite file's folder).
    pub fn ensure_data_dir(&self) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.data_dir)
    }
}

fn read_file(path: &Path) -> Result<FileSettings, SettingsError> {
    let text = std::fs::read_to_string(path).map_err(|source| SettingsError::Read {
        path: path.display().to_string(),
        source,
    })?;
    toml::from_str(&text).map_err(|source| SettingsError::Parse {
        path: path.display().to_string(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_values_apply_and_unknown_keys_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(&p, "listen = \"127.0.0.1:4000\"\ndata_dir = \"/tmp/x\"\n").unwrap();
        let s = Settings::load(Some(&p), "127.0.0.1:3000".parse().unwrap()).unwrap();
        assert_eq!(s.listen.port(), 4000);
        assert!(s.database_url.starts_with("sqlite:///tmp/x/"));
        std::fs::write(&p, "lisen = 1\n").unwrap();
        assert!(matches!(
            Settings::load(Some(&p), "127.0.0.1:3000".parse().unwrap()),
            Err(SettingsError::Parse { .. })
        ));
    }
}
