//! Splits one path component into tokens.
//!
//! Words are separated by `.`, `_`, spaces and brackets. A `-` inside a word stays part of it
//! (`9-1-1`, `WEB-DL`, `x264-GRP`); a `-` standing alone (`Show - 1x02 - Title`) becomes a
//! [`Token::is_dash`] token because it often separates show, number and title.

/// Which bracket, if any, enclosed a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bracket {
    None,
    /// `[...]`
    Square,
    /// `(...)`
    Round,
    /// `{...}`
    Curly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    pub text: &'a str,
    /// Byte offset of the token in the component.
    pub start: usize,
    pub bracket: Bracket,
    /// Index of the bracket group the token belongs to (0 for unbracketed tokens).
    pub group: usize,
    /// The separator that preceded the token (`' '` at the start of the component).
    pub sep_before: char,
}

impl<'a> Token<'a> {
    pub fn end(&self) -> usize {
        self.start + self.text.len()
    }

    pub fn is_dash(&self) -> bool {
        self.text == "-" || self.text == "–"
    }

    pub fn bracketed(&self) -> bool {
        self.bracket != Bracket::None
    }
}

/// Control characters (a newline in a file name) separate words like a space: they never
/// belong in a title.
fn is_separator(c: char) -> bool {
    matches!(c, '.' | '_' | ' ' | '+' | ',' | '·') || c.is_control()
}

fn bracket_of(c: char) -> Option<(Bracket, char)> {
    match c {
        '[' => Some((Bracket::Square, ']')),
        '(' => Some((Bracket::Round, ')')),
        '{' => Some((Bracket::Curly, '}')),
        '【' => Some((Bracket::Square, '】')),
        _ => None,
    }
}

/// The byte range of a season-episode piece in a dash-joined word (`Show-S01E02-E03-720p` →
/// `S01E02-E03`): a piece `S<digits>E<digits>` (more `E<digits>` may follow), with the `-E03` or
/// `-03` pieces that continue it.
fn marker_piece(word: &str) -> Option<(usize, usize)> {
    if !word.contains('-') {
        return None;
    }
    let digits =
        |s: &str, max: usize| !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit());
    let season_episode = |p: &str| {
        let Some(rest) = p.strip_prefix(['s', 'S']) else { return false };
        let Some(e) = rest.find(['e', 'E']) else { return false };
        digits(&rest[..e], 4) && rest[e + 1..].split(['e', 'E']).all(|n| digits(n, 5))
    };
    let continuation = |p: &str| {
        p.strip_prefix(['e', 'E', 'x', 'X']).is_some_and(|n| digits(n, 5)) || (p.len() == 2 && digits(p, 2))
    };
    let mut pieces = Vec::new();
    let mut offset = 0;
    for piece in word.split('-') {
        pieces.push((offset, piece));
        offset += piece.len() + 1;
    }
    // `S01E02`; `S01` followed by an `E02` or `x02` piece (`Show S1-E7-WEB-DL`, `Show-s03-x01`);
    // an `E02` piece alone (`Show-e01-Title`); or `5x09` (`Show-5x09`).
    let season_only = |p: &str| p.strip_prefix(['s', 'S']).is_some_and(|n| digits(n, 4));
    let episode_only = |p: &str| {
        let lower = p.to_ascii_lowercase();
        lower.strip_prefix("ep").or_else(|| lower.strip_prefix('e')).is_some_and(|n| digits(n, 3))
    };
    let cross = |p: &str| p.split_once(['x', 'X']).is_some_and(|(s, e)| digits(s, 2) && digits(e, 3));
    let first = (0..pieces.len()).find(|&k| {
        let p = pieces[k].1;
        let then = |ok: &dyn Fn(&str) -> bool| pieces.get(k + 1).is_some_and(|&(_, n)| ok(n));
        season_episode(p)
            || (season_only(p)
                && then(&|n| episode_only(n) || n.strip_prefix(['x', 'X']).is_some_and(|d| digits(d, 3))))
            || (k > 0 && (episode_only(p) || cross(p)))
    })?;
    let last = first + pieces[first + 1..].iter().take_while(|&&(_, p)| continuation(p)).count();
    Some((pieces[first].0, pieces[last].0 + pieces[last].1.len()))
}

