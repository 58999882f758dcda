//! The survey key: the secret behind the keyed hashes of household phone numbers, kept in a
//! **file outside the database** (security review, issue 14 finding 6), so that a dump of
//! the database cannot tell which number is on a list.
//!
//! The file is `<data dir>/survey.key`, or the path of `AppConfig::survey_key_file`
//! (`--survey-key-file`, `NTM_SURVEY_KEY_FILE`). On first need — and on every server
//! start-up ([`prepare`]) — it is read, or else:
//!
//! - a deployment from before migration 0017 keeps its secret in `settings`
//!   (`survey.phone_secret`): it is written to the file (0600) and then deleted from the
//!   table, so the phone lists imported with it keep working;
//! - a new deployment gets a new random key, written to the file (0600).
//!
//! The database keeps only a check value (`survey.key_check`, an HMAC of a fixed text under
//! the key, which reveals nothing about it), so a server reading another key — a second
//! server on the same PostgreSQL without a copy of the file, a lost file — gets a clear
//! error instead of silently hashing numbers differently. Every server sharing a database
//! must read the same file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rand::RngCore;

use super::hmac_sha256;
use crate::{App, AppConfig, AppError};

/// Where the pre-0017 deployments kept the secret.
const OLD_SETTING: &str = "survey.phone_secret";
/// The check value of the key in use.
const CHECK_SETTING: &str = "survey.key_check";
/// Shortest key text accepted from a file.
const MIN_KEY_LEN: usize = 32;

/// The key (its text is the HMAC key, as the former in-database secret was).
#[derive(Clone, PartialEq, Eq)]
pub struct SurveyKey(String);

impl std::fmt::Debug for SurveyKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SurveyKey(…)")
    }
}

impl SurveyKey {
    pub(crate) fn bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    fn check(&self) -> String {
        hex::encode(hmac_sha256(self.bytes(), &[b"ntm survey key check v1"]))
    }
}

/// The key file in effect for a configuration.
pub fn key_path(config: &AppConfig) -> PathBuf {
    config
        .survey_key_file
        .clone()
        .unwrap_or_else(|| config.data_dir.join("survey.key"))
}

/// Reads (or creates, or moves out of the database) the key at start-up, so a problem shows
/// when the server starts rather than at a citizen's answer. Returns the file's path.
pub async fn prepare(app: &App) -> Result<PathBuf, AppError> {
    survey_key(app).await?;
    Ok(key_path(&app.config))
}

/// The key, loaded once per process (see the module documentation).
pub(crate) async fn survey_key(app: &App) -> Result<Arc<SurveyKey>, AppError> {
    app.survey_key
        .get_or_try_init(|| async { load(app).await.map(Arc::new) })
        .await
        .cloned()
}

async fn load(app: &App) -> Result<SurveyKey, AppError> {
    let path = key_path(&app.config);
    let from_file = read_key_file(&path)?;
    let old = app.db.get_setting(OLD_SETTING).await?;
    let registered = app.db.get_setting(CHECK_SETTING).await?;
    let key = match (from_file, &old) {
        (Some(k), Some(o)) if k.0 == *o => k,
        (Some(_), Some(_)) => {
            return Err(AppError::Conflict(format!(
                "the survey key file {} differs from the survey secret this database still \
                 keeps (settings survey.phone_secret), with which its phone lists were made: \
                 move the file away and start again, and the database's secret will be \
                 written to it",
                path.display()
            )));
        }
        (Some(k), None) => k,
        (None, Some(o)) => write_key_file(&path, o)?,
        (None, None) if registered.is_some() => {
            return Err(AppError::Conflict(format!(
                "the survey key file {} is missing, but this database was used with a survey \
                 key: copy the file from the server that created it (every server sharing the \
                 database must read the same file; --survey-key-file, NTM_SURVEY_KEY_FILE) or \
                 restore it from a backup. Without it the campaigns' phone lists must be \
                 imported again",
                path.display()
            )));
        }
        (None, None) => {
            let mut bytes = [0u8; 32];
            rand::rng().fill_bytes(&mut bytes);
            write_key_file(&path, &hex::encode(bytes))?
        }
    };
    let check = key.check();
    let stored = app.db.set_setting_if_absent(CHECK_SETTING, &check).await?;
    if stored != check {
        return Err(AppError::Conflict(format!(
            "the survey key file {} is not the key this database was used with: copy the file \
             from the server that created it (every server sharing the database must read the \
             same file; --survey-key-file, NTM_SURVEY_KEY_FILE)",
            path.display()
        )));
    }
    if let Some(o) = old {
        // Only now that the file holds it and the check is stored.
        app.db.delete_setting(OLD_SETTING, &o).await?;
        tracing::info!(file = %path.display(), "survey secret moved out of the database");
    }
    Ok(key)
}

fn read_key_file(path: &Path) -> Result<Option<SurveyKey>, AppError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(AppError::Internal(format!(
                "cannot read the survey key file {}: {e}",
                path.display()
            )));
        }
    };
    let key = text.trim();
    if key.len() < MIN_KEY_LEN {
        return Err(AppError::Internal(format!(
            "the survey key file {} holds {} characters, fewer than {MIN_KEY_LEN}: restore it \
             from a backup or from another server",
            path.display(),
            key.len()
        )));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = std::fs::metadata(path)
            && m.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(file = %path.display(), "the survey key file is readable by other users: chmod 600 it");
        }
    }
    Ok(Some(SurveyKey(key.to_owned())))
}

/// Writes a new key file readable by its owner only; when another process wrote one first,
/// that one is read back.
fn write_key_file(path: &Path, key: &str) -> Result<SurveyKey, AppError> {
    let fail = |e: std::io::Error| {
        AppError::Internal(format!(
            "cannot write the survey key file {}: {e}",
            path.display()
        ))
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut f) => {
            f.write_all(format!("{key}\n").as_bytes()).map_err(fail)?;
            f.sync_all().map_err(fail)?;
            tracing::info!(file = %path.display(), "survey key file written");
            Ok(SurveyKey(key.to_owned()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            read_key_file(path)?.ok_or_else(|| fail(std::io::Error::other("the file vanished")))
        }
        Err(e) => Err(fail(e)),
    }
}
