//! Reads one path component (a file stem or a folder name) on its own.
//!
//! The component is tokenized, release tags are marked, and the first numbering marker is
//! located: unmistakable markers (`S01E02`, `1x02`, dates) anywhere, weaker ones (`E05`,
//! ` - 12`, `102`, a leading `05`) only before the tags. What precedes the marker is the show,
//! what follows it up to the tags is the episode title. Without a marker, a trailing year
//! makes a movie.

use chrono::NaiveDate;

use super::markers::{self, Marker, Strength};
use super::tags::{self, Tag, TagKind};
use super::tokens::{Bracket, Token, tokenize};

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

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Release {
    pub resolution: Option<String>,
    pub source: Option<String>,
    pub video_codec: Option<String>,
    pub audio_codec: Option<String>,
    pub group: Option<String>,
    pub checksum: Option<String>,
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
    pub noise: Option<Noise>,
    pub release: Release,
    /// The episode number is an anime-style absolute number (` - 112`, `[Group] Show 112`).
    pub absolute: bool,
}

struct Analysis<'a> {
    text: &'a str,
    tokens: Vec<Token<'a>>,
    /// The accepted tag starting at each token.
    tags: Vec<Option<Tag>>,
    /// Whether each token is covered by an accepted tag.
    tagged: Vec<bool>,
    /// Index of the first accepted unbracketed tag, or `tokens.len()`.
    first_tag: usize,
    /// Tokens of a leading `[Group]`.
    lead_group: usize,
    noise: Option<Noise>,
}

/// Plex-style suffixes marking bonus material (`Movie-trailer`, `Scene-deleted`).
const EXTRA_SUFFIXES: &[&str] = &[
    "trailer",
    "teaser",
    "featurette",
    "behindthescenes",
    "deleted",
    "interview",
    "short",
    "extra",
    "bts",
    "scene",
    "other",
];

/// Finds noise words and affixes; strips `-trailer`-style suffixes and a `sample-` prefix from
/// their tokens. Returns the noise and which tokens are the bare word `sample`.
fn strip_noise(tokens: &mut [Token<'_>]) -> (Option<Noise>, Vec<bool>) {
    let mut noise = None;
    let mut words = vec![false; tokens.len()];
    for (token, word) in tokens.iter_mut().zip(words.iter_mut()) {
        let lower = token.text.to_lowercase();
        match lower.as_str() {
            "sample" => {
                noise = Some(Noise::Sample);
                *word = true;
                continue;
            }
            "trailer" | "teaser" | "featurette" => {
                noise.get_or_insert(Noise::Extra);
                continue;
            }
            _ => {}
        }
        if let Some((head, suffix)) = lower.rsplit_once('-')
            && !head.is_empty()
        {
            if suffix == "sample" {
                noise = Some(Noise::Sample);
                token.text = &token.text[..head.len()];
                continue;
            }
            if EXTRA_SUFFIXES.contains(&suffix) {
                noise.get_or_insert(Noise::Extra);
                token.text = &token.text[..head.len()];
                continue;
            }
        }
        if lower.len() > 7 && lower.starts_with("sample-") {
            noise = Some(Noise::Sample);
            token.text = &token.text[7..];
            token.start += 7;
        }
    }
    (noise, words)
}

fn is_year(token: &Token<'_>) -> Option<u16> {
    let t = token.text;
    (t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()))
        .then(|| t.parse::<u16>().ok())
        .flatten()
        .filter(|y| (1900..=2099).contains(y))
}

fn is_checksum(token: &Token<'_>) -> bool {
    token.bracket == Bracket::Square
        && token.text.len() == 8
        && token.text.bytes().all(|b| b.is_ascii_hexdigit())
}

