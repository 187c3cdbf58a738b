//! Extras, parts and versions: what a path says beyond show, season and episode.
//!
//! Runs after the name and its folders are merged (see `merge`): it names the type of an
//! extra (by its folder or its suffix), the item it belongs to, and the label that tells
//! versions of one film or episode apart.

use serde::{Deserialize, Serialize};

use super::folders::Context;
use super::name::{NameInfo, Shape};
use super::{MediaKind, ParsedName};
use crate::items;

/// What kind of bonus material an extra is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ExtraType {
    Trailer,
    Featurette,
    BehindTheScenes,
    DeletedScene,
    Interview,
    Scene,
    Short,
    Sample,
    Other,
}

impl ExtraType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trailer => "trailer",
            Self::Featurette => "featurette",
            Self::BehindTheScenes => "behind_the_scenes",
            Self::DeletedScene => "deleted_scene",
            Self::Interview => "interview",
            Self::Scene => "scene",
            Self::Short => "short",
            Self::Sample => "sample",
            Self::Other => "other",
        }
    }
}

/// Folder names that hold extras, and the type of what they hold.
pub const EXTRA_FOLDERS: &[(&str, ExtraType)] = &[
    ("trailers", ExtraType::Trailer),
    ("trailer", ExtraType::Trailer),
    ("featurettes", ExtraType::Featurette),
    ("featurette", ExtraType::Featurette),
    ("behind the scenes", ExtraType::BehindTheScenes),
    ("deleted scenes", ExtraType::DeletedScene),
    ("interviews", ExtraType::Interview),
    ("scenes", ExtraType::Scene),
    ("shorts", ExtraType::Short),
    ("sample", ExtraType::Sample),
    ("samples", ExtraType::Sample),
    ("extras", ExtraType::Other),
    ("extra", ExtraType::Other),
    ("other", ExtraType::Other),
    ("others", ExtraType::Other),
    ("bonus", ExtraType::Other),
    ("bonus features", ExtraType::Other),
    ("bonus material", ExtraType::Other),
    ("special features", ExtraType::Other),
];

/// File-name suffixes (`Film-trailer`, `Film - behindthescenes`) and the type they mark.
pub const EXTRA_SUFFIXES: &[(&str, ExtraType)] = &[
    ("trailer", ExtraType::Trailer),
    ("teaser", ExtraType::Trailer),
    ("featurette", ExtraType::Featurette),
    ("behindthescenes", ExtraType::BehindTheScenes),
    ("bts", ExtraType::BehindTheScenes),
    ("deleted", ExtraType::DeletedScene),
    ("deletedscene", ExtraType::DeletedScene),
    ("interview", ExtraType::Interview),
    ("scene", ExtraType::Scene),
    ("short", ExtraType::Short),
    ("sample", ExtraType::Sample),
    ("other", ExtraType::Other),
    ("extra", ExtraType::Other),
];

/// Edition words that tell versions apart, as a label writes them.
const EDITIONS: &[(&str, &str)] = &[
    ("director's cut", "Director's Cut"),
    ("directors cut", "Director's Cut"),
    ("extended cut", "Extended"),
    ("extended edition", "Extended"),
    ("extended", "Extended"),
    ("theatrical cut", "Theatrical"),
    ("theatrical", "Theatrical"),
    ("final cut", "Final Cut"),
    ("ultimate edition", "Ultimate Edition"),
    ("collector's edition", "Collector's Edition"),
    ("special edition", "Special Edition"),
    ("unrated", "Unrated"),
    ("uncut", "Uncut"),
    ("remastered", "Remastered"),
    ("imax", "IMAX"),
];

/// Longest label kept, in characters.
pub const MAX_LABEL: usize = 64;

/// The type a suffix of the stem marks (`-trailer`, ` - Trailer`), or `sample` for a name that
/// is or starts with `sample`.
fn suffix_type(stem: &str) -> Option<ExtraType> {
    let lower = stem.trim().to_lowercase();
    if lower == "sample" || lower.starts_with("sample-") || lower.ends_with(".sample") {
        return Some(ExtraType::Sample);
    }
    let tail = lower.rsplit(['-', '.', '_', ' ']).next()?;
    EXTRA_SUFFIXES.iter().find(|(s, _)| *s == tail).map(|(_, t)| *t).or_else(|| {
        // A name that is only the word (`trailer.mkv`, `Teaser 2.mkv`).
        let first = lower.split([' ', '.', '_', '-']).next()?;
        ["trailer", "teaser", "featurette"].contains(&first).then_some(match first {
            "featurette" => ExtraType::Featurette,
            _ => ExtraType::Trailer,
        })
    })
}

/// The type of the nearest extras folder around the file, nearest first.
fn folder_type<'a>(folders: impl DoubleEndedIterator<Item = &'a str>) -> Option<ExtraType> {
    folders.rev().find_map(|f| {
        let lower = f.trim().to_lowercase();
        EXTRA_FOLDERS.iter().find(|(name, _)| *name == lower).map(|(_, t)| *t)
    })
}

/// The label of a version: its edition words and its resolution (`Director's Cut 2160p`), or
/// what follows ` - ` after the year (`Film (2010) - Blu-ray.mkv` → `Blu-ray`).
fn label(stem: &str, resolution: Option<&str>) -> Option<String> {
    let lower = stem.to_lowercase().replace(['.', '_'], " ");
    let edition = EDITIONS.iter().find(|(words, _)| contains_words(&lower, words)).map(|(_, label)| *label);
    let label = match (edition, resolution) {
        (Some(e), Some(r)) => format!("{e} {r}"),
        (Some(e), None) => e.to_owned(),
        (None, Some(r)) => r.to_owned(),
        (None, None) => after_year(stem)?,
    };
    Some(label.chars().take(MAX_LABEL).collect())
}

