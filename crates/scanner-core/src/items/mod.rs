//! Items: what a media server shows. One film or one episode, whatever number of files holds
//! it — versions (`1080p`, `2160p`, a director's cut), each made of ordered parts (`CD1`,
//! `CD2`), with its extras.
//!
//! Item ids are derived, not stored state: an item's id is a hash of its key (provider id or
//! normalised title and year for a film; show, season and episodes for an episode), so every
//! file that says the same thing lands in the same item, on any node and any database, and a
//! rescan or a move that keeps the name keeps the id. `docs/architecture.md` says why.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::media::{MediaId, MediaRecord};
use crate::parse::{ExtraType, MediaKind, ParsedName};

mod edit;
mod shows;
#[cfg(test)]
mod tests;

pub use edit::{
    ItemMoves, SCAN_ACTOR, check_edit, check_owner, edits_file, extra_follows, filed_items, follows_move,
    is_extra_of, record_move,
};
pub use shows::{ShowEpisode, ShowSeason, ShowTree, show_tree};

/// An item's id: a UUID (version 8) derived from the item's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, format = Uuid))]
#[serde(transparent)]
pub struct ItemId(pub Uuid);

impl std::fmt::Display for ItemId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for ItemId {
    type Err = uuid::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self)
    }
}

/// Letters and digits only, lower-cased: `The.Film`, `the film` and `THE FILM!` are one name.
fn normalise(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The key of the film or episode `parsed` describes, `None` for anything else (extras,
/// unknown files, an episode without a show or a number).
pub fn item_key(parsed: &ParsedName) -> Option<String> {
    match parsed.kind {
        MediaKind::Movie => {
            let id = parsed.ids.key().or_else(|| {
                let title = normalise(parsed.title.as_deref()?);
                (!title.is_empty()).then(|| format!("{title}:{}", parsed.year.unwrap_or_default()))
            })?;
            Some(format!("movie:{id}"))
        }
        MediaKind::Episode => {
            let show = parsed.ids.key().or_else(|| {
                let show = normalise(parsed.show.as_deref()?);
                (!show.is_empty()).then(|| format!("{show}:{}", parsed.year.unwrap_or_default()))
            })?;
            let number = match (parsed.season, parsed.episodes.as_slice(), parsed.date) {
                (season, [_, ..], _) => {
                    let episodes: Vec<String> = parsed.episodes.iter().map(u32::to_string).collect();
                    let season = season.map_or_else(|| "abs".to_owned(), |s| format!("s{s}"));
                    format!("{season}:e{}", episodes.join(","))
                }
                (_, [], Some(date)) => format!("d{date}"),
                (_, [], None) => return None,
            };
            Some(format!("episode:{show}:{number}"))
        }
        _ => None,
    }
}

/// The id of the film or episode `parsed` describes (see [`item_key`]).
pub fn item_id(parsed: &ParsedName) -> Option<ItemId> {
    let key = item_key(parsed)?;
    let hash = xxhash_rust::xxh3::xxh3_128(format!("mediascan-item\0{key}").as_bytes());
    let mut bytes = hash.to_be_bytes();
    // RFC 9562 version 8 (custom) and variant bits.
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    Some(ItemId(Uuid::from_bytes(bytes)))
}

/// The item a catalogued file is filed under: its own for a film or an episode, the one it
/// belongs to for an extra. This is what the catalog stores and queries by.
pub fn filed_under(parsed: &ParsedName) -> Option<ItemId> {
    match parsed.kind {
        MediaKind::Extra | MediaKind::Sample => parsed.extra_of,
        _ => item_id(parsed),
    }
}

/// One file of a version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemPart {
    pub media_id: MediaId,
    #[serde(flatten, with = "crate::json_path::exact")]
    #[cfg_attr(feature = "openapi", schema(inline, value_type = crate::json_path::PathFields))]
    pub path: PathBuf,
}

/// One version of an item: its parts in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemVersion {
    /// What tells this version from the others (`2160p`, `Director's Cut`); `null` for a
    /// version whose names say nothing of the kind.
    pub label: Option<String>,
    pub parts: Vec<ItemPart>,
}

/// An extra of an item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemExtra {
    pub media_id: MediaId,
    pub extra_type: ExtraType,
}

/// A film or an episode as a media server shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Item {
    pub id: ItemId,
    /// `movie` or `episode`.
    pub kind: MediaKind,
    /// The film's title, or the episode's.
    pub title: Option<String>,
    pub year: Option<u16>,
    pub show: Option<String>,
    pub season: Option<u32>,
    pub episodes: Vec<u32>,
    /// The duration of the first version: the sum of its parts' durations (`null` when none
    /// of them was probed).
    pub duration_secs: Option<f64>,
    /// Versions by label (unlabelled first), then folder; at least one.
    pub versions: Vec<ItemVersion>,
    pub extras: Vec<ItemExtra>,
}

/// Groups the files of some items into those items, in id order. Files not filed under an
/// item are ignored, and so are items with extras but no film or episode file.
pub fn group(records: &[MediaRecord]) -> Vec<Item> {
    let mut by_item: BTreeMap<ItemId, Vec<&MediaRecord>> = BTreeMap::new();
    for record in records {
        if let Some(id) = filed_under(&record.parsed) {
            by_item.entry(id).or_default().push(record);
        }
    }
    by_item.into_iter().filter_map(|(id, files)| build(id, files)).collect()
}

fn build(id: ItemId, mut files: Vec<&MediaRecord>) -> Option<Item> {
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let is_extra = |r: &MediaRecord| r.parsed.extra_type.is_some() || r.parsed.kind == MediaKind::Extra;
    let main = files.iter().copied().find(|r| !is_extra(r))?;
    // A version is the files of one label in one folder: parts stack only where they sit
    // together, and the copies of one film in two library roots are two versions.
    let mut versions: BTreeMap<(Option<String>, Option<&Path>), Vec<&MediaRecord>> = BTreeMap::new();
    let mut extras = Vec::new();
    for record in &files {
        if is_extra(record) {
            let extra_type = record.parsed.extra_type.unwrap_or(ExtraType::Other);
            extras.push(ItemExtra { media_id: record.id, extra_type });
        } else {
            versions.entry((record.parsed.label.clone(), record.path.parent())).or_default().push(record);
        }
    }
    let versions: Vec<(ItemVersion, Option<f64>)> = versions
        .into_iter()
        .map(|((label, _), mut parts)| {
            parts.sort_by(|a, b| (a.parsed.part, &a.path).cmp(&(b.parsed.part, &b.path)));
            let durations: Vec<f64> = parts.iter().filter_map(|p| p.info.duration_secs).collect();
            let duration = (!durations.is_empty()).then(|| durations.iter().sum());
            let parts = parts.iter().map(|p| ItemPart { media_id: p.id, path: p.path.clone() }).collect();
            (ItemVersion { label, parts }, duration)
        })
        .collect();
    let parsed = &main.parsed;
    Some(Item {
        id,
        kind: parsed.kind,
        title: parsed.title.clone(),
        year: parsed.year,
        show: parsed.show.clone(),
        season: parsed.season,
        episodes: parsed.episodes.clone(),
        duration_secs: versions.first().and_then(|(_, d)| *d),
        versions: versions.into_iter().map(|(v, _)| v).collect(),
        extras,
    })
}
