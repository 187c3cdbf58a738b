//! Names of files that are still being downloaded or edited: a watcher ignores them until they
//! are renamed to their final name.

use std::path::Path;

#[derive(Debug)]
/// One rule: a name pattern download tools and editors use for unfinished files.
pub struct PartialRule {
    /// What writes such names (listed in docs/configuration.md).
    pub what: &'static str,
    matches: fn(&str) -> bool,
}

/// The rules, each with the tools that use it.
pub const RULES: &[PartialRule] = &[
    PartialRule {
        what: "Firefox, wget and many others: `movie.mkv.part`",
        matches: |n| ends_with(n, ".part"),
    },
    PartialRule {
        what: "KDE and rsync-like tools: `movie.mkv.partial~`",
        matches: |n| ends_with(n, ".partial~"),
    },
    PartialRule { what: "qBittorrent: `movie.mkv.!qB`", matches: |n| ends_with(n, ".!qb") },
    PartialRule { what: "Chrome: `movie.mkv.crdownload`", matches: |n| ends_with(n, ".crdownload") },
    PartialRule { what: "temporary files: `movie.mkv.tmp`", matches: |n| ends_with(n, ".tmp") },
    PartialRule { what: "LibreOffice lock files: `.~lock.name#`", matches: |n| n.starts_with(".~lock.") },
];

fn ends_with(name: &str, suffix: &str) -> bool {
    name.len() >= suffix.len()
        && name.get(name.len() - suffix.len()..).is_some_and(|tail| tail.eq_ignore_ascii_case(suffix))
}

/// True when `path`'s file name says it is an unfinished download or a lock file.
pub fn is_partial_download(path: &Path) -> bool {
    let Some(name) = path.file_name() else { return false };
    let name = name.to_string_lossy();
    RULES.iter().any(|rule| (rule.matches)(&name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_download_names_are_recognised() {
        for name in [
            "Movie (2010).mkv.part",
            "a.mkv.PART",
            "b.mkv.partial~",
            "c.mkv.!qB",
            "d.mp4.crdownload",
            "e.tmp",
            ".~lock.notes.odt#",
        ] {
            assert!(is_partial_download(Path::new("/lib").join(name).as_path()), "{name}");
        }
        for name in ["Movie (2010).mkv", "party.mkv", "Show.S01E01.mp4", "tmp.mkv", "a.partial"] {
            assert!(!is_partial_download(Path::new("/lib").join(name).as_path()), "{name}");
        }
    }
}
