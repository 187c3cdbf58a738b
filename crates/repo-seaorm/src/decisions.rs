//! The `media_playback` rows — one per file and profile — and decisions made again when the
//! profiles change.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use sea_orm::ActiveValue::Set;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait, Order, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use scanner_core::ports::{Redecision, RepoError};
use scanner_core::{MediaRecord, MediaStatus, Playback};

use crate::convert::{json, signed};
use crate::entity::{media, media_playback};
use crate::media_repo::{ROWS_PER_STATEMENT, under};
use crate::{convert, db_error, paths};

/// The reason codes of a decision as the `codes` column holds them.
fn codes(playback: &Playback) -> String {
    playback.reasons.iter().map(|r| r.code.as_str()).collect::<Vec<_>>().join(",")
}

/// Replaces the `media_playback` rows of these files with these decisions.
async fn replace(
    txn: &DatabaseTransaction,
    rows: &[(Uuid, &BTreeMap<String, Playback>)],
) -> Result<(), RepoError> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        media_playback::Entity::delete_many()
            .filter(media_playback::Column::MediaId.is_in(chunk.iter().map(|(id, _)| *id)))
            .exec(txn)
            .await
            .map_err(db_error)?;
        let models: Vec<media_playback::ActiveModel> = chunk
            .iter()
            .flat_map(|(id, playback)| {
                playback.iter().map(move |(profile, playback)| media_playback::ActiveModel {
                    media_id: Set(*id),
                    profile: Set(profile.clone()),
                    decision: Set(playback.decision.as_str().to_owned()),
                    codes: Set(codes(playback)),
                })
            })
            .collect();
        for models in models.chunks(ROWS_PER_STATEMENT) {
            media_playback::Entity::insert_many(models.to_vec())
                .exec_without_returning(txn)
                .await
                .map_err(db_error)?;
        }
    }
    Ok(())
}

/// Replaces the `media_playback` rows of the upserted files with their new decisions. The
/// stored id of a path may differ from the record's (an upsert keeps the id the path had), so
/// the ids are read back by path.
pub(crate) async fn store_for_paths(
    txn: &DatabaseTransaction,
    records: &[MediaRecord],
) -> Result<(), RepoError> {
    for chunk in records.chunks(ROWS_PER_STATEMENT) {
        let keys: Vec<String> = chunk.iter().map(|r| paths::encode(&r.path)).collect();
        let ids: Vec<(Uuid, String)> = media::Entity::find()
            .select_only()
            .columns([media::Column::Id, media::Column::Path])
            .filter(media::Column::Path.is_in(keys))
            .into_tuple()
            .all(txn)
            .await
            .map_err(db_error)?;
        let by_path: HashMap<String, Uuid> = ids.into_iter().map(|(id, p)| (p, id)).collect();
        let rows: Vec<(Uuid, &BTreeMap<String, Playback>)> = chunk
            .iter()
            .filter_map(|r| Some((*by_path.get(&paths::encode(&r.path))?, &r.playback)))
            .collect();
        replace(txn, &rows).await?;
    }
    Ok(())
}

/// Whether any file that is not failed has no decision or one made with other profiles than
/// `fingerprint`: three probes of `idx_media_decided_with` (null, below, above), each one row at
/// most. In an unchanged library the answer is no, and the rescan reads no row for it.
async fn any_stale(db: &impl ConnectionTrait, fingerprint: u64) -> Result<bool, RepoError> {
    let fingerprint = signed(fingerprint);
    // Each probe is ordered by the index from the fingerprint outwards, so that a planner
    // without statistics (a catalog just filled) still walks the index instead of the table.
    for (stale, order) in [
        (media::Column::DecidedWith.is_null(), Order::Asc),
        (media::Column::DecidedWith.lt(fingerprint), Order::Desc),
        (media::Column::DecidedWith.gt(fingerprint), Order::Asc),
    ] {
        let one = media::Entity::find()
            .select_only()
            .column(media::Column::Id)
            .filter(stale)
            .filter(media::Column::Status.ne(MediaStatus::Failed.as_str()))
            .order_by(media::Column::DecidedWith, order)
            .limit(1)
            .into_tuple::<Uuid>()
            .one(db)
            .await
            .map_err(db_error)?;
        if one.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// See `MediaRepository::undecided`.
pub(crate) async fn undecided(
    db: &impl ConnectionTrait,
    root: &Path,
    fingerprint: u64,
    after: Option<&Path>,
    limit: u64,
) -> Result<Vec<MediaRecord>, RepoError> {
    if after.is_none() && !any_stale(db, fingerprint).await? {
        return Ok(Vec::new());
    }
    let stale = Condition::any()
        .add(media::Column::DecidedWith.is_null())
        .add(media::Column::DecidedWith.ne(signed(fingerprint)));
    let mut select = media::Entity::find()
        .filter(under(media::Column::Path, root))
        .filter(media::Column::Status.ne(MediaStatus::Failed.as_str()))
        .filter(stale)
        .order_by_asc(media::Column::Path)
        .limit(limit.min(i64::MAX as u64));
    if let Some(after) = after {
        select = select.filter(media::Column::Path.gt(paths::encode(after)));
    }
    let models = select.all(db).await.map_err(db_error)?;
    models.into_iter().map(convert::from_model).collect()
}

/// See `MediaRepository::redecide`; runs in the caller's transaction.
pub(crate) async fn redecide(
    txn: &DatabaseTransaction,
    decisions: &[Redecision],
    fingerprint: u64,
) -> Result<u64, RepoError> {
    let mut updated = Vec::new();
    for decision in decisions {
        let unchanged = match decision.was {
            Some(was) => media::Column::DecidedWith.eq(signed(was)),
            None => media::Column::DecidedWith.is_null(),
        };
        let compatibility = decision.compatibility.as_ref();
        let result = media::Entity::update_many()
            .set(media::ActiveModel {
                playback: Set(json(&decision.playback)?),
                playback_key: Set(convert::playback_key(&decision.playback)),
                compatible: Set(compatibility.map(|c| c.compatible)),
                reasons: Set(json(&compatibility.map(|c| c.reasons.clone()).unwrap_or_default())?),
                decided_with: Set(Some(signed(fingerprint))),
                ..Default::default()
            })
            .filter(media::Column::Id.eq(decision.id.0))
            .filter(unchanged)
            .exec(txn)
            .await
            .map_err(db_error)?;
        if result.rows_affected > 0 {
            updated.push((decision.id.0, &decision.playback));
        }
    }
    replace(txn, &updated).await?;
    Ok(updated.len() as u64)
}
