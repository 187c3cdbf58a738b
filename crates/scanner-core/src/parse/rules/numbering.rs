//! The numbering rules themselves, strongest first. Each function's doc comment says what it
//! reads and why it is trusted where it is; the examples in [`RULES`] are its tests.

use super::{Finder, Hit, Rule, Scan};
use crate::parse::analysis::is_year;
use crate::parse::markers;

pub(super) const RULES: &[Rule] = &[
    Rule {
        name: "season_episode",
        summary: "`S01E02`, `s1e2`, `S01.E02`, `S01x02`, `S01E01E02`, `S01E01-E03`, `S01E01+02`, `S01E01 - S01E02`, anywhere in the name",
        examples: &[
            ("Tin.Lantern.S02E05.720p.HDTV.x264-GRP", "Tin Lantern · S2 E5"),
            ("Tin Lantern - S01E01E02 - Double Bill", "Tin Lantern · S1 E1 E2"),
            ("Tin Lantern S03E04 E05 HDTV", "Tin Lantern · S3 E4 E5"),
            ("Tin Lantern (S02E07)", "Tin Lantern · S2 E7"),
        ],
        find: Finder::Anywhere(markers::season_episode),
    },
    Rule {
        name: "cross",
        summary: "`1x02`, `2x4`, `1 x 02`, `2009x09`, `1x02-1x03`, `8x01_02`",
        examples: &[
            ("Tin Lantern - 3x07 - Sparks", "Tin Lantern · S3 E7"),
            ("Tin_Lantern_-_4x9_-_Embers", "Tin Lantern · S4 E9"),
            ("Tin Lantern 2x09 - 2x10", "Tin Lantern · S2 E9 E10"),
        ],
        find: Finder::Anywhere(markers::cross),
    },
    Rule {
        name: "season_episode_words",
        summary: "`Season 1 Episode 2` and its dotted forms; Dutch `Se.1 afl.2`",
        examples: &[
            ("Tin Lantern Season 2 Episode 9", "Tin Lantern · S2 E9"),
            ("De Lantaarn Se.2 afl.3 en 4", "De Lantaarn · S2 E3 E4"),
        ],
        find: Finder::Anywhere(markers::season_episode_words),
    },
    Rule {
        name: "chapter",
        summary: "Spanish `Cap.201`, `Capitulo 1901`: one number holding season and episode (the last two digits), `Cap.111_120` a range",
        examples: &[("Las Olas - Temporada 2 [HDTV][Cap.203]", "Las Olas · S2 E3")],
        find: Finder::Anywhere(markers::chapter),
    },
    Rule {
        name: "air_date",
        summary: "a daily show's date: `2024.01.15`, `2024-01-15`, `15.01.2024` (when the day is unmistakable)",
        examples: &[("Evening Bulletin 2023-06-30 Guest", "Evening Bulletin · 2023-06-30")],
        find: Finder::Anywhere(markers::date),
    },
    Rule {
        name: "episode_word",
        summary: "`E05`, `Ep 5`, `Episode 05`, `#05`, `Folge 5`, `Odcinek 5`, `第5集`, `05話`, `5. Bölüm`, before the release tags",
        examples: &[
            ("Tin Lantern Episode 4", "Tin Lantern · E4"),
            ("Fener #12 (1080p)", "Fener · E12"),
            ("灯笼 第7集", "灯笼 · E7"),
        ],
        find: Finder::Worded(episode_word),
    },
    Rule {
        name: "compact_between_dashes",
        summary: "`Show - 110 - Title`: three or four digits between dashes, before a title, are season and episode",
        examples: &[("Quill Street - 214 - The Ledger", "Quill Street · S2 E14")],
        find: Finder::Positional(compact_between_dashes),
    },
    Rule {
        name: "dash_number",
        summary: "` - 12` closing the name: an anime-style absolute episode number, or an episode of the season word before it",
        examples: &[
            ("[Hoshi] Kaze no Uta - 07 [1080p]", "Kaze no Uta · E7 (absolute)"),
            ("[Hoshi] Kaze no Uta S2 - 03 [720p]", "Kaze no Uta · S2 E3"),
            ("[Hoshi] Kaze no Uta 2nd Season - 04", "Kaze no Uta · S2 E4"),
            (
                "[Hoshi] Kaze no Uta - 01~12 [Batch]",
                "Kaze no Uta · E1 E2 E3 E4 E5 E6 E7 E8 E9 E10 E11 E12 (absolute)",
            ),
        ],
        find: Finder::Positional(dash_number),
    },
    Rule {
        name: "leading_number",
        summary: "a number opening the name and followed by a dash, a dot or nothing: `05 - Title`, `05. Title`",
        examples: &[("07 - The Long Night", "(no show) · E7")],
        find: Finder::Positional(leading_number),
    },
    Rule {
        name: "compact_number",
        summary: "`Show.102.HDTV`: three or four digits after the show are season and episode, unless a year follows",
        examples: &[("Quill.Street.305.HDTV.x264-GRP", "Quill Street · S3 E5")],
        find: Finder::Positional(compact_number),
    },
    Rule {
        name: "fansub_number",
        summary: "`[Group] Show 12 [720p]`: the last number of a fansub name is an absolute episode",
        examples: &[("[Hoshi] Kaze no Uta 08 [720p]", "Kaze no Uta · E8 (absolute)")],
        find: Finder::Positional(fansub_number),
    },
];

