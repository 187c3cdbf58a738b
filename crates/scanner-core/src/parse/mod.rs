//! The filename parser: what a path says about show, season, episodes, movie and year.
//!
//! [`parse_path`] reads a path relative to the scan root. The file name is analysed on its own
//! (see `name`), then the folders fill what it leaves open: a season folder (`Season 2`,
//! `S02`, `Specials`) gives the season, the folder above it the show, an `Extras` or `Sample`
//! folder marks noise. Where folder and file name disagree, the file name wins. The rules are
//! written for users in `docs/naming.md`.

mod analysis;
mod markers;
mod name;
mod release;
mod rules;
mod tags;
mod tokens;

use std::path::{Component, Path};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use name::{NameInfo, Noise, Shape, analyze};

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

/// What a folder contributes.
enum Folder {
    Season(u32),
    Noise(Noise),
    Name(Box<NameInfo>),
}

fn classify_folder(name: &str) -> Folder {
    let lower = name.trim().to_lowercase();
    match lower.as_str() {
        "specials" | "special" | "speciale" | "extras & specials" => return Folder::Season(0),
        "extras" | "extra" | "featurettes" | "featurette" | "behind the scenes" | "deleted scenes"
        | "interviews" | "scenes" | "shorts" | "trailers" | "trailer" | "other" | "others" | "bonus"
        | "bonus features" | "bonus material" | "special features" => {
            return Folder::Noise(Noise::Extra);
        }
        "sample" | "samples" => return Folder::Noise(Noise::Sample),
        _ => {}
    }
    let info = analyze(name);
    if info.shape == Shape::Season && info.name.is_none() {
        return Folder::Season(info.season.unwrap_or_default());
    }
    Folder::Name(Box::new(info))
}

/// Folder names that organise a library but never name a show or movie.
const GENERIC_FOLDERS: &[&str] = &[
    "anime",
    "complete",
    "completed",
    "download",
    "downloads",
    "films",
    "incoming",
    "library",
    "media",
    "misc",
    "movies",
    "new folder",
    "series",
    "shows",
    "torrents",
    "tv",
    "tv shows",
    "tvshows",
    "unsorted",
    "video",
    "videos",
];

fn is_generic(folder: &str) -> bool {
    GENERIC_FOLDERS.contains(&folder.trim().to_lowercase().as_str())
}

/// What the folders around a file say.
#[derive(Default)]
struct Context {
    season: Option<u32>,
    noise: Option<Noise>,
    show: Option<NameInfo>,
}

fn folder_context<'a>(folders: impl DoubleEndedIterator<Item = &'a str>, root_name: Option<&str>) -> Context {
    let mut ctx = Context::default();
    for folder in folders.rev() {
        if is_generic(folder) {
            continue;
        }
        match classify_folder(folder) {
            Folder::Season(s) => {
                ctx.season.get_or_insert(s);
            }
            Folder::Noise(n) => {
                ctx.noise.get_or_insert(n);
            }
            Folder::Name(info) => {
                ctx.show = Some(*info);
                break;
            }
        }
    }
    if ctx.show.is_none()
        && ctx.season.is_some()
        && let Some(root) = root_name.filter(|r| !is_generic(r))
    {
        // `Season 1` directly under the root: the root is the show.
        ctx.show = Some(analyze(root));
    }
    ctx
}

fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
    };
    norm(a) == norm(b)
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
    let ctx = folder_context(folders.iter().map(String::as_str), root_name);
    merge(file, ctx)
}

fn merge(file: NameInfo, ctx: Context) -> ParsedName {
    let mut out = ParsedName {
        part: file.part,
        version: file.version,
        resolution: file.release.resolution.clone(),
        source: file.release.source.clone(),
        video_codec: file.release.video_codec.clone(),
        audio_codec: file.release.audio_codec.clone(),
        release_group: file.release.group.clone(),
        checksum: file.release.checksum.clone(),
        ..ParsedName::default()
    };
    let noise = file.noise.or(ctx.noise);
    match noise {
        Some(noise) if file.shape == Shape::Plain => bonus(&mut out, &file, &ctx, noise),
        _ => identify(&mut out, &file, &ctx),
    }
    if let Some(noise) = noise {
        out.kind = match noise {
            Noise::Sample => MediaKind::Sample,
            Noise::Extra => MediaKind::Extra,
        };
    }
    if file.absolute && out.season.is_none() {
        out.absolute_episode = out.episodes.first().copied();
    }
    if out.kind == MediaKind::Episode && out.show.as_deref().is_none_or(str::is_empty) {
        out.show = None;
        // An episode nobody can name is still one when its numbering says so: a marker that
        // names itself (`S01E04`, `Episode 5`, an air date), or a number in a season folder.
        // A bare `05 - Title` with nothing around it is not.
        let numbered = file.explicit || (ctx.season.is_some() && !out.episodes.is_empty());
        if !numbered {
            out.kind = MediaKind::Unknown;
        }
    }
    out
}

