//! Positional rules: a bare number that is an episode because of where it stands. Each
//! function's doc comment says which place and why; the examples in the table are its tests.

use super::{Hit, Scan};
use crate::parse::analysis::is_year;
use crate::parse::markers::{self, Marker};
use crate::parse::tokens::Bracket;

/// `Show - 110 - Title`: dashes on both sides and a title after make a compact number an
/// episode marker rather than part of the show. Not in anime-style names, whose numbers are
/// absolute.
pub(super) fn compact_between_dashes(scan: &Scan<'_>) -> Option<Hit> {
    let a = &scan.a;
    if scan.start != 0 || a.anime {
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
/// another dash follow) is how fansub releases number episodes across seasons. A one-digit
/// number with a year after it is part of a film's title (`Title - 2 (2013)`); episodes are
/// written with two digits (`Title - 09 (2021)`).
pub(super) fn dash_number(scan: &Scan<'_>) -> Option<Hit> {
    let a = &scan.a;
    (scan.start + 1..scan.until(a.first_tag)).filter(|&i| a.plain(i)).find_map(|i| {
        if !a.is_dash(i - 1) || is_year(&a.tokens[i]).is_some() {
            return None;
        }
        let (marker, last) = a.match_at(i, markers::bare_episode)?;
        let sequel = a.tokens[i].text.len() == 1 && a.year_follows(last);
        (a.ends_name(last) && !sequel).then(|| Hit::new(i, last, marker).absolute())
    })
}

/// `Show [01] [720p]`, `[Group][Show][12END]`, `Show (01-25)`: a bracket holding nothing but
/// an episode number (or a range, perhaps marked as the last) after the name, and before the
/// release tags unless the name is anime-style. A year is not an episode, and round brackets
/// count only for ranges: `Film (2)` is more often a sequel.
pub(super) fn bracketed_number(scan: &Scan<'_>) -> Option<Hit> {
    let a = &scan.a;
    let mut i = scan.start;
    // Among a scene name's release tags (`….AC3-GRP[42]`) a bracket is a tracker's tag.
    let end = if a.anime { a.tokens.len() } else { a.first_tag };
    while i < end {
        let end = a.group_end(i);
        let token = &a.tokens[i];
        if token.bracketed()
            && !a.tagged[i]
            && is_year(token).is_none()
            && let Some((marker, last)) = a.match_at(i, markers::closing_episode)
            && last == end
            && (token.bracket != Bracket::Round || is_range(&marker))
        {
            return Some(Hit::new(i, last, marker).absolute());
        }
        i = end + 1;
    }
    None
}

fn is_range(marker: &Marker) -> bool {
    matches!(marker, Marker::Episode { episodes, .. } if episodes.len() > 1)
}

/// `Show 2nd Season 24`, `Show S21 999`: a number right after a season word, closing the name,
/// is that season's episode.
pub(super) fn season_number(scan: &Scan<'_>) -> Option<Hit> {
    let a = &scan.a;
    let hint = scan.season?;
    let i = hint.last + 1;
    if i >= a.tokens.len() || !a.plain(i) || a.tagged[i] || is_year(&a.tokens[i]).is_some() {
        return None;
    }
    let (marker, last) = a.match_at(i, markers::bare_episode)?;
    a.ends_name(last).then(|| Hit::new(i, last, marker))
}

/// `4-12 - Title`, `11-02 Title`: a season and episode opening the name, written with a dash
/// in a way that cannot be a range (see `markers::dashed_pair`), before a dash or words.
pub(super) fn leading_pair(scan: &Scan<'_>) -> Option<Hit> {
    let a = &scan.a;
    let i = scan.start;
    if i >= a.tokens.len() || !a.plain(i) {
        return None;
    }
    let (marker, last) = a.match_at(i, markers::dashed_pair)?;
    let followed = a.is_dash(last + 1) || a.words(last + 1, a.tokens.len()).next() == Some(last + 1);
    (followed && !a.year_follows(last)).then(|| Hit::new(i, last, marker))
}

/// `05 - Title`, `05. Title`, `05`: a short number opening the name, when a dash, a dot or
/// the end follows it and no year comes later (`300 (2006)` is a film).
pub(super) fn leading_number(scan: &Scan<'_>) -> Option<Hit> {
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
/// has release tags or ends with it, and no year after it. Not in anime-style names.
pub(super) fn compact_number(scan: &Scan<'_>) -> Option<Hit> {
    let a = &scan.a;
    if scan.season.is_some() || a.anime {
        return None;
    }
    (scan.start + 1..a.first_tag).filter(|&i| a.plain(i)).find_map(|i| {
        let (marker, last) = a.match_at(i, markers::compact_number)?;
        let placed = (a.ends_name(last) || a.first_tag < a.tokens.len()) && !a.year_follows(last);
        (placed && a.words(scan.start, i).next().is_some()).then(|| Hit::new(i, last, marker))
    })
}

/// `[Group] Show 12 [720p]`, `[Group] Show 214`, `[Group] Show 14 Episode Title`: in an
/// anime-style name, the number closing the name before the tags is an absolute episode; if no
/// number closes it, the first two-digit number followed by a title is. Years are never
/// episodes, and a season word without an episode makes the name a season pack.
pub(super) fn anime_number(scan: &Scan<'_>) -> Option<Hit> {
    let a = &scan.a;
    // A season word without an episode makes a season pack (`[Group] Show 00 S01`).
    if !a.anime || scan.season.is_some() {
        return None;
    }
    let numbered = |i: usize| {
        if is_year(&a.tokens[i]).is_some() || a.follows_number_word(i) {
            return None;
        }
        a.match_at(i, markers::bare_episode).map(|(marker, last)| Hit::new(i, last, marker).absolute())
    };
    let mut words: Vec<usize> = a.words(scan.start, a.first_tag).collect();
    // A version standing apart (`Show_10_v2_[DVD]`) belongs to the number before it.
    if words.len() >= 2 && words.last().is_some_and(|&i| is_version(a.tokens[i].text)) {
        words.pop();
    }
    let closing = words.last().and_then(|&i| numbered(i)).filter(|hit| a.ends_name(hit.last));
    // A number followed by a title needs two digits (`RWBY 14 Title`), and must not be part of
    // a decimal (`Evangelion 2.22 - Title` is a film): `Show 2 Title` is more often a sequel.
    let followed_by_title = |hit: &Hit| {
        a.tokens[hit.first].text.len() >= 2
            && !a.is_decimal_part(hit.first)
            && a.words(hit.last + 1, a.first_tag).next().is_some()
    };
    // The name's first word only when written with a leading zero (`[Group] 06 Show`, where
    // the words after it are the show): `[Group] 86 Title` is a title.
    let placed = |i: usize| i != words[0] || a.tokens[i].text.starts_with('0');
    let hit = closing.or_else(|| {
        words.iter().filter(|&&i| placed(i)).find_map(|&i| numbered(i).filter(followed_by_title))
    })?;
    // `Show_09_v2_[DVD]`: the version standing after the number is its version.
    Some(match (&hit.marker, a.tokens.get(hit.last + 1)) {
        (Marker::Episode { episodes, version: None }, Some(next))
            if is_version(next.text) && a.plain(hit.last + 1) =>
        {
            let version = next.text[1..].parse().ok();
            Hit { last: hit.last + 1, marker: Marker::Episode { episodes: episodes.clone(), version }, ..hit }
        }
        _ => hit,
    })
}

/// `v2`: a release version standing alone.
fn is_version(text: &str) -> bool {
    text.strip_prefix(['v', 'V'])
        .is_some_and(|n| (1..=2).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()))
}

/// `Show.07.PDTV-GRP`, `Show.Name.05.720p`, `Show.01.Episode.Title.WEBRip`: a two-digit number
/// after the show is an episode when it is written with a leading zero (a counter, where a
/// sequel or a title's number is not padded), or stands right before the tags of a name from
/// television. A word with letters must come before it, no season word may stand in the name
/// (`Season 01` is a season), and no year may follow (`Agent.07.2019` is a film). Anime-style
/// names have their own rule.
pub(super) fn scene_number(scan: &Scan<'_>) -> Option<Hit> {
    let a = &scan.a;
    if a.anime || scan.season.is_some() {
        return None;
    }
    let tv = a.is_tv_release();
    let named = |i: usize| a.words(scan.start, i).any(|w| a.tokens[w].text.chars().any(char::is_alphabetic));
    (scan.start + 1..a.first_tag).filter(|&i| a.plain(i) && named(i)).find_map(|i| {
        let text = a.tokens[i].text;
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        if digits != 2 || a.is_decimal_part(i) || a.follows_number_word(i) {
            return None;
        }
        let (marker, last) = a.match_at(i, markers::bare_episode)?;
        let padded = text.starts_with('0');
        let before_tags = last + 1 == a.first_tag && a.first_tag < a.tokens.len();
        ((padded || (tv && before_tags)) && !a.year_follows(last)).then(|| Hit::new(i, last, marker))
    })
}
