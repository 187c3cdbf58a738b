//! Bad input through the binary, with the real ffprobe and real folders: odd files and names,
//! files that change under the scan, a root that vanishes, links, hidden folders and ignore
//! files. Each scan must end cleanly with every problem recorded.

use std::ffi::OsStr;
use std::fs;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use base64::Engine;
use serde_json::Value;

use e2e::{json, json_lines, mediascan, run, stdout};
use testkit::presets;

use crate::db::Db;
use crate::on_both;

/// A library folder and a catalog, with helpers to scan one into the other.
pub(crate) struct Library {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) root: PathBuf,
    pub(crate) db: String,
}

impl Library {
    pub(crate) fn new(db: &Db) -> Self {
        testkit::require_ffmpeg();
        let dir = tempfile::Builder::new().prefix("mediascan-faults").tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap().join("media");
        fs::create_dir_all(&root).unwrap();
        Self { dir, root, db: db.url.clone() }
    }

    pub(crate) fn path(&self, relative: impl AsRef<Path>) -> PathBuf {
        self.root.join(relative)
    }

    pub(crate) fn scan_command(&self, args: &[&str]) -> Command {
        let mut command = mediascan();
        command.arg("scan").arg(&self.root).args(["--json", "--db", &self.db]).args(args);
        command
    }

    /// Scans; the scan must complete. Returns the final progress.
    pub(crate) fn scan(&self, args: &[&str]) -> Value {
        let output = run(&mut self.scan_command(args));
        assert!(output.status.success(), "exit {:?}", output.status);
        let done = json(&output);
        assert_eq!(done["status"], "completed", "{done}");
        done
    }

    /// Scans as [`Self::scan`] once the folder is free: a scan that ended without releasing its
    /// lease (its database was gone) holds the folder until the lease expires.
    pub(crate) fn scan_when_free(&self, args: &[&str]) -> Value {
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            let output = self.scan_command(args).output().unwrap();
            let busy = String::from_utf8_lossy(&output.stderr).contains("is already being scanned");
            if !busy || std::time::Instant::now() > deadline {
                assert!(output.status.success(), "exit {:?}: {}", output.status, e2e::stderr(&output));
                let done = json(&output);
                assert_eq!(done["status"], "completed", "{done}");
                return done;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    pub(crate) fn media(&self) -> Vec<Value> {
        json_lines(&run(mediascan().args(["media", "--json", "--db", &self.db])))
    }

    /// An ffprobe that first runs `hook` (a shell snippet; `$f` is the file) and then the real
    /// one.
    pub(crate) fn ffprobe_with(&self, hook: &str) -> PathBuf {
        let script = self.dir.path().join("hooked-ffprobe");
        let text = format!(
            "#!/bin/sh\nfor a in \"$@\"; do last=\"$a\"; done\nf=\"${{last#file:}}\"\n{hook}\nexec ffprobe \"$@\"\n"
        );
        testkit::write_script(&script, &text);
        script
    }
}

pub(crate) fn count(done: &Value, key: &str) -> u64 {
    done[key].as_u64().unwrap_or_else(|| panic!("{key} in {done}"))
}

pub(crate) fn row<'a>(media: &'a [Value], path: &Path) -> &'a Value {
    let wanted = path.to_string_lossy();
    media.iter().find(|m| m["path"] == *wanted).unwrap_or_else(|| panic!("no row for {wanted}"))
}

