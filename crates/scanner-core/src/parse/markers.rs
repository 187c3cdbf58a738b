//! nom recognizers for the numbering patterns in release names: `S01E02`, `1x02`, dates,
//! season folders, episode words and bare numbers.
//!
//! Each recognizer is tried at the start of a token against the rest of the component, so a
//! pattern may span separators (`S01.E02`, `2024.01.15`). A match only counts when it ends at
//! a word boundary; [`run_at_boundary`] checks that.

use chrono::NaiveDate;
use nom::IResult;
use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::{tag, tag_no_case, take_while_m_n};
use nom::character::complete::{char, one_of};
use nom::combinator::{map, map_opt, not, opt, peek, verify};
use nom::multi::many0;
use nom::sequence::preceded;

/// Longest episode range we expand (`E01-E24` is a season pack; `E01-E9999` is noise).
const MAX_RANGE: u32 = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Marker {
    /// `S01E02`, `1x02`, `Season 1 Episode 2` and their multi-episode forms.
    SeasonEpisode { season: u32, episodes: Vec<u32>, version: Option<u32> },
    /// A daily show's air date.
    Date(NaiveDate),
    /// `S02`, `Season 2`, `Staffel 2` … without an episode.
    Season(u32),
    /// `E05`, `Ep 5`, `Episode 05` without a season.
    Episode { episodes: Vec<u32>, version: Option<u32> },
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit()
}

/// A number of `min..=max` digits not followed by another digit.
fn number(min: usize, max: usize) -> impl FnMut(&str) -> IResult<&str, u32> {
    move |input| {
        let (rest, digits) = take_while_m_n(min, max, is_digit)(input)?;
        let (rest, _) = not(peek(one_of("0123456789"))).parse(rest)?;
        // At most 4 digits, so this always fits.
        Ok((rest, digits.parse().unwrap_or(0)))
    }
}

fn sep(input: &str) -> IResult<&str, char> {
    one_of("._ -")(input)
}

fn version(input: &str) -> IResult<&str, u32> {
    preceded(tag_no_case("v"), number(1, 2)).parse(input)
}

/// Expands `first` and the following `(is_range, n)` items into an episode list.
fn expand(first: u32, rest: Vec<(bool, u32)>) -> Vec<u32> {
    let mut episodes = vec![first];
    for (is_range, n) in rest {
        let last = *episodes.last().unwrap_or(&first);
        if is_range && n > last && n - last <= MAX_RANGE {
            episodes.extend(last + 1..=n);
        } else if !episodes.contains(&n) {
            episodes.push(n);
        }
    }
    episodes
}

/// `S01E02`, `s1e2`, `S01.E02`, `S01 E02`, `s01_e02`, `S01E01E02`, `S01E01-E03`, `S01E01-02`,
/// `S01E01-S01E02`, `S01E02v2`.
pub(crate) fn season_episode(input: &str) -> IResult<&str, Marker> {
    let e = || alt((tag_no_case("ep"), tag_no_case("e")));
    let (input, _) = tag_no_case("s").parse(input)?;
    let (input, season) = number(1, 4).parse(input)?;
    let (input, _) = opt(one_of("._ ")).parse(input)?;
    let (input, first) = preceded(e(), number(1, 4)).parse(input)?;
    let (input, rest) = many0(alt((
        map(preceded(e(), number(1, 4)), |n| (false, n)),
        map(preceded((tag("-"), opt((tag_no_case("s"), number(1, 4))), opt(e())), number(1, 4)), |n| {
            (true, n)
        }),
        // `S01E01.S01E02`: the same marker repeated.
        map(preceded((one_of("._ "), tag_no_case("s"), number(1, 4), e()), number(1, 4)), |n| (false, n)),
    )))
    .parse(input)?;
    let (input, version) = opt(version).parse(input)?;
    Ok((input, Marker::SeasonEpisode { season, episodes: expand(first, rest), version }))
}

/// `1x02`, `01x02`, `1x02-03`, `1x02-1x03`, `1x02x03`.
pub(crate) fn cross(input: &str) -> IResult<&str, Marker> {
    let (input, season) = number(1, 2).parse(input)?;
    let (input, _) = one_of("xX")(input)?;
    let (input, first) = number(2, 3).parse(input)?;
    let (input, rest) = many0(alt((
        map(preceded(one_of("xX"), number(2, 3)), |n| (false, n)),
        map(preceded((char('-'), opt((number(1, 2), one_of("xX")))), number(2, 3)), |n| (true, n)),
        // `2x09.2x10`: the same marker repeated.
        map(preceded((one_of("._ "), number(1, 2), one_of("xX")), number(2, 3)), |n| (false, n)),
    )))
    .parse(input)?;
    let (input, version) = opt(version).parse(input)?;
    Ok((input, Marker::SeasonEpisode { season, episodes: expand(first, rest), version }))
}

fn season_word(input: &str) -> IResult<&str, ()> {
    map(
        alt((
            tag_no_case("season"),
            tag_no_case("series"),
            tag_no_case("staffel"),
            tag_no_case("saison"),
            tag_no_case("temporada"),
            tag_no_case("stagione"),
            tag_no_case("seizoen"),
            tag_no_case("sezon"),
        )),
        |_| (),
    )
    .parse(input)
}

