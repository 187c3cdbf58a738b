//! Which files a process holds open for writing. On Linux this is read from `/proc`: each
//! process's `fd` folder links to its open files, and `fdinfo` gives each one's open flags.
//! Only processes this user may inspect are seen (all of them for root). Elsewhere nothing is
//! known, and the answer is empty.

use std::path::PathBuf;

/// At most this many file descriptors are looked at per call: the cost stays bounded on a
/// machine with a huge number of open files (the answer is then partial, never wrong).
#[cfg(target_os = "linux")]
const MAX_FDS: usize = 1_000_000;

/// Which of `paths` some process holds open for writing (`O_WRONLY` or `O_RDWR`).
pub(crate) fn open_for_writing(paths: &[PathBuf]) -> Vec<PathBuf> {
    #[cfg(target_os = "linux")]
    {
        linux(paths)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = paths;
        Vec::new()
    }
}

#[cfg(target_os = "linux")]
fn linux(paths: &[PathBuf]) -> Vec<PathBuf> {
    use std::collections::{BTreeSet, HashMap};
    use std::fs;

    // `/proc/<pid>/fd/<n>` links to the file's resolved path.
    let wanted: HashMap<PathBuf, &PathBuf> =
        paths.iter().map(|p| (fs::canonicalize(p).unwrap_or_else(|_| p.clone()), p)).collect();
    let Ok(processes) = fs::read_dir("/proc") else { return Vec::new() };
    let mut found = BTreeSet::new();
    let mut seen = 0usize;
    for process in processes.flatten() {
        if !process.file_name().to_string_lossy().bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        // Another user's process: not readable, not known.
        let Ok(fds) = fs::read_dir(process.path().join("fd")) else { continue };
        for fd in fds.flatten() {
            seen += 1;
            if seen > MAX_FDS {
                return found.into_iter().collect();
            }
            let Ok(target) = fs::read_link(fd.path()) else { continue };
            let Some(original) = wanted.get(&target) else { continue };
            let info =
                fs::read_to_string(process.path().join("fdinfo").join(fd.file_name())).unwrap_or_default();
            if info.lines().find_map(|line| line.strip_prefix("flags:")).is_some_and(writable) {
                found.insert((*original).clone());
            }
        }
    }
    found.into_iter().collect()
}

/// Whether `flags` (octal, as `fdinfo` prints them) open a file for writing.
#[cfg(target_os = "linux")]
fn writable(flags: &str) -> bool {
    u32::from_str_radix(flags.trim(), 8).is_ok_and(|f| f & 0o3 != 0)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn a_file_open_for_writing_is_found_and_one_only_read_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let (written, read) = (dir.path().join("copying.mkv"), dir.path().join("done.mkv"));
        std::fs::write(&read, b"done").unwrap();
        let mut writer = std::fs::File::create(&written).unwrap();
        writer.write_all(b"half").unwrap();
        let _reader = std::fs::File::open(&read).unwrap();
        let paths = [written.clone(), read.clone()];
        assert_eq!(open_for_writing(&paths), vec![written.clone()]);
        drop(writer);
        assert_eq!(open_for_writing(&paths), Vec::<PathBuf>::new());
    }

    #[test]
    fn flags_are_read_as_octal() {
        assert!(writable("\t0100001"));
        assert!(writable("02"));
        assert!(!writable("0100000"));
        assert!(!writable("nonsense"));
    }
}