on_both!(odd_files_and_names_are_recorded_and_the_scan_goes_on, |db| {
    let lib = Library::new(&db);
    let good = presets::h264_aac_mp4();
    let non_utf8 = lib.path(OsStr::from_bytes(b"Odd/bad\xffname.mp4"));
    let long_dir: PathBuf = (0..10).map(|i| format!("{i}{}", "d".repeat(240))).collect();
    let good_files = [
        lib.path("Show/Season 1/Show.S01E01.mp4"),
        lib.path("Odd/-rf.mp4"),
        lib.path("Odd/quote\"s 'and' $(x).mp4"),
        lib.path("Odd/new\nline.mp4"),
        non_utf8.clone(),
        lib.path(long_dir.join("long.mp4")),
    ];
    for file in &good_files {
        testkit::place(&good, file);
    }
    // A folder deeper than PATH_MAX (4096 bytes) can only be made step by step.
    let deep = format!(
        "mkdir -p Deep && cd Deep && for i in $(seq 1 17); do d=\"$i$(printf 'd%.0s' $(seq 1 250))\"; \
         mkdir \"$d\" && cd -P \"$d\" || exit 1; done && cp '{}' too-long.mp4",
        good.display()
    );
    let made = Command::new("sh").arg("-c").arg(&deep).current_dir(&lib.root).status().unwrap();
    assert!(made.success());
    testkit::write(&lib.path("Bad/zero.mkv"), b"");
    testkit::write(&lib.path("Bad/noise.mkv"), &testkit::noise(200_000, 3));
    testkit::write(&lib.path("Bad/text.mkv"), b"This is a text file, not a video.\n");
    testkit::truncated(&presets::h264_aac_mp4_moov_at_end(), &lib.path("Bad/truncated.mp4"), 20_000);
    let sparse = fs::File::create(lib.path("Bad/sparse.mkv")).unwrap();
    sparse.set_len(20 << 30).unwrap();

    let done = lib.scan(&[]);
    assert_eq!((count(&done, "total_files"), count(&done, "succeeded"), count(&done, "failed")), (11, 6, 5));
    // The folder whose path is longer than the system allows is reported, not fatal.
    let errors = done["errors"].as_array().unwrap();
    assert!(
        errors.iter().any(|e| e["message"].as_str().unwrap().contains("File name too long")),
        "{errors:?}"
    );
    for bad in ["zero", "noise", "text", "truncated", "sparse"] {
        assert!(
            errors.iter().any(|e| e["path"].as_str().unwrap().contains(&format!("Bad/{bad}."))),
            "{bad} is not among {errors:?}"
        );
    }

    let media = lib.media();
    assert_eq!(media.len(), 11);
    for file in &good_files {
        let row = row(&media, file);
        assert_eq!((row["status"].as_str(), row["video"]["codec"].as_str()), (Some("ok"), Some("h264")));
    }
    for bad in ["zero.mkv", "noise.mkv", "text.mkv", "truncated.mp4", "sparse.mkv"] {
        let row = row(&media, &lib.path("Bad").join(bad));
        assert_eq!(row["status"], "failed", "{row}");
        assert!(row["error"].as_str().is_some_and(|e| !e.is_empty()), "{row}");
    }
    // The name that is not UTF-8: readable text, and the exact bytes beside it.
    let odd = row(&media, &non_utf8);
    let bytes =
        base64::engine::general_purpose::STANDARD.decode(odd["path_bytes"].as_str().unwrap()).unwrap();
    assert_eq!(bytes, non_utf8.as_os_str().as_bytes());
    assert!(row(&media, &good_files[0]).get("path_bytes").is_none());

    // The table keeps one line per file, whatever the names hold.
    let table = stdout(&run(mediascan().args(["media", "--db", &lib.db])));
    assert_eq!(table.lines().count(), 11 + 2, "{table}");
    assert!(table.contains("new\\nline.mp4"), "{table}");

    // Every odd name round-trips through the catalog exactly: nothing is new or changed.
    let again = lib.scan(&[]);
    assert_eq!(
        (count(&again, "new_files"), count(&again, "changed_files"), count(&again, "unchanged_files")),
        (0, 0, 11),
        "{again}"
    );
});

on_both!(files_that_change_between_walk_and_probe_are_handled, |db| {
    let lib = Library::new(&db);
    for name in ["vanishing", "replaced", "growing", "steady"] {
        testkit::copy(&presets::h264_aac_mp4(), &lib.path(format!("{name}.mp4")));
    }
    let other = presets::hevc10_ac3_mkv();
    let hook = format!(
        "case \"$f\" in\n  *vanishing*) rm -f \"$f\" ;;\n  *replaced*) cp '{}' \"$f\" ;;\n  \
         *growing*) head -c 100000 /dev/zero >> \"$f\" ;;\nesac",
        other.display()
    );
    let ffprobe = lib.ffprobe_with(&hook);
    let output =
        run(lib.scan_command(&[]).env("MEDIASCAN_FFPROBE", &ffprobe).env("MEDIASCAN_PROBE", "ffprobe"));
    assert!(output.status.success());
    let done = json(&output);
    assert_eq!((count(&done, "total_files"), count(&done, "succeeded"), count(&done, "failed")), (4, 3, 1));
    assert_eq!(done["errors"][0]["message"], "file vanished before it could be probed", "{done}");

    let media = lib.media();
    assert_eq!(media.len(), 3, "a vanished file leaves no row");
    // The probe saw the new content; the row keeps the size the walk saw, so the next scan
    // sees a change and probes again.
    assert_eq!(row(&media, &lib.path("replaced.mp4"))["video"]["codec"], "hevc");

    let again = lib.scan(&[]);
    assert_eq!((count(&again, "changed_files"), count(&again, "unchanged_files")), (2, 1), "{again}");
    for name in ["replaced.mp4", "growing.mp4"] {
        let on_disk = fs::metadata(lib.path(name)).unwrap().len();
        assert_eq!(row(&lib.media(), &lib.path(name))["size_bytes"], on_disk, "{name}");
    }
});

