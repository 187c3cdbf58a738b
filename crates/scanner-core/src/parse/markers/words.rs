//! Words that announce a season or an episode, in the languages release names are written in,
//! and the CJK counters (`第3集`, `第2期`).

use nom::IResult;
use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::tag;
use nom::character::complete::{char, one_of};
use nom::combinator::{map, opt, verify};
use nom::multi::{many_m_n, many0};
use nom::sequence::{preceded, terminated};

use super::{Marker, e_word, expand, item_end, kw, number, sep, split_compact, version};

/// Words for "season" (`Series` is apart: see [`series`]).
fn season_word(input: &str) -> IResult<&str, &str> {
    kw(&[
        "season",
        "staffel",
        "saison",
        "temporada",
        "stagione",
        "seizoen",
        "sezon",
        "säsong",
        "Säsong",
        "sæson",
        "Sæson",
    ])
    .parse(input)
}

/// British `Series 2`: a season only before a short, non-zero number, so that a show called
/// "Series" (`Series 2022 S03E14`, `Series 100 - 07`) keeps its name.
fn series(input: &str) -> IResult<&str, u32> {
    preceded((kw(&["series"]), opt(sep)), verify(number(1, 2), |n| *n > 0)).parse(input)
}

/// Words for "episode", longest first.
fn episode_word(input: &str) -> IResult<&str, &str> {
    kw(&[
        "episode",
        "episodio",
        "épisode",
        "Épisode",
        "aflevering",
        "afl",
        "folge",
        "capitulo",
        "capítulo",
        "Capítulo",
        "odcinek",
        "ep",
    ])
    .parse(input)
}

/// Up to two separators: `Ep 5`, `ep. 5`, `Episode - 5`.
fn gap(input: &str) -> IResult<&str, ()> {
    map(many_m_n(0, 2, sep), |_| ()).parse(input)
}

/// `second`, `third` … `tenth`.
fn ordinal_word(input: &str) -> IResult<&str, u32> {
    const ORDINALS: [&str; 10] =
        ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"];
    ORDINALS
        .iter()
        .position(|o| input.get(..o.len()).is_some_and(|p| p.eq_ignore_ascii_case(o)))
        .map(|k| (&input[ORDINALS[k].len()..], k as u32 + 1))
        .ok_or_else(|| nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Tag)))
}

/// `2nd Season`, `Second Season`: an ordinal before the word "season".
fn ordinal_season(input: &str) -> IResult<&str, u32> {
    let suffix = kw(&["st", "nd", "rd", "th"]);
    let numeric = map((number(1, 2), suffix), |(n, _)| n);
    let (rest, n) = alt((numeric, ordinal_word)).parse(input)?;
    let (rest, _) = (sep, kw(&["season"])).parse(rest)?;
    Ok((rest, n))
}

/// A number in digits (ASCII or full-width) or in Chinese numerals up to 99 (`二`, `十二`, `二十三`).
fn cjk_number(input: &str) -> IResult<&str, u32> {
    let fail = || nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Digit));
    let digit = |c: char| match c {
        '0'..='9' => c.to_digit(10),
        '０'..='９' => Some(c as u32 - '０' as u32),
        '〇' | '零' => Some(0),
        '一' => Some(1),
        '二' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    };
    let mut value: Option<u32> = None;
    let mut tens = false;
    let mut end = 0;
    for (i, c) in input.char_indices() {
        if c == '十' && !tens && value.is_none_or(|v| v < 10) {
            value = Some(value.unwrap_or(1) * 10);
            tens = true;
        } else if let Some(d) = digit(c) {
            if value.is_some_and(|v| v >= 10_000) {
                return Err(fail());
            }
            value = Some(if tens { value.unwrap_or(0) + d } else { value.unwrap_or(0) * 10 + d });
        } else {
            break;
        }
        end = i + c.len_utf8();
    }
    value.map(|v| (&input[end..], v)).ok_or_else(fail)
}

/// `第2期`, `第二季`: a CJK season.
fn cjk_season(input: &str) -> IResult<&str, u32> {
    preceded(char('第'), terminated(cjk_number, one_of("期季"))).parse(input)
}

