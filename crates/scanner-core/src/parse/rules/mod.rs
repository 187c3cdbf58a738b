//! The numbering rules of the filename parser, as data.
//!
//! Each rule is a small named function that looks for one way of writing an episode number
//! (or an air date) in a tokenized name and returns where it found it. [`NUMBERING`] lists the
//! rules strongest first; [`decide`] is the one driver that applies them, and its precedence step
//! settles conflicts between rules (see there). `docs/naming.md` lists the same table: its
//! "Rules" section is generated from it and a test keeps the two in step.
//!
//! Every rule carries examples; a test parses each one and checks both the result and that
//! it was this rule that decided.

pub(crate) mod naming;
mod numbering;
mod positional;

use std::cell::Cell;
use std::ops::Range;

use nom::IResult;

use super::analysis::Analysis;
use super::markers::{self, Marker};
use super::tokens::Bracket;

/// Where a rule found a number, and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hit {
    /// First and last token of the marker.
    pub first: usize,
    pub last: usize,
    pub marker: Marker,
    /// An anime-style absolute episode number (` - 112`, `[Group] Show 112`).
    pub absolute: bool,
}

impl Hit {
    fn new(first: usize, last: usize, marker: Marker) -> Self {
        Self { first, last, marker, absolute: false }
    }

    fn absolute(self) -> Self {
        Self { absolute: true, ..self }
    }
}

/// A season stated without an episode (`S02`, `Season 2`) before the release tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SeasonHint {
    pub first: usize,
    pub last: usize,
    pub season: u32,
}

/// A tokenized name and what the driver already knows about it.
pub(crate) struct Scan<'a> {
    pub a: Analysis<'a>,
    /// First token of the name proper, after a leading `[Group]`.
    pub start: usize,
    pub season: Option<SeasonHint>,
    /// Rules that scan for their first hit need not look at or past this token: `decide` sets
    /// it while it only asks what comes before the winning marker.
    horizon: Cell<usize>,
}

impl<'a> Scan<'a> {
    pub(crate) fn new(a: Analysis<'a>) -> Self {
        let start = a.lead_group;
        let season = season_hint(&a, start);
        Self { a, start, season, horizon: Cell::new(usize::MAX) }
    }

    /// `end`, or the horizon if it comes first.
    pub(crate) fn until(&self, end: usize) -> usize {
        end.min(self.horizon.get())
    }
}

/// How far a rule's marker is trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tier {
    /// Means the same wherever it stands (`S01E02`, `1x02`, a full date): it wins over any
    /// season word, and the show is everything before it.
    Unmistakable,
    /// A word says "episode" (`E05`, `Episode 5`), but only where titles end; a season word
    /// before it gives the season and ends the show name.
    Worded,
    /// Only a number in the right place (`Show - 05`, `Show.102.HDTV`); like `Worded`, it
    /// takes its season from a season word before it.
    Positional,
}

