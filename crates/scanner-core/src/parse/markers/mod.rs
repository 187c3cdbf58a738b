//! nom recognizers for the numbering patterns in release names: `S01E02`, `1x02`, bare and
//! compact numbers here; words (`Season 2`, `Episode 5`, `第3集`) in `words`, dates in `dates`.
//!
//! Each recognizer is tried at the start of a token against the rest of the component, so a
//! pattern may span separators (`S01.E02`, `2024.01.15`). A match only counts when it ends at
//! a word boundary; [`run_at_boundary`] checks that.

mod dates;
mod words;

use nom::IResult;
use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::{tag, take_while_m_n};
use nom::character::complete::{char, one_of, satisfy};
use nom::combinator::{map, map_opt, not, opt, peek, verify};
use nom::multi::many0;
use nom::sequence::{preceded, terminated};

pub(crate) use dates::{compact_date, date};
pub(crate) use words::{chapter, episode_only, of_count, part, season_episode_words, season_only};

/// Longest episode range we expand: an anime batch (`1017-1088`) is listed in full,
/// `E01-E9999` is noise.
const MAX_RANGE: u32 = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Marker {
    /// `S01E02`, `1x02`, `Season 1 Episode 2` and their multi-episode forms.
    SeasonEpisode { season: u32, episodes: Vec<u32>, version: Option<u32> },
    /// A daily show's air date.
    Date(chrono::NaiveDate),
    /// `S02`, `Season 2`, `Staffel 2` … without an episode.
    Season(u32),
    /// `E05`, `Ep 5`, `Episode 05` without a season.
    Episode { episodes: Vec<u32>, version: Option<u32> },
}

/// ASCII digits, and the full-width digits of CJK text (`１５８`).
fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn digit_value(c: char) -> u32 {
    if c.is_ascii_digit() { c as u32 - '0' as u32 } else { c as u32 - '０' as u32 }
}

/// A number of `min..=max` digits (at most 5) not followed by another digit.
fn number(min: usize, max: usize) -> impl FnMut(&str) -> IResult<&str, u32> {
    move |input| {
        let (rest, digits) = take_while_m_n(min, max, is_digit)(input)?;
        let (rest, _) = not(peek(satisfy(is_digit))).parse(rest)?;
        // At most 5 digits, so this always fits.
        Ok((rest, digits.chars().fold(0, |n, c| n * 10 + digit_value(c))))
    }
}

/// A year a show or film can have (1900–2099).
fn year_number(input: &str) -> IResult<&str, u32> {
    verify(number(4, 4), |y| (1900..=2099).contains(y)).parse(input)
}

/// The first of `words` that `input` starts with, ignoring ASCII case. (nom's `tag_no_case`
/// lowercases every character through the Unicode tables and was the parser's hottest spot.)
/// Letters outside ASCII must match as written, so lists carry their capitalised forms too.
fn kw(words: &'static [&'static str]) -> impl Fn(&str) -> IResult<&str, &str> {
    move |input: &str| {
        let first = input.as_bytes().first().map(u8::to_ascii_lowercase);
        words
            .iter()
            .filter(|w| w.as_bytes().first().map(u8::to_ascii_lowercase) == first)
            .find_map(|w| {
                input.get(..w.len()).filter(|p| p.eq_ignore_ascii_case(w)).map(|p| (&input[w.len()..], p))
            })
            .ok_or_else(|| nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Tag)))
    }
}

fn sep(input: &str) -> IResult<&str, char> {
    one_of("._ -+")(input)
}

/// Where a word ends: the end of the input, or a character that is neither letter nor digit.
fn word_end(input: &str) -> IResult<&str, ()> {
    not(peek(satisfy(char::is_alphanumeric))).parse(input)
}

/// Where an item of a multi-episode marker ends: before anything but an ASCII letter or digit
/// (`01-03完`), or before a version or an end mark (`S01E01-02v2`, `01-24END`); so that
/// `S01E02-720p` does not read 720 as an episode.
fn item_end(input: &str) -> IResult<&str, ()> {
    let ascii_word = satisfy(|c: char| c.is_ascii_alphanumeric());
    alt((not(peek(ascii_word)), map(peek(version), |_| ()), map(peek(kw(&["end", "fin"])), |_| ())))
        .parse(input)
}

