//! `mediascan parse`.

use std::io::Write;
use std::process::Stdio;

use e2e::{json_lines, mediascan, run, stderr, stdout};

#[test]
fn parse_prints_each_path_readably() {
    let output = run(mediascan().args([
        "parse",
        "Show (2019)/Season 01/Show (2019) - S01E02E03 - Double.mkv",
        "Movie.Name.2010.1080p.BluRay.x264-GRP.mkv",
    ]));
    assert!(output.status.success());
    let text = stdout(&output);
    for expected in [
        "Show (2019)/Season 01/Show (2019) - S01E02E03 - Double.mkv",
        "kind        episode",
        "show        Show",
        "season      1",
        "episodes    2, 3",
        "year        2019",
        "title       Double",
        "kind        movie",
        "title       Movie Name",
        "group       GRP",
    ] {
        assert!(text.contains(expected), "{expected:?} missing in:\n{text}");
    }
}

#[test]
fn parse_reads_stdin_and_writes_json_lines() {
    let mut child = mediascan()
        .args(["parse", "--stdin", "--json", "--root", "/srv/Fallow Fields"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let input = "/srv/Fallow Fields/The Daily Show/The Daily Show 2024.01.15 Guest.mkv\r\n\n/srv/Fallow Fields/Season 2/05 - Title.mkv\n";
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 2, "blank lines are skipped");
    assert_eq!(lines[0]["path"], "/srv/Fallow Fields/The Daily Show/The Daily Show 2024.01.15 Guest.mkv");
    assert_eq!(lines[0]["kind"], "episode");
    assert_eq!(lines[0]["show"], "The Daily Show");
    assert_eq!(lines[0]["date"], "2024-01-15");
    for key in ["path", "kind", "show", "season", "episodes", "year", "title", "date"] {
        assert!(lines[1].get(key).is_some(), "{key}");
    }
    // `Season 2` right under the root: the root's name is the show.
    assert_eq!((lines[1]["show"].as_str(), lines[1]["season"].as_u64()), (Some("Fallow Fields"), Some(2)));
}

#[test]
fn parse_without_paths_is_a_usage_error() {
    let output = run(mediascan().arg("parse"));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("--stdin"), "{}", stderr(&output));
}

#[test]
fn many_paths_from_stdin_come_out_in_input_order() {
    // More than one batch, parsed on several threads: the output follows the input.
    let input: String =
        (1..=20_000).map(|i| format!("Show {}/Season 1/Show.S01E{:02}.mkv\n", i % 7, i % 90 + 1)).collect();
    let mut child = mediascan()
        .args(["parse", "--stdin", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()).unwrap());
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 20_000);
    for (i, line) in (1..=20_000).zip(&lines) {
        assert_eq!(line["path"], format!("Show {}/Season 1/Show.S01E{:02}.mkv", i % 7, i % 90 + 1));
        assert_eq!(line["episodes"][0], i % 90 + 1);
    }
}
