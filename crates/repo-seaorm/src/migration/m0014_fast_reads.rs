//! Indexes for the dashboard's reads at 100 000 files (issue 17). `media` rows are wide
//! (streams, chapters, playback as JSON), so every read that went through all of them is given
//! a narrow index instead:
//!
//! The show list groups every episode by its show, year and season: `idx_media_shows` holds
//! those (and the id, for the overrides) so that the grouping reads the index alone. The
//! resolution filter (issue 17) has `idx_media_resolution`.
//!
//! Text search: a substring query reads a trigram index.
//!
//! SQLite: `media_search_docs` holds one small row per file that has a `search_text` (its own
//! integer key, the file's id, the text), and `media_search`, an FTS5 table with the `trigram`
//! tokenizer, indexes that text (external content: the text is stored once, in the docs). The
//! docs have a key of their own because `media`'s implicit rowid may change on VACUUM. Triggers
//! on `media` keep both in step with every write, including write paths added later.
//!
//! PostgreSQL: `pg_trgm` GIN indexes on `media.search_text` and `media_overrides.search_text`,
//! which serve `LIKE '%…%'` directly. The extension is created in `public` (shared by every
//! schema, never dropped with one) unless it is there already. Creating it needs rights the
//! catalog's user may lack (PostgreSQL ≥ 13 trusts pg_trgm to any user who may create in the
//! database): refused, or not installed on the server, the migration still succeeds, without
//! the indexes, and search reads every row as before. The attempt runs in a PL/pgSQL block whose
//! exception handler is a subtransaction, so that a refusal leaves the migration's transaction
//! usable.

// The trait's signature elides SchemaManager's lifetime; an impl must match it exactly.
#![allow(elided_lifetimes_in_paths)]

use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The SQLite schema, in order; every statement is undone by [`SQLITE_DOWN`].
const SQLITE_UP: [&str; 8] = [
    "CREATE TABLE media_search_docs (
        id INTEGER PRIMARY KEY,
        media_id BLOB NOT NULL UNIQUE,
        text TEXT NOT NULL
    )",
    "CREATE VIRTUAL TABLE media_search USING fts5(
        text, content = 'media_search_docs', content_rowid = 'id', tokenize = 'trigram'
    )",
    // Docs into the index (an external-content table is told of each change, old text included).
    "CREATE TRIGGER media_search_docs_insert AFTER INSERT ON media_search_docs BEGIN
        INSERT INTO media_search (rowid, text) VALUES (new.id, new.text);
    END",
    "CREATE TRIGGER media_search_docs_delete AFTER DELETE ON media_search_docs BEGIN
        INSERT INTO media_search (media_search, rowid, text) VALUES ('delete', old.id, old.text);
    END",
    // Files into the docs. An upsert's update that leaves the text as it was costs nothing.
    "CREATE TRIGGER media_search_insert AFTER INSERT ON media WHEN new.search_text IS NOT NULL BEGIN
        INSERT INTO media_search_docs (media_id, text) VALUES (new.id, new.search_text);
    END",
    "CREATE TRIGGER media_search_update AFTER UPDATE OF id, search_text ON media
        WHEN old.search_text IS NOT new.search_text OR old.id IS NOT new.id BEGIN
        DELETE FROM media_search_docs WHERE media_id = old.id;
        INSERT INTO media_search_docs (media_id, text)
            SELECT new.id, new.search_text WHERE new.search_text IS NOT NULL;
    END",
    "CREATE TRIGGER media_search_delete AFTER DELETE ON media BEGIN
        DELETE FROM media_search_docs WHERE media_id = old.id;
    END",
    // The files catalogued before this migration.
    "INSERT INTO media_search_docs (media_id, text)
        SELECT id, search_text FROM media WHERE search_text IS NOT NULL",
];

const SQLITE_DOWN: [&str; 7] = [
    "DROP TRIGGER media_search_delete",
    "DROP TRIGGER media_search_update",
    "DROP TRIGGER media_search_insert",
    "DROP TRIGGER media_search_docs_delete",
    "DROP TRIGGER media_search_docs_insert",
    "DROP TABLE media_search",
    "DROP TABLE media_search_docs",
];

/// The PostgreSQL indexes, when pg_trgm is there or can be created (see the module's header).
const POSTGRES_UP: &str = "DO $$
DECLARE
    trgm_schema text;
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'mediascan: pg_trgm cannot be created (%): text search reads every row', SQLERRM;
    END;
    SELECT n.nspname INTO trgm_schema
        FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname = 'pg_trgm';
    IF trgm_schema IS NOT NULL THEN
        EXECUTE format('CREATE INDEX IF NOT EXISTS idx_media_search_trgm
            ON media USING gin (search_text %I.gin_trgm_ops)', trgm_schema);
        EXECUTE format('CREATE INDEX IF NOT EXISTS idx_media_overrides_search_trgm
            ON media_overrides USING gin (search_text %I.gin_trgm_ops)', trgm_schema);
    END IF;
END
$$";

const POSTGRES_DOWN: [&str; 2] =
    ["DROP INDEX IF EXISTS idx_media_overrides_search_trgm", "DROP INDEX IF EXISTS idx_media_search_trgm"];

/// Both backends.
const BOTH_UP: [&str; 2] = [
    "CREATE INDEX idx_media_shows ON media (kind, show, year, season, id)",
    "CREATE INDEX idx_media_resolution ON media (resolution)",
];
const BOTH_DOWN: [&str; 2] = ["DROP INDEX idx_media_resolution", "DROP INDEX idx_media_shows"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for sql in BOTH_UP {
            db.execute_unprepared(sql).await?;
        }
        match manager.get_database_backend() {
            DbBackend::Sqlite => {
                for sql in SQLITE_UP {
                    db.execute_unprepared(sql).await?;
                }
            }
            _ => {
                db.execute_unprepared(POSTGRES_UP).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let statements: &[&str] = match manager.get_database_backend() {
            DbBackend::Sqlite => &SQLITE_DOWN,
            _ => &POSTGRES_DOWN,
        };
        for sql in statements {
            db.execute_unprepared(sql).await?;
        }
        for sql in BOTH_DOWN {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