fn version(input: &str) -> IResult<&str, u32> {
    preceded(one_of("vV"), number(1, 2)).parse(input)
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

fn e_word(input: &str) -> IResult<&str, &str> {
    kw(&["ep", "e"]).parse(input)
}

/// `E02`, `Ep02`, `E.02`.
fn e_number(input: &str) -> IResult<&str, u32> {
    preceded((e_word, opt(char('.'))), number(1, 5)).parse(input)
}

/// `S01E02`, `s1e2`, `S01.E02`, `S01 E02`, `S1-E1`, `S01.E.01`, `S01x02`, `S01xE02`, and the
/// multi-episode forms: `S01E01E02`, `S01E01-E03`, `S01E01-02`, `S01E01+02`, `S01E01 E02`,
/// `S01E01.S01E02`, `S01E01 - S01E02`; then an optional version (`S01E02v2`).
pub(crate) fn season_episode(input: &str) -> IResult<&str, Marker> {
    let (input, _) = one_of("sS").parse(input)?;
    let (input, season) = number(1, 4).parse(input)?;
    let (input, first) = alt((
        preceded(opt(one_of("._ -")), e_number),
        preceded((opt(char('-')), one_of("xX"), opt(e_word)), number(1, 5)),
    ))
    .parse(input)?;
    let full = || (one_of("sS"), number(1, 4), e_number);
    let (input, rest) = many0(alt((
        map(e_number, |n| (false, n)),
        map(
            terminated(
                preceded((char('-'), opt((one_of("sS"), number(1, 4))), opt(e_word)), number(1, 5)),
                item_end,
            ),
            |n| (true, n),
        ),
        map(preceded((char('+'), opt(e_word)), number(1, 5)), |n| (false, n)),
        map(preceded((tag(" - "), e_word), number(1, 5)), |n| (true, n)),
        map(terminated(preceded(one_of("._ "), e_number), word_end), |n| (false, n)),
        // The same marker repeated: `S01E01.S01E02`, `S01E01 - S01E02`, `S01E01 & S01E02`.
        map(
            preceded(
                alt((tag(" - "), tag(" & "), tag(".and."), tag(" and "), tag("."), tag("_"), tag(" "))),
                full(),
            ),
            |(_, _, n)| (false, n),
        ),
    )))
    .parse(input)?;
    let (input, version) = opt(version).parse(input)?;
    Ok((input, Marker::SeasonEpisode { season, episodes: expand(first, rest), version }))
}

/// The `x` of `1x02`, also spaced (`1 x 02`) or as a multiplication sign (`1×02`).
fn times(input: &str) -> IResult<&str, ()> {
    map(alt((tag(" x "), tag(" X "), tag("x"), tag("X"), tag("×"))), |_| ()).parse(input)
}

/// The season of `1x02`: one or two digits, or a year (`2009x09`, for shows numbered by year).
fn cross_season(input: &str) -> IResult<&str, u32> {
    alt((number(1, 2), year_number)).parse(input)
}

/// `1x02`, `01x02`, `2x4`, `1 x 02`, `1×02`, `2009x09`, and the multi-episode forms:
/// `1x02x03`, `1x02-03`, `1x02-1x03`, `1x01-x03`, `8x01_02`, `2x09.2x10`, `2x09 - 2x10`.
pub(crate) fn cross(input: &str) -> IResult<&str, Marker> {
    let (input, season) = cross_season(input)?;
    let (input, _) = times(input)?;
    let (input, first) = number(1, 3).parse(input)?;
    let (input, rest) = many0(alt((
        map(preceded(one_of("xX"), number(1, 3)), |n| (false, n)),
        map(
            terminated(
                preceded((char('-'), opt((cross_season, one_of("xX"))), opt(one_of("xXeE"))), number(1, 3)),
                item_end,
            ),
            |n| (true, n),
        ),
        map(terminated(preceded(char('_'), number(2, 2)), word_end), |n| (false, n)),
        // The same marker repeated: `2x09.2x10`, `2x09 - 2x10`, `2x09 - x10` (but `1x02 x264`
        // is a codec).
        map(
            preceded((alt((tag(" - "), tag("."), tag(" "))), cross_season, one_of("xX")), number(1, 3)),
            |n| (false, n),
        ),
        map(preceded((tag(" - "), one_of("xX")), number(1, 3)), |n| (false, n)),
    )))
    .parse(input)?;
    let (input, version) = opt(version).parse(input)?;
    Ok((input, Marker::SeasonEpisode { season, episodes: expand(first, rest), version }))
}

/// A bare episode number: `05`, `12v2`, `01-02`, `01~10`, `01 ~ 10`, `01v2-03`, `01+02`. Only
/// meaningful where the caller knows a number stands for an episode (leading `05 - Title`,
/// anime ` - 12`).
pub(crate) fn bare_episode(input: &str) -> IResult<&str, Marker> {
    let (input, first) = number(1, 4).parse(input)?;
    let (input, first_version) = opt(version).parse(input)?;
    let (input, rest) = many0(terminated(
        alt((
            map(terminated(preceded(alt((tag("-"), tag("~"), tag(" ~ "))), number(1, 4)), item_end), |n| {
                (true, n)
            }),
            map(preceded(char('+'), number(1, 4)), |n| (false, n)),
        )),
        opt(version),
    ))
    .parse(input)?;
    Ok((input, Marker::Episode { episodes: expand(first, rest), version: first_version }))
}

/// What a bracket holding only an episode says: `01`, `01-24`, `12END`, `215 Fin`, `13完`,
/// `24（END）` (a last episode is marked as such).
pub(crate) fn closing_episode(input: &str) -> IResult<&str, Marker> {
    let end = kw(&["end", "fin", "完", "（END）", "(END)"]);
    terminated(bare_episode, opt(preceded(opt(char(' ')), end))).parse(input)
}

/// `4-12`, `11-02`: a season and an episode joined by a dash, where the pair cannot be a range
/// of episodes: the season is written with one digit, or the episode is not above it (`01-02`
/// and `12-14` are ranges).
pub(crate) fn dashed_pair(input: &str) -> IResult<&str, Marker> {
    let (rest, (season, _, episode)) =
        (take_while_m_n(1, 2, is_digit), char('-'), take_while_m_n(2, 2, is_digit)).parse(input)?;
    let (rest, _) = not(peek(one_of("0123456789"))).parse(rest)?;
    let (s, e) = (season.parse::<u32>().unwrap_or(0), episode.parse::<u32>().unwrap_or(0));
    if s == 0 || e == 0 || (season.len() == 2 && e > s) {
        return Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Verify)));
    }
    Ok((rest, Marker::SeasonEpisode { season: s, episodes: vec![e], version: None }))
}

