//! Reads one path component (a file stem or a folder name) on its own.
//!
//! The component is tokenized and its release tags marked (`analysis`); the numbering rules
//! (`rules`) find the episode marker, strongest rule first. What precedes the marker is the
//! show, what follows it up to the tags is the episode title. Without a marker, a season word
//! makes a season folder or pack, and a year or release tags make a movie.

use chrono::NaiveDate;

use super::analysis::{Analysis, is_checksum, is_year};
use super::markers::Marker;
use super::release::Release;
use super::rules::{self, Decision, Scan, naming};
use super::tags::TagKind;
use super::tokens::Bracket;

/// What kind of name the component looks like on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Has an episode number (with or without season) or an air date.
    Episode,
    /// Has a season but no episode (`Show.S01.1080p`, `Season 2`).
    Season,
    /// A title with a year, or with release tags (`Movie.2010.1080p`).
    Movie,
    /// Only words.
    Plain,
}

/// Noise the catalog may want to hide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Noise {
    Sample,
    Extra,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NameInfo {
    pub shape: Shape,
    /// Show name (for episodes and seasons) or movie title.
    pub name: Option<String>,
    pub year: Option<u16>,
    pub season: Option<u32>,
    pub episodes: Vec<u32>,
    pub version: Option<u32>,
    pub date: Option<NaiveDate>,
    /// Episode title.
    pub title: Option<String>,
    pub part: Option<u32>,
    /// The number opening the name (`05 Title`) when it is not certainly an episode number;
    /// a season folder around it makes it one.
    pub leading_number: Option<u32>,
    /// Likewise, the number closing a name without a marker (`Title 05`).
    pub trailing_number: Option<u32>,
    pub noise: Option<Noise>,
    pub release: Release,
    /// The episode number is an anime-style absolute number (` - 112`, `[Group] Show 112`).
    pub absolute: bool,
    /// The numbering rule that decided (see `rules`), for tests and diagnostics.
    pub rule: Option<&'static str>,
    /// The marker says by itself that this is an episode (`S01E02`, `Episode 5`), so it is one
    /// even when no show can be named.
    pub explicit: bool,
}

/// Analyses one component.
pub(crate) fn analyze(text: &str) -> NameInfo {
    let scan = Scan::new(Analysis::new(text));
    let mut info = NameInfo {
        shape: Shape::Plain,
        name: None,
        year: None,
        season: None,
        episodes: Vec::new(),
        version: None,
        date: None,
        title: None,
        part: None,
        leading_number: None,
        trailing_number: None,
        noise: scan.a.noise,
        release: scan.a.release(),
        absolute: false,
        rule: None,
        explicit: false,
    };
    match rules::decide(&scan) {
        Some(decision) => {
            info.rule = Some(decision.rule.name);
            info.explicit = decision.is_explicit();
            episode(&scan, decision, &mut info);
        }
        None => match scan.season {
            Some(hint) => {
                info.shape = Shape::Season;
                info.season = Some(hint.season);
                (info.name, info.year) = naming::name(&scan.a, scan.start, hint.first, hint.first);
            }
            None => unnumbered(&scan, &mut info),
        },
    }
    info
}

/// A name with an episode marker: the show before it, the title after it.
fn episode(scan: &Scan<'_>, decision: Decision, info: &mut NameInfo) {
    let a = &scan.a;
    let n = a.tokens.len();
    let Decision { hit, name_end, season: hint, .. } = decision;
    (info.name, info.year) = naming::name(a, scan.start, name_end, hit.first);
    info.shape = Shape::Episode;
    match hit.marker {
        Marker::SeasonEpisode { season, episodes, version } => {
            info.season = Some(season);
            info.episodes = episodes;
            info.version = version;
        }
        Marker::Episode { episodes, version } => {
            info.season = hint.map(|h| h.season);
            info.episodes = episodes;
            info.version = version;
        }
        Marker::Date(date) => info.date = Some(date),
        Marker::Season(season) => info.season = Some(season),
    }
    info.absolute = hit.absolute && info.season.is_none();
    // The title runs from the marker to the first tag or bracket.
    let j = hit.last;
    let title_end = (j + 1..n)
        .find(|&k| a.tagged[k] || a.tokens[k].bracket == Bracket::Square || is_checksum(&a.tokens[k]))
        .unwrap_or(n);
    if let Some((pi, pj, part)) = a.part(j + 1, title_end) {
        info.part = Some(part);
        let before = a.join(j + 1, pi);
        let after = a.join(pj + 1, title_end);
        info.title = before.or(after);
    } else {
        info.title = a.join(j + 1, title_end);
    }
    // `[Group] 01 - Show [BD]`: when a fansub name opens with its number, the words after it
    // are the show, not a title.
    let opens_with_number = !a.words(scan.start, hit.first).any(|i| a.is_wordy(i));
    if a.anime && a.lead_group > 0 && opens_with_number && info.title.is_some() {
        info.name = info.title.take();
    }
}

