//! Subtitle languages as Matroska and ffprobe write them: ISO 639-2/B (`eng`, `ger`, `fre`).

/// ISO 639-1, ISO 639-2/B, ISO 639-2/T, and names in English and in the language itself.
const LANGUAGES: &[(&str, &str, &str, &[&str])] = &[
    ("en", "eng", "eng", &["english"]),
    ("de", "ger", "deu", &["german", "deutsch"]),
    ("fr", "fre", "fra", &["french", "francais", "français"]),
    ("es", "spa", "spa", &["spanish", "espanol", "español", "castellano"]),
    ("it", "ita", "ita", &["italian", "italiano"]),
    ("pt", "por", "por", &["portuguese", "portugues", "português", "brazilian"]),
    ("nl", "dut", "nld", &["dutch", "nederlands", "flemish"]),
    ("sv", "swe", "swe", &["swedish", "svenska"]),
    ("no", "nor", "nor", &["norwegian", "norsk"]),
    ("nb", "nob", "nob", &["bokmal", "bokmål"]),
    ("da", "dan", "dan", &["danish", "dansk"]),
    ("fi", "fin", "fin", &["finnish", "suomi"]),
    ("pl", "pol", "pol", &["polish", "polski"]),
    ("cs", "cze", "ces", &["czech", "cesky", "čeština"]),
    ("sk", "slo", "slk", &["slovak"]),
    ("hu", "hun", "hun", &["hungarian", "magyar"]),
    ("ro", "rum", "ron", &["romanian", "romana"]),
    ("el", "gre", "ell", &["greek"]),
    ("tr", "tur", "tur", &["turkish", "turkce", "türkçe"]),
    ("ru", "rus", "rus", &["russian"]),
    ("uk", "ukr", "ukr", &["ukrainian"]),
    ("bg", "bul", "bul", &["bulgarian"]),
    ("hr", "hrv", "hrv", &["croatian", "hrvatski"]),
    ("sr", "srp", "srp", &["serbian", "srpski"]),
    ("sl", "slv", "slv", &["slovenian", "slovene"]),
    ("bs", "bos", "bos", &["bosnian"]),
    ("mk", "mac", "mkd", &["macedonian"]),
    ("sq", "alb", "sqi", &["albanian"]),
    ("ar", "ara", "ara", &["arabic"]),
    ("he", "heb", "heb", &["hebrew"]),
    ("fa", "per", "fas", &["persian", "farsi"]),
    ("hi", "hin", "hin", &["hindi"]),
    ("bn", "ben", "ben", &["bengali"]),
    ("ta", "tam", "tam", &["tamil"]),
    ("te", "tel", "tel", &["telugu"]),
    ("ur", "urd", "urd", &["urdu"]),
    ("zh", "chi", "zho", &["chinese", "mandarin", "cantonese"]),
    ("ja", "jpn", "jpn", &["japanese"]),
    ("ko", "kor", "kor", &["korean"]),
    ("th", "tha", "tha", &["thai"]),
    ("vi", "vie", "vie", &["vietnamese"]),
    ("id", "ind", "ind", &["indonesian"]),
    ("ms", "may", "msa", &["malay"]),
    ("is", "ice", "isl", &["icelandic"]),
    ("et", "est", "est", &["estonian"]),
    ("lv", "lav", "lav", &["latvian"]),
    ("lt", "lit", "lit", &["lithuanian"]),
    ("ca", "cat", "cat", &["catalan"]),
    ("eu", "baq", "eus", &["basque"]),
    ("gl", "glg", "glg", &["galician"]),
    ("hy", "arm", "hye", &["armenian"]),
    ("ka", "geo", "kat", &["georgian"]),
    ("cy", "wel", "cym", &["welsh"]),
    ("ga", "gle", "gle", &["irish"]),
    ("la", "lat", "lat", &["latin"]),
];

/// The ISO 639-2/B code of a language token from a subtitle file name: a two- or three-letter
/// code (`en`, `eng`, `deu`), a code with a region or script (`pt-BR`, `zh_Hans`, `es-419`),
/// or a name (`English`, `Deutsch`). `None` when the token is none of those.
pub fn iso639_2b(token: &str) -> Option<&'static str> {
    if token.len() > 20 {
        return None;
    }
    let lower = token.to_lowercase();
    let base = match lower.split_once(['-', '_']) {
        Some((base, region)) if is_region(region) => base,
        Some(_) => return None,
        None => lower.as_str(),
    };
    LANGUAGES
        .iter()
        .find(|(one, b, t, names)| *one == base || *b == base || *t == base || names.contains(&base))
        .map(|(_, b, _, _)| *b)
}

/// A region (`BR`, `419`) or script (`Hans`) subtag.
fn is_region(subtag: &str) -> bool {
    match subtag.len() {
        2 => subtag.bytes().all(|b| b.is_ascii_alphabetic()),
        3 => subtag.bytes().all(|b| b.is_ascii_digit()),
        4 => subtag.bytes().all(|b| b.is_ascii_alphabetic()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::iso639_2b;

    #[test]
    fn codes_names_and_regions_map_to_639_2_b() {
        for (token, code) in [
            ("en", "eng"),
            ("eng", "eng"),
            ("English", "eng"),
            ("de", "ger"),
            ("deu", "ger"),
            ("ger", "ger"),
            ("fra", "fre"),
            ("pt-BR", "por"),
            ("pt_br", "por"),
            ("es-419", "spa"),
            ("zh-Hans", "chi"),
        ] {
            assert_eq!(iso639_2b(token), Some(code), "{token}");
        }
        for token in ["forced", "sdh", "x", "english-subtitles", "pt-Brazil", ""] {
            assert_eq!(iso639_2b(token), None, "{token}");
        }
    }
}
