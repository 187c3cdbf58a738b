//! A show as a tree of seasons and episodes, with the gaps and the clashes a library has.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{ItemId, item_id};
use crate::media::MediaRecord;
use crate::parse::MediaKind;

/// Highest episode number up to which a season's gaps are listed.
pub const MAX_GAP_RANGE: u32 = 2000;

/// One episode number of a season.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShowEpisode {
    pub episode: u32,
    /// The item holding the episode (the first by id when several do); `null` when missing.
    pub item_id: Option<ItemId>,
    /// No file holds this episode, though a later one of the season is there.
    pub missing: bool,
    /// Several items claim this episode (say `S01E02` and `S01E01E02`).
    pub duplicate: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShowSeason {
    /// The season number (0 for specials).
    pub season: u32,
    /// Every episode number from 1 (or the lowest present, if 0) to the highest present.
    pub episodes: Vec<ShowEpisode>,
}

/// A show's seasons and episodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShowTree {
    pub show: String,
    pub year: Option<u16>,
    /// Seasons in order; episodes without a season number are left out.
    pub seasons: Vec<ShowSeason>,
}

/// The tree of `show` from its episode files (any other file is ignored). `None` when none of
/// them is an episode of the show.
pub fn show_tree(show: &str, records: &[MediaRecord]) -> Option<ShowTree> {
    let episodes: Vec<&MediaRecord> = records
        .iter()
        .filter(|r| r.parsed.kind == MediaKind::Episode && r.parsed.show.as_deref() == Some(show))
        .collect();
    let first = episodes.first()?;
    // Season → episode → the items claiming it.
    let mut seasons: BTreeMap<u32, BTreeMap<u32, Vec<ItemId>>> = BTreeMap::new();
    for record in &episodes {
        let (Some(season), Some(id)) = (record.parsed.season, item_id(&record.parsed)) else { continue };
        let numbers = seasons.entry(season).or_default();
        for &episode in &record.parsed.episodes {
            let claims = numbers.entry(episode).or_default();
            if !claims.contains(&id) {
                claims.push(id);
            }
        }
    }
    let seasons = seasons
        .into_iter()
        .map(|(season, numbers)| {
            let highest = numbers.keys().next_back().copied().unwrap_or_default();
            let lowest = numbers.keys().next().copied().unwrap_or_default().min(1);
            // A season numbered past `MAX_GAP_RANGE` (absolute anime numbers, a bad name) lists
            // only what it has: thousands of `missing` entries would say nothing.
            let span: Vec<u32> = if highest <= MAX_GAP_RANGE {
                (lowest..=highest).collect()
            } else {
                numbers.keys().copied().collect()
            };
            let episodes = span
                .into_iter()
                .map(|episode| {
                    let claims = numbers.get(&episode);
                    ShowEpisode {
                        episode,
                        item_id: claims.and_then(|c| c.iter().min().copied()),
                        missing: claims.is_none(),
                        duplicate: claims.is_some_and(|c| c.len() > 1),
                    }
                })
                .collect();
            ShowSeason { season, episodes }
        })
        .collect();
    Some(ShowTree { show: show.to_owned(), year: first.parsed.year, seasons })
}