/// `第3集`, `第05话`, `第1008話`, `01話`, `857集`, `第01-15集`: a CJK episode counter.
fn cjk_episode(input: &str) -> IResult<&str, Marker> {
    let (input, _) = opt(char('第')).parse(input)?;
    let (input, first) = cjk_number(input)?;
    let (input, rest) = many0(map(preceded(one_of("-~"), cjk_number), |n| (true, n))).parse(input)?;
    let (input, _) = one_of("集话話回").parse(input)?;
    Ok((input, Marker::Episode { episodes: expand(first, rest), version: None }))
}

/// Turkish `69. Bölüm`, `60.Bolum`, `79.BLM`: the number before the word.
fn number_then_word(input: &str) -> IResult<&str, Marker> {
    let (input, n) = number(1, 4).parse(input)?;
    let (input, _) = gap(input)?;
    let (input, _) = kw(&["bölüm", "Bölüm", "BÖLÜM", "bolum", "blm"]).parse(input)?;
    Ok((input, Marker::Episode { episodes: vec![n], version: None }))
}

/// `5of9`, `14.of.21`, `01 of 24`, `20_of_25`: episode 5 of a nine-part series.
pub(crate) fn of_count(input: &str) -> IResult<&str, Marker> {
    let (input, (n, _, _, _, total)) =
        (number(1, 3), many0(sep), kw(&["of"]), many0(sep), number(1, 3)).parse(input)?;
    if n == 0 || n > total {
        return Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Verify)));
    }
    Ok((input, Marker::Episode { episodes: vec![n], version: None }))
}

/// `2`, `02`, `Two`, `II`: the number of a part.
fn part_number(input: &str) -> IResult<&str, u32> {
    const WORDS: [&str; 10] = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
    const ROMAN: [(&str, u32); 10] = [
        ("viii", 8),
        ("vii", 7),
        ("iii", 3),
        ("vi", 6),
        ("iv", 4),
        ("ix", 9),
        ("ii", 2),
        ("v", 5),
        ("x", 10),
        ("i", 1),
    ];
    if let Ok(found) = number(1, 2).parse(input) {
        return Ok(found);
    }
    let spelled = WORDS.iter().position(|w| input.get(..w.len()).is_some_and(|p| p.eq_ignore_ascii_case(w)));
    if let Some(k) = spelled {
        return Ok((&input[WORDS[k].len()..], k as u32 + 1));
    }
    ROMAN
        .iter()
        .find(|(r, _)| input.get(..r.len()).is_some_and(|p| p.eq_ignore_ascii_case(r)))
        .map(|&(r, n)| (&input[r.len()..], n))
        .ok_or_else(|| nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Digit)))
}

/// `Part 2`, `Part.Two`, `Pt.III`, `Part01`: a numbered part.
pub(crate) fn part(input: &str) -> IResult<&str, Marker> {
    let (input, n) = preceded((kw(&["part", "pt"]), opt(char('.')), opt(sep)), part_number).parse(input)?;
    Ok((input, Marker::Episode { episodes: vec![n], version: None }))
}

/// `S02`, `s2`, `Season 2`, `Season.02`, `Staffel 2`, `Saison 2`, `Temporada 2`, `Series 2`,
/// `2nd Season`, `Second Season`, `第2期`, `第二季`.
pub(crate) fn season_only(input: &str) -> IResult<&str, Marker> {
    // Every form opens with one of these (`S`, `Season`, `Temporada`, `2nd`, `Third`, `第`);
    // most words of a name do not, and are turned away before the alternatives run.
    if !input.starts_with(|c: char| {
        matches!(c.to_ascii_lowercase(), 's' | 't' | 'f' | 'e' | 'n' | '0'..='9' | '第')
    }) {
        return Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Tag)));
    }
    let short = preceded(kw(&["s"]), number(1, 4));
    let long = preceded((season_word, opt(sep)), number(1, 4));
    map(alt((short, long, series, ordinal_season, cjk_season)), Marker::Season).parse(input)
}

