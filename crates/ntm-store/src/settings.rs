//! Key/value settings kept in the database (generated secrets and the like).

use crate::db::{Db, Result, sql};

impl Db {
    pub async fn get_setting(&self, key: &str) -> Result<Option<String>> {
        let row: Option<(String,)> = self
            .fetch_optional(sql!("SELECT value FROM settings WHERE key = $1", key))
            .await?;
        Ok(row.map(|(v,)| v))
    }

    /// Stores `value` unless the key already has one; returns the stored value either way.
    /// Race-safe: concurrent callers all get the value of whoever wrote first.
    pub async fn set_setting_if_absent(&self, key: &str, value: &str) -> Result<String> {
        self.execute(sql!(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            key,
            value
        ))
        .await?;
        let (v,): (String,) = self
            .fetch_one(sql!("SELECT value FROM settings WHERE key = $1", key))
            .await?;
        Ok(v)
    }

    /// Deletes a setting if it still holds `value`; whether it was deleted.
    pub async fn delete_setting(&self, key: &str, value: &str) -> Result<bool> {
        let n = self
            .execute(sql!(
                "DELETE FROM settings WHERE key = $1 AND value = $2",
                key,
                value
            ))
            .await?;
        Ok(n > 0)
    }
}
