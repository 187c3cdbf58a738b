//! Which entries a walk skips: hidden and system folders, and gitignore-style rules from the
//! library's configuration and from `.mediascanignore` / `.ignore` files in any folder.

use std::ffi::OsStr;
use std::path::Path;
use std::sync::Arc;

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use scanner_core::ports::{IGNORE_FILES, SYSTEM_FOLDERS};

/// The rules in force in one folder: its own ignore files, then its parents', outward. Cheap
/// to clone (jwalk hands a copy to every subfolder).
#[derive(Debug, Clone, Default)]
pub(crate) struct Rules(Option<Arc<Layer>>);

#[derive(Debug)]
struct Layer {
    matcher: Gitignore,
    parent: Rules,
}

/// Checks patterns in gitignore syntax; the error names the first bad one.
pub fn check_patterns(patterns: &[String]) -> Result<(), String> {
    let mut builder = GitignoreBuilder::new("/");
    for pattern in patterns {
        builder.add_line(None, pattern).map_err(|e| format!("ignore pattern {pattern:?}: {e}"))?;
    }
    Ok(())
}

/// The rules of the library configuration, rooted at `root`; bad patterns are skipped and
/// returned as warnings (the configuration is checked with [`check_patterns`] when loaded).
pub(crate) fn root_rules(root: &Path, patterns: &[String]) -> (Rules, Vec<String>) {
    if patterns.is_empty() {
        return (Rules::default(), Vec::new());
    }
    let mut builder = GitignoreBuilder::new(root);
    let mut warnings = Vec::new();
    for pattern in patterns {
        if let Err(e) = builder.add_line(None, pattern) {
            warnings.push(format!("skipped the ignore pattern {pattern:?}: {e}"));
        }
    }
    match builder.build() {
        Ok(matcher) => (Rules(Some(Arc::new(Layer { matcher, parent: Rules::default() }))), warnings),
        Err(e) => (Rules::default(), vec![format!("ignore patterns: {e}")]),
    }
}

impl Rules {
    /// These rules plus the ignore files present in `dir` (`names` are its entries). A file
    /// that cannot be read is an error: the folder's contents cannot be judged without it.
    /// Bad lines are skipped (as git does) and returned as warnings.
    pub(crate) fn enter<'a>(
        &self,
        dir: &Path,
        names: impl Iterator<Item = &'a OsStr>,
    ) -> Result<(Rules, Vec<String>), String> {
        let present: Vec<&str> = {
            let names: Vec<&OsStr> = names.collect();
            IGNORE_FILES.into_iter().filter(|file| names.contains(&OsStr::new(file))).collect()
        };
        if present.is_empty() {
            return Ok((self.clone(), Vec::new()));
        }
        let mut builder = GitignoreBuilder::new(dir);
        let mut warnings = Vec::new();
        for file in present {
            let path = dir.join(file);
            // Read first: the builder swallows I/O errors into the same list as bad lines.
            let text = std::fs::read(&path).map_err(|e| format!("cannot read {file}: {e}"))?;
            for line in String::from_utf8_lossy(&text).lines() {
                if let Err(e) = builder.add_line(Some(path.clone()), line) {
                    warnings.push(format!("{file}: skipped the line {line:?}: {e}"));
                }
            }
        }
        let matcher = builder.build().map_err(|e| format!("ignore rules: {e}"))?;
        Ok((Rules(Some(Arc::new(Layer { matcher, parent: self.clone() }))), warnings))
    }

    /// Whether the rules exclude `path` (a child of the folder these rules belong to). The
    /// innermost rule that matches decides, so a folder's `!pattern` re-includes what a parent
    /// excluded.
    pub(crate) fn excludes(&self, path: &Path, is_dir: bool) -> bool {
        let mut layer = self.0.as_deref();
        while let Some(current) = layer {
            match current.matcher.matched(path, is_dir) {
                Match::Ignore(_) => return true,
                Match::Whitelist(_) => return false,
                Match::None => layer = current.parent.0.as_deref(),
            }
        }
        false
    }
}

/// Hidden (`.name`) entries and NAS/OS system folders.
pub(crate) fn is_hidden(name: &OsStr, is_dir: bool) -> bool {
    let bytes = name.as_encoded_bytes();
    bytes.first() == Some(&b'.') || is_dir && SYSTEM_FOLDERS.iter().any(|s| bytes == s.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_and_system_names() {
        for (name, dir, hidden) in [
            (".Trash-1000", true, true),
            (".@__thumb", true, true),
            ("@eaDir", true, true),
            ("#recycle", true, true),
            ("$RECYCLE.BIN", true, true),
            ("._Show.S01E01.mkv", false, true),
            ("@eaDir", false, false),
            ("Show", true, false),
            ("Season 1", true, false),
        ] {
            assert_eq!(is_hidden(OsStr::new(name), dir), hidden, "{name}");
        }
    }

    #[test]
    fn bad_patterns_are_named() {
        assert!(check_patterns(&["Extras/".into(), "*.sample.mkv".into()]).is_ok());
        let error = check_patterns(&["ok".into(), "[z-a]".into()]).unwrap_err();
        assert!(error.contains("\"[z-a]\""), "{error}");
    }

    #[test]
    fn inner_rules_override_outer_ones() {
        let (outer, warnings) = root_rules(Path::new("/lib"), &["*.mkv".into(), "Trailers/".into()]);
        assert!(warnings.is_empty());
        let mut builder = GitignoreBuilder::new("/lib/Show");
        builder.add_line(None, "!keep.mkv").unwrap();
        let inner = Rules(Some(Arc::new(Layer { matcher: builder.build().unwrap(), parent: outer.clone() })));
        assert!(outer.excludes(Path::new("/lib/a.mkv"), false));
        assert!(!outer.excludes(Path::new("/lib/a.mp4"), false));
        assert!(outer.excludes(Path::new("/lib/Trailers"), true));
        assert!(!outer.excludes(Path::new("/lib/Trailers"), false), "a file named Trailers is kept");
        assert!(!inner.excludes(Path::new("/lib/Show/keep.mkv"), false));
        assert!(inner.excludes(Path::new("/lib/Show/other.mkv"), false));
    }
}
