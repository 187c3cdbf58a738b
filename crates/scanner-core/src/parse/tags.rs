//! Release tags: the technical words scene and P2P names append after the title
//! (`720p`, `BluRay`, `x264`, `DD5.1`, `PROPER`). A title ends where the first tag starts.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TagKind {
    Resolution,
    Source,
    /// A streaming service (`AMZN`, `NF`): a web source, unless the name says more.
    Service,
    VideoCodec,
    AudioCodec,
    /// Edition, release flags and other words that are never part of a title.
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tag {
    pub kind: TagKind,
    /// Normalised spelling (`1080p`, `BluRay`, `x264`).
    pub value: Cow<'static, str>,
    /// How many tokens the tag covers (`H.264` is two).
    pub len: usize,
    /// A word that is also common in titles (`Real`, `French`, `Web`): it only counts as a tag
    /// next to other tags (see `name`).
    pub weak: bool,
    /// A release group glued to the tag's last token (`x264-GRP`, `H.264-GRP`).
    pub group: Option<String>,
    /// A second tag in the same token: Sonarr's quality names (`WEBDL-1080p`).
    pub second: Option<(TagKind, Cow<'static, str>)>,
}

/// Weak tags that name an edition of the release rather than the film: they count as tags even
/// right before the year (`Title.EXTENDED.2013`, `Title.Directors.Cut.2004`). Language words do
/// not: titles end with them (`The Good German (2006)`, `The English Patient (1996)`).
const RELEASE_WORDS: &[&str] = &[
    "extended",
    "directors",
    "theatrical",
    "unrated",
    "uncut",
    "remastered",
    "imax",
    "multi",
    "dl",
    "dubbed",
    "subbed",
];

/// Whether a weak tag word names the release (see [`RELEASE_WORDS`]).
pub(crate) fn names_release(word: &str) -> bool {
    RELEASE_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// Tag words that also occur in titles.
const WEAK: &[&str] = &[
    "ts",
    "ip",
    "dc",
    "dd",
    "ws",
    "fs",
    "hc",
    "cam",
    "bd",
    "dsr",
    "dvb",
    "web",
    "real",
    "french",
    "german",
    "ita",
    "nordic",
    "multi",
    "dual",
    "complete",
    "batch",
    "uhd",
    "extended",
    "limited",
    "internal",
    "uncut",
    "remastered",
    "criterion",
    "imax",
    "dv",
    "hdr",
    "sdr",
    "atmos",
    "opus",
    "flac",
    "pcm",
    "lpcm",
    "avc",
    "dubbed",
    "subbed",
    "nf",
    "amzn",
    "hulu",
    "itunes",
    "4k",
    "8k",
    "ma",
    "max",
    "hbo",
    "dl",
    "english",
];

const SOURCES: &[(&str, &str)] = &[
    ("hdtv", "HDTV"),
    ("pdtv", "PDTV"),
    ("sdtv", "SDTV"),
    ("dsr", "DSR"),
    ("dvb", "DVB"),
    ("webrip", "WEBRip"),
    ("web-rip", "WEBRip"),
    ("webdl", "WEB-DL"),
    ("web-dl", "WEB-DL"),
    ("web", "WEB"),
    ("bluray", "BluRay"),
    ("blu-ray", "BluRay"),
    ("bdrip", "BDRip"),
    ("brrip", "BRRip"),
    ("bdremux", "BluRay"),
    ("bd", "BluRay"),
    ("dvdrip", "DVDRip"),
    ("dvd", "DVD"),
    ("dvdr", "DVD"),
    ("dvd9", "DVD"),
    ("dvd5", "DVD"),
    ("hddvd", "HD-DVD"),
    ("hdrip", "HDRip"),
    ("vhsrip", "VHSRip"),
    ("tvrip", "TVRip"),
    ("ts", "TS"),
    ("cam", "CAM"),
    ("camrip", "CAM"),
    ("hdcam", "CAM"),
    ("telesync", "TS"),
];

const SERVICES: &[&str] =
    &["amzn", "nf", "dsnp", "hmax", "atvp", "hulu", "pcok", "pmtp", "itunes", "ip", "max", "hbo"];

const VIDEO_CODECS: &[(&str, &str)] = &[
    ("x264", "x264"),
    ("x265", "x265"),
    ("h264", "H.264"),
    ("h265", "H.265"),
    ("avc", "H.264"),
    ("hevc", "HEVC"),
    ("xvid", "XviD"),
    ("divx", "DivX"),
    ("av1", "AV1"),
    ("vp9", "VP9"),
    ("mpeg2", "MPEG-2"),
    ("10bit", "10bit"),
    ("10-bit", "10bit"),
    ("8bit", "8bit"),
    ("hi10p", "10bit"),
    ("hi10", "10bit"),
];

const AUDIO_CODECS: &[(&str, &str)] = &[
    ("aac", "AAC"),
    ("aac2", "AAC"),
    ("aac5", "AAC"),
    ("ac3", "AC3"),
    ("eac3", "EAC3"),
    ("dd", "DD"),
    ("dd2", "DD"),
    ("dd5", "DD"),
    ("dd7", "DD"),
    ("ddp", "DDP"),
    ("ddp2", "DDP"),
    ("ddp5", "DDP"),
    ("ddp7", "DDP"),
    ("dd+", "DDP"),
    ("dts", "DTS"),
    ("dts-hd", "DTS-HD"),
    ("dts-x", "DTS:X"),
    ("dtshd", "DTS-HD"),
    ("truehd", "TrueHD"),
    ("atmos", "Atmos"),
    ("flac", "FLAC"),
    ("mp3", "MP3"),
    ("opus", "Opus"),
    ("lpcm", "LPCM"),
    ("pcm", "PCM"),
    ("2ch", "2ch"),
    ("6ch", "6ch"),
    ("8ch", "8ch"),
];

const OTHER: &[&str] = &[
    "truefrench",
    "vff",
    "vfq",
    "subfrench",
    "dl",
    "english",
    "proper",
    "repack",
    "rerip",
    "real",
    "internal",
    "limited",
    "extended",
    "unrated",
    "uncut",
    "uncensored",
    "remastered",
    "remux",
    "imax",
    "criterion",
    "dc",
    "multi",
    "multisubs",
    "dual",
    "dubbed",
    "subbed",
    "vostfr",
    "french",
    "german",
    "ita",
    "nordic",
    "hardsub",
    "hardsubs",
    "softsub",
    "readnfo",
    "nfofix",
    "dirfix",
    "ws",
    "fs",
    "hc",
    "hfr",
    "60fps",
    "uhd",
    "4k",
    "8k",
    "complete",
    "batch",
    "hdr",
    "hdr10",
    "hdr10plus",
    "dv",
    "dovi",
    "sdr",
    "ma",
];

/// What one word is as a tag.
#[derive(Debug, Clone, Copy)]
struct Word {
    kind: TagKind,
    /// The normalised spelling; empty for words that are only flags (`PROPER`).
    value: &'static str,
    weak: bool,
}

/// Every single-word tag, from the tables above, looked up once per word of every name. Where
/// a word is in two tables the first wins, in this order: sources, services, video codecs,
/// audio codecs, other words.
static WORDS: LazyLock<HashMap<&'static str, Word>> = LazyLock::new(|| {
    let mut words = HashMap::new();
    let weak = |w: &str| WEAK.contains(&w) || BARE_HEIGHTS.contains(&w);
    let mut add = |key: &'static str, kind, value| {
        words.entry(key).or_insert(Word { kind, value, weak: weak(key) });
    };
    for &(key, value) in SOURCES {
        add(key, TagKind::Source, value);
    }
    for &key in SERVICES {
        add(key, TagKind::Service, "WEB-DL");
    }
    for &(key, value) in VIDEO_CODECS {
        add(key, TagKind::VideoCodec, value);
    }
    for &(key, value) in AUDIO_CODECS {
        add(key, TagKind::AudioCodec, value);
    }
    for &key in OTHER {
        add(key, TagKind::Other, "");
    }
    words
});

