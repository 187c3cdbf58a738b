//! Watchers' published health: one row per library, read only while its watcher holds the
//! library's watch lease by the database's clock.

use std::collections::HashMap;

use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use scanner_core::ScanId;
use scanner_core::ports::{Cause, PublishedHealth, RepoError};
use scanner_core::watch::{WatchHealth, watch_lease_key};

use crate::db_error;
use crate::entity::{scan_lease, watch_health};
use crate::scan_repo::now_ms;

pub(crate) async fn publish(
    db: &DatabaseConnection,
    library: String,
    watcher: ScanId,
    node: String,
    health: &WatchHealth,
) -> Result<(), RepoError> {
    let health = serde_json::to_string(health)
        .map_err(|e| RepoError::Corrupt { what: "watch health".into(), source: Some(Cause::new(e)) })?;
    let row = watch_health::ActiveModel {
        library: Set(library),
        watcher_id: Set(watcher.0),
        node: Set(node),
        health: Set(health),
    };
    watch_health::Entity::insert(row)
        .on_conflict(
            OnConflict::column(watch_health::Column::Library)
                .update_columns([
                    watch_health::Column::WatcherId,
                    watch_health::Column::Node,
                    watch_health::Column::Health,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await
        .map_err(db_error)?;
    Ok(())
}

pub(crate) async fn live(db: &DatabaseConnection) -> Result<Vec<PublishedHealth>, RepoError> {
    let backend = db.get_database_backend();
    // Live watch leases (few: one per watched library), then the rows their holders wrote.
    let leases: HashMap<String, uuid::Uuid> = scan_lease::Entity::find()
        .select_only()
        .column(scan_lease::Column::LeaseKey)
        .column(scan_lease::Column::ScanId)
        .filter(scan_lease::Column::LeaseKey.starts_with("watch:"))
        .filter(Expr::col(scan_lease::Column::ExpiresAtMs).gte(now_ms(backend)))
        .into_tuple::<(String, uuid::Uuid)>()
        .all(db)
        .await
        .map_err(db_error)?
        .into_iter()
        .collect();
    if leases.is_empty() {
        return Ok(Vec::new());
    }
    let rows = watch_health::Entity::find().all(db).await.map_err(db_error)?;
    let mut live = Vec::new();
    for row in rows {
        if leases.get(&watch_lease_key(&row.library)) != Some(&row.watcher_id) {
            continue;
        }
        // A row this version cannot read (written by a newer one) is skipped, never an error:
        // health is advice, not data.
        let Ok(health) = serde_json::from_str::<WatchHealth>(&row.health) else { continue };
        live.push(PublishedHealth { library: row.library, node: row.node, health });
    }
    live.sort_by(|a, b| a.library.cmp(&b.library));
    Ok(live)
}