/// No numbering: a movie if a year or release tags say so, else plain words.
fn unnumbered(scan: &Scan<'_>, info: &mut NameInfo) {
    let a = &scan.a;
    let (start, n) = (scan.start, a.tokens.len());
    info.leading_number = leading_number(scan);
    info.trailing_number = trailing_number(scan);
    let region_end = a.first_tag;
    // The release year: a year in round brackets (words after it are release information,
    // `Title (1997) - Group 2019`), else the last bare year before the tags, else a year alone
    // in square brackets (`Title [2023]`). A year opening the name (`(1995) Title`) counts too.
    let year_at = |i: usize| is_year(&a.tokens[i]).is_some();
    // Edition and language tags may stand between the title and its year (`Title.IMAX.2011`).
    let mut year_end = region_end;
    while year_end < n && a.tagged[year_end] && a.tag_kind(year_end) == Some(TagKind::Other) {
        year_end += 1;
    }
    let round = (start..n).rev().find(|&i| year_at(i) && a.tokens[i].bracket == Bracket::Round);
    let bare = (start..(year_end + 1).min(n))
        .rev()
        .find(|&i| year_at(i) && a.plain(i) && a.words(start, i).next().is_some());
    let square = (start..n).rev().find(|&i| {
        year_at(i)
            && a.tokens[i].bracket == Bracket::Square
            && a.group_end(i) == i
            && (i == 0 || a.tokens[i - 1].group != a.tokens[i].group)
    });
    let has_tags = a
        .tags
        .iter()
        .flatten()
        .any(|t| matches!(t.kind, TagKind::Resolution | TagKind::Source | TagKind::VideoCodec))
        // A fansub release (a CRC) with no episode number is a film or a special.
        || a.tokens.iter().any(is_checksum);
    if let Some(y) = round.or(bare).or(square) {
        info.year = is_year(&a.tokens[y]);
        info.name = naming::clean(a, start, y).or_else(|| naming::clean(a, y + 1, region_end.max(y + 1)));
        info.shape = Shape::Movie;
        if let Some((_, _, part)) = a.part(y + 1, region_end) {
            info.part = Some(part);
        }
    } else {
        let end = if has_tags { region_end } else { n };
        match a.part(start, end) {
            Some((pi, pj, part)) => {
                info.part = Some(part);
                info.name =
                    if pi > start { naming::clean(a, start, pi) } else { naming::clean(a, pj + 1, end) };
            }
            None => info.name = naming::clean(a, start, end),
        }
        info.shape = if has_tags { Shape::Movie } else { Shape::Plain };
    }
}

/// The number closing a name that has no marker (`Title 05`), after at least one word.
fn trailing_number(scan: &Scan<'_>) -> Option<u32> {
    let a = &scan.a;
    let words: Vec<usize> = a.words(scan.start, a.first_tag).collect();
    let (&last, before) = words.split_last()?;
    let text = a.tokens[last].text;
    let short = !before.is_empty() && text.len() <= 3 && text.bytes().all(|b| b.is_ascii_digit());
    short.then(|| text.parse().ok()).flatten()
}

/// The number opening a name that has no marker (`05 Title`): perhaps an episode number, if a
/// season folder says so.
fn leading_number(scan: &Scan<'_>) -> Option<u32> {
    let a = &scan.a;
    let i = scan.start;
    if scan.season.is_some() || i >= a.tokens.len() || !a.plain(i) || a.tokens[i].text.len() > 3 {
        return None;
    }
    match a.match_at(i, super::markers::bare_episode)? {
        (Marker::Episode { episodes, .. }, last) if !a.year_follows(last) => episodes.first().copied(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scene_episode() {
        let info = analyze("Show.Name.S01E02.Episode.Title.720p.HDTV.x264-GRP");
        assert_eq!(info.shape, Shape::Episode);
        assert_eq!(info.name.as_deref(), Some("Show Name"));
        assert_eq!((info.season, info.episodes.as_slice()), (Some(1), &[2][..]));
        assert_eq!(info.title.as_deref(), Some("Episode Title"));
        assert_eq!(info.release.resolution.as_deref(), Some("720p"));
        assert_eq!(info.release.source.as_deref(), Some("HDTV"));
        assert_eq!(info.release.video_codec.as_deref(), Some("x264"));
        assert_eq!(info.release.group.as_deref(), Some("GRP"));
    }

    #[test]
    fn movie_with_tags() {
        let info = analyze("Movie.Name.2010.1080p.BluRay.x264-GRP");
        assert_eq!(info.shape, Shape::Movie);
        assert_eq!(info.name.as_deref(), Some("Movie Name"));
        assert_eq!(info.year, Some(2010));
    }

    #[test]
    fn weak_tags_stay_in_titles() {
        let info = analyze("The.French.Connection.1971.FRENCH.1080p");
        assert_eq!(info.name.as_deref(), Some("The French Connection"));
        assert_eq!(info.year, Some(1971));
    }

    #[test]
    fn anime() {
        let info = analyze("[Group] Show Name - 12 (1080p) [ABCD1234]");
        assert_eq!(info.name.as_deref(), Some("Show Name"));
        assert_eq!(info.episodes, vec![12]);
        assert_eq!(info.season, None);
        assert_eq!(info.release.group.as_deref(), Some("Group"));
        assert_eq!(info.release.checksum.as_deref(), Some("ABCD1234"));
        assert_eq!(info.release.resolution.as_deref(), Some("1080p"));
    }

    #[test]
    fn acronyms_keep_their_dots() {
        let info = analyze("Marvels.Agents.of.S.H.I.E.L.D.S01E01");
        assert_eq!(info.name.as_deref(), Some("Marvels Agents of S.H.I.E.L.D."));
    }
}