fn episode_word(input: &str) -> IResult<&str, ()> {
    map(
        alt((
            tag_no_case("episode"),
            tag_no_case("episodio"),
            tag_no_case("épisode"),
            tag_no_case("folge"),
            tag_no_case("ep"),
        )),
        |_| (),
    )
    .parse(input)
}

/// `Season 1 Episode 2`, `Season.01.Episode.02`, `Series 2 Ep 5`.
pub(crate) fn season_episode_words(input: &str) -> IResult<&str, Marker> {
    let (input, _) = season_word(input)?;
    let (input, _) = opt(sep).parse(input)?;
    let (input, season) = number(1, 4).parse(input)?;
    let (input, _) = many0(sep).parse(input)?;
    let (input, _) = episode_word(input)?;
    let (input, _) = opt(sep).parse(input)?;
    let (input, first) = number(1, 4).parse(input)?;
    let (input, rest) =
        many0(map(preceded((opt(sep), char('-'), opt(sep)), number(1, 4)), |n| (true, n))).parse(input)?;
    Ok((input, Marker::SeasonEpisode { season, episodes: expand(first, rest), version: None }))
}

fn year_number(input: &str) -> IResult<&str, u32> {
    verify(number(4, 4), |y| (1900..=2099).contains(y)).parse(input)
}

/// `2024.01.15`, `2024-01-15`, `2024 01 15`, and the day-first or month-first forms when the
/// day is unmistakable (`15.01.2024`, `01.15.2024`).
pub(crate) fn date(input: &str) -> IResult<&str, Marker> {
    let ymd = map_opt(
        (year_number, one_of(".-_ "), number(2, 2), one_of(".-_ "), number(2, 2)),
        |(y, _, m, _, d)| NaiveDate::from_ymd_opt(y as i32, m, d),
    );
    let dmy = map_opt(
        (number(2, 2), one_of(".-_ "), number(2, 2), one_of(".-_ "), year_number),
        |(a, _, b, _, y)| {
            let (day, month) = match (a, b) {
                (a, b) if a > 12 && b <= 12 => (a, b),
                (a, b) if b > 12 && a <= 12 => (b, a),
                (a, b) if a == b => (a, b),
                _ => return None,
            };
            NaiveDate::from_ymd_opt(y as i32, month, day)
        },
    );
    map(alt((ymd, dmy)), Marker::Date).parse(input)
}

/// `S02`, `s2`, `Season 2`, `Season.02`, `Series 2`, `Staffel 2`, `Saison 2`, `Temporada 2`.
pub(crate) fn season_only(input: &str) -> IResult<&str, Marker> {
    let short = preceded(tag_no_case("s"), number(1, 4));
    let long = preceded((season_word, opt(sep)), number(1, 4));
    map(alt((short, long)), Marker::Season).parse(input)
}

/// `Specials`, `Special`, `Extras` are not here: see `folders`.
/// `E05`, `Ep05`, `Ep 5`, `Episode 05`, `Episode.5`, `E05-E06`.
pub(crate) fn episode_only(input: &str) -> IResult<&str, Marker> {
    let short = preceded(tag_no_case("e"), number(1, 4));
    let long = preceded((episode_word, opt(sep)), number(1, 4));
    let (input, first) = alt((long, short)).parse(input)?;
    let (input, rest) =
        many0(map(preceded((char('-'), opt(tag_no_case("e"))), number(1, 4)), |n| (true, n))).parse(input)?;
    let (input, version) = opt(version).parse(input)?;
    Ok((input, Marker::Episode { episodes: expand(first, rest), version }))
}

/// A bare episode number: `05`, `12v2`, `01-02`. Only meaningful where the caller knows a
/// number stands for an episode (leading `05 - Title`, anime ` - 12`).
pub(crate) fn bare_episode(input: &str) -> IResult<&str, Marker> {
    let (input, first) = number(1, 4).parse(input)?;
    let (input, rest) = many0(map(preceded(char('-'), number(1, 4)), |n| (true, n))).parse(input)?;
    let (input, version) = opt(version).parse(input)?;
    Ok((input, Marker::Episode { episodes: expand(first, rest), version }))
}

/// `102` → season 1 episode 2; `1012` → season 10 episode 12 (four digits only when they
/// cannot be a year).
pub(crate) fn compact_number(input: &str) -> IResult<&str, Marker> {
    let three = map_opt(number(3, 3), |n| split_compact(n, 100));
    let four = map_opt(verify(number(4, 4), |n| !(1900..=2099).contains(n)), |n| split_compact(n, 100));
    alt((three, four)).parse(input)
}

fn split_compact(n: u32, base: u32) -> Option<Marker> {
    let (season, episode) = (n / base, n % base);
    (season > 0 && episode > 0).then(|| Marker::SeasonEpisode {
        season,
        episodes: vec![episode],
        version: None,
    })
}

