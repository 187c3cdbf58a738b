//! The naming rules: which of the words before the numbering make the show (or film) name.
//!
//! [`name`] takes the words of the name region, applies [`NAMING`] in order, each rule
//! dropping words that are not the name or, when nothing is left, finding it elsewhere, and
//! joins what remains.

use std::ops::Range;

use crate::parse::analysis::{Analysis, is_year};
use crate::parse::markers;
use crate::parse::tokens::Bracket;

/// One naming rule.
pub(crate) struct NameRule {
    pub name: &'static str,
    /// One sentence for `docs/naming.md`.
    pub summary: &'static str,
    /// Names this rule shapes, and what they are read as (see `describe`).
    pub examples: &'static [(&'static str, &'static str)],
    /// Edits the name's tokens; `region` is where the name was looked for.
    pub apply: fn(&Analysis<'_>, Range<usize>, &mut Vec<usize>),
}

/// The naming rules, in the order they apply.
pub(crate) const NAMING: &[NameRule] = &[
    NameRule {
        name: "site_prefix",
        summary: "a web address is not a name: `www.site.com - Show…` and `(site.com)` are dropped",
        examples: &[("www.Example.org - Quiet.Valley.2014.720p.BluRay", "Quiet Valley (2014)")],
        apply: site_prefix,
    },
    NameRule {
        name: "broadcast_date",
        summary: "a six-digit date opening a name (`221208 Show ep05`, Japanese broadcast style) is not part of the show",
        examples: &[("230415 Morning Variety ep12", "Morning Variety · E12")],
        apply: broadcast_date,
    },
    NameRule {
        name: "announcement",
        summary: "Chinese fansub announcements (`★10月新番★`, `国漫`) are not names",
        examples: &[("[Hoshi] ★04月新番★ [Kaze no Uta][03][1080p]", "Kaze no Uta · E3 (absolute)")],
        apply: announcement,
    },
    NameRule {
        name: "release_version",
        summary: "a release version standing alone (`v2`) is not part of a name",
        examples: &[("[Hoshi] Kaze no Uta the Film v2 [1A2B3C4D]", "Kaze no Uta the Film")],
        apply: release_version,
    },
    NameRule {
        name: "bracket_title",
        summary: "when no words are left, the show is in brackets: the first bracket in Latin script after the group, else the first other one, else the group itself",
        examples: &[
            ("[Hoshi][風の歌][Kaze no Uta][2019][04][1080p]", "Kaze no Uta · E4 (absolute)"),
            ("[Kaze no Uta].12.[XviD]", "Kaze no Uta · E12"),
        ],
        apply: bracket_title,
    },
    NameRule {
        name: "latin_over_cjk",
        summary: "a title written both in Chinese or Japanese and in Latin script keeps the Latin one (Korean titles are left whole)",
        examples: &[("[Hoshi] 風の歌 Kaze no Uta - 05 [1080p]", "Kaze no Uta · E5 (absolute)")],
        apply: latin_over_cjk,
    },
];

/// The show name in `from..to` and the year it carries (`Show (2019)`, `Show.2019`). When no
/// word is there, brackets up to `marker` may hold the name (see [`bracket_title`]).
pub(crate) fn name(a: &Analysis<'_>, from: usize, to: usize, marker: usize) -> (Option<String>, Option<u16>) {
    let (tokens, year) = a.name_and_year(from, to);
    (apply(a, from..marker.max(to), tokens), year)
}

/// The name in `from..to`, whose year (if any) the caller has already taken.
pub(crate) fn clean(a: &Analysis<'_>, from: usize, to: usize) -> Option<String> {
    apply(a, from..to, a.name_tokens(from, to))
}

fn apply(a: &Analysis<'_>, region: Range<usize>, mut tokens: Vec<usize>) -> Option<String> {
    for rule in NAMING {
        (rule.apply)(a, region.clone(), &mut tokens);
    }
    a.join_tokens(tokens)
}

/// Top-level domains of the sites that prefix release names.
const TLDS: &[&str] = &[
    "com", "org", "net", "tv", "to", "tc", "cc", "me", "info", "ru", "io", "co", "xyz", "biz", "in", "eu",
    "ws", "se",
];

fn is_tld(text: &str) -> bool {
    TLDS.iter().any(|t| t.eq_ignore_ascii_case(text))
}

/// `www.site.com - Show`: drops a leading web address (up to its domain ending, and the dash
/// after it), and any round bracket holding one (`(site.com)`).
fn site_prefix(a: &Analysis<'_>, _: Range<usize>, tokens: &mut Vec<usize>) {
    if tokens.first().is_some_and(|&i| a.tokens[i].text.eq_ignore_ascii_case("www"))
        && let Some(k) =
            tokens.iter().take(4).position(|&i| is_tld(a.tokens[i].text) && a.tokens[i].sep_before == '.')
    {
        tokens.drain(..=k);
    }
    let domain_groups: Vec<usize> = tokens
        .iter()
        .filter(|&&i| {
            let t = &a.tokens[i];
            t.bracket == Bracket::Round && is_tld(t.text) && t.sep_before == '.' && a.group_end(i) == i
        })
        .map(|&i| a.tokens[i].group)
        .collect();
    tokens.retain(|&i| !domain_groups.contains(&a.tokens[i].group) || a.tokens[i].group == 0);
}

/// `221208 Show ep05`: a leading valid YYMMDD date followed by more words.
fn broadcast_date(a: &Analysis<'_>, _: Range<usize>, tokens: &mut Vec<usize>) {
    let Some(&first) = tokens.first() else { return };
    let text = a.tokens[first].text;
    let date = text.len() == 6
        && text.bytes().all(|b| b.is_ascii_digit())
        && text[2..4].parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
        && text[4..6].parse::<u32>().is_ok_and(|d| (1..=31).contains(&d));
    if date && tokens.len() > 1 {
        tokens.remove(0);
    }
}

/// `10月新番` ("new this October"), `国漫` ("Chinese animation"): words fansub groups put in
/// front of the title.
fn is_announcement(text: &str) -> bool {
    let text = text.trim_matches(|c: char| !c.is_alphanumeric());
    text.ends_with("新番") || text == "国漫" || text == "国产"
}

fn announcement(a: &Analysis<'_>, _: Range<usize>, tokens: &mut Vec<usize>) {
    tokens.retain(|&i| !is_announcement(a.tokens[i].text));
}

/// Chinese and Japanese letters. Korean is not included: Korean titles often carry English
/// words as part of the title (`나는 SOLO`), not as a translation.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF) // CJK compatibility ideographs
}

