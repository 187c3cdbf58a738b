//! The naming corpus (`tests/corpus.jsonl`) and how a parse result is scored against it.
//! Shared by the corpus test and the parser benchmark (which scores guessit the same way).

use serde_json::Value;

/// The fields every case states in full.
pub const CORE: [&str; 7] = ["kind", "show", "season", "episodes", "year", "title", "date"];

#[derive(Debug, Clone)]
pub struct Case {
    pub line: usize,
    pub category: String,
    pub path: String,
    pub expect: serde_json::Map<String, Value>,
}

/// Reads the corpus; `#` lines and blank lines are skipped.
pub fn load(text: &str) -> Vec<Case> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|(i, l)| {
            let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("corpus line {}: {e}", i + 1));
            let expect =
                v["expect"].as_object().unwrap_or_else(|| panic!("corpus line {}: no expect", i + 1)).clone();
            for key in CORE {
                assert!(expect.contains_key(key), "corpus line {}: expect lacks {key}", i + 1);
            }
            Case {
                line: i + 1,
                category: v["category"].as_str().expect("category").to_owned(),
                path: v["path"].as_str().expect("path").to_owned(),
                expect,
            }
        })
        .collect()
}

/// Spellings that name the same thing.
fn canonical(key: &str, value: &Value) -> Value {
    let Some(s) = value.as_str() else { return value.clone() };
    let lower = s.to_ascii_lowercase();
    let same = match key {
        "video_codec" => match lower.as_str() {
            "x264" | "h.264" | "h264" | "avc" => "h264",
            "x265" | "h.265" | "h265" | "hevc" => "h265",
            "xvid" | "divx" => "xvid",
            _ => return Value::String(lower),
        },
        "source" => match lower.as_str() {
            "web-dl" | "webdl" | "web" => "web",
            "bluray" | "blu-ray" => "bluray",
            _ => return Value::String(lower),
        },
        "resolution" | "release_group" => return Value::String(lower),
        _ => return value.clone(),
    };
    Value::String(same.to_owned())
}

/// Lowercase letters and digits only: for the lenient comparison of names.
fn loose(value: &Value) -> Value {
    match value.as_str() {
        Some(s) => {
            Value::String(s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect())
        }
        None => value.clone(),
    }
}

/// The fields of `got` that differ from the case's expectation: every core field, and every
/// extra field the case states. Lenient comparison ignores case and punctuation in names.
pub fn mismatches(case: &Case, got: &Value, lenient: bool) -> Vec<String> {
    let mut wrong = Vec::new();
    for (key, want) in &case.expect {
        let have = got.get(key).cloned().unwrap_or(Value::Null);
        let (mut want, mut have) = (canonical(key, want), canonical(key, &have));
        if lenient && matches!(key.as_str(), "show" | "title") {
            (want, have) = (loose(&want), loose(&have));
        }
        if want != have {
            wrong.push(format!("{key}: want {want}, got {have}"));
        }
    }
    wrong
}