impl<'a> Analysis<'a> {
    fn new(text: &'a str) -> Self {
        let mut tokens = tokenize(text);
        let (noise, noise_words) = strip_noise(&mut tokens);
        let n = tokens.len();
        let texts: Vec<&str> = tokens.iter().map(|t| t.text).collect();

        let mut found: Vec<Option<Tag>> = vec![None; n];
        let mut i = 0;
        while i < n {
            // A tag never spans a bracket boundary.
            let same_group = tokens[i..].iter().take_while(|t| t.group == tokens[i].group).count();
            match tags::tag_at(&texts[i..i + same_group]) {
                Some(tag) => {
                    let len = tag.len;
                    found[i] = Some(tag);
                    i += len;
                }
                None => i += 1,
            }
        }

        // Weak tags count only inside brackets or next to an accepted tag or a year.
        let mut accepted: Vec<bool> = found
            .iter()
            .zip(&tokens)
            .map(|(t, tok)| t.as_ref().is_some_and(|t| !t.weak || tok.bracketed()))
            .collect();
        loop {
            let mut changed = false;
            for i in 0..n {
                if accepted[i] || found[i].is_none() {
                    continue;
                }
                let len = found[i].as_ref().map_or(1, |t| t.len);
                let prev = i.checked_sub(1);
                let next = i + len;
                let neighbour_ok =
                    |j: usize| accepted.get(j).copied().unwrap_or(false) || is_year(&tokens[j]).is_some();
                let prev_ok = prev.is_some_and(|p| {
                    // The previous token may be covered by a multi-token tag.
                    (0..=p)
                        .rev()
                        .find(|&k| found[k].is_some() || k == p)
                        .is_some_and(|k| accepted[k] && k + found[k].as_ref().map_or(1, |t| t.len) > p)
                        || is_year(&tokens[p]).is_some()
                });
                let next_ok = next < n && neighbour_ok(next) && found[next].is_some();
                if prev_ok || next_ok {
                    accepted[i] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }

        let mut tags_at = vec![None; n];
        let mut tagged = vec![false; n];
        for i in 0..n {
            if accepted[i]
                && let Some(tag) = found[i].take()
            {
                for covered in tagged.iter_mut().skip(i).take(tag.len) {
                    *covered = true;
                }
                tags_at[i] = Some(tag);
            }
        }
        let first_tag = (0..n).find(|&i| tagged[i] && !tokens[i].bracketed()).unwrap_or(n);
        // The word `sample` is never part of a name or title.
        for (covered, noise_word) in tagged.iter_mut().zip(noise_words) {
            *covered |= noise_word;
        }
        let lead_group = if text.trim_start().starts_with(['[', '【']) {
            tokens.iter().take_while(|t| t.group == 1).count()
        } else {
            0
        };
        Self { text, tokens, tags: tags_at, tagged, first_tag, lead_group, noise }
    }

    fn plain(&self, i: usize) -> bool {
        !self.tokens[i].bracketed()
    }

    /// Finds the token index `j` such that a match of `len` bytes from token `i` ends exactly at
    /// the end of token `j`, with no bracketed token in between.
    fn span_end(&self, i: usize, len: usize) -> Option<usize> {
        let end = self.tokens[i].start + len;
        (i..self.tokens.len()).take_while(|&j| self.tokens[j].start < end && self.plain(j)).find(|&j| {
            let token = &self.tokens[j];
            // A spaced name's word may carry a final `.` or `,` (`05. Title`).
            token.end() == end || (token.end() == end + 1 && token.text.ends_with(['.', ',']))
        })
    }

    fn at(&self, i: usize, strength: Strength) -> Option<(Marker, usize)> {
        let (marker, len) = markers::marker_at(&self.text[self.tokens[i].start..], strength)?;
        Some((marker, self.span_end(i, len)?))
    }

    fn run(&self, i: usize, parser: fn(&str) -> nom::IResult<&str, Marker>) -> Option<(Marker, usize)> {
        let (marker, len) = markers::run_at_boundary(&self.text[self.tokens[i].start..], parser)?;
        Some((marker, self.span_end(i, len)?))
    }

    /// Unbracketed, untagged token indices from `from` up to `to`.
    fn words(&self, from: usize, to: usize) -> impl Iterator<Item = usize> + '_ {
        (from..to.min(self.tokens.len())).filter(|&i| self.plain(i) && !self.tagged[i])
    }

    fn is_dash(&self, i: usize) -> bool {
        self.tokens.get(i).is_some_and(Token::is_dash)
    }

    /// True when a year follows token `j` (before the tags, or in round brackets): then a
    /// number before it belongs to a title (`300 (2006)`, `Fahrenheit 451 (1966)`).
    fn year_follows(&self, j: usize) -> bool {
        (j + 1..self.tokens.len()).any(|k| {
            is_year(&self.tokens[k]).is_some()
                && ((self.plain(k) && k < self.first_tag) || self.tokens[k].bracket == Bracket::Round)
        })
    }

    /// True when nothing but tags, brackets, dashes or the end follows token `j`.
    fn ends_name(&self, j: usize) -> bool {
        let next = j + 1;
        next >= self.tokens.len() || self.tagged[next] || !self.plain(next) || self.is_dash(next)
    }

    /// Joins tokens `from..to` into human text: words separated by spaces, dotted acronyms kept
    /// (`S.H.I.E.L.D.`), round brackets kept, square brackets, tags and edge dashes dropped.
    fn join(&self, from: usize, to: usize) -> Option<String> {
        let to = to.min(self.tokens.len());
        let mut picked: Vec<usize> = (from..to)
            .filter(|&i| !self.tagged[i] && self.tokens[i].bracket != Bracket::Square)
            .filter(|&i| self.tokens[i].bracket != Bracket::Curly)
            .collect();
        while picked.first().is_some_and(|&i| self.is_dash(i)) {
            picked.remove(0);
        }
        while picked.last().is_some_and(|&i| self.is_dash(i)) {
            picked.pop();
        }
        let mut out = String::new();
        let mut k = 0;
        while k < picked.len() {
            let i = picked[k];
            let tok = &self.tokens[i];
            // A run of single letters separated by dots is an acronym.
            let run = picked[k..]
                .iter()
                .take_while(|&&j| {
                    let t = &self.tokens[j];
                    let letter = t.text.strip_suffix('.').unwrap_or(t.text);
                    letter.chars().count() == 1
                        && letter.chars().all(char::is_alphabetic)
                        && (j == i || t.sep_before == '.')
                })
                .count();
            if !out.is_empty() {
                out.push(' ');
            }
            if run >= 2 && self.text[tok.end()..].starts_with('.') {
                for &j in &picked[k..k + run] {
                    out.push_str(self.tokens[j].text.trim_end_matches('.'));
                    out.push('.');
                }
                k += run;
                continue;
            }
            if tok.bracket == Bracket::Round {
                let last = picked[k..].iter().take_while(|&&j| self.tokens[j].group == tok.group).count();
                let inner: Vec<&str> = picked[k..k + last].iter().map(|&j| self.tokens[j].text).collect();
                out.push('(');
                out.push_str(&inner.join(" "));
                out.push(')');
                k += last;
                continue;
            }
            out.push_str(tok.text);
            k += 1;
        }
        let out = out.trim().to_owned();
        (!out.is_empty()).then_some(out)
    }

    fn release(&self) -> Release {
        let n = self.tokens.len();
        let mut release = Release::default();
        let mut service = false;
        // Trailing bracketed tokens (`[rarbg]`, `[eztv]`) come after the group, not before it.
        let last_plain = (0..n).rev().find(|&i| self.plain(i));
        for (i, tag) in self.tags.iter().enumerate() {
            let Some(tag) = tag else { continue };
            let mut fill = |kind: TagKind, value: &str| {
                let slot = match kind {
                    TagKind::Resolution => &mut release.resolution,
                    TagKind::Source => &mut release.source,
                    TagKind::VideoCodec if !value.ends_with("bit") => &mut release.video_codec,
                    TagKind::AudioCodec => &mut release.audio_codec,
                    _ => return,
                };
                slot.get_or_insert_with(|| value.to_owned());
            };
            if tag.kind == TagKind::Service {
                service = true;
            }
            fill(tag.kind, &tag.value);
            if let Some((kind, value)) = &tag.second {
                fill(*kind, value);
            }
            if last_plain == Some(i + tag.len - 1)
                && let Some(group) = &tag.group
            {
                release.group = Some(group.clone());
            }
        }
        if service && release.source.is_none() {
            release.source = Some("WEB-DL".to_owned());
        }
        if release.group.is_none() && self.tags.iter().any(Option::is_some) {
            release.group = self.trailing_group(last_plain);
        }
        if self.lead_group > 0 {
            let first = &self.tokens[0];
            let last = &self.tokens[self.lead_group - 1];
            release.group = Some(self.text[first.start..last.end()].to_owned());
        }
        release.checksum = self.tokens.iter().find(|t| is_checksum(t)).map(|t| t.text.to_ascii_uppercase());
        release
    }

    /// The group of a tagged name that no tag carries: Sonarr's `[h264]-GROUP`, or whatever
    /// follows the last dash after the tags (`DTS-HD.MA.5.1-GROUP`).
    fn trailing_group(&self, last_plain: Option<usize>) -> Option<String> {
        let last = last_plain?;
        let token = &self.tokens[last];
        let plausible = |g: &str| {
            !g.is_empty()
                && g.len() <= 24
                && g.chars().all(|c| c.is_alphanumeric() || matches!(c, '@' | '&' | '_'))
        };
        if last + 1 == self.tokens.len()
            && !self.tagged[last]
            && self.text[..token.start].trim_end_matches('-').len() + 1 == token.start
            && self.text[..token.start - 1].ends_with([']', ')'])
            && plausible(token.text)
        {
            return Some(token.text.to_owned());
        }
        if last > self.first_tag
            && let Some((head, group)) = token.text.rsplit_once('-')
            && !head.is_empty()
            && plausible(group)
            && tags::tag_at(&[group]).is_none()
        {
            return Some(group.to_owned());
        }
        None
    }

    /// A year in round brackets anywhere before `to`, or a bare year ending the name region.
    fn name_and_year(&self, from: usize, to: usize) -> (Option<String>, Option<u16>) {
        let words: Vec<usize> = (from..to)
            .filter(|&i| !self.tagged[i] && self.tokens[i].bracket != Bracket::Square)
            .filter(|&i| !self.is_dash(i))
            .collect();
        let round_year = words
            .iter()
            .rev()
            .find(|&&i| self.tokens[i].bracket == Bracket::Round && is_year(&self.tokens[i]).is_some());
        if let Some(&i) = round_year
            && words.iter().any(|&w| w < i)
        {
            let year = is_year(&self.tokens[i]);
            let mut name = self.join(from, i);
            if name.is_none() {
                name = self.join(i + 1, to);
            }
            return (name, year);
        }
        if let Some(&last) = words.last()
            && words.len() >= 2
            && self.plain(last)
            && let Some(year) = is_year(&self.tokens[last])
        {
            return (self.join(from, last), Some(year));
        }
        (self.join(from, to), None)
    }

    /// `Part 2`, `Pt.2`, `CD1`, `Disc 2` within `from..to`.
    fn part(&self, from: usize, to: usize) -> Option<(usize, usize, u32)> {
        let idx: Vec<usize> = self.words(from, to).collect();
        for (k, &i) in idx.iter().enumerate() {
            let lower = self.tokens[i].text.to_ascii_lowercase();
            for word in ["part", "pt", "cd", "disc", "disk"] {
                if let Some(num) = lower.strip_prefix(word) {
                    if !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()) && num.len() <= 2 {
                        return Some((i, i, num.parse().ok()?));
                    }
                    if num.is_empty()
                        && let Some(&j) = idx.get(k + 1)
                    {
                        let next = self.tokens[j].text;
                        if next.len() <= 2 && next.bytes().all(|b| b.is_ascii_digit()) {
                            return Some((i, j, next.parse().ok()?));
                        }
                    }
                }
            }
        }
        None
    }
}