fn contains_words(haystack: &str, words: &str) -> bool {
    haystack.match_indices(words).any(|(at, _)| {
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + words.len()..].chars().next();
        before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric())
    })
}

/// `Film (2010) - Something`: `Something`, unless it is a part marker.
fn after_year(stem: &str) -> Option<String> {
    let close = stem.find(')')?;
    let year = stem.get(close.checked_sub(4)?..close)?;
    if !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let rest = stem[close + 1..].trim_start().strip_prefix('-')?.trim();
    let lower = rest.to_lowercase();
    let is_part = ["part", "pt", "cd", "disc", "disk"].iter().any(|w| lower.starts_with(w));
    (!rest.is_empty() && !is_part).then(|| rest.to_owned())
}

/// Fills `extra_type`, `extra_of`, `extra_show` and `label`.
pub(super) fn settle(out: &mut ParsedName, stem: &str, file: &NameInfo, ctx: &Context, folders: &[String]) {
    let movie_folder =
        ctx.show.as_ref().filter(|f| f.shape == Shape::Movie && (f.year.is_some() || !out.ids.is_empty()));
    if matches!(out.kind, MediaKind::Extra | MediaKind::Sample) {
        let from_suffix = suffix_type(stem);
        let extra_type = match out.kind {
            MediaKind::Sample => Some(ExtraType::Sample),
            _ => from_suffix.or_else(|| folder_type(folders.iter().map(String::as_str))),
        };
        out.kind = MediaKind::Extra;
        out.extra_type = Some(extra_type.unwrap_or(ExtraType::Other));
        owner(out, file, movie_folder);
        return;
    }
    if matches!(out.kind, MediaKind::Movie | MediaKind::Episode) {
        out.label = label(stem, out.resolution.as_deref());
    }
}

/// What an extra belongs to: an episode (a release's sample), a show, or a film.
fn owner(out: &mut ParsedName, file: &NameInfo, movie_folder: Option<&NameInfo>) {
    if let Some(show) = out.show.clone() {
        if out.episodes.is_empty() && out.date.is_none() {
            out.extra_show = Some(show);
            return;
        }
        let episode = ParsedName { kind: MediaKind::Episode, extra_type: None, ..out.clone() };
        out.extra_of = items::item_id(&episode);
        return;
    }
    let (title, year) = match movie_folder {
        Some(folder) => (folder.name.clone(), folder.year),
        None => (file.name.clone(), file.year.or(out.year)),
    };
    let film =
        ParsedName { kind: MediaKind::Movie, title, year, ids: out.ids.clone(), ..ParsedName::default() };
    out.extra_of = items::item_id(&film);
    if out.year.is_none() {
        out.year = film.year;
    }
}

/// The folder names and suffixes that make extras, as a Markdown table for `docs/naming.md`.
pub fn extras_markdown() -> String {
    let mut out = String::from("| extra_type | folders | suffixes |\n|---|---|---|\n");
    let mut types: Vec<ExtraType> = EXTRA_FOLDERS.iter().chain(EXTRA_SUFFIXES).map(|(_, t)| *t).collect();
    types.dedup();
    let mut seen = Vec::new();
    for extra_type in types {
        if seen.contains(&extra_type) {
            continue;
        }
        seen.push(extra_type);
        let list = |table: &[(&str, ExtraType)], form: fn(&str) -> String| -> String {
            let names: Vec<String> =
                table.iter().filter(|(_, t)| *t == extra_type).map(|(name, _)| form(name)).collect();
            names.join(", ")
        };
        let folders = list(EXTRA_FOLDERS, |name| format!("`{name}/`"));
        let suffixes = list(EXTRA_SUFFIXES, |name| format!("`-{name}`"));
        out.push_str(&format!("| `{}` | {folders} | {suffixes} |\n", extra_type.as_str()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_and_folders_name_the_type() {
        assert_eq!(suffix_type("Night Ferry (2004)-trailer"), Some(ExtraType::Trailer));
        assert_eq!(suffix_type("Night Ferry - BehindTheScenes"), Some(ExtraType::BehindTheScenes));
        assert_eq!(suffix_type("Cut scene 3-deleted"), Some(ExtraType::DeletedScene));
        assert_eq!(suffix_type("sample"), Some(ExtraType::Sample));
        assert_eq!(suffix_type("Teaser 2"), Some(ExtraType::Trailer));
        assert_eq!(suffix_type("Night Ferry (2004)"), None);
        let folders = ["Night Ferry (2004)", "Deleted Scenes"];
        assert_eq!(folder_type(folders.into_iter()), Some(ExtraType::DeletedScene));
        assert_eq!(folder_type(["Night Ferry (2004)"].into_iter()), None);
    }

    #[test]
    fn labels_tell_versions_apart() {
        assert_eq!(label("Night Ferry (2004) - 2160p", Some("2160p")).as_deref(), Some("2160p"));
        assert_eq!(
            label("Night.Ferry.2004.Directors.Cut.1080p", Some("1080p")).as_deref(),
            Some("Director's Cut 1080p")
        );
        assert_eq!(label("Night Ferry (2004) - Open Matte", None).as_deref(), Some("Open Matte"));
        assert_eq!(label("Night Ferry (2004) - Part 1", None), None);
        assert_eq!(label("Night Ferry (2004)", None), None);
        // `Extendedly` is not an edition word.
        assert_eq!(label("Extendedly Yours (2004)", None), None);
        assert_eq!(label(&format!("F (2004) - {}", "x".repeat(200)), None).map(|l| l.len()), Some(MAX_LABEL));
    }
}