/// Runs `parser` on `text` and accepts its result only at a word boundary.
pub(crate) fn run_at_boundary(
    text: &str,
    parser: fn(&str) -> IResult<&str, Marker>,
) -> Option<(Marker, usize)> {
    let (rest, marker) = parser(text).ok()?;
    ends_at_boundary(rest).then(|| (marker, text.len() - rest.len()))
}

fn ends_at_boundary(rest: &str) -> bool {
    rest.chars().next().is_none_or(|c| !c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn se(season: u32, episodes: &[u32]) -> Marker {
        Marker::SeasonEpisode { season, episodes: episodes.to_vec(), version: None }
    }

    /// What the strong recognizers (the ones that count anywhere in a name) read at the start
    /// of `text`.
    fn strong(text: &str) -> Option<Marker> {
        strong_at(text).map(|(m, _)| m)
    }

    fn strong_at(text: &str) -> Option<(Marker, usize)> {
        [season_episode, cross, season_episode_words, date].into_iter().find_map(|p| run_at_boundary(text, p))
    }

    #[test]
    fn season_episode_forms() {
        for text in ["S01E02", "s01e02", "S1E2", "S01.E02", "S01 E02", "s01_e02", "S01EP02"] {
            assert_eq!(strong(text), Some(se(1, &[2])), "{text}");
        }
    }

    #[test]
    fn multi_episode_forms() {
        assert_eq!(strong("S01E01E02"), Some(se(1, &[1, 2])));
        assert_eq!(strong("S01E01-E02"), Some(se(1, &[1, 2])));
        assert_eq!(strong("S01E01-E03"), Some(se(1, &[1, 2, 3])));
        assert_eq!(strong("S01E01-02"), Some(se(1, &[1, 2])));
        assert_eq!(strong("S01E01-S01E02"), Some(se(1, &[1, 2])));
        assert_eq!(strong("S01E01E03"), Some(se(1, &[1, 3])));
        assert_eq!(strong("S01E01.S01E02"), Some(se(1, &[1, 2])));
    }

    #[test]
    fn absurd_ranges_are_not_expanded() {
        assert_eq!(strong("S01E01-E9999"), Some(se(1, &[1, 9999])));
    }

    #[test]
    fn cross_forms() {
        assert_eq!(strong("1x02"), Some(se(1, &[2])));
        assert_eq!(strong("01x02"), Some(se(1, &[2])));
        assert_eq!(strong("1x02-03"), Some(se(1, &[2, 3])));
        assert_eq!(strong("1x02-1x04"), Some(se(1, &[2, 3, 4])));
        assert_eq!(strong("1920x1080"), None);
        assert_eq!(strong("2x09.2x10"), Some(se(2, &[9, 10])));
        assert_eq!(strong_at("1x02.720p").map(|(_, n)| n), Some(4));
    }

    #[test]
    fn words() {
        assert_eq!(strong("Season 1 Episode 2"), Some(se(1, &[2])));
        assert_eq!(strong("season.01.episode.02"), Some(se(1, &[2])));
    }

    #[test]
    fn dates() {
        let d = |y, m, day| Some(Marker::Date(NaiveDate::from_ymd_opt(y, m, day).unwrap()));
        assert_eq!(strong("2024.01.15"), d(2024, 1, 15));
        assert_eq!(strong("2024-01-15"), d(2024, 1, 15));
        assert_eq!(strong("15.01.2024"), d(2024, 1, 15));
        assert_eq!(strong("01.15.2024"), d(2024, 1, 15));
        assert_eq!(strong("05.06.2024"), None);
        assert_eq!(strong("2024.13.45"), None);
    }

    #[test]
    fn boundaries_are_required() {
        assert_eq!(strong("S01E02x264"), None);
        assert_eq!(strong_at("S01E02.720p").map(|(_, n)| n), Some(6));
    }

    #[test]
    fn season_and_episode_only() {
        assert_eq!(run_at_boundary("Season 2", season_only).map(|m| m.0), Some(Marker::Season(2)));
        assert_eq!(run_at_boundary("S02", season_only).map(|m| m.0), Some(Marker::Season(2)));
        assert_eq!(run_at_boundary("Staffel.3", season_only).map(|m| m.0), Some(Marker::Season(3)));
        assert_eq!(
            run_at_boundary("Episode 04", episode_only).map(|m| m.0),
            Some(Marker::Episode { episodes: vec![4], version: None })
        );
        assert_eq!(
            run_at_boundary("E05", episode_only).map(|m| m.0),
            Some(Marker::Episode { episodes: vec![5], version: None })
        );
    }

    #[test]
    fn compact_numbers_avoid_years() {
        assert_eq!(run_at_boundary("102", compact_number).map(|m| m.0), Some(se(1, &[2])));
        assert_eq!(run_at_boundary("1012", compact_number).map(|m| m.0), Some(se(10, &[12])));
        assert_eq!(run_at_boundary("2010", compact_number), None);
        assert_eq!(run_at_boundary("100", compact_number), None);
    }

    #[test]
    fn bare_numbers_with_versions() {
        assert_eq!(
            run_at_boundary("03v2", bare_episode).map(|m| m.0),
            Some(Marker::Episode { episodes: vec![3], version: Some(2) })
        );
    }
}