/// Analyses one component.
pub(crate) fn analyze(text: &str) -> NameInfo {
    let a = Analysis::new(text);
    let n = a.tokens.len();
    let release = a.release();
    let noise = a.noise;
    let start = a.lead_group;

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
        noise,
        release,
        absolute: false,
    };

    // The marker: (first token, last token, marker, season seen before it).
    let mut found: Option<(usize, usize, Marker)> = None;
    for i in start..n {
        if a.plain(i)
            && let Some((m, j)) = a.at(i, Strength::Strong)
        {
            found = Some((i, j, m));
            break;
        }
        // `Show - [01x03] - Title`: a marker alone in square brackets.
        let token = &a.tokens[i];
        if token.bracket == Bracket::Square
            && a.tokens.iter().filter(|t| t.group == token.group).count() == 1
            && let Some((m, len)) = markers::marker_at(token.text, Strength::Strong)
            && len == token.text.len()
        {
            found = Some((i, i, m));
            break;
        }
    }

    let mut season_marker: Option<(usize, usize, u32)> = None;
    if found.is_none() {
        for i in start..a.first_tag {
            if !a.plain(i) {
                continue;
            }
            if season_marker.is_none()
                && let Some((Marker::Season(s), j)) = a.at(i, Strength::SeasonOnly)
            {
                season_marker = Some((i, j, s));
                continue;
            }
            if let Some((m, j)) = a.at(i, Strength::EpisodeWord) {
                found = Some((i, j, m));
                break;
            }
            // `Show - 110 - Title`: a compact season and episode between dashes, before a title.
            if start == 0
                && i > 0
                && a.is_dash(i - 1)
                && a.is_dash(i + 1)
                && a.words(i + 2, a.first_tag).next().is_some()
                && let Some((m, j)) = a.run(i, markers::compact_number)
            {
                found = Some((i, j, m));
                break;
            }
            // ` - 12`: a number after a lone dash, closing the name.
            if i > start
                && a.is_dash(i - 1)
                && is_year(&a.tokens[i]).is_none()
                && let Some((m, j)) = a.run(i, markers::bare_episode)
                && a.ends_name(j)
            {
                found = Some((i, j, m));
                info.absolute = true;
                break;
            }
        }
    }
    if found.is_none() && season_marker.is_none() {
        // A leading number: `05 - Title`, `05`, `05. Title`; or only perhaps (`05 Title`).
        if start < n
            && a.plain(start)
            && a.tokens[start].text.len() <= 3
            && let Some((m, j)) = a.run(start, markers::bare_episode)
            && !a.year_follows(j)
        {
            let followed_by_dash = a.is_dash(j + 1) || j + 1 >= n || a.tokens[j].text.ends_with('.');
            if followed_by_dash || a.ends_name(j) {
                found = Some((start, j, m));
            } else if let Marker::Episode { episodes, .. } = &m {
                info.leading_number = episodes.first().copied();
            }
        }
    }
    if found.is_none() && season_marker.is_none() {
        // `Show.102.HDTV`, `Show.109.Title.HDTV`: a compact number after the show, in a name
        // that has release tags or ends with it, and no year after it.
        for i in start + 1..a.first_tag {
            if a.plain(i)
                && let Some((m, j)) = a.run(i, markers::compact_number)
                && (a.ends_name(j) || a.first_tag < n)
                && !a.year_follows(j)
                && a.words(start, i).next().is_some()
            {
                found = Some((i, j, m));
                break;
            }
        }
    }
    if found.is_none() && start > 0 {
        // `[Group] Show Name 12 [720p]`: a fansub release's trailing number.
        let last_word = a.words(start, a.first_tag).last();
        if let Some(i) = last_word
            && i > start
            && is_year(&a.tokens[i]).is_none()
            && let Some((m, j)) = a.run(i, markers::bare_episode)
        {
            found = Some((i, j, m));
            info.absolute = true;
        }
    }
    if let Some((si, sj, season)) = season_marker
        && found.is_none()
    {
        // `Show S2 - 05`: a season word followed by a dash and a number.
        let next = sj + 1;
        if a.is_dash(next)
            && next + 1 < n
            && let Some((m, j)) = a.run(next + 1, markers::bare_episode)
            && a.ends_name(j)
        {
            found = Some((next + 1, j, m));
        } else {
            info.shape = Shape::Season;
            info.season = Some(season);
            let (name, year) = a.name_and_year(start, si);
            info.name = name;
            info.year = year;
            return info;
        }
    }

    match found {
        Some((i, j, marker)) => {
            let name_end = season_marker.map_or(i, |(si, _, _)| si.min(i));
            let (name, year) = a.name_and_year(start, name_end);
            info.name = name;
            info.year = year;
            info.shape = Shape::Episode;
            match marker {
                Marker::SeasonEpisode { season, episodes, version } => {
                    info.season = Some(season);
                    info.episodes = episodes;
                    info.version = version;
                }
                Marker::Episode { episodes, version } => {
                    info.season = season_marker.map(|(_, _, s)| s);
                    info.episodes = episodes;
                    info.version = version;
                }
                Marker::Date(date) => info.date = Some(date),
                Marker::Season(season) => info.season = Some(season),
            }
            // The title runs from the marker to the first tag or bracket.
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
        }
        None => {
            // No numbering: a movie if a year or release tags say so.
            let region_end = a.first_tag;
            let years: Vec<usize> = (start..n)
                .filter(|&i| is_year(&a.tokens[i]).is_some())
                .filter(|&i| (a.plain(i) && i < region_end) || a.tokens[i].bracket == Bracket::Round)
                .filter(|&i| a.words(start, i).next().is_some())
                .collect();
            let has_tags = a
                .tags
                .iter()
                .flatten()
                .any(|t| matches!(t.kind, TagKind::Resolution | TagKind::Source | TagKind::VideoCodec));
            if let Some(&y) = years.last() {
                info.year = is_year(&a.tokens[y]);
                info.name = a.join(start, y);
                info.shape = Shape::Movie;
                if let Some((_, _, part)) = a.part(y + 1, region_end) {
                    info.part = Some(part);
                }
            } else {
                let end = if has_tags { region_end } else { n };
                match a.part(start, end) {
                    Some((pi, pj, part)) => {
                        info.part = Some(part);
                        info.name = if pi > start { a.join(start, pi) } else { a.join(pj + 1, end) };
                    }
                    None => info.name = a.join(start, end),
                }
                info.shape = if has_tags { Shape::Movie } else { Shape::Plain };
            }
        }
    }
    info
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
