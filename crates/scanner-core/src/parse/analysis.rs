//! One path component seen as tokens: which are release tags, which are bracketed, where the
//! tags start, and the helpers the rules (see `rules`) use to look at them.
//!
//! Nothing here decides what the name means; it only answers questions about the tokens.

use nom::IResult;

use super::extras::EXTRA_SUFFIXES;
use super::markers::{self, Marker};
use super::name::Noise;
use super::tags::{self, Tag, TagKind};
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
    /// The name is written the way fansub groups write them: it opens with a `[Group]` or
    /// carries a CRC checksum. Numbers in such names are absolute episode numbers.
    pub anime: bool,
    /// Bracket groups (by group index) that hold release information (a tag or a checksum):
    /// never part of a name or title.
    release_groups: Vec<usize>,
}

/// Finds noise words and affixes; strips `-trailer`-style suffixes and a `sample-` prefix from
/// their tokens. Returns the noise and which tokens are the bare word `sample`.
fn strip_noise(tokens: &mut [Token<'_>]) -> (Option<Noise>, Vec<bool>) {
    let is = |text: &str, word: &str| text.eq_ignore_ascii_case(word);
    let mut noise = None;
    let mut words = vec![false; tokens.len()];
    for (token, word) in tokens.iter_mut().zip(words.iter_mut()) {
        let text = token.text;
        if is(text, "sample") {
            noise = Some(Noise::Sample);
            *word = true;
            continue;
        }
        if ["trailer", "teaser", "featurette"].iter().any(|w| is(text, w)) {
            noise.get_or_insert(Noise::Extra);
            continue;
        }
        if let Some((head, suffix)) = text.bytes().any(|b| b == b'-').then(|| text.rsplit_once('-')).flatten()
            && !head.is_empty()
        {
            if is(suffix, "sample") {
                noise = Some(Noise::Sample);
                token.text = head;
                continue;
            }
            // Plex-style suffixes marking bonus material (`Movie-trailer`, `Scene-deleted`).
            if EXTRA_SUFFIXES.iter().any(|(s, _)| is(suffix, s)) {
                noise.get_or_insert(Noise::Extra);
                token.text = head;
                continue;
            }
        }
        if text.len() > 7 && text.get(..7).is_some_and(|p| is(p, "sample-")) {
            noise = Some(Noise::Sample);
            token.text = &text[7..];
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
        // A spaced name keeps a comma with its word (`(DVD, Dual Audio)`); tags are read without.
        let texts: Vec<&str> = tokens.iter().map(|t| t.text.trim_end_matches(',')).collect();

        let mut found: Vec<Option<Tag>> = vec![None; n];
        let mut i = 0;
        while i < n {
            // A tag never spans a bracket boundary (and covers at most two tokens).
            let same_group = tokens[i..].iter().take(2).take_while(|t| t.group == tokens[i].group).count();
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
                // A bare height (`1080`) only counts next to unbracketed tags or a year: after a
                // dash and before `(720p)` it is an episode number.
                if tokens[i].text.bytes().all(|b| b.is_ascii_digit())
                    && ![prev, Some(next)].into_iter().flatten().any(|j| {
                        j < n && tokens[j].group == 0 && (accepted[j] || is_year(&tokens[j]).is_some())
                    })
                {
                    continue;
                }
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
                // An edition or language word right before a year names the release, not the
                // film (`Title.EXTENDED.2013`, `Title.German.2011`), unless it is the whole title.
                let before_year = i > 0
                    && next < n
                    && tokens[next].group == 0
                    && is_year(&tokens[next]).is_some()
                    && tags::names_release(tokens[i].text);
                let next_ok = (next < n && neighbour_ok(next) && found[next].is_some()) || before_year;
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
        let anime = lead_group > 0 || tokens.iter().any(is_checksum);
        let mut release_groups: Vec<usize> = (0..n)
            .filter(|&i| tokens[i].bracketed() && (tagged[i] || is_checksum(&tokens[i])))
            .map(|i| tokens[i].group)
            .collect();
        release_groups.dedup();
        Self { text, tokens, tags: tags_at, tagged, first_tag, lead_group, noise, anime, release_groups }
    }

    /// Whether token `i` is in a bracket group that holds release information.
    pub(crate) fn in_release_group(&self, i: usize) -> bool {
        let token = &self.tokens[i];
        token.bracketed() && self.release_groups.contains(&token.group)
    }

    /// The last token of the bracket group that token `i` belongs to (`i` itself when plain).
    pub(crate) fn group_end(&self, i: usize) -> usize {
        let group = self.tokens[i].group;
        if group == 0 {
            return i;
        }
        (i..self.tokens.len()).take_while(|&j| self.tokens[j].group == group).last().unwrap_or(i)
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

    /// The tokens of `from..to` that can be part of a name: not tags, not in square or curly
    /// brackets, not in a bracket group of release information (`(1080p HD)`).
    pub(crate) fn name_tokens(&self, from: usize, to: usize) -> Vec<usize> {
        (from..to.min(self.tokens.len()))
            .filter(|&i| {
                !self.tagged[i] && !matches!(self.tokens[i].bracket, Bracket::Square | Bracket::Curly)
            })
            .filter(|&i| !self.in_release_group(i))
            .collect()
    }

    /// Joins tokens `from..to` into human text (see [`Self::join_tokens`]).
    pub(crate) fn join(&self, from: usize, to: usize) -> Option<String> {
        self.join_tokens(self.name_tokens(from, to))
    }

    /// Joins tokens into human text: words separated by spaces, dotted acronyms kept
    /// (`S.H.I.E.L.D.`), round brackets kept, edge dashes dropped.
    pub(crate) fn join_tokens(&self, mut picked: Vec<usize>) -> Option<String> {
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
            // A decimal keeps its dot (`Title 2.22`).
            let digits = |t: &Token<'_>| t.text.bytes().all(|b| b.is_ascii_digit());
            if let Some(&next) = picked.get(k + 1)
                && digits(tok)
                && digits(&self.tokens[next])
                && self.tokens[next].start == tok.end() + 1
                && self.text[tok.end()..].starts_with('.')
            {
                out.push_str(tok.text);
                out.push('.');
                out.push_str(self.tokens[next].text);
                k += 2;
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

    /// The name tokens of `from..to` and the year they carry: a year in round brackets
    /// anywhere (the name ends there, or follows it), or a bare year ending the region.
    pub(crate) fn name_and_year(&self, from: usize, to: usize) -> (Vec<usize>, Option<u16>) {
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
            let mut name = self.name_tokens(from, i);
            if !name.iter().any(|&t| self.is_wordy(t)) {
                name = self.name_tokens(i + 1, to);
            }
            return (name, year);
        }
        if let Some(&last) = words.last()
            && words.len() >= 2
            && self.plain(last)
            && let Some(year) = is_year(&self.tokens[last])
        {
            return (self.name_tokens(from, last), Some(year));
        }
        (self.name_tokens(from, to), None)
    }

    /// Whether the name comes from television: it carries an HDTV, PDTV, SDTV, DSR, DVB or
    /// TVRip source tag.
    pub(crate) fn is_tv_release(&self) -> bool {
        self.tags.iter().flatten().any(|t| {
            t.kind == TagKind::Source
                && matches!(&*t.value, "HDTV" | "PDTV" | "SDTV" | "DSR" | "DVB" | "TVRip")
        })
    }

    /// The kind of the accepted tag covering token `i`, if any.
    pub(crate) fn tag_kind(&self, i: usize) -> Option<TagKind> {
        (0..=i).rev().take(4).find_map(|k| self.tags[k].as_ref().filter(|t| k + t.len > i).map(|t| t.kind))
    }

    /// Whether token `i` is one side of a decimal number written with a dot (`2.22`, `05.5`).
    pub(crate) fn is_decimal_part(&self, i: usize) -> bool {
        let digits =
            |k: usize| self.tokens.get(k).is_some_and(|t| t.text.bytes().all(|b| b.is_ascii_digit()));
        let dotted = |k: usize| {
            self.tokens.get(k).is_some_and(|t| t.sep_before == '.' && t.group == self.tokens[i].group)
        };
        digits(i) && ((i > 0 && dotted(i) && digits(i - 1)) || (dotted(i + 1) && digits(i + 1)))
    }

    /// Whether token `i` follows `No.` or `Nr.` (`Submarine No.6`): a number that names, not counts.
    pub(crate) fn follows_number_word(&self, i: usize) -> bool {
        i > 0
            && self.tokens[i - 1].group == self.tokens[i].group
            && ["no", "no.", "nr", "nr."].iter().any(|w| self.tokens[i - 1].text.eq_ignore_ascii_case(w))
    }

    /// Whether token `i` has a letter or a digit (`★` and `|` are not words).
    pub(crate) fn is_wordy(&self, i: usize) -> bool {
        self.tokens[i].text.chars().any(char::is_alphanumeric)
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
