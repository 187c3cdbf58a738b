//! The library report in grouped queries: one per dimension, one for the statuses, one for the
//! decisions and one for the reason codes — never a loop over rows.

use std::collections::BTreeMap;

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DatabaseConnection, QueryResult};

use scanner_core::MediaStatus;
use scanner_core::ports::{MediaFilter, RepoError};
use scanner_core::report::{DIMENSIONS, LibraryReport, Tally, UNKNOWN, rank_reasons};

use crate::db_error;
use crate::entity::{media, media_playback};
use crate::media_queries::condition;

/// The column a dimension groups by, as text (`audio_channels` is a number).
fn key(dimension: &str) -> Expr {
    match dimension {
        "container" => Expr::col((media::Entity, media::Column::ContainerKind)),
        "video_codec" => Expr::col((media::Entity, media::Column::VideoCodec)),
        "resolution" => Expr::col((media::Entity, media::Column::Resolution)),
        "hdr" => Expr::col((media::Entity, media::Column::Hdr)),
        "audio_codec" => Expr::col((media::Entity, media::Column::AudioCodec)),
        _ => Expr::col((media::Entity, media::Column::AudioChannels)).cast_as(Alias::new("TEXT")),
    }
}

/// Adds `files`, `bytes` and `secs` to a select over `media` (PostgreSQL sums a BIGINT as a
/// NUMERIC: cast back).
fn tally_columns(select: &mut SelectStatement) {
    select
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("files"))
        .expr_as(Expr::cust("CAST(COALESCE(SUM(media.size_bytes), 0) AS BIGINT)"), Alias::new("bytes"))
        .expr_as(Expr::cust("COALESCE(SUM(media.duration_secs), 0.0)"), Alias::new("secs"));
}

fn tally(row: &QueryResult) -> Result<Tally, RepoError> {
    let files: i64 = row.try_get("", "files").map_err(db_error)?;
    let bytes: i64 = row.try_get("", "bytes").map_err(db_error)?;
    let secs: f64 = row.try_get("", "secs").map_err(db_error)?;
    Ok(Tally { files: Ord::max(files, 0) as u64, bytes: bytes as u64, secs })
}

/// `media` rows of the filter in status `ok`.
fn probed(filter: &MediaFilter) -> SelectStatement {
    Query::select()
        .from(media::Entity)
        .cond_where(condition(filter))
        .and_where(Expr::col((media::Entity, media::Column::Status)).eq(MediaStatus::Ok.as_str()))
        .to_owned()
}

pub(crate) async fn report(
    db: &DatabaseConnection,
    filter: &MediaFilter,
) -> Result<LibraryReport, RepoError> {
    let mut report = LibraryReport::default();

    let statuses = Query::select()
        .expr_as(Expr::col((media::Entity, media::Column::Status)), Alias::new("status"))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("files"))
        .from(media::Entity)
        .cond_where(condition(filter))
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

    for dimension in DIMENSIONS {
        let mut select = probed(filter);
        select.expr_as(key(dimension), Alias::new("key")).group_by_columns([Alias::new("key")]);
        tally_columns(&mut select);
        let groups = report.by.entry(dimension.to_owned()).or_default();
        for row in db.query_all(&select).await.map_err(db_error)? {
            let value: Option<String> = row.try_get("", "key").map_err(db_error)?;
            groups.entry(value.unwrap_or_else(|| UNKNOWN.to_owned())).or_default().add(tally(&row)?);
        }
    }
    if let Some(groups) = report.by.get("container") {
        for tally in groups.values() {
            report.files += tally.files;
            report.bytes = report.bytes.saturating_add(tally.bytes);
            report.secs += tally.secs;
        }
    }

    let playback = |select: &mut SelectStatement| {
        select
            .inner_join(
                media_playback::Entity,
                Expr::col((media_playback::Entity, media_playback::Column::MediaId))
                    .equals((media::Entity, media::Column::Id)),
            )
            .expr_as(
                Expr::col((media_playback::Entity, media_playback::Column::Profile)),
                Alias::new("profile"),
            )
            .group_by_col((media_playback::Entity, media_playback::Column::Profile));
    };
    let mut decisions = probed(filter);
    playback(&mut decisions);
    decisions
        .expr_as(
            Expr::col((media_playback::Entity, media_playback::Column::Decision)),
            Alias::new("decision"),
        )
        .group_by_col((media_playback::Entity, media_playback::Column::Decision));
    tally_columns(&mut decisions);
    for row in db.query_all(&decisions).await.map_err(db_error)? {
        let profile: String = row.try_get("", "profile").map_err(db_error)?;
        let decision: String = row.try_get("", "decision").map_err(db_error)?;
        let entry = report.profiles.entry(profile).or_default();
        entry.decisions.entry(decision).or_default().add(tally(&row)?);
    }

    // Files grouped by their combination of codes (few distinct ones), split here.
    let mut reasons = probed(filter);
    playback(&mut reasons);
    reasons
        .expr_as(Expr::col((media_playback::Entity, media_playback::Column::Codes)), Alias::new("codes"))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("files"))
        .and_where(Expr::col((media_playback::Entity, media_playback::Column::Codes)).ne(""))
        .group_by_col((media_playback::Entity, media_playback::Column::Codes));
    let mut counts: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for row in db.query_all(&reasons).await.map_err(db_error)? {
        let profile: String = row.try_get("", "profile").map_err(db_error)?;
        let codes: String = row.try_get("", "codes").map_err(db_error)?;
        let files: i64 = row.try_get("", "files").map_err(db_error)?;
        let mut distinct: Vec<&str> = codes.split(',').filter(|c| !c.is_empty()).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let profile = counts.entry(profile).or_default();
        for code in distinct {
            *profile.entry(code.to_owned()).or_default() += files as u64;
        }
    }
    for (name, codes) in counts {
        if let Some(profile) = report.profiles.get_mut(&name) {
            profile.top_reasons = rank_reasons(codes);
        }
    }
    Ok(report)
}
