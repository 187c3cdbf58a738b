//! The filename parser: what a path says about show, season, episodes, movie and year.
//!
//! [`parse_path`] reads a path relative to the scan root. The file name is analysed on its own
//! (see `name`), then the folders fill what it leaves open: a season folder (`Season 2`,
//! `S02`, `Specials`) gives the season, the folder above it the show, an `Extras` or `Sample`
//! folder marks noise. Where folder and file name disagree, the file name wins. The rules are
//! written for users in `docs/naming.md`.

mod analysis;
mod extras;
mod folders;
mod ids;
mod markers;
mod merge;
mod name;
mod release;
mod rules;
mod tags;
mod tokens;

pub use extras::{EXTRA_FOLDERS, EXTRA_SUFFIXES, ExtraType, MAX_LABEL, extras_markdown};
pub use ids::ProviderIds;
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
    /// For extras (`kind: extra`): what kind of bonus material.
    pub extra_type: Option<ExtraType>,
    /// For extras of a film or an episode: the id of the item they belong to.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Uuid))]
    pub extra_of: Option<crate::items::ItemId>,
    /// For extras of a show as a whole: the show.
    pub extra_show: Option<String>,
    /// What tells this version of a film or episode from others: edition words and resolution
    /// (`Director's Cut 2160p`), or the words after ` - ` following the year. At most 64
    /// characters.
    pub label: Option<String>,
    /// Provider ids written in the file's or its folders' names (`[tmdbid-603]`).
    pub ids: ProviderIds,
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
    // Provider tags are read, then cut out of every name before it is analysed: the file's
    // own win over its folders', the nearest folder's over those above.
    let (stem, mut ids) = ids::strip(stem(file));
    let folders: Vec<String> = folders
        .iter()
        .rev()
        .map(|folder| {
            let (text, folder_ids) = ids::strip(folder);
            ids.fill_from(&folder_ids);
            text
        })
        .rev()
        .collect();
    let file = analyze(&stem);
    let ctx = folders::folder_context(folders.iter().map(String::as_str), root_name);
    let mut out = merge::merge(&file, &ctx);
    out.ids = ids;
    extras::settle(&mut out, &stem, &file, &ctx, &folders);
    out
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
        // A sample is an extra of its release, typed `sample`.
        let sample = p("Movie.2010.1080p-GRP/Sample/grp-sample.mkv");
        assert_eq!((sample.kind, sample.extra_type), (MediaKind::Extra, Some(ExtraType::Sample)));
    }

    #[test]
    fn extras_are_typed_by_folder_and_suffix_and_point_at_their_film() {
        let film = crate::items::item_id(&p("Copper Bay (2003)/Copper Bay (2003).mkv"));
        assert!(film.is_some());
        for (path, extra_type) in [
            ("Copper Bay (2003)/Trailers/Main.mkv", ExtraType::Trailer),
            ("Copper Bay (2003)/Featurettes/Sets.mkv", ExtraType::Featurette),
            ("Copper Bay (2003)/Behind The Scenes/Day 1.mkv", ExtraType::BehindTheScenes),
            ("Copper Bay (2003)/Deleted Scenes/Alt End.mkv", ExtraType::DeletedScene),
            ("Copper Bay (2003)/Interviews/Lead.mkv", ExtraType::Interview),
            ("Copper Bay (2003)/Scenes/Chase.mkv", ExtraType::Scene),
            ("Copper Bay (2003)/Shorts/Prequel.mkv", ExtraType::Short),
            ("Copper Bay (2003)/Extras/Gag Reel.mkv", ExtraType::Other),
            ("Copper Bay (2003)/Other/Poster Shoot.mkv", ExtraType::Other),
            ("Copper Bay (2003)/Copper Bay (2003)-trailer.mkv", ExtraType::Trailer),
            ("Copper Bay (2003)/Making Of-featurette.mkv", ExtraType::Featurette),
            ("Copper Bay (2003)/Crew-behindthescenes.mkv", ExtraType::BehindTheScenes),
            ("Copper Bay (2003)/Lost Ending-deleted.mkv", ExtraType::DeletedScene),
            ("Copper Bay (2003)/Director-interview.mkv", ExtraType::Interview),
            ("Copper Bay (2003)/Opening-scene.mkv", ExtraType::Scene),
            ("Copper Bay (2003)/Animated-short.mkv", ExtraType::Short),
            ("Copper Bay (2003)/Storyboards-other.mkv", ExtraType::Other),
            ("Copper Bay (2003)/sample.mkv", ExtraType::Sample),
            ("Copper Bay (2003)-trailer.mkv", ExtraType::Trailer),
        ] {
            let parsed = p(path);
            assert_eq!(parsed.kind, MediaKind::Extra, "{path}");
            assert_eq!(parsed.extra_type, Some(extra_type), "{path}");
            assert_eq!(parsed.extra_of, film, "{path}");
            assert_eq!(parsed.extra_show, None, "{path}");
        }
    }

    #[test]
    fn extras_of_a_show_name_the_show_and_specials_stay_season_zero() {
        for path in ["Pine Ridge/Extras/Cast Panel.mkv", "Pine Ridge/Season 2/Featurettes/Set Tour.mkv"] {
            let parsed = p(path);
            assert_eq!(parsed.kind, MediaKind::Extra, "{path}");
            assert_eq!((parsed.extra_show.as_deref(), parsed.extra_of), (Some("Pine Ridge"), None), "{path}");
        }
        assert_eq!(
            key(&p("Pine Ridge/Specials/Pine Ridge S00E02.mkv")),
            episode("Pine Ridge", Some(0), &[2])
        );
    }

    #[test]
    fn parts_and_versions() {
        let cd = p("Copper Bay (2003)/Copper Bay (2003) CD2.mkv");
        assert_eq!((cd.kind, cd.part), (MediaKind::Movie, Some(2)));
        let disc = p("Copper.Bay.2003.Disc.1.mkv");
        assert_eq!(disc.part, Some(1));
        let part = p("Copper Bay (2003)/Copper Bay - Part 2.mkv");
        assert_eq!(
            (part.kind, part.title.as_deref(), part.year, part.part),
            (MediaKind::Movie, Some("Copper Bay"), Some(2003), Some(2))
        );
        let uhd = p("Copper Bay (2003)/Copper Bay (2003) - 2160p.mkv");
        assert_eq!(
            (uhd.label.as_deref(), crate::items::item_id(&uhd)),
            (Some("2160p"), crate::items::item_id(&cd))
        );
    }

    #[test]
    fn provider_ids_are_read_from_names_and_folders_and_kept_out_of_titles() {
        let parsed = p("Copper Bay (2003) [tmdbid-4711]/Copper Bay (2003) {imdb-tt0471100}.mkv");
        assert_eq!((parsed.title.as_deref(), parsed.year), (Some("Copper Bay"), Some(2003)));
        assert_eq!((parsed.ids.tmdb, parsed.ids.imdb.as_deref()), (Some(4711), Some("tt0471100")));
        let show = p("Pine Ridge [tvdbid=90210]/Season 1/Pine Ridge S01E01.mkv");
        assert_eq!(key(&show), episode("Pine Ridge", Some(1), &[1]));
        assert_eq!(show.ids.tvdb, Some(90210));
    }
}
