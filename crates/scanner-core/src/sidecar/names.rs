//! Which sidecar belongs to which video, and what a subtitle's name says about it.

use std::path::Path;

use super::lang;

/// What kind of sidecar a file is, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Subtitle,
    Nfo,
    Image,
}

/// Extensions of subtitle files.
pub const SUBTITLE_EXTENSIONS: [&str; 7] = ["srt", "ass", "ssa", "vtt", "sub", "idx", "sup"];
/// Extensions of images.
pub const IMAGE_EXTENSIONS: [&str; 5] = ["jpg", "jpeg", "png", "webp", "tbn"];

/// Folders beside a video whose subtitle files belong to it (compared without case).
pub const SUBTITLE_FOLDERS: [&str; 2] = ["subs", "subtitles"];

/// Images that show a whole folder (a movie's, a show's or a season's), Kodi's and Plex's names.
const FOLDER_IMAGES: [&str; 14] = [
    "poster",
    "folder",
    "cover",
    "fanart",
    "backdrop",
    "background",
    "banner",
    "logo",
    "clearlogo",
    "clearart",
    "landscape",
    "thumb",
    "disc",
    "discart",
];

/// Suffixes of images named after one video (`Movie-poster.jpg`, `Episode-thumb.jpg`).
const VIDEO_IMAGE_SUFFIXES: [&str; 7] =
    ["thumb", "poster", "fanart", "banner", "landscape", "clearlogo", "clearart"];

/// The kind of sidecar `name` is, from its extension (without regard to case).
pub fn kind(name: &str) -> Option<Kind> {
    let ext = extension(name)?;
    if SUBTITLE_EXTENSIONS.contains(&ext.as_str()) {
        Some(Kind::Subtitle)
    } else if IMAGE_EXTENSIONS.contains(&ext.as_str()) {
        Some(Kind::Image)
    } else if ext == "nfo" {
        Some(Kind::Nfo)
    } else {
        None
    }
}

pub fn extension(name: &str) -> Option<String> {
    Path::new(name).extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase)
}

pub fn stem(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

/// Whether a folder of this name holds subtitles of the videos beside it.
pub fn is_subtitle_folder(name: &str) -> bool {
    SUBTITLE_FOLDERS.iter().any(|f| f.eq_ignore_ascii_case(name))
}

/// A sidecar that describes a whole folder rather than one video: `movie.nfo`, `tvshow.nfo`,
/// `poster.jpg` and the other folder images, `season01-poster.jpg`.
pub fn describes_folder(name: &str) -> bool {
    let stem = stem(name).to_ascii_lowercase();
    match kind(name) {
        Some(Kind::Nfo) => stem == "movie" || stem == "tvshow",
        Some(Kind::Image) => FOLDER_IMAGES.contains(&stem.as_str()) || season_image(&stem).is_some(),
        _ => false,
    }
}

/// A sidecar a subfolder's videos also get: a show's `tvshow.nfo` and its images, seen from
/// its season folders.
pub fn inherited(name: &str) -> bool {
    describes_folder(name) && !stem(name).eq_ignore_ascii_case("movie")
}

/// Which season a `seasonNN-poster` image shows: `Some(Some(n))`, or `Some(None)` for
/// `season-all-…`; `None` when the name is not a season image. `season-specials` is season 0.
pub fn season_image(stem_lower: &str) -> Option<Option<u32>> {
    let rest = stem_lower.strip_prefix("season")?;
    let (which, image) = rest.rsplit_once('-')?;
    if !FOLDER_IMAGES.contains(&image) {
        return None;
    }
    match which {
        "-all" => Some(None),
        "-specials" => Some(Some(0)),
        digits if !digits.is_empty() && digits.len() <= 3 && digits.bytes().all(|b| b.is_ascii_digit()) => {
            digits.parse().ok().map(Some)
        }
        _ => None,
    }
}

/// What follows `video_stem` in `sidecar_stem` when the sidecar is named after the video:
/// `Some("")` for the same name, `Some("en.forced")` for `Movie.en.forced`; compared without
/// regard to case. `separators` are the characters allowed between the two.
pub fn after_stem<'a>(sidecar_stem: &'a str, video_stem: &str, separators: &[char]) -> Option<&'a str> {
    let head = sidecar_stem.get(..video_stem.len())?;
    if !head.eq_ignore_ascii_case(video_stem) {
        return None;
    }
    let rest = &sidecar_stem[video_stem.len()..];
    if rest.is_empty() {
        return Some(rest);
    }
    let sep = rest.chars().next()?;
    separators.contains(&sep).then(|| &rest[sep.len_utf8()..])
}

