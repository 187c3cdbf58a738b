//! The filename parser: what a path says about show, season, episodes, movie and year.
//!
//! [`parse_path`] reads a path relative to the scan root. The file name is analysed on its own
//! (see `name`), then the folders fill what it leaves open: a season folder (`Season 2`,
//! `S02`, `Specials`) gives the season, the folder above it the show, an `Extras` or `Sample`
//! folder marks noise. Where folder and file name disagree, the file name wins. The rules are
//! written for users in `docs/naming.md`.

mod analysis;
mod folders;
mod markers;
mod merge;
mod name;
mod release;
mod rules;
mod tags;
mod tokens;

pub use rules::markdown as rules_markdown;

use std::path::{Component, Path};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use name::analyze;

/// What a file is, judged from its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MediaKind {
    Episode,
    Movie,
    /// Bonus material: trailers, featurettes, deleted scenes.
    Extra,
    /// A release's sample clip.
    Sample,
    #[default]
    Unknown,
}

impl MediaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Episode => "episode",
            Self::Movie => "movie",
            Self::Extra => "extra",
            Self::Sample => "sample",
            Self::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "episode" => Some(Self::Episode),
            "movie" => Some(Self::Movie),
            "extra" => Some(Self::Extra),
            "sample" => Some(Self::Sample),
            "unknown" => Some(Self::Unknown),
            _ => None,
        }
    }
}

/// The parse result stored with every file and printed by `mediascan parse`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ParsedName {
    pub kind: MediaKind,
    /// The show's name, for episodes (and extras of a show).
    pub show: Option<String>,
    pub season: Option<u32>,
    /// Episode numbers; several for multi-episode files. Without a season they are absolute
    /// numbers (anime).
    pub episodes: Vec<u32>,
    /// The absolute episode number of an anime release numbered across seasons
    /// (`[Group] Show - 112`), when the name gives no season.
    pub absolute_episode: Option<u32>,
    /// The show's year (`Doctor Who (2005)`) or the movie's release year.
    pub year: Option<u16>,
    /// Episode title, or the movie's title.
    pub title: Option<String>,
    /// Air date of a daily show's episode.
    pub date: Option<NaiveDate>,
    /// `Part 2`, `CD1`.
    pub part: Option<u32>,
    /// Release version (`03v2` → 2).
    pub version: Option<u32>,
    pub resolution: Option<String>,
    pub source: Option<String>,
    pub video_codec: Option<String>,
    pub audio_codec: Option<String>,
    pub release_group: Option<String>,
    /// CRC32 checksum of fansub releases (`[ABCD1234]`).
    pub checksum: Option<String>,
}

/// Extensions stripped from the file name before parsing.
const EXTENSIONS: &[&str] = &[
    "mkv", "mp4", "m4v", "avi", "mov", "wmv", "ts", "m2ts", "mts", "webm", "flv", "mpg", "mpeg", "ogm",
    "ogv", "vob", "divx", "3gp", "srt", "ass", "ssa", "sub", "idx", "nfo", "part", "rmvb",
];

fn stem(file_name: &str) -> &str {
    match file_name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()) => {
            stem
        }
        _ => file_name,
    }
}

/// Parses a path relative to the scan root. See the module documentation.
pub fn parse_path(relative: &Path) -> ParsedName {
    parse_path_in(relative, None)
}

