//! Schema migrations, numbered and applied in order by [`Migrator`]. Every migration must run
//! on SQLite and PostgreSQL alike.

use sea_orm_migration::prelude::*;

mod m0001_create_media;
mod m0002_scans_and_libraries;
mod m0003_incremental_scans;
mod m0004_probes;
mod m0005_scan_totals;
mod m0006_stream_details;
mod m0007_sidecars;
mod m0008_watch;
mod m0009_overrides;
mod m0010_items;
mod m0011_watch_health;
mod m0012_override_ids;
mod m0013_extra_owner;
mod m0014_fast_reads;
mod m0015_stale_decisions;

#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_create_media::Migration),
            Box::new(m0002_scans_and_libraries::Migration),
            Box::new(m0003_incremental_scans::Migration),
            Box::new(m0004_probes::Migration),
            Box::new(m0005_scan_totals::Migration),
            Box::new(m0006_stream_details::Migration),
            Box::new(m0007_sidecars::Migration),
            Box::new(m0008_watch::Migration),
            Box::new(m0009_overrides::Migration),
            Box::new(m0010_items::Migration),
            Box::new(m0011_watch_health::Migration),
            Box::new(m0012_override_ids::Migration),
            Box::new(m0013_extra_owner::Migration),
            Box::new(m0014_fast_reads::Migration),
            Box::new(m0015_stale_decisions::Migration),
        ]
    }
}

/// A text column that sorts byte by byte on every backend. SQLite's default collation already
/// does; PostgreSQL needs `COLLATE "C"`, or paths would sort by locale and range scans on path
/// prefixes would miss rows.
pub(crate) fn path_column(manager: &SchemaManager<'_>, column: impl IntoIden) -> ColumnDef {
    let mut def = ColumnDef::new(column);
    def.text().not_null();
    if manager.get_database_backend() == sea_orm::DbBackend::Postgres {
        def.extra("COLLATE \"C\"");
    }
    def
}
