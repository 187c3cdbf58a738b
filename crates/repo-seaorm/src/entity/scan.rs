//! One row per scan, its progress saved as it goes.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "scans")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub library: Option<String>,
    pub lease_key: String,
    /// Encoded by `paths::encode`.
    pub root: String,
    pub status: String,
    pub total_files: i64,
    pub walk_complete: bool,
    pub processed: i64,
    pub succeeded: i64,
    pub failed: i64,
    pub current_file: Option<String>,
    pub started_at: DateTimeUtc,
    pub ended_at: Option<DateTimeUtc>,
    pub error: Option<String>,
    /// JSON array of the kept `ScanIssue`s.
    pub errors: String,
    pub errors_total: i64,
    pub node: Option<String>,
    pub holder_host: String,
    pub holder_pid: i64,
    pub holder_instance: Uuid,
    pub cancel_requested: bool,
    pub updated_at: DateTimeUtc,
    pub phase: String,
    pub new_files: i64,
    pub changed_files: i64,
    pub unchanged_files: i64,
    pub moved_files: i64,
    pub missing_files: i64,
    pub files_per_sec: f64,
    pub eta_secs: Option<f64>,
    /// JSON array of strings.
    pub warnings: String,
    /// JSON object: probe name → files it answered.
    pub probes: String,
    pub expected_files: Option<i64>,
    pub warnings_total: i64,
    /// `manual`, `watch`, `hook` or `schedule`.
    pub trigger: String,
    /// The folder a subtree scan covered, encoded by `paths::encode`; null for a whole library.
    pub scope: Option<String>,
    pub deferred_files: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