/// Like [`parse_path`], with the name of the scan root as a last resort for the show name
/// (a root that is itself a show folder with `Season N` folders inside).
pub fn parse_path_in(relative: &Path, root_name: Option<&str>) -> ParsedName {
    let parts: Vec<String> = relative
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    let Some((file, folders)) = parts.split_last() else {
        return ParsedName::default();
    };
    let file = analyze(stem(file));
    let ctx = folders::folder_context(folders.iter().map(String::as_str), root_name);
    merge::merge(file, ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(path: &str) -> ParsedName {
        parse_path(Path::new(path))
    }

    fn episode(
        show: &str,
        season: Option<u32>,
        episodes: &[u32],
    ) -> (MediaKind, Option<String>, Option<u32>, Vec<u32>) {
        (MediaKind::Episode, Some(show.to_owned()), season, episodes.to_vec())
    }

    fn key(p: &ParsedName) -> (MediaKind, Option<String>, Option<u32>, Vec<u32>) {
        (p.kind, p.show.clone(), p.season, p.episodes.clone())
    }

    #[test]
    fn sxxeyy_in_any_case_and_separator() {
        for name in [
            "Show.Name.S01E02.mkv",
            "Show.Name.s01e02.mkv",
            "Show Name S01E02.mkv",
            "Show_Name_S01E02.mkv",
            "Show Name - S01E02 - Title.mkv",
            "Show.Name.S01.E02.mkv",
            "Show Name S01 E02.mkv",
            "Show_Name_s01_e02.mkv",
        ] {
            assert_eq!(key(&p(name)), episode("Show Name", Some(1), &[2]), "{name}");
        }
        // Capitalisation is the user's: kept as written.
        assert_eq!(key(&p("show.name.s01e02.mkv")), episode("show name", Some(1), &[2]));
    }

    #[test]
    fn multi_episode() {
        assert_eq!(key(&p("Show.S01E01E02.mkv")), episode("Show", Some(1), &[1, 2]));
        assert_eq!(key(&p("Show.S01E01-E02.mkv")), episode("Show", Some(1), &[1, 2]));
    }

    #[test]
    fn cross_numbering_with_title() {
        let parsed = p("Show - 1x02 - The Title.avi");
        assert_eq!(key(&parsed), episode("Show", Some(1), &[2]));
        assert_eq!(parsed.title.as_deref(), Some("The Title"));
    }

    #[test]
    fn season_folder_with_numbered_file() {
        let parsed = p("Show/Season 2/05 - Title.mkv");
        assert_eq!(key(&parsed), episode("Show", Some(2), &[5]));
        assert_eq!(parsed.title.as_deref(), Some("Title"));
    }

    #[test]
    fn short_season_folder_with_e_number() {
        assert_eq!(key(&p("Show/S02/E05.mkv")), episode("Show", Some(2), &[5]));
    }

    #[test]
    fn specials() {
        assert_eq!(key(&p("Show/Season 00/Show - S00E03.mkv")), episode("Show", Some(0), &[3]));
        assert_eq!(key(&p("Show/Specials/03.mkv")), episode("Show", Some(0), &[3]));
    }

    #[test]
    fn movies_with_years() {
        let parsed = p("Movie Name (2010).mkv");
        assert_eq!(
            (parsed.kind, parsed.title.as_deref(), parsed.year),
            (MediaKind::Movie, Some("Movie Name"), Some(2010))
        );
        let parsed = p("Movie.Name.2010.1080p.mkv");
        assert_eq!(
            (parsed.kind, parsed.title.as_deref(), parsed.year),
            (MediaKind::Movie, Some("Movie Name"), Some(2010))
        );
        assert_eq!(parsed.resolution.as_deref(), Some("1080p"));
    }

    #[test]
    fn show_year_is_not_part_of_the_name() {
        let parsed = p("Show (2019)/Season 01/Show (2019) - S01E01 - Title.mkv");
        assert_eq!(key(&parsed), episode("Show", Some(1), &[1]));
        assert_eq!(parsed.year, Some(2019));
        assert_eq!(parsed.title.as_deref(), Some("Title"));
    }

    #[test]
    fn the_file_name_wins_over_folders() {
        assert_eq!(key(&p("Show/Season 2/Show.S03E01.mkv")), episode("Show", Some(3), &[1]));
    }

    #[test]
    fn daily_show() {
        let parsed = p("The Daily Show 2024.01.15 Guest.mkv");
        assert_eq!(parsed.kind, MediaKind::Episode);
        assert_eq!(parsed.show.as_deref(), Some("The Daily Show"));
        assert_eq!(parsed.date, NaiveDate::from_ymd_opt(2024, 1, 15));
        assert_eq!(parsed.title.as_deref(), Some("Guest"));
    }

    #[test]
    fn unnamed_episode_is_unknown() {
        assert_eq!(p("05 - Title.mkv").kind, MediaKind::Unknown);
    }

    #[test]
    fn extras_and_samples() {
        assert_eq!(p("Movie (2010)/Extras/Making Of.mkv").kind, MediaKind::Extra);
        assert_eq!(p("Movie.2010.1080p-GRP/Sample/grp-sample.mkv").kind, MediaKind::Sample);
    }
}