/// Whether an image is named after the video (`Movie.jpg`, `Movie-thumb.jpg`).
pub fn image_of_video(image_stem: &str, video_stem: &str) -> bool {
    match after_stem(image_stem, video_stem, &['-']) {
        Some("") => true,
        Some(suffix) => VIDEO_IMAGE_SUFFIXES.iter().any(|s| s.eq_ignore_ascii_case(suffix)),
        None => false,
    }
}

/// What a subtitle file's name says besides the video's name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubtitleName {
    pub language: Option<&'static str>,
    pub forced: bool,
    pub hearing_impaired: bool,
    pub default: bool,
    pub title: Option<String>,
}

/// Reads the words after the video's name (`en.forced`, `English`, `2.en`, `pt-BR.sdh`,
/// `2_English`), separated by dots. The first language word is the language; `forced` and
/// `foreign` mark forced subtitles; `sdh`, `cc` and `hi` (after a language: before one, `hi` is
/// Hindi) hearing-impaired ones; `default` a default one; a bare number is a track number and
/// ignored; other words make the title.
pub fn subtitle_name(words: &str) -> SubtitleName {
    let mut name = SubtitleName::default();
    let mut title: Vec<&str> = Vec::new();
    for word in words.split('.').take(16) {
        let word = strip_track_number(word.trim());
        if word.is_empty() || word.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let lower = word.to_ascii_lowercase();
        match lower.as_str() {
            "forced" | "foreign" => name.forced = true,
            "sdh" | "cc" | "hoh" => name.hearing_impaired = true,
            "hi" if name.language.is_some() => name.hearing_impaired = true,
            "default" => name.default = true,
            _ => match lang::iso639_2b(word) {
                Some(code) if name.language.is_none() => name.language = Some(code),
                _ => title.push(word),
            },
        }
    }
    if !title.is_empty() {
        name.title = Some(title.join(" ").chars().take(200).collect());
    }
    name
}

/// `2_English` → `English`: the track number some releases put before the language.
fn strip_track_number(word: &str) -> &str {
    match word.split_once('_') {
        Some((n, rest)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => rest,
        _ => word,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtitle_names_follow_plex_jellyfin_and_kodi() {
        let cases = [
            ("en", Some("eng"), false, false, None),
            ("eng.forced", Some("eng"), true, false, None),
            ("en.sdh", Some("eng"), false, true, None),
            ("en.hi", Some("eng"), false, true, None),
            ("hi", Some("hin"), false, false, None),
            ("English", Some("eng"), false, false, None),
            ("2.en", Some("eng"), false, false, None),
            ("pt-BR", Some("por"), false, false, None),
            ("2_English", Some("eng"), false, false, None),
            ("de.Director's Commentary", Some("ger"), false, false, Some("Director's Commentary")),
            ("", None, false, false, None),
        ];
        for (words, language, forced, hi, title) in cases {
            let name = subtitle_name(words);
            assert_eq!(
                (name.language, name.forced, name.hearing_impaired, name.title.as_deref()),
                (language, forced, hi, title),
                "{words}"
            );
        }
    }

    #[test]
    fn names_after_a_video_and_folder_sidecars() {
        assert_eq!(after_stem("Movie (2010).en.forced", "Movie (2010)", &['.']), Some("en.forced"));
        assert_eq!(after_stem("movie (2010)", "Movie (2010)", &['.']), Some(""));
        assert_eq!(after_stem("Movie (2010) Extended.en", "Movie (2010)", &['.']), None);
        assert!(image_of_video("Movie-thumb", "Movie"));
        assert!(image_of_video("Movie", "Movie"));
        assert!(!image_of_video("Movie-other", "Movie"));
        assert!(
            describes_folder("poster.JPG")
                && describes_folder("tvshow.nfo")
                && describes_folder("season01-poster.jpg")
        );
        assert!(!describes_folder("Film.nfo") && !describes_folder("Movie.en.srt"));
        assert!(inherited("tvshow.nfo") && !inherited("movie.nfo"));
        assert_eq!(season_image("season01-poster"), Some(Some(1)));
        assert_eq!(season_image("season-specials-poster"), Some(Some(0)));
        assert_eq!(season_image("season-all-banner"), Some(None));
        assert_eq!(season_image("seasonal-poster"), None);
    }
}
