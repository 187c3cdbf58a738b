//! Generated sections of the docs: each stays equal to what the code's tables say. Rewrite them
//! with `MEDIASCAN_BLESS=1 cargo test -p scanner-core --test it docs`.

use std::path::Path;

/// Checks that `docs/<file>` holds `wanted` verbatim between the markers named `name`.
fn generated(file: &str, name: &str, source: &str, wanted: &str) {
    let begin = format!("<!-- {name}: generated from {source}, do not edit -->\n");
    let end = format!("<!-- {name}: end -->");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs").join(file);
    let docs = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (Some(first), Some(last)) = (docs.find(&begin), docs.find(&end)) else {
        panic!("docs/{file} lacks the generated section ({begin:?} … {end:?})");
    };
    let current = &docs[first + begin.len()..last];
    if current == wanted {
        return;
    }
    if std::env::var_os("MEDIASCAN_BLESS").is_some() {
        let updated = format!("{}{wanted}{}", &docs[..first + begin.len()], &docs[last..]);
        std::fs::write(&path, updated).expect("write the docs");
        return;
    }
    panic!(
        "docs/{file} is out of date with {source}; run\n  \
         MEDIASCAN_BLESS=1 cargo test -p scanner-core --test it docs\n\nwanted:\n{wanted}"
    );
}

#[test]
fn docs_list_the_extra_folders_and_suffixes() {
    generated(
        "naming.md",
        "extras",
        "crates/scanner-core/src/parse/extras.rs",
        &scanner_core::parse::extras_markdown(),
    );
}

#[test]
fn docs_list_the_naming_rules() {
    generated(
        "naming.md",
        "rules",
        "crates/scanner-core/src/parse/rules",
        &scanner_core::parse::rules_markdown(),
    );
}

#[test]
fn docs_list_the_reason_codes_and_profiles() {
    generated(
        "playback.md",
        "playback",
        "crates/scanner-core/src/playback",
        &scanner_core::playback::markdown(),
    );
}