/// Picture heights written without a `p` (`Show.05.1080.BD`): tags only next to other tags.
const BARE_HEIGHTS: &[&str] = &["480", "540", "576", "720", "1080", "2160"];

/// Resolutions: `720p`, `1080i`, `2160p`, `1920x1080`, `4K` (the last is in [`OTHER`]); a bare
/// height (`1080`) as a weak tag.
fn resolution(lower: &str) -> Option<String> {
    if BARE_HEIGHTS.contains(&lower) {
        return Some(format!("{lower}p"));
    }
    let digits = lower.trim_end_matches(['p', 'i']);
    if digits.len() < lower.len()
        && (3..=4).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
    {
        return Some(lower.to_owned());
    }
    // A picture is wider than high and at least 240 lines (`2016x231` is a season and episode).
    let (w, h) = lower.split_once('x')?;
    let number = |s: &str| {
        ((3..=4).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let (width, height) = (number(w)?, number(h)?);
    (width > height && height >= 240).then(|| format!("{h}p"))
}

/// Splits a glued release group off a token: `264-GRP` → (`264`, `GRP`).
fn unglue(token: &str) -> (&str, Option<&str>) {
    match token.rsplit_once('-') {
        Some((head, group)) if plausible_group(group) => (head, Some(group)),
        _ => (token, None),
    }
}

fn plausible_group(group: &str) -> bool {
    !group.is_empty()
        && group.len() <= 24
        && group.chars().all(|c| c.is_alphanumeric() || c == '@' || c == '&' || c == '_')
}

/// Recognises the tag starting at `tokens[0]` (`tokens` is the rest of the component).
pub(crate) fn tag_at(tokens: &[&str]) -> Option<Tag> {
    let first = *tokens.first()?;
    let mut first_buf = [0u8; 24];
    let mut next_buf = [0u8; 24];
    // Tags are short ASCII words: a longer token can only be a tag with a group glued on.
    let Some(lower) = lowercase(first, &mut first_buf) else { return glued_tag(first) };
    let word = WORDS.get(lower).copied();
    let tag = |kind, value: &'static str, len, group: Option<&str>| {
        Some(Tag {
            kind,
            value: Cow::Borrowed(value),
            len,
            weak: false,
            group: group.map(str::to_owned),
            second: None,
        })
    };

    // Two-token tags split by a dot: `H.264`, `WEB.DL`, `DD5.1`, `AAC2.0`, possibly with a
    // group glued to the second token (`H.264-GRP`); editions (`Extended.Cut`).
    let opens_pair = matches!(
        lower,
        "h" | "x"
            | "web"
            | "blu"
            | "extended"
            | "directors"
            | "director's"
            | "theatrical"
            | "ultimate"
            | "unrated"
            | "collectors"
            | "dual"
    ) || word.is_some_and(|w| w.kind == TagKind::AudioCodec);
    if opens_pair && let Some(next) = tokens.get(1).and_then(|t| lowercase(t, &mut next_buf)) {
        let (head, group) = unglue(next);
        let original_group = group.map(|g| &tokens[1][tokens[1].len() - g.len()..]);
        match (lower, head) {
            ("h" | "x", "264") => return tag(TagKind::VideoCodec, "H.264", 2, original_group),
            ("h" | "x", "265") => return tag(TagKind::VideoCodec, "H.265", 2, original_group),
            ("web", "dl") => return tag(TagKind::Source, "WEB-DL", 2, original_group),
            ("blu", "ray") => return tag(TagKind::Source, "BluRay", 2, original_group),
            // Editions (`Extended.Cut`, `Directors.Cut`) and `Dual.Audio`: weak, as each word
            // can be part of a title.
            (
                "extended" | "directors" | "director's" | "theatrical" | "ultimate" | "unrated"
                | "collectors",
                "cut" | "edition",
            )
            | ("dual", "audio") => {
                return Some(Tag {
                    kind: TagKind::Other,
                    value: Cow::Borrowed(""),
                    len: 2,
                    weak: true,
                    group: None,
                    second: None,
                });
            }
            _ => {}
        }
        if let Some(w) = word.filter(|w| w.kind == TagKind::AudioCodec)
            && matches!(head, "0" | "1")
        {
            return tag(TagKind::AudioCodec, w.value, 2, original_group);
        }
    }
    if let Some(value) = resolution(lower) {
        let weak = BARE_HEIGHTS.contains(&lower);
        return Some(Tag {
            kind: TagKind::Resolution,
            value: Cow::Owned(value),
            len: 1,
            weak,
            group: None,
            second: None,
        });
    }
    if let Some(w) = word {
        return Some(Tag {
            kind: w.kind,
            value: Cow::Borrowed(w.value),
            len: 1,
            weak: w.weak,
            group: None,
            second: None,
        });
    }
    glued_tag(first)
}

/// ASCII-lowercases a short word into `buf`; `None` when it does not fit (no tag is that long).
fn lowercase<'b>(word: &str, buf: &'b mut [u8; 24]) -> Option<&'b str> {
    let bytes = word.as_bytes();
    let out = buf.get_mut(..bytes.len())?;
    for (d, s) in out.iter_mut().zip(bytes) {
        *d = s.to_ascii_lowercase();
    }
    std::str::from_utf8(out).ok()
}

