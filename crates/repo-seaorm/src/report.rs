//! The library report in two grouped queries — statuses, then one pass over the report's
//! covering index (`idx_media_report`) grouped by every dimension and the playback key —
//! folded here into the report's shape. Never a loop over rows: the groups are the distinct
//! combinations of a library's formats, hundreds where there are thousands of files.

use std::collections::BTreeMap;

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection};

use scanner_core::MediaStatus;
use scanner_core::ports::{MediaFilter, RepoError};
use scanner_core::report::{LibraryReport, Tally, UNKNOWN, add_group, finish};

use crate::db_error;
use crate::entity::media;
use crate::media_queries::condition;
use crate::search::Plan;

/// The grouping columns, in the order of `scanner_core::report::DIMENSIONS`.
const KEYS: [media::Column; 6] = [
    media::Column::ContainerKind,
    media::Column::VideoCodec,
    media::Column::Resolution,
    media::Column::Hdr,
    media::Column::AudioCodec,
    media::Column::AudioChannels,
];

pub(crate) async fn report(
    db: &DatabaseConnection,
    filter: &MediaFilter,
) -> Result<LibraryReport, RepoError> {
    let mut report = LibraryReport::default();
    let plan = Plan::of(db, filter).await?;

    let statuses = Query::select()
        .expr_as(Expr::col((media::Entity, media::Column::Status)), Alias::new("status"))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("files"))
        .from(media::Entity)
        .cond_where(condition(filter, plan))
        .group_by_col((media::Entity, media::Column::Status))
        .to_owned();
    for row in db.query_all(&statuses).await.map_err(db_error)? {
        let status: String = row.try_get("", "status").map_err(db_error)?;
        let files: i64 = row.try_get("", "files").map_err(db_error)?;
        match MediaStatus::parse(&status) {
            Some(MediaStatus::Failed) => report.failed = files as u64,
            Some(MediaStatus::Missing) => report.missing = files as u64,
            _ => {}
        }
    }

    let mut groups = Query::select();
    groups
        .from(media::Entity)
        .cond_where(condition(filter, plan))
        .and_where(Expr::col((media::Entity, media::Column::Status)).eq(MediaStatus::Ok.as_str()));
    for column in KEYS.into_iter().chain([media::Column::PlaybackKey]) {
        groups.column((media::Entity, column)).group_by_col((media::Entity, column));
    }
    // PostgreSQL sums a BIGINT as a NUMERIC: cast back.
    groups
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("files"))
        .expr_as(Expr::cust("CAST(COALESCE(SUM(media.size_bytes), 0) AS BIGINT)"), Alias::new("bytes"))
        .expr_as(Expr::cust("COALESCE(SUM(media.duration_secs), 0.0)"), Alias::new("secs"));
    let mut reasons = BTreeMap::new();
    for row in db.query_all(&groups).await.map_err(db_error)? {
        let text = |column: &str| -> Result<String, RepoError> {
            let value: Option<String> = row.try_get("", column).map_err(db_error)?;
            Ok(value.unwrap_or_else(|| UNKNOWN.to_owned()))
        };
        let channels: Option<i32> = row.try_get("", "audio_channels").map_err(db_error)?;
        let keys = [
            text("container_kind")?,
            text("video_codec")?,
            text("resolution")?,
            text("hdr")?,
            text("audio_codec")?,
            channels.map_or_else(|| UNKNOWN.to_owned(), |c| c.to_string()),
        ];
        let playback_key: Option<String> = row.try_get("", "playback_key").map_err(db_error)?;
        let files: i64 = row.try_get("", "files").map_err(db_error)?;
        let bytes: i64 = row.try_get("", "bytes").map_err(db_error)?;
        let secs: f64 = row.try_get("", "secs").map_err(db_error)?;
        let tally = Tally { files: Ord::max(files, 0) as u64, bytes: bytes as u64, secs };
        add_group(&mut report, &mut reasons, keys, playback_key.as_deref().unwrap_or_default(), tally);
    }
    finish(&mut report, reasons);
    Ok(report)
}