/// An episode word without a season; only before the tags, where titles end.
fn episode_word(scan: &Scan<'_>) -> Option<Hit> {
    let a = &scan.a;
    (scan.start..a.first_tag)
        .filter(|&i| a.plain(i))
        .find_map(|i| a.match_at(i, markers::episode_only).map(|(marker, last)| Hit::new(i, last, marker)))
}

/// `Show - 110 - Title`: dashes on both sides and a title after make a compact number an
/// episode marker rather than part of the show.
fn compact_between_dashes(scan: &Scan<'_>) -> Option<Hit> {
    let a = &scan.a;
    if scan.start != 0 {
        return None;
    }
    (1..a.first_tag).filter(|&i| a.plain(i)).find_map(|i| {
        if !(a.is_dash(i - 1) && a.is_dash(i + 1) && a.words(i + 2, a.first_tag).next().is_some()) {
            return None;
        }
        a.match_at(i, markers::compact_number).map(|(marker, last)| Hit::new(i, last, marker))
    })
}

/// `Show - 12`: a number after a lone dash that closes the name (only tags, brackets or
/// another dash follow) is how fansub releases number episodes across seasons.
fn dash_number(scan: &Scan<'_>) -> Option<Hit> {
    let a = &scan.a;
    (scan.start + 1..a.first_tag).filter(|&i| a.plain(i)).find_map(|i| {
        if !a.is_dash(i - 1) || is_year(&a.tokens[i]).is_some() {
            return None;
        }
        let (marker, last) = a.match_at(i, markers::bare_episode)?;
        a.ends_name(last).then(|| Hit::new(i, last, marker).absolute())
    })
}

/// `05 - Title`, `05. Title`, `05`: a short number opening the name, when a dash, a dot or
/// the end follows it and no year comes later (`300 (2006)` is a film).
fn leading_number(scan: &Scan<'_>) -> Option<Hit> {
    let a = &scan.a;
    let i = scan.start;
    if scan.season.is_some() || i >= a.tokens.len() || !a.plain(i) || a.tokens[i].text.len() > 3 {
        return None;
    }
    let (marker, last) = a.match_at(i, markers::bare_episode)?;
    if a.year_follows(last) {
        return None;
    }
    let delimited = a.is_dash(last + 1) || last + 1 >= a.tokens.len() || a.tokens[last].text.ends_with('.');
    (delimited || a.ends_name(last)).then(|| Hit::new(i, last, marker))
}

/// `Show.102.HDTV`, `Show 1012`: a compact season and episode after the show, in a name that
/// has release tags or ends with it, and no year after it.
fn compact_number(scan: &Scan<'_>) -> Option<Hit> {
    let a = &scan.a;
    if scan.season.is_some() {
        return None;
    }
    (scan.start + 1..a.first_tag).filter(|&i| a.plain(i)).find_map(|i| {
        let (marker, last) = a.match_at(i, markers::compact_number)?;
        let placed = (a.ends_name(last) || a.first_tag < a.tokens.len()) && !a.year_follows(last);
        (placed && a.words(scan.start, i).next().is_some()).then(|| Hit::new(i, last, marker))
    })
}

/// `[Group] Show Name 12 [720p]`: in a name that opens with a bracketed group, the last word
/// before the tags, when it is a number, is an absolute episode.
fn fansub_number(scan: &Scan<'_>) -> Option<Hit> {
    let a = &scan.a;
    if scan.start == 0 {
        return None;
    }
    let i = a.words(scan.start, a.first_tag).last()?;
    if i == scan.start || is_year(&a.tokens[i]).is_some() {
        return None;
    }
    let (marker, last) = a.match_at(i, markers::bare_episode)?;
    Some(Hit::new(i, last, marker).absolute())
}