/// Bonus material whose own name says nothing about what it belongs to: the folders do.
fn bonus(out: &mut ParsedName, file: &NameInfo, ctx: &Context, noise: Noise) {
    out.title = file.name.clone();
    let Some(folder) = ctx.show.as_ref() else { return };
    match noise {
        // `Release.S01E02.720p-GRP/Sample/sample.mkv` is a sample of that release.
        Noise::Sample => {
            let release = Context { season: ctx.season, noise: None, show: None };
            let title = out.title.take();
            identify(out, folder, &release);
            if folder.shape == Shape::Plain {
                out.title = title;
            }
        }
        // `Movie (2010)/Extras/Making Of.mkv`: the movie's year, the extra's own title.
        Noise::Extra if folder.shape == Shape::Movie && folder.year.is_some() => out.year = folder.year,
        // `Show/Season 1/Extras/Bloopers.mkv`.
        Noise::Extra => {
            out.show = folder.name.clone();
            out.year = folder.year;
            out.season = ctx.season.or(folder.season);
        }
    }
}

/// What a file is, from its own name and its folders.
fn identify(out: &mut ParsedName, file: &NameInfo, ctx: &Context) {
    let folder_show = ctx.show.as_ref();
    let folder_is_show = folder_show.is_some_and(|f| matches!(f.shape, Shape::Episode | Shape::Season));

    let episode_like = match file.shape {
        Shape::Episode | Shape::Season => true,
        Shape::Movie => false,
        Shape::Plain => ctx.season.is_some() || folder_is_show,
    };

    if episode_like {
        out.kind = MediaKind::Episode;
        out.season = file.season.or(ctx.season).or_else(|| folder_show.and_then(|f| f.season));
        out.episodes = file.episodes.clone();
        out.date = file.date;
        out.title = file.title.clone();
        if file.shape == Shape::Plain {
            // `Season 1/03 Title.mkv` or `Season 1/Pilot.mkv`.
            match file.leading_number {
                Some(n) => {
                    out.episodes = vec![n];
                    out.title = file.name.as_deref().and_then(|name| {
                        let rest = name.trim_start_matches(|c: char| c.is_ascii_digit()).trim();
                        (!rest.is_empty()).then(|| rest.to_owned())
                    });
                }
                None => out.title = file.name.clone(),
            }
            out.show = folder_show.and_then(|f| f.name.clone());
            out.year = folder_show.and_then(|f| f.year);
        } else if let Some(show) = file.name.clone() {
            out.year = file.year.or_else(|| {
                folder_show
                    .filter(|f| f.name.as_deref().is_some_and(|n| same_name(n, &show)))
                    .and_then(|f| f.year)
            });
            out.show = Some(show);
        } else {
            out.show = folder_show.and_then(|f| f.name.clone());
            out.year = file.year.or_else(|| folder_show.and_then(|f| f.year));
        }
    } else if file.shape == Shape::Movie {
        out.kind = MediaKind::Movie;
        out.title = file.name.clone();
        out.year = file.year;
        if out.year.is_none()
            && let Some(folder) = folder_show.filter(|f| f.shape == Shape::Movie && f.year.is_some())
        {
            out.year = folder.year;
            if out.title.as_deref().is_none_or(|t| !same_name(t, folder.name.as_deref().unwrap_or(""))) {
                out.title = folder.name.clone();
            }
        }
    } else if let Some(folder) = folder_show.filter(|f| f.shape == Shape::Movie && f.year.is_some()) {
        // `Movie (2010)/movie.mkv`, `Movie.2010.1080p-GRP/grp-m1080.mkv`.
        out.kind = MediaKind::Movie;
        out.title = folder.name.clone();
        out.year = folder.year;
    } else {
        out.kind = MediaKind::Unknown;
        out.title = file.name.clone();
        out.episodes = file.leading_number.map(|n| vec![n]).unwrap_or_default();
    }
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