/// `x264-GRP`, `WEB-DL-GRP`, `1080p-GRP`: a tag with the release group glued on; or two tags
/// in one, as Sonarr names qualities (`WEBDL-1080p`, `Bluray-2160p`).
fn glued_tag(first: &str) -> Option<Tag> {
    if !first.contains('-') {
        return None;
    }
    if let (head, Some(glued)) = unglue(first)
        && let Some(inner) = tag_at(&[head])
    {
        if let Some(second) = tag_at(&[glued]).filter(|t| t.kind == TagKind::Resolution) {
            return Some(Tag { len: 1, weak: false, second: Some((second.kind, second.value)), ..inner });
        }
        return Some(Tag { len: 1, weak: false, group: Some(glued.to_owned()), ..inner });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(tokens: &[&str]) -> Option<(TagKind, String, usize)> {
        tag_at(tokens).map(|t| (t.kind, t.value.into_owned(), t.len))
    }

    #[test]
    fn recognises_common_tags() {
        assert_eq!(kind(&["720p"]), Some((TagKind::Resolution, "720p".into(), 1)));
        assert_eq!(kind(&["1920x1080"]), Some((TagKind::Resolution, "1080p".into(), 1)));
        assert_eq!(kind(&["BluRay"]), Some((TagKind::Source, "BluRay".into(), 1)));
        assert_eq!(kind(&["H", "264"]), Some((TagKind::VideoCodec, "H.264".into(), 2)));
        assert_eq!(kind(&["DD5", "1"]), Some((TagKind::AudioCodec, "DD".into(), 2)));
        assert_eq!(kind(&["H", "264-GRP"]), Some((TagKind::VideoCodec, "H.264".into(), 2)));
        assert_eq!(kind(&["DDP5", "1-GRP"]), Some((TagKind::AudioCodec, "DDP".into(), 2)));
        assert_eq!(kind(&["x264-GRP"]), Some((TagKind::VideoCodec, "x264".into(), 1)));
        assert_eq!(kind(&["Title"]), None);
        assert_eq!(kind(&["2010"]), None);
        assert!(tag_at(&["1080"]).is_some_and(|t| t.weak));
    }

    #[test]
    fn finds_glued_groups() {
        let group = |tokens: &[&str]| tag_at(tokens).and_then(|t| t.group);
        assert_eq!(group(&["x264-GRP"]).as_deref(), Some("GRP"));
        assert_eq!(group(&["WEB-DL-NTb"]).as_deref(), Some("NTb"));
        assert_eq!(group(&["H", "264-KNOTS"]).as_deref(), Some("KNOTS"));
        assert_eq!(group(&["WEB-DL"]), None);
        assert_eq!(group(&["9-1-1"]), None);
    }
}
