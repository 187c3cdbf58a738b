//! The numbering rules, strongest first, and the worded rules. Each function's doc comment
//! says what it reads and why it is trusted where it is; the examples in [`RULES`] are its tests.

use super::positional::{
    anime_number, bracketed_number, compact_between_dashes, compact_number, dash_number, leading_number,
    leading_pair, scene_number, season_number,
};
use super::{Finder, Hit, Rule, Scan};
use crate::parse::markers::{self, Marker};

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
        cuts_name: true,
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
        cuts_name: true,
    },
    Rule {
        name: "season_episode_words",
        summary: "`Season 1 Episode 2` and its dotted forms; Dutch `Se.1 afl.2`",
        examples: &[
            ("Tin Lantern Season 2 Episode 9", "Tin Lantern · S2 E9"),
            ("De Lantaarn Se.2 afl.3 en 4", "De Lantaarn · S2 E3 E4"),
        ],
        find: Finder::Anywhere(markers::season_episode_words),
        cuts_name: true,
    },
    Rule {
        name: "chapter",
        summary: "Spanish `Cap.201`, `Capitulo 1901`: one number holding season and episode (the last two digits), `Cap.111_120` a range",
        examples: &[("Las Olas - Temporada 2 [HDTV][Cap.203]", "Las Olas · S2 E3")],
        find: Finder::Anywhere(markers::chapter),
        cuts_name: true,
    },
    Rule {
        name: "air_date",
        summary: "a daily show's date: `2024.01.15`, `2024-01-15`, `15.01.2024` (when the day is unmistakable)",
        examples: &[("Evening Bulletin 2023-06-30 Guest", "Evening Bulletin · 2023-06-30")],
        find: Finder::Anywhere(markers::date),
        cuts_name: true,
    },
    Rule {
        name: "compact_date",
        summary: "a date written as one number after at least two words of the name: `Show Name 20240115`, `Show.Name.240115.720p` (six digits only right before the tags)",
        examples: &[("Evening Bulletin 20230630 Guest", "Evening Bulletin · 2023-06-30")],
        find: Finder::Worded(compact_date),
        cuts_name: true,
    },
    Rule {
        name: "episode_word",
        summary: "`E05`, `Ep 5`, `Episode 05`, `#05`, `Folge 5`, `Odcinek 5`, `第5集`, `05話`, `5. Bölüm`, before the release tags",
        examples: &[
            ("Tin Lantern Episode 4", "Tin Lantern · E4"),
            ("Fener #12 (1080p)", "Fener · E12"),
            ("灯笼 第7集", "灯笼 · E7"),
            ("[Hoshi][Kaze no Uta][第08话][1080p]", "Kaze no Uta · E8"),
        ],
        find: Finder::Worded(episode_word),
        cuts_name: true,
    },
    Rule {
        name: "of_count",
        summary: "`5of9`, `14 of 21`, `[01_of_24]`: a part of a counted series (a miniseries) is its episode",
        examples: &[("Deep.Currents.3of6.HDTV.x264-GRP", "Deep Currents · E3")],
        find: Finder::Worded(of_count),
        cuts_name: true,
    },
    Rule {
        name: "tv_part",
        summary: "`Part 2`, `Part.Two`, `Pt.III` in a name from television (an HDTV, PDTV, SDTV, DSR or TVRip source): a miniseries episode; elsewhere a part of a film",
        examples: &[("Deep.Currents.Part.2.720p.HDTV.x264-GRP", "Deep Currents · E2")],
        find: Finder::Worded(tv_part),
        cuts_name: false,
    },
    Rule {
        name: "compact_between_dashes",
        summary: "`Show - 110 - Title`: three or four digits between dashes, before a title, are season and episode (not in anime-style names)",
        examples: &[("Quill Street - 214 - The Ledger", "Quill Street · S2 E14")],
        find: Finder::Positional(compact_between_dashes),
        cuts_name: false,
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
        cuts_name: true,
    },
    Rule {
        name: "bracketed_number",
        summary: "a bracket holding only an episode after the name: `[01]`, `[12END]`, `[13完]`; round brackets only for ranges: `(01-12)`",
        examples: &[
            ("[Hoshi][Kaze no Uta][09][1080p]", "Kaze no Uta · E9 (absolute)"),
            ("Kaze no Uta (01-03) [720p]", "Kaze no Uta · E1 E2 E3 (absolute)"),
            ("[Hoshi] Kaze no Uta S2 [05][1080p]", "Kaze no Uta · S2 E5"),
        ],
        find: Finder::Positional(bracketed_number),
        cuts_name: false,
    },
    Rule {
        name: "season_number",
        summary: "a number right after a season word, closing the name: `Show 2nd Season 24`",
        examples: &[("Kaze no Uta 2nd Season 11 (BD 1080p)", "Kaze no Uta · S2 E11")],
        find: Finder::Positional(season_number),
        cuts_name: false,
    },
    Rule {
        name: "leading_pair",
        summary: "`4-12 - Title`, `11-02 Title`: a dashed season and episode opening the name, when it cannot be a range (one-digit season, or an episode not above the season)",
        examples: &[("3-07 - Cold Snap", "(no show) · S3 E7")],
        find: Finder::Positional(leading_pair),
        cuts_name: false,
    },
    Rule {
        name: "leading_number",
        summary: "a number opening the name and followed by a dash, a dot or nothing: `05 - Title`, `05. Title`",
        examples: &[("07 - The Long Night", "(no show) · E7")],
        find: Finder::Positional(leading_number),
        cuts_name: false,
    },
    Rule {
        name: "compact_number",
        summary: "`Show.102.HDTV`: three or four digits after the show are season and episode, unless a year follows (not in anime-style names)",
        examples: &[("Quill.Street.305.HDTV.x264-GRP", "Quill Street · S3 E5")],
        find: Finder::Positional(compact_number),
        cuts_name: false,
    },
    Rule {
        name: "scene_number",
        summary: "a two-digit number after the show: with a leading zero (`Show.Name.05.720p`), or right before the tags of a name from television (`Show.13.HDTV`); not when a year follows",
        examples: &[
            ("Quill.Street.07.PDTV.XviD-GRP", "Quill Street · E7"),
            ("Quill.Street.04.The.Ledger.WEBRip.x264-GRP", "Quill Street · E4"),
        ],
        find: Finder::Positional(scene_number),
        cuts_name: false,
    },
    Rule {
        name: "anime_number",
        summary: "in an anime-style name (a leading `[Group]` or a CRC), the number closing the name, or else the first two-digit number followed by a title, is an absolute episode",
        examples: &[
            ("[Hoshi] Kaze no Uta 08 [720p]", "Kaze no Uta · E8 (absolute)"),
            ("[Hoshi]_Kaze_no_Uta_215_[1A2B3C4D]", "Kaze no Uta · E215 (absolute)"),
            ("[Hoshi] Kaze no Uta 14 The Red Kite", "Kaze no Uta · E14 (absolute)"),
        ],
        find: Finder::Positional(anime_number),
        cuts_name: false,
    },
];