fn has_cjk(text: &str) -> bool {
    text.chars().any(is_cjk)
}

fn has_latin(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_alphabetic())
}

/// `Title v2`: a version token, unless it is all there is.
fn release_version(a: &Analysis<'_>, _: Range<usize>, tokens: &mut Vec<usize>) {
    let is_version = |i: usize| {
        let t = a.tokens[i].text;
        t.strip_prefix(['v', 'V'])
            .is_some_and(|n| (1..=2).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()))
    };
    if tokens.iter().any(|&i| !is_version(i) && a.is_wordy(i)) {
        tokens.retain(|&i| !is_version(i));
    }
}

/// When no word of a name is left, looks in the brackets before the numbering: the first
/// bracket written in Latin script (after the release group), else the first other bracket
/// that is not a year, a number or an announcement, else the release group itself (a name
/// like `[Show].12.[XviD]` has no group).
fn bracket_title(a: &Analysis<'_>, region: Range<usize>, tokens: &mut Vec<usize>) {
    if tokens.iter().any(|&i| a.is_wordy(i)) {
        return;
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut i = 0;
    while i < region.end.min(a.tokens.len()) {
        let end = a.group_end(i);
        if a.tokens[i].bracket == Bracket::Square && !a.in_release_group(i) {
            let words: Vec<usize> = (i..=end)
                .filter(|&j| !a.tagged[j] && a.is_wordy(j) && !is_announcement(a.tokens[j].text))
                .collect();
            let named = words.iter().any(|&j| {
                let t = a.tokens[j].text;
                is_year(&a.tokens[j]).is_none() && !t.bytes().all(|b| b.is_ascii_digit())
            });
            if named {
                groups.push(words);
            }
        }
        i = end + 1;
    }
    let lead = |g: &Vec<usize>| g.first().is_some_and(|&j| j < a.lead_group);
    let latin = |g: &Vec<usize>| g.iter().all(|&j| !has_cjk(a.tokens[j].text));
    let pick = groups
        .iter()
        .find(|g| !lead(g) && latin(g))
        .or_else(|| groups.iter().find(|g| !lead(g)))
        .or_else(|| groups.first());
    if let Some(group) = pick {
        // `[Show S2][10]`: the season word is not part of the show (the rules read it).
        tokens.clear();
        tokens.extend(group.iter().copied().filter(|&j| a.match_at(j, markers::season_only).is_none()));
    }
}

/// Keeps the Latin-script words of a name that mixes them with Chinese or Japanese
/// ones (`風の歌 Kaze no Uta`, `ANIME TITLE 海賊王`); names in one script are left alone.
fn latin_over_cjk(a: &Analysis<'_>, _: Range<usize>, tokens: &mut Vec<usize>) {
    let cjk = tokens.iter().any(|&i| has_cjk(a.tokens[i].text));
    let latin = tokens.iter().any(|&i| has_latin(a.tokens[i].text) && !has_cjk(a.tokens[i].text));
    if !(cjk && latin) {
        return;
    }
    // The first run of tokens without CJK that holds a Latin letter.
    let mut runs: Vec<Vec<usize>> = vec![Vec::new()];
    for &i in tokens.iter() {
        if has_cjk(a.tokens[i].text) {
            runs.push(Vec::new());
        } else if let Some(run) = runs.last_mut() {
            run.push(i);
        }
    }
    if let Some(run) = runs.into_iter().find(|r| r.iter().any(|&i| has_latin(a.tokens[i].text))) {
        *tokens = run;
    }
}