/// Tokenizes `text`; an unbalanced bracket is treated as a separator.
pub(crate) fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut bracket = Bracket::None;
    let mut closer = '\0';
    let mut group = 0;
    let mut groups = 0;
    let mut word_start: Option<usize> = None;
    let mut sep_before = ' ';
    let mut pending_sep = ' ';
    // In a name written with spaces, a `.` or `,` before a space belongs to its word
    // (`Mr. Robot`, `Vol. 2`, `Sorry, Wrong Door`); in dotted names every dot separates.
    let spaced = text.contains(' ');
    // A name joined only by dashes (`some-show-name-episode-25-1080p`) uses them as separators;
    // one or two dashes are part of words (`Spider-Man`, `9-1-1`).
    let dashed = !text.contains([' ', '.', '_']) && text.matches('-').count() >= 3;
    let mut chars = text.char_indices().peekable();

    fn push<'a>(
        text: &'a str,
        tokens: &mut Vec<Token<'a>>,
        start: usize,
        end: usize,
        bracket: Bracket,
        group: usize,
        sep: char,
    ) {
        let word = &text[start..end];
        // A word of dashes only is punctuation, except a lone dash, which we keep as a marker.
        let trimmed = word.trim_matches(|c| c == '-' || c == '–');
        if trimmed.is_empty() {
            if word == "-" || word == "–" {
                tokens.push(Token { text: word, start, bracket, group, sep_before: sep });
            }
            return;
        }
        // Strip dashes hanging at either end (`-GRP` after a bracket, `Title-`), but keep the
        // inner ones.
        let start = start + word.len() - word.trim_start_matches(['-', '–']).len();
        let token =
            |text: &'a str, start: usize, sep_before: char| Token { text, start, bracket, group, sep_before };
        // `Show-S01E02-720p`: a dash-joined word holding a season-episode piece is three words
        // (and two dashes), so that the marker stands alone.
        match marker_piece(trimmed) {
            Some((from, to)) if from > 0 || to < trimmed.len() => {
                if from > 0 {
                    tokens.push(token(&trimmed[..from - 1], start, sep));
                    tokens.push(token(&trimmed[from - 1..from], start + from - 1, ' '));
                }
                tokens.push(token(&trimmed[from..to], start + from, if from > 0 { ' ' } else { sep }));
                if to < trimmed.len() {
                    tokens.push(token(&trimmed[to..=to], start + to, ' '));
                    tokens.push(token(&trimmed[to + 1..], start + to + 1, ' '));
                }
            }
            _ => tokens.push(token(trimmed, start, sep)),
        }
    }

    while let Some((i, c)) = chars.next() {
        let opens = bracket_of(c);
        let closes = bracket != Bracket::None && c == closer;
        let before_space = chars.peek().is_none_or(|&(_, next)| next == ' ');
        let separates = (is_separator(c) || (dashed && c == '-'))
            && !(spaced && matches!(c, '.' | ',') && before_space && word_start.is_some());
        if separates
            || opens.is_some()
            || closes
            || (bracket == Bracket::None && matches!(c, ')' | ']' | '}'))
        {
            if let Some(start) = word_start.take() {
                push(text, &mut tokens, start, i, bracket, group, sep_before);
            }
            if let Some((kind, close)) = opens {
                if bracket == Bracket::None && text[i + c.len_utf8()..].contains(close) {
                    bracket = kind;
                    closer = close;
                    groups += 1;
                    group = groups;
                }
            } else if closes {
                bracket = Bracket::None;
                group = 0;
            }
            pending_sep = if separates { c } else { ' ' };
        } else if word_start.is_none() {
            word_start = Some(i);
            sep_before = pending_sep;
        }
    }
    if let Some(start) = word_start {
        push(text, &mut tokens, start, text.len(), bracket, group, sep_before);
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<&str> {
        tokenize(s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn splits_on_dots_underscores_and_spaces() {
        assert_eq!(texts("Show.Name_S01E02 720p"), ["Show", "Name", "S01E02", "720p"]);
    }

    #[test]
    fn keeps_inner_dashes_and_lone_dashes() {
        assert_eq!(texts("9-1-1 - 1x02 - Title x264-GRP"), ["9-1-1", "-", "1x02", "-", "Title", "x264-GRP"]);
    }

    #[test]
    fn marks_brackets() {
        let tokens = tokenize("[Group] Show - 12 (1080p) [ABCD1234]");
        let kinds: Vec<_> = tokens.iter().map(|t| (t.text, t.bracket, t.group)).collect();
        assert_eq!(
            kinds,
            [
                ("Group", Bracket::Square, 1),
                ("Show", Bracket::None, 0),
                ("-", Bracket::None, 0),
                ("12", Bracket::None, 0),
                ("1080p", Bracket::Round, 2),
                ("ABCD1234", Bracket::Square, 3),
            ]
        );
    }

    #[test]
    fn unbalanced_brackets_are_separators() {
        assert_eq!(texts("Show (2019 S01E01"), ["Show", "2019", "S01E01"]);
        assert_eq!(texts("Show) S01E01"), ["Show", "S01E01"]);
    }

    #[test]
    fn spaced_names_keep_their_punctuation() {
        assert_eq!(texts("Mr. Robot - S01E01"), ["Mr.", "Robot", "-", "S01E01"]);
        assert_eq!(texts("Sorry, Wrong Door (2014)"), ["Sorry,", "Wrong", "Door", "2014"]);
        assert_eq!(texts("Mr.Robot.S01E01"), ["Mr", "Robot", "S01E01"]);
        assert_eq!(texts("Show 2024.01.15 Guest"), ["Show", "2024", "01", "15", "Guest"]);
    }

    #[test]
    fn dash_joined_markers_stand_alone() {
        assert_eq!(texts("Show-S01E02-720p-HDTV.x264"), ["Show", "-", "S01E02", "-", "720p-HDTV", "x264"]);
        assert_eq!(texts("S3E04-Title"), ["S3E04", "-", "Title"]);
        assert_eq!(
            texts("grp-show-s01e02e03-1080p.mkv"),
            ["grp-show", "-", "s01e02e03", "-", "1080p", "mkv"]
        );
        assert_eq!(texts("Show-S01E02-E03 x"), ["Show", "-", "S01E02-E03", "x"]);
        assert_eq!(texts("Show S1-E7-WEB-DL"), ["Show", "S1-E7", "-", "WEB-DL"]);
        assert_eq!(texts("Show_Name-s03-x01"), ["Show", "Name", "-", "s03-x01"]);
        assert_eq!(texts("Show_Name-e01-Title"), ["Show", "Name", "-", "e01", "-", "Title"]);
        assert_eq!(texts("Show.M-5x9"), ["Show", "M", "-", "5x9"]);
        assert_eq!(texts("Show_Name-ep1.BD"), ["Show", "Name", "-", "ep1", "BD"]);
        assert_eq!(texts("Spider-Man"), ["Spider-Man"]);
        let tokens = tokenize("Show-S01E02-720p");
        assert_eq!(tokens.iter().map(|t| t.start).collect::<Vec<_>>(), [0, 4, 5, 11, 12]);
    }

    #[test]
    fn dash_only_names_split_at_dashes() {
        assert_eq!(texts("the-long-road-home-episode-5"), ["the", "long", "road", "home", "episode", "5"]);
        assert_eq!(texts("Spider-Man"), ["Spider-Man"]);
        assert_eq!(texts("9-1-1"), ["9-1-1"]);
    }

    #[test]
    fn records_offsets() {
        let tokens = tokenize("a.bc d");
        assert_eq!(tokens[1].start, 2);
        assert_eq!(tokens[1].end(), 4);
        assert_eq!(tokens[1].sep_before, '.');
    }
}
