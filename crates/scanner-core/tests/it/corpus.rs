//! Every case of the naming corpus, parsed and compared field by field.

use std::collections::BTreeMap;
use std::path::Path;

use crate::corpus_case::{self, Case};

/// The corpus, and the held-out set: written later by someone who had not seen the parser,
/// measured once untuned (see the closing note), and a regression suite since.
fn cases() -> Vec<Case> {
    let mut cases = corpus_case::load(include_str!("../corpus.jsonl"));
    cases.extend(corpus_case::load(include_str!("../holdout.jsonl")));
    cases
}

#[test]
fn the_corpus_is_big_enough_and_covers_every_category() {
    let cases = cases();
    assert!(cases.len() >= 800, "only {} cases", cases.len());
    let mut per: BTreeMap<&str, usize> = BTreeMap::new();
    for case in &cases {
        *per.entry(case.category.as_str()).or_default() += 1;
    }
    for category in [
        "scene",
        "cross",
        "compact",
        "folders",
        "year_shows",
        "numeric_names",
        "daily",
        "anime",
        "movies",
        "noise",
        "human_names",
    ] {
        assert!(per.get(category).copied().unwrap_or(0) >= 10, "category {category}: {per:?}");
    }
}

#[test]
fn every_corpus_case_parses_as_expected() {
    let mut failures = Vec::new();
    let cases = cases();
    for case in &cases {
        let parsed = scanner_core::parse_path(Path::new(&case.path));
        let got = serde_json::to_value(&parsed).unwrap();
        let wrong = corpus_case::mismatches(case, &got, false);
        if !wrong.is_empty() {
            failures.push(format!(
                "line {} [{}] {}\n    {}",
                case.line,
                case.category,
                case.path,
                wrong.join("\n    ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases wrong:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