/// How a rule looks for its marker.
#[derive(Clone, Copy)]
pub(crate) enum Finder {
    /// An unmistakable recognizer, tried at every token (and alone in square brackets).
    Anywhere(Recognizer),
    /// A rule for an episode word, looking at the whole name.
    Worded(fn(&Scan<'_>) -> Option<Hit>),
    /// A rule for a bare number, looking at the whole name.
    Positional(fn(&Scan<'_>) -> Option<Hit>),
}

/// One numbering rule.
pub(crate) struct Rule {
    pub name: &'static str,
    /// One sentence for `docs/naming.md`.
    pub summary: &'static str,
    /// Names this rule decides, and what they are read as (see `describe`).
    pub examples: &'static [(&'static str, &'static str)],
    pub find: Finder,
    /// A hit of this rule before the winning marker still ends the show name.
    pub cuts_name: bool,
}

impl Rule {
    pub(crate) fn tier(&self) -> Tier {
        match self.find {
            Finder::Anywhere(_) => Tier::Unmistakable,
            Finder::Worded(_) => Tier::Worded,
            Finder::Positional(_) => Tier::Positional,
        }
    }

    fn run(&self, scan: &Scan<'_>) -> Option<Hit> {
        match self.find {
            Finder::Anywhere(parser) => anywhere(scan, parser, scan.start..scan.a.tokens.len()),
            Finder::Worded(find) | Finder::Positional(find) => find(scan),
        }
    }
}

/// The numbering rules, strongest first. The first rule that finds something decides.
pub(crate) const NUMBERING: &[Rule] = numbering::RULES;

/// What the rules decided about a name's numbering.
pub(crate) struct Decision {
    pub rule: &'static Rule,
    pub hit: Hit,
    /// Where the show name ends.
    pub name_end: usize,
    /// The season word that gives a worded or positional marker its season.
    pub season: Option<SeasonHint>,
}

impl Decision {
    /// Whether the marker says by itself that the file is an episode, so that it is one even
    /// when no show can be named (`S01E04.mkv`, `Episode 5.mkv`, `4-12 - Title.mkv`): an
    /// unmistakable or worded marker, or any that gives both season and episode. A bare number
    /// does not, and neither does a date: a file named `2019-07-04` is a home video as often as a
    /// broadcast.
    pub(crate) fn is_explicit(&self) -> bool {
        match self.hit.marker {
            Marker::Date(_) => false,
            Marker::SeasonEpisode { .. } => true,
            _ => matches!(self.rule.tier(), Tier::Unmistakable | Tier::Worded),
        }
    }
}

/// Applies the rules and settles conflicts between them.
///
/// Precedence: rules are tried in table order and the first hit wins, so an unmistakable
/// `S01E02` beats a date, a date beats `E05`, and bare numbers are only read when nothing
/// clearer is there. Two refinements:
/// - an unmistakable marker before the release tags beats one among them (in
///   `Show 2015 02 09 WEBRIP s01e13` the date is the numbering, the tail is noise);
/// - the show name ends at the earliest unmistakable marker (`Show 2016 02 25 S20E142` is
///   "Show", season 20), or, for a contextual winner, at a season word before it.
pub(crate) fn decide(scan: &Scan<'_>) -> Option<Decision> {
    let a = &scan.a;
    let (mut rule, mut hit) = NUMBERING.iter().find_map(|rule| rule.run(scan).map(|hit| (rule, hit)))?;
    if rule.tier() == Tier::Unmistakable {
        if hit.first > a.first_tag
            && let Some(earlier) =
                unmistakable().find_map(|(r, p)| anywhere(scan, p, scan.start..a.first_tag).map(|h| (r, h)))
        {
            (rule, hit) = earlier;
        } else if !a.plain(hit.first)
            && matches!(hit.marker, Marker::Date(_))
            && let Some(outside) = NUMBERING
                .iter()
                .filter(|r| r.tier() == Tier::Worded)
                .find_map(|r| r.run(scan).filter(|h| a.plain(h.first)).map(|h| (r, h)))
        {
            (rule, hit) = outside;
        }
    }
    let season = scan.season.filter(|h| h.first < hit.first);
    // Where the show ends: at the first marker before the winner that a rule trusts enough,
    // or at a season word (unless the name opens with it: `Series 13 - S01E01`).
    scan.horizon.set(hit.first);
    let cuts =
        NUMBERING.iter().filter(|r| r.cuts_name && !std::ptr::eq(*r, rule)).filter_map(|r| match r.find {
            Finder::Anywhere(parser) => anywhere(scan, parser, scan.start..hit.first),
            Finder::Worded(find) | Finder::Positional(find) => find(scan).filter(|h| h.first < hit.first),
        });
    let name_end = cuts
        .map(|h| h.first)
        .chain(season.map(|h| h.first))
        .filter(|&first| first > scan.start)
        .min()
        .unwrap_or(hit.first)
        .min(hit.first);
    scan.horizon.set(usize::MAX);
    let season = season.filter(|_| rule.tier() != Tier::Unmistakable);
    Some(Decision { rule, hit, name_end, season })
}

/// A recognizer: what `Finder::Anywhere` runs.
type Recognizer = fn(&str) -> IResult<&str, Marker>;

fn unmistakable() -> impl Iterator<Item = (&'static Rule, Recognizer)> {
    NUMBERING.iter().filter_map(|rule| match rule.find {
        Finder::Anywhere(parser) => Some((rule, parser)),
        Finder::Worded(_) | Finder::Positional(_) => None,
    })
}

/// The first season word (`S02`, `Season 2`, `2nd Season`, `(Season 2)`) before the tags,
/// among the plain words or in round brackets (or any brackets, in a name made of them).
fn season_hint(a: &Analysis<'_>, start: usize) -> Option<SeasonHint> {
    // In a name made only of brackets (`[Group][Show S2][10]`), square brackets count too.
    let bracketed_only = a.words(start, a.first_tag).all(|i| !a.is_wordy(i));
    let candidate = |i: usize| {
        a.plain(i)
            || a.tokens[i].bracket == Bracket::Round
            || (bracketed_only && a.tokens[i].bracket == Bracket::Square)
    };
    (start..a.first_tag).filter(|&i| candidate(i)).find_map(|i| match a.match_at(i, markers::season_only) {
        Some((Marker::Season(season), last)) => Some(SeasonHint { first: i, last, season }),
        _ => None,
    })
}

/// Tries `parser` at every token in `within` that is not a release tag, bracketed or not
/// (`Show (S01E12)`, `Show [Cap.201]`): markers that mean the same wherever they stand. A match
/// inside brackets must end inside them.
fn anywhere(scan: &Scan<'_>, parser: Recognizer, within: Range<usize>) -> Option<Hit> {
    let a = &scan.a;
    within
        .into_iter()
        .filter(|&i| !a.tagged[i])
        .find_map(|i| a.match_at(i, parser).map(|(marker, last)| Hit::new(i, last, marker)))
}

/// A one-line reading of a parse result, as the rule examples and `docs/naming.md` write it:
/// `Show Name · S1 E2 E3`, `Show · E12 (absolute)`, `Show · 2024-01-15`, `(no show) · S1 E4`.
#[cfg(test)]
pub(crate) fn describe(info: &super::name::NameInfo) -> String {
    use std::fmt::Write;
    let mut out = info.name.clone().unwrap_or_else(|| "(no show)".to_owned());
    if let Some(year) = info.year {
        let _ = write!(out, " ({year})");
    }
    let mut numbers = String::new();
    if let Some(season) = info.season {
        let _ = write!(numbers, "S{season}");
    }
    for episode in &info.episodes {
        let sep = if numbers.is_empty() { "" } else { " " };
        let _ = write!(numbers, "{sep}E{episode}");
    }
    if info.absolute {
        numbers.push_str(" (absolute)");
    }
    if let Some(date) = info.date {
        let sep = if numbers.is_empty() { "" } else { " " };
        let _ = write!(numbers, "{sep}{date}");
    }
    if !numbers.is_empty() {
        let _ = write!(out, " · {numbers}");
    }
    out
}

/// The "Rules" section of `docs/naming.md`, generated from the tables (a test keeps the docs
/// equal to it).
pub fn markdown() -> String {
    let mut out = String::from(
        "### Numbering rules, strongest first\n\n\
         The first rule that finds a number in a name decides. *Unmistakable* markers count\n\
         anywhere and the show is everything before them; before a *worded* or *positional*\n\
         one, a season word (`S2`, `Season 2`) gives the season and ends the show name. An\n\
         unmistakable or worded marker, or any giving season and episode (but not a date alone),\n\
         makes a file an episode even when no show can be named.\n\n\
         | rule | trust | reads | example | read as |\n|---|---|---|---|---|\n",
    );
    for rule in NUMBERING {
        let (name, reading) = rule.examples.first().copied().unwrap_or(("", ""));
        let tier = match rule.tier() {
            Tier::Unmistakable => "unmistakable",
            Tier::Worded => "worded",
            Tier::Positional => "positional",
        };
        out.push_str(&format!("| `{}` | {tier} | {} | `{name}` | {reading} |\n", rule.name, rule.summary));
    }
    out.push_str(
        "\n### Naming rules, in order\n\n\
         The words before the numbering (or before the year, for a film) make the name, after\n\
         these rules drop what is not part of it.\n\n\
         | rule | does | example | read as |\n|---|---|---|---|\n",
    );
    for rule in naming::NAMING {
        let (name, reading) = rule.examples.first().copied().unwrap_or(("", ""));
        out.push_str(&format!("| `{}` | {} | `{name}` | {reading} |\n", rule.name, rule.summary));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::name::analyze;

    #[test]
    fn every_rule_decides_its_own_examples() {
        let mut wrong = Vec::new();
        for rule in NUMBERING {
            assert!(!rule.examples.is_empty(), "rule {} has no example", rule.name);
            for &(name, want) in rule.examples {
                let info = analyze(name);
                let got = describe(&info);
                if got != want || info.rule != Some(rule.name) {
                    wrong.push(format!(
                        "{}: {name:?}\n    want {want} (by {})\n    got  {got} (by {:?})",
                        rule.name, rule.name, info.rule
                    ));
                }
            }
        }
        assert!(wrong.is_empty(), "{} examples wrong:\n{}", wrong.len(), wrong.join("\n"));
    }

    #[test]
    fn every_naming_rule_example_reads_as_written() {
        let mut wrong = Vec::new();
        for rule in naming::NAMING {
            assert!(!rule.examples.is_empty(), "naming rule {} has no example", rule.name);
            for &(name, want) in rule.examples {
                let got = describe(&analyze(name));
                if got != want {
                    wrong.push(format!("{}: {name:?}\n    want {want}\n    got  {got}", rule.name));
                }
            }
        }
        assert!(wrong.is_empty(), "{} examples wrong:\n{}", wrong.len(), wrong.join("\n"));
    }

    #[test]
    fn rule_names_are_unique() {
        let mut names: Vec<&str> =
            NUMBERING.iter().map(|r| r.name).chain(naming::NAMING.iter().map(|r| r.name)).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), NUMBERING.len() + naming::NAMING.len());
    }
}
