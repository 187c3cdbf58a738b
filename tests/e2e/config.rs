//! Configuration, libraries and the commands that use them.

use std::fs;

use e2e::{json, json_lines, mediascan, run, stderr, stdout};

use crate::{Tree, path_str};

fn write_config(tree: &Tree, text: &str) -> std::path::PathBuf {
    let path = tree.dir.path().join("mediascan.toml");
    fs::write(&path, text).unwrap();
    path
}

#[test]
fn libraries_are_listed_from_the_configuration() {
    let tree = Tree::new();
    let config = write_config(
        &tree,
        &format!(
            "[libraries.tv]\nroot = {:?}\nprofile = \"tv\"\n[libraries.films]\nroot = \"/srv/films\"\n",
            path_str(&tree.root)
        ),
    );
    let output = run(mediascan().arg("--config").arg(&config).arg("libraries"));
    let text = stdout(&output);
    assert!(text.starts_with("NAME"), "{text}");
    assert!(text.contains("films") && text.contains("/srv/films") && text.contains("tv"), "{text}");
    let output = run(mediascan().args(["libraries", "--json"]).env("MEDIASCAN_CONFIG", &config));
    let libraries = json_lines(&output);
    assert_eq!(libraries.len(), 2);
    assert_eq!(libraries[1]["name"], "tv");
    assert_eq!(libraries[1]["profile"], "tv");
}

#[test]
fn configuration_mistakes_are_one_clear_line() {
    let tree = Tree::new();
    for (text, expected) in [
        ("[libraries.tv]\nroot = \"relative\"", "must be an absolute path"),
        ("[libraries.tv\nroot = 1", "invalid configuration file"),
        ("databse = \"x\"", "unknown field"),
    ] {
        let config = write_config(&tree, text);
        let output = run(mediascan().arg("--config").arg(&config).arg("libraries"));
        assert_eq!(output.status.code(), Some(1), "{text}");
        let err = stderr(&output);
        assert!(err.contains(expected) && err.trim_end().lines().count() == 1, "{text}: {err}");
    }
    let output = run(mediascan().args(["--config", "/nonexistent.toml", "libraries"]));
    assert!(stderr(&output).contains("/nonexistent.toml does not exist"));
    let config = write_config(&tree, "");
    let output = run(mediascan().arg("--config").arg(&config).args(["scan", "--library", "nope"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("no library named \"nope\""), "{}", stderr(&output));
}

#[test]
fn a_library_is_scanned_listed_and_queried_from_the_command_line() {
    let tree = Tree::new();
    let db = tree.dir.path().join("catalog.db");
    let config = write_config(
        &tree,
        &format!("database = {:?}\n[libraries.lib]\nroot = {:?}\n", path_str(&db), path_str(&tree.root)),
    );
    let with_config = || {
        let mut command = mediascan();
        command.arg("--config").arg(&config);
        command
    };
    let done = json(&run(with_config().args(["scan", "--library", "lib", "--json"])));
    assert_eq!((done["status"].as_str(), done["library"].as_str()), (Some("completed"), Some("lib")));

    let scans = json_lines(&run(with_config().args(["scans", "--json"])));
    assert_eq!(scans.len(), 1);
    assert_eq!(scans[0]["scan_id"], done["scan_id"]);
    let table = stdout(&run(with_config().arg("scans")));
    assert!(table.starts_with("ID") && table.contains("completed") && table.contains("4/4"), "{table}");

    let media = |args: &[&str]| json_lines(&run(with_config().arg("media").arg("--json").args(args)));
    assert_eq!(media(&[]).len(), 4);
    assert!(media(&[]).iter().all(|r| r["library"] == "lib"));
    assert_eq!(media(&["--library", "lib", "--kind", "episode"]).len(), 2);
    assert_eq!(media(&["--compatible", "false"]).len(), 2);
    assert_eq!(media(&["--status", "failed"]).len(), 1);
    assert_eq!(media(&["--show", "Show", "--season", "1"]).len(), 2);
    assert_eq!(media(&["--search", "pilot"]).len(), 1);
    assert_eq!(media(&["--path-prefix", path_str(&tree.root.join("Movies"))]).len(), 2);
    assert_eq!(media(&["--limit", "3"]).len(), 3);
    let output = run(with_config().args(["media", "--kind", "bogus"]));
    assert_eq!(output.status.code(), Some(2), "a usage error");
}