/// `Season 1 Episode 2`, `Season.01.Episode.02`, `Series 2 Ep 5`, and Dutch `Se.3 afl.3`,
/// `Se.1 afl.2-3-4`, `Se.3 afl.3 en 4`.
pub(crate) fn season_episode_words(input: &str) -> IResult<&str, Marker> {
    let spelled = (alt((season_word, kw(&["series"]))), opt(sep), number(1, 4), many0(sep), episode_word);
    let dutch = (kw(&["se"]), opt(char('.')), opt(sep), number(1, 4), many0(sep), kw(&["afl"]));
    let (input, season) =
        alt((map(spelled, |(_, _, s, _, _)| s), map(dutch, |(_, _, _, s, _, _)| s))).parse(input)?;
    let (input, _) = opt(char('.')).parse(input)?;
    let (input, _) = opt(sep).parse(input)?;
    let (input, first) = number(1, 5).parse(input)?;
    let (input, rest) = many0(alt((
        map(preceded((opt(char(' ')), char('-'), opt(char(' '))), number(1, 5)), |n| (true, n)),
        map(preceded(alt((tag(" en "), tag(" & "), tag(" and "))), number(1, 5)), |n| (false, n)),
    )))
    .parse(input)?;
    Ok((input, Marker::SeasonEpisode { season, episodes: expand(first, rest), version: None }))
}

/// Spanish chapters: `Cap.201`, `Capitulo 1901` carry season and episode in one number (the
/// last two digits are the episode); `Cap.111_120` is episodes 11 to 20 of season 1.
pub(crate) fn chapter(input: &str) -> IResult<&str, Marker> {
    let word = kw(&["capitulo", "capítulo", "Capítulo", "cap"]);
    let (rest, (_, _, _, first, last)) =
        (word, opt(char('.')), opt(char(' ')), number(3, 4), opt(preceded(char('_'), number(3, 4))))
            .parse(input)?;
    let Some(Marker::SeasonEpisode { season, episodes, .. }) = split_compact(first) else {
        return Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Verify)));
    };
    let mut more = Vec::new();
    if let Some(Marker::SeasonEpisode { season: s, episodes: e, .. }) = last.and_then(split_compact)
        && s == season
    {
        more.push((true, e[0]));
    }
    Ok((rest, Marker::SeasonEpisode { season, episodes: expand(episodes[0], more), version: None }))
}

/// `E05`, `Ep05`, `Ep 5`, `ep. 5`, `Episode 05`, `#05`, `Folge 5`, `Odcinek 5`, `E05-E06`,
/// `Ep10718 - Ep10722`, `afl.3 en 4`; also the CJK counters and Turkish `69. Bölüm`.
pub(crate) fn episode_only(input: &str) -> IResult<&str, Marker> {
    // Latin forms open with `E`, `#` or an episode word; the CJK and Turkish ones with a number.
    let Some(first) = input.chars().next() else {
        return Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Eof)));
    };
    match first.to_ascii_lowercase() {
        'e' | '#' | 'a' | 'f' | 'c' | 'o' => latin_episode(input),
        c if c == '第' || cjk_number(input).is_ok() => alt((cjk_episode, number_then_word)).parse(input),
        _ => Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Tag))),
    }
}

fn latin_episode(input: &str) -> IResult<&str, Marker> {
    let long = preceded((episode_word, opt(char('.')), gap), number(1, 5));
    let short = preceded(kw(&["e"]), number(1, 5));
    let hash = preceded(char('#'), number(1, 5));
    let (input, first) = alt((long, short, hash)).parse(input)?;
    let (input, version) = opt(version).parse(input)?;
    let (input, rest) = many0(alt((
        map(terminated(preceded((char('-'), opt(alt((e_word, tag("#"))))), number(1, 5)), item_end), |n| {
            (true, n)
        }),
        map(preceded((tag(" - "), e_word), number(1, 5)), |n| (true, n)),
        map(preceded(alt((tag(" en "), tag(" & "))), number(1, 5)), |n| (false, n)),
    )))
    .parse(input)?;
    Ok((input, Marker::Episode { episodes: expand(first, rest), version }))
}