on_both!(a_root_that_vanishes_mid_scan_fails_it_and_marks_nothing_missing, |db| {
    let lib = Library::new(&db);
    for i in 1..=4 {
        testkit::copy(&presets::h264_aac_mp4(), &lib.path(format!("Show/S01E0{i}.mp4")));
    }
    lib.scan(&[]);
    for i in 1..=4 {
        // Changed, so that the next scan probes them again (slowly).
        let file = lib.path(format!("Show/S01E0{i}.mp4"));
        fs::OpenOptions::new().append(true).open(file).unwrap().write_all(&[0; 1000]).unwrap();
    }
    let marker = lib.dir.path().join("probing");
    let slow = lib
        .ffprobe_with(&format!("[ \"$last\" = -version ] || {{ touch '{}'; sleep 1; }}", marker.display()));
    let child = lib
        .scan_command(&[])
        .env("MEDIASCAN_FFPROBE", &slow)
        .env("MEDIASCAN_PROBE", "ffprobe")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    crate::wait_until("the scan to probe", Duration::from_secs(60), || marker.exists());
    let moved = lib.dir.path().join("unmounted");
    fs::rename(&lib.root, &moved).unwrap();
    let output: Output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    let done = json(&output);
    assert_eq!(done["status"], "failed");
    assert!(done["error"].as_str().unwrap().contains("vanished"), "{done}");
    assert_eq!(count(&done, "missing_files"), 0);
    let media = lib.media();
    assert_eq!(media.len(), 4, "rows from before are intact");
    assert!(media.iter().all(|m| m["status"] != "missing"), "{media:?}");
});

on_both!(links_hidden_folders_and_ignore_files_follow_the_documented_policy, |db| {
    let lib = Library::new(&db);
    let good = presets::h264_aac_mp4();
    let outside = lib.dir.path().join("elsewhere");
    for file in [
        "Show/S01E01.mp4",
        "Show/@eaDir/S01E01.mp4",
        "Show/.@__thumb/S01E01.mp4",
        ".Trash-1000/files/old.mp4",
        "Movies/Film (2010).mp4",
        "Movies/Film (2010)/Trailers/trailer.mp4",
        "Downloads/partial.mp4",
    ] {
        testkit::place(&good, &lib.path(file));
    }
    testkit::place(&good, &outside.join("linked.mp4"));
    symlink(&outside, lib.path("Linked")).unwrap();
    fs::write(lib.path("Movies/.mediascanignore"), "Trailers/\n[z-a]\n").unwrap();

    let done = lib.scan(&["--ignore", "/Downloads/"]);
    let mut paths: Vec<String> = lib.media().iter().map(|m| m["path"].as_str().unwrap().to_owned()).collect();
    paths.sort();
    let relative: Vec<&str> =
        paths.iter().map(|p| p.strip_prefix(&format!("{}/", lib.root.display())).unwrap()).collect();
    assert_eq!(relative, ["Movies/Film (2010).mp4", "Show/S01E01.mp4"]);
    let warnings = done["warnings"].as_array().unwrap();
    assert!(warnings.iter().any(|w| w.as_str().unwrap().contains("[z-a]")), "{done}");

    // Asked to, the scan includes hidden folders and follows the link out of the root.
    lib.scan(&["--include-hidden", "--follow-symlinks", "--ignore", "/Downloads/"]);
    let media = lib.media();
    assert_eq!(media.len(), 6, "{media:?}");
    assert!(media.iter().any(|m| m["path"] == *lib.path("Linked/linked.mp4").to_string_lossy()));

    // A bad pattern on the command line is a one-line error before anything starts.
    let output = run(&mut lib.scan_command(&["--ignore", "[z-a]"]));
    assert_eq!(output.status.code(), Some(1));
    let err = e2e::stderr(&output);
    assert!(err.starts_with("mediascan: ignore pattern \"[z-a]\"") && err.lines().count() == 1, "{err}");
});