/// An episode word without a season, before the tags (where titles end) or alone in brackets
/// (`Show [Ep.24]`, `[Show][第05话]`).
fn episode_word(scan: &Scan<'_>) -> Option<Hit> {
    worded(scan, markers::episode_only)
}

/// `Show.5of9`, `Show 14 of 21`, `Show [01_of_24]`: a part of a counted series.
fn of_count(scan: &Scan<'_>) -> Option<Hit> {
    worded(scan, markers::of_count)
}

/// Tries `parser` on the plain words before the tags, and on each bracket group after the
/// name's start, where it must take the whole group.
fn worded(scan: &Scan<'_>, parser: fn(&str) -> nom::IResult<&str, Marker>) -> Option<Hit> {
    let a = &scan.a;
    let mut i = scan.start;
    while i < scan.until(a.tokens.len()) {
        let end = a.group_end(i);
        if a.plain(i) {
            if i < a.first_tag
                && let Some((marker, last)) = a.match_at(i, parser)
            {
                return Some(Hit::new(i, last, marker));
            }
        } else if let Some((marker, last)) = a.match_at(i, parser).filter(|&(_, last)| last == end) {
            return Some(Hit::new(i, last, marker));
        }
        i = end + 1;
    }
    None
}

/// `Show Name 20240115`, `Show.Name.240115.720p`: a date written as one number. It needs two
/// words of the name before it (`VID_20190101` is a camera's file, not a show), a six-digit
/// date must stand right before the release tags, and an episode word before it makes it that
/// episode's air date instead (`Show.E12.251019.1080p` is episode 12).
fn compact_date(scan: &Scan<'_>) -> Option<Hit> {
    let a = &scan.a;
    let mut found = None;
    for (words_before, i) in a.words(scan.start, scan.until(a.first_tag)).enumerate() {
        let len = a.tokens[i].text.len();
        if words_before >= 2 && (len == 8 || (len == 6 && i + 1 == a.first_tag)) {
            found = a.match_at(i, markers::compact_date).map(|(marker, last)| Hit::new(i, last, marker));
            if found.is_some() {
                break;
            }
        }
        if !a.is_wordy(i) {
            return None;
        }
    }
    let found = found?;
    // `Show.E12.251019.1080p`: after an episode word, the date is when that episode aired.
    let episode_before =
        a.words(scan.start, found.first).any(|i| a.match_at(i, markers::episode_only).is_some());
    (!episode_before).then_some(found)
}

/// `Show.Part.2.HDTV`: in a name from television, a part is an episode of a miniseries. Films
/// have parts too (`Title Part II (1989)`), but they do not come from a TV source.
fn tv_part(scan: &Scan<'_>) -> Option<Hit> {
    let a = &scan.a;
    if !a.is_tv_release() {
        return None;
    }
    (scan.start + 1..scan.until(a.first_tag))
        .filter(|&i| a.plain(i))
        .find_map(|i| a.match_at(i, markers::part).map(|(marker, last)| Hit::new(i, last, marker)))
}