#[cfg(test)]
mod tests {
    use super::super::run_at_boundary;
    use super::*;

    fn read(text: &str, parser: fn(&str) -> IResult<&str, Marker>) -> Option<Marker> {
        run_at_boundary(text, parser).map(|m| m.0)
    }

    fn ep(episodes: &[u32]) -> Option<Marker> {
        Some(Marker::Episode { episodes: episodes.to_vec(), version: None })
    }

    fn se(season: u32, episodes: &[u32]) -> Option<Marker> {
        Some(Marker::SeasonEpisode { season, episodes: episodes.to_vec(), version: None })
    }

    #[test]
    fn seasons() {
        for (text, season) in [
            ("Season 2", 2),
            ("S02", 2),
            ("Staffel.3", 3),
            ("Series 4", 4),
            ("2nd Season", 2),
            ("2nd_Season", 2),
            ("Third Season", 3),
            ("第2期", 2),
            ("第二季", 2),
            ("第十二季", 12),
        ] {
            assert_eq!(read(text, season_only), Some(Marker::Season(season)), "{text}");
        }
        assert_eq!(read("Series 100", season_only), None);
        assert_eq!(read("Series 00", season_only), None);
    }

    #[test]
    fn episodes() {
        assert_eq!(read("Episode 04", episode_only), ep(&[4]));
        assert_eq!(read("E05", episode_only), ep(&[5]));
        assert_eq!(read("ep. 1-3", episode_only), ep(&[1, 2, 3]));
        assert_eq!(read("#07", episode_only), ep(&[7]));
        assert_eq!(read("#1-3", episode_only), ep(&[1, 2, 3]));
        assert_eq!(read("Ep101 - Ep103", episode_only), ep(&[101, 102, 103]));
        assert_eq!(read("Folge 12", episode_only), ep(&[12]));
        assert_eq!(read("Odcinek 3", episode_only), ep(&[3]));
        assert_eq!(read("第3集", episode_only), ep(&[3]));
        assert_eq!(read("第05话", episode_only), ep(&[5]));
        assert_eq!(read("12話", episode_only), ep(&[12]));
        assert_eq!(read("第01-03集", episode_only), ep(&[1, 2, 3]));
        assert_eq!(read("14. Bölüm", episode_only), ep(&[14]));
        assert_eq!(read("Eve", episode_only), None);
        assert_eq!(run_at_boundary("episode-12-1080p", episode_only).map(|m| m.1), Some(10));
        assert_eq!(read("5of9", of_count), ep(&[5]));
        assert_eq!(read("14.of.21", of_count), ep(&[14]));
        assert_eq!(read("01_of_24", of_count), ep(&[1]));
        assert_eq!(read("9 of 5", of_count), None);
        assert_eq!(read("Part 2", part), ep(&[2]));
        assert_eq!(read("Part.Two", part), ep(&[2]));
        assert_eq!(read("Pt.III", part), ep(&[3]));
        assert_eq!(read("Part01", part), ep(&[1]));
        assert_eq!(read("Partridge", part), None);
    }

    #[test]
    fn spelled_out_and_chapters() {
        assert_eq!(read("Season 1 Episode 2", season_episode_words), se(1, &[2]));
        assert_eq!(read("season.01.episode.02", season_episode_words), se(1, &[2]));
        assert_eq!(read("Se.2 afl.5", season_episode_words), se(2, &[5]));
        assert_eq!(read("Se.1 afl.2-4", season_episode_words), se(1, &[2, 3, 4]));
        assert_eq!(read("Se.1 afl.2 en 3", season_episode_words), se(1, &[2, 3]));
        assert_eq!(read("Cap.305", chapter), se(3, &[5]));
        assert_eq!(read("Cap.1204", chapter), se(12, &[4]));
        assert_eq!(read("Cap.201_203", chapter), se(2, &[1, 2, 3]));
        assert_eq!(read("Cap.5", chapter), None);
    }
}