/// `102` → season 1 episode 2; `1012` → season 10 episode 12 (four digits only when they
/// cannot be a year).
pub(crate) fn compact_number(input: &str) -> IResult<&str, Marker> {
    let one = |input| {
        alt((
            map_opt(number(3, 3), split_compact),
            map_opt(verify(number(4, 4), |n| !(1900..=2099).contains(n)), split_compact),
        ))
        .parse(input)
    };
    let (mut input, first) = one(input)?;
    let Marker::SeasonEpisode { season, mut episodes, .. } = first else { return Ok((input, first)) };
    // `103.104`: the next episode of the same season, as a whole word.
    while let Ok((rest, Marker::SeasonEpisode { season: s, episodes: e, .. })) =
        preceded(one_of("._ "), terminated(one, word_end)).parse(input)
    {
        if s != season {
            break;
        }
        episodes.extend(e);
        input = rest;
    }
    Ok((input, Marker::SeasonEpisode { season, episodes, version: None }))
}

fn split_compact(n: u32) -> Option<Marker> {
    let (season, episode) = (n / 100, n % 100);
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

    pub(super) fn se(season: u32, episodes: &[u32]) -> Marker {
        Marker::SeasonEpisode { season, episodes: episodes.to_vec(), version: None }
    }

    /// What the strong recognizers (the ones that count anywhere in a name) read at the start
    /// of `text`.
    fn strong(text: &str) -> Option<Marker> {
        strong_at(text).map(|(m, _)| m)
    }

    fn strong_at(text: &str) -> Option<(Marker, usize)> {
        [season_episode, cross, season_episode_words, chapter, date]
            .into_iter()
            .find_map(|p| run_at_boundary(text, p))
    }

    #[test]
    fn season_episode_forms() {
        for text in
            ["S01E02", "s01e02", "S1E2", "S01.E02", "S01 E02", "s01_e02", "S01EP02", "S1-E2", "S01.E.02"]
        {
            assert_eq!(strong(text), Some(se(1, &[2])), "{text}");
        }
        assert_eq!(strong("S01x02"), Some(se(1, &[2])));
        assert_eq!(strong("S01xE02"), Some(se(1, &[2])));
        assert_eq!(strong("S2009E09"), Some(se(2009, &[9])));
        assert_eq!(strong("S41 E10478"), Some(se(41, &[10478])));
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
        assert_eq!(strong("S01E01 - S01E02"), Some(se(1, &[1, 2])));
        assert_eq!(strong("S01E01+02"), Some(se(1, &[1, 2])));
        assert_eq!(strong("S01E00 & S01E01 & S01E02"), Some(se(1, &[0, 1, 2])));
        assert_eq!(strong("S01E03.and.S01E04"), Some(se(1, &[3, 4])));
        assert_eq!(strong("s03-x01"), Some(se(3, &[1])));
        assert_eq!(strong_at("S01E02-720p"), Some((se(1, &[2]), 6)));
        assert_eq!(
            strong("S01E01-02v2"),
            Some(Marker::SeasonEpisode { season: 1, episodes: vec![1, 2], version: Some(2) })
        );
        assert_eq!(strong("S01E01 E02"), Some(se(1, &[1, 2])));
        assert_eq!(strong("S01.E01.E02"), Some(se(1, &[1, 2])));
        // A word after the marker is not another episode.
        assert_eq!(strong_at("S01E01 Eve"), Some((se(1, &[1]), 6)));
    }

    #[test]
    fn absurd_ranges_are_not_expanded() {
        assert_eq!(strong("S01E01-E9999"), Some(se(1, &[1, 9999])));
    }

    #[test]
    fn cross_forms() {
        assert_eq!(strong("1x02"), Some(se(1, &[2])));
        assert_eq!(strong("01x02"), Some(se(1, &[2])));
        assert_eq!(strong("2x4"), Some(se(2, &[4])));
        assert_eq!(strong("1 x 02"), Some(se(1, &[2])));
        assert_eq!(strong("1×02"), Some(se(1, &[2])));
        assert_eq!(strong("2009x09"), Some(se(2009, &[9])));
        assert_eq!(strong("1x02-03"), Some(se(1, &[2, 3])));
        assert_eq!(strong("1x02-1x04"), Some(se(1, &[2, 3, 4])));
        assert_eq!(strong("1x01-x03"), Some(se(1, &[1, 2, 3])));
        assert_eq!(strong("8x01_02"), Some(se(8, &[1, 2])));
        assert_eq!(strong("2x09.2x10"), Some(se(2, &[9, 10])));
        assert_eq!(strong("2x09 - 2x10"), Some(se(2, &[9, 10])));
        assert_eq!(strong("2x09 - x10"), Some(se(2, &[9, 10])));
        assert_eq!(strong_at("1x02 x264"), Some((se(1, &[2]), 4)));
        assert_eq!(strong("1920x1080"), None);
        assert_eq!(strong("1280x720"), None);
        assert_eq!(strong_at("1x02.720p").map(|(_, n)| n), Some(4));
        assert_eq!(strong_at("1x02_720p").map(|(_, n)| n), Some(4));
    }

    #[test]
    fn boundaries_are_required() {
        assert_eq!(strong("S01E02x264"), None);
        assert_eq!(strong_at("S01E02.720p").map(|(_, n)| n), Some(6));
    }

    #[test]
    fn dashed_pairs_that_cannot_be_ranges() {
        assert_eq!(run_at_boundary("4-12", dashed_pair).map(|m| m.0), Some(se(4, &[12])));
        assert_eq!(run_at_boundary("11-02", dashed_pair).map(|m| m.0), Some(se(11, &[2])));
        assert_eq!(run_at_boundary("01-02", dashed_pair), None);
        assert_eq!(run_at_boundary("12-14", dashed_pair), None);
        assert_eq!(run_at_boundary("9-1-1", dashed_pair), None);
    }

    #[test]
    fn compact_numbers_avoid_years() {
        assert_eq!(run_at_boundary("102", compact_number).map(|m| m.0), Some(se(1, &[2])));
        assert_eq!(run_at_boundary("1012", compact_number).map(|m| m.0), Some(se(10, &[12])));
        assert_eq!(run_at_boundary("2010", compact_number), None);
        assert_eq!(run_at_boundary("100", compact_number), None);
        assert_eq!(run_at_boundary("103.104", compact_number).map(|m| m.0), Some(se(1, &[3, 4])));
        assert_eq!(
            run_at_boundary("１５８", bare_episode).map(|m| m.0),
            Some(Marker::Episode { episodes: vec![158], version: None })
        );
    }

    #[test]
    fn bare_numbers_with_versions_and_ranges() {
        let ep = |episodes: &[u32], version| Some(Marker::Episode { episodes: episodes.to_vec(), version });
        assert_eq!(run_at_boundary("03v2", bare_episode).map(|m| m.0), ep(&[3], Some(2)));
        assert_eq!(run_at_boundary("01~03", bare_episode).map(|m| m.0), ep(&[1, 2, 3], None));
        assert_eq!(run_at_boundary("01 ~ 03", bare_episode).map(|m| m.0), ep(&[1, 2, 3], None));
        assert_eq!(run_at_boundary("01v2-03", bare_episode).map(|m| m.0), ep(&[1, 2, 3], Some(2)));
        assert_eq!(run_at_boundary("01+02", bare_episode).map(|m| m.0), ep(&[1, 2], None));
        assert_eq!(run_at_boundary("12END", closing_episode).map(|m| m.0), ep(&[12], None));
        assert_eq!(run_at_boundary("215 Fin", closing_episode).map(|m| m.0), ep(&[215], None));
        assert_eq!(run_at_boundary("13完", closing_episode).map(|m| m.0), ep(&[13], None));
        assert_eq!(run_at_boundary("01-03完", closing_episode).map(|m| m.0), ep(&[1, 2, 3], None));
        assert_eq!(run_at_boundary("01-03END", closing_episode).map(|m| m.0), ep(&[1, 2, 3], None));
    }
}
