//! One path component seen as tokens: which are release tags, which are bracketed, where the
//! tags start, and the helpers the rules (see `rules`) use to look at them.
//!
//! Nothing here decides what the name means; it only answers questions about the tokens.

use nom::IResult;

use super::markers::{self, Marker};
use super::name::Noise;
use super::tags::{self, Tag};
use super::tokens::{Bracket, Token, tokenize};

pub(crate) struct Analysis<'a> {
    pub text: &'a str,
    pub tokens: Vec<Token<'a>>,
    /// The accepted tag starting at each token.
    pub tags: Vec<Option<Tag>>,
    /// Whether each token is covered by an accepted tag.
    pub tagged: Vec<bool>,
    /// Index of the first accepted unbracketed tag, or `tokens.len()`.
    pub first_tag: usize,
    /// Tokens of a leading `[Group]`.
    pub lead_group: usize,
    pub noise: Option<Noise>,
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

pub(crate) fn is_year(token: &Token<'_>) -> Option<u16> {
    let t = token.text;
    (t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()))
        .then(|| t.parse::<u16>().ok())
        .flatten()
        .filter(|y| (1900..=2099).contains(y))
}

pub(crate) fn is_checksum(token: &Token<'_>) -> bool {
    token.bracket == Bracket::Square
        && token.text.len() == 8
        && token.text.bytes().all(|b| b.is_ascii_hexdigit())
}

impl<'a> Analysis<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
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

    pub(crate) fn plain(&self, i: usize) -> bool {
        !self.tokens[i].bracketed()
    }

    /// Finds the token index `j` such that a match of `len` bytes from token `i` ends exactly at
    /// the end of token `j`, within the bracket group of token `i` (or among plain tokens).
    pub(crate) fn span_end(&self, i: usize, len: usize) -> Option<usize> {
        let end = self.tokens[i].start + len;
        let group = self.tokens[i].group;
        (i..self.tokens.len())
            .take_while(|&j| self.tokens[j].start < end && self.tokens[j].group == group)
            .find(|&j| {
                let token = &self.tokens[j];
                // A spaced name's word may carry a final `.` or `,` (`05. Title`).
                token.end() == end || (token.end() == end + 1 && token.text.ends_with(['.', ',']))
            })
    }

    /// Runs the recognizer `parser` at token `i`; the match must end at a token's end, with no
    /// bracketed token inside. Returns the marker and the index of its last token.
    pub(crate) fn match_at(
        &self,
        i: usize,
        parser: fn(&str) -> IResult<&str, Marker>,
    ) -> Option<(Marker, usize)> {
        let (marker, len) = markers::run_at_boundary(&self.text[self.tokens[i].start..], parser)?;
        Some((marker, self.span_end(i, len)?))
    }

    /// Unbracketed, untagged token indices from `from` up to `to`.
    pub(crate) fn words(&self, from: usize, to: usize) -> impl Iterator<Item = usize> + '_ {
        (from..to.min(self.tokens.len())).filter(|&i| self.plain(i) && !self.tagged[i])
    }

    pub(crate) fn is_dash(&self, i: usize) -> bool {
        self.tokens.get(i).is_some_and(Token::is_dash)
    }

    /// True when a year follows token `j` (before the tags, or in round brackets): then a
    /// number before it belongs to a title (`300 (2006)`, `Fahrenheit 451 (1966)`).
    pub(crate) fn year_follows(&self, j: usize) -> bool {
        (j + 1..self.tokens.len()).any(|k| {
            is_year(&self.tokens[k]).is_some()
                && ((self.plain(k) && k < self.first_tag) || self.tokens[k].bracket == Bracket::Round)
        })
    }

    /// True when nothing but tags, brackets, dashes or the end follows token `j`.
    pub(crate) fn ends_name(&self, j: usize) -> bool {
        let next = j + 1;
        next >= self.tokens.len() || self.tagged[next] || !self.plain(next) || self.is_dash(next)
    }

    /// Joins tokens `from..to` into human text: words separated by spaces, dotted acronyms kept
    /// (`S.H.I.E.L.D.`), round brackets kept, square brackets, tags and edge dashes dropped.
    pub(crate) fn join(&self, from: usize, to: usize) -> Option<String> {
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

    /// A year in round brackets anywhere before `to`, or a bare year ending the name region.
    pub(crate) fn name_and_year(&self, from: usize, to: usize) -> (Option<String>, Option<u16>) {
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
    pub(crate) fn part(&self, from: usize, to: usize) -> Option<(usize, usize, u32)> {
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
