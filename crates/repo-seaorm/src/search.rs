//! Text search: the files whose show or title — as the name says, or as the user set it —
//! contains a text, in any case, with `%`, `_` and `\` taken literally. The named text goes
//! through the trigram indexes of migration m0014; the user's overrides are few and read whole.
//!
//! On SQLite the best reading depends on how common the text is, which the index tells at the
//! cost of counting up to [`DENSE`] hits: a rare text lists its files through the index; a
//! common one checks each file's doc as files are read in the page's order, so that the first
//! page stops early instead of sorting every match. Counting every match of a common text
//! still reads every file: the API counts a search only up to a limit (`count_up_to`).

use sea_orm::sea_query::{Alias, Expr, ExprTrait, LikeExpr, Query, SelectStatement};
use sea_orm::{Condition, ConnectionTrait, DbBackend};

use scanner_core::ports::{MediaFilter, RepoError};

use crate::db_error;
use crate::edits::id_among;
use crate::entity::{media, media_override};

/// The shortest text the trigram index answers.
const TRIGRAM: usize = 3;

/// `text` (lower case) as a LIKE pattern matching it anywhere, `%`, `_` and `\` literal.
fn contains(text: &str) -> LikeExpr {
    let mut pattern = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    LikeExpr::new(pattern).escape('\\')
}

/// `text` as an FTS5 phrase, which the trigram tokenizer matches as a substring: quoted, with
/// inner quotes doubled, so that nothing in it is query syntax.
fn phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// Files whose named text holds the search text (SQLite) above which a page reads files in
/// path order and checks each (a page's worth of matches comes soon) rather than listing every
/// match first and sorting them all (which costs by the match).
const DENSE: u64 = 2_000;

/// How a filter's conditions are best written for the catalog's backend and, on SQLite, for
/// how common its search text is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plan {
    pub(crate) backend: DbBackend,
    /// The search text is in the names of more than [`DENSE`] files.
    dense: bool,
}

impl Plan {
    pub(crate) async fn of(db: &impl ConnectionTrait, filter: &MediaFilter) -> Result<Self, RepoError> {
        let backend = db.get_database_backend();
        let text = filter.search.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let dense = match (backend, text) {
            (DbBackend::Sqlite, Some(text)) => named_hits(db, &text.to_lowercase()).await? > DENSE,
            _ => false,
        };
        Ok(Self { backend, dense })
    }
}

/// How many files' named text holds `text`, counted up to `DENSE + 1`: through the trigram
/// index, or for a text too short for it, by reading the docs (small rows, not `media`'s).
async fn named_hits(db: &impl ConnectionTrait, text: &str) -> Result<u64, RepoError> {
    rows_of(db, named_docs(text, contains(text)).limit(DENSE + 1).to_owned()).await
}

/// How many rows `select` gives.
pub(crate) async fn rows_of(db: &impl ConnectionTrait, select: SelectStatement) -> Result<u64, RepoError> {
    let count = Query::select()
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .from_subquery(select, Alias::new("counted"))
        .to_owned();
    let row = db.query_one(&count).await.map_err(db_error)?;
    let n: i64 = match row {
        Some(row) => row.try_get("", "n").map_err(db_error)?,
        None => 0,
    };
    Ok(u64::try_from(n).unwrap_or_default())
}

/// The files whose searched text contains `text` (trimmed by the caller).
pub(crate) fn search(plan: Plan, text: &str) -> Condition {
    let text = text.to_lowercase();
    let pattern = contains(&text);
    let set = Query::select()
        .column((media_override::Entity, media_override::Column::MediaId))
        .from(media_override::Entity)
        .and_where(
            Expr::col((media_override::Entity, media_override::Column::SearchText)).like(pattern.clone()),
        )
        .to_owned();
    let named = match plan.backend {
        DbBackend::Sqlite if plan.dense => Expr::exists(doc_of_row(pattern)),
        DbBackend::Sqlite => id_among(plan.backend, named_docs(&text, pattern)),
        // The GIN trigram index on `search_text` serves the LIKE itself.
        _ => Expr::col((media::Entity, media::Column::SearchText)).like(pattern),
    };
    Condition::any().add(named).add(id_among(plan.backend, set))
}

fn docs() -> Alias {
    Alias::new("media_search_docs")
}

/// SQLite, for a common text: the row's own doc, if its text matches (read by the file's id,
/// never from `media`'s wide row).
fn doc_of_row(pattern: LikeExpr) -> SelectStatement {
    Query::select()
        .expr(Expr::value(1))
        .from(docs())
        .and_where(Expr::col((docs(), Alias::new("media_id"))).equals((media::Entity, media::Column::Id)))
        .and_where(Expr::col((docs(), Alias::new("text"))).like(pattern))
        .to_owned()
}

/// SQLite, for a rare text: the ids of the files whose named text matches, found through the
/// FTS5 trigram index when the text is long enough for it, else by reading every doc. The
/// LIKE stays the rule (the index folds case by Unicode's table, a little wider than
/// lower-casing) and reads only the docs the index found.
fn named_docs(text: &str, pattern: LikeExpr) -> SelectStatement {
    let mut select = Query::select();
    select
        .column((docs(), Alias::new("media_id")))
        .from(docs())
        .and_where(Expr::col((docs(), Alias::new("text"))).like(pattern));
    if text.chars().count() >= TRIGRAM {
        let hits = Query::select()
            .expr(Expr::cust("rowid"))
            .from(Alias::new("media_search"))
            .and_where(Expr::cust_with_values("media_search MATCH ?", [phrase(text)]))
            .to_owned();
        select.and_where(Expr::col((docs(), Alias::new("id"))).in_subquery(hits));
    }
    select
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_and_phrases_take_every_character_literally() {
        let sql = Query::select()
            .expr(Expr::val(1))
            .and_where(Expr::col(Alias::new("t")).like(contains("100%_a\\b")))
            .to_string(sea_orm::sea_query::SqliteQueryBuilder);
        assert!(sql.ends_with(r#""t" LIKE '%100\%\_a\\b%' ESCAPE '\'"#), "{sql}");
        assert_eq!(phrase("say \"hi\" * OR x"), "\"say \"\"hi\"\" * OR x\"");
    }
}
