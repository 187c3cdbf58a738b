//! probe-ffprobe: the [`MediaProbe`] port implemented by running FFmpeg's `ffprobe`.
//!
//! This is the only crate that spawns processes. Each probe runs
//! `ffprobe -v error -print_format json -show_format -show_streams -i file:<path>` with the
//! path as one argv entry behind the `file:` protocol (so `-rf.mkv` or `pipe:1.mkv` are only
//! ever file names), reads at most a bounded amount of output, and kills and reaps the child
//! at the timeout or when the probe is abandoned. It never interprets what the media means:
//! that is the core's job.

pub mod json;

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use async_trait::async_trait;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::{Child, Command};

use scanner_core::MediaInfo;
use scanner_core::ports::{MediaProbe, ProbeError};

/// How to install ffprobe, for error messages.
pub const INSTALL_HINT: &str = "install FFmpeg (Debian/Ubuntu: `sudo apt-get install ffmpeg`, \
     Fedora: `sudo dnf install ffmpeg`, macOS: `brew install ffmpeg`) or point --ffprobe at the program";

/// Settings of the ffprobe adapter.
#[derive(Debug, Clone)]
pub struct FfprobeConfig {
    /// The program to run; looked up on `PATH` when it has no directory part.
    pub program: PathBuf,
    /// Longest time one probe may take before ffprobe is killed.
    pub timeout: Duration,
    /// Most bytes of JSON read from one run; more is treated as a failure.
    pub max_output: usize,
}

impl Default for FfprobeConfig {
    fn default() -> Self {
        Self { program: PathBuf::from("ffprobe"), timeout: Duration::from_secs(30), max_output: 4 << 20 }
    }
}

/// Probes files with the `ffprobe` program.
#[derive(Debug, Clone, Default)]
pub struct FfprobeMediaProbe {
    config: FfprobeConfig,
}

/// Most bytes of stderr kept for error messages.
/// The name recorded for files ffprobe answered.
pub const FFPROBE: &str = "ffprobe";

const MAX_STDERR: usize = 16 << 10;

impl FfprobeMediaProbe {
    pub fn new(config: FfprobeConfig) -> Self {
        Self { config }
    }

    pub fn config(&self) -> &FfprobeConfig {
        &self.config
    }

    fn command(&self) -> Command {
        let mut command = Command::new(&self.config.program);
        command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
        command
    }

    /// Starts the program. "Text file busy" means the program file is still open for writing
    /// somewhere (being replaced, or held for a moment by a process forked while it was
    /// written): it is retried for a while before it counts as a failure.
    async fn spawn(&self, args: &[OsString]) -> Result<Child, ProbeError> {
        let mut pause = Duration::from_millis(10);
        for _ in 0..8 {
            match self.command().args(args).spawn() {
                Err(e) if e.kind() == io::ErrorKind::ExecutableFileBusy => {
                    tokio::time::sleep(pause).await;
                    pause *= 2;
                }
                other => return other.map_err(|e| self.spawn_error(e)),
            }
        }
        self.command().args(args).spawn().map_err(|e| self.spawn_error(e))
    }

    fn spawn_error(&self, e: io::Error) -> ProbeError {
        let program = self.config.program.display();
        match e.kind() {
            io::ErrorKind::NotFound => {
                ProbeError::Unavailable { message: format!("{program} was not found; {INSTALL_HINT}") }
            }
            io::ErrorKind::PermissionDenied => ProbeError::Unavailable {
                message: format!("{program} cannot be executed (permission denied); {INSTALL_HINT}"),
            },
            _ => ProbeError::io(format!("cannot start {program}"), e),
        }
    }
}

/// The executable `program` names: itself if it has a directory part, else the first match on
/// `PATH`.
fn resolve(program: &Path) -> Option<PathBuf> {
    let executable = |path: &Path| {
        std::fs::metadata(path).is_ok_and(|m| {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                m.is_file() && m.permissions().mode() & 0o111 != 0
            }
            #[cfg(not(unix))]
            {
                m.is_file()
            }
        })
    };
    if program.components().count() > 1 {
        return executable(program).then(|| program.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|candidate| executable(candidate))
}

/// What one run of the program produced.
struct Run {
    status: ExitStatus,
    stdout: Vec<u8>,
    stdout_overflow: bool,
    stderr: Vec<u8>,
}

/// Reads at most `limit` bytes; returns them and whether the stream had more.
async fn read_limited(reader: impl AsyncRead + Unpin, limit: usize) -> io::Result<(Vec<u8>, bool)> {
    let mut kept = Vec::new();
    reader.take(limit as u64 + 1).read_to_end(&mut kept).await?;
    let overflow = kept.len() > limit;
    kept.truncate(limit);
    Ok((kept, overflow))
}

/// Runs the child to completion, collecting capped output. Both pipes are read at once so the
/// child never blocks on a full one; when stdout passes `max_output` the child is killed.
async fn collect(child: &mut Child, max_output: usize) -> io::Result<Run> {
    let stdout = child.stdout.take().ok_or_else(|| io::Error::other("stdout not piped"))?;
    let mut stderr = child.stderr.take().ok_or_else(|| io::Error::other("stderr not piped"))?;
    let stdout = read_limited(stdout, max_output);
    let stderr = async move {
        let (kept, _) = read_limited(&mut stderr, MAX_STDERR).await?;
        // Keep draining so a chatty child cannot block; what is past the cap is dropped.
        tokio::io::copy(&mut stderr, &mut tokio::io::sink()).await?;
        io::Result::Ok(kept)
    };
    tokio::pin!(stdout, stderr);
    let (mut out, mut err) = (None, None);
    while out.is_none() || err.is_none() {
        tokio::select! {
            result = &mut stdout, if out.is_none() => {
                let (bytes, overflow) = result?;
                if overflow {
                    child.start_kill()?;
                }
                out = Some((bytes, overflow));
            }
            result = &mut stderr, if err.is_none() => err = Some(result?),
        }
    }
    let (stdout, stdout_overflow) = out.unwrap_or_default();
    let stderr = err.unwrap_or_default();
    let status = child.wait().await?;
    Ok(Run { status, stdout, stdout_overflow, stderr })
}

/// The most useful line of ffprobe's stderr: its last non-empty line, without the file name
/// ffprobe puts in front (`file:/x.mkv: Invalid data found when processing input`).
fn error_line(stderr: &[u8], path: &Path) -> Option<String> {
    let text = String::from_utf8_lossy(stderr);
    let line = text.lines().map(str::trim).rfind(|l| !l.is_empty())?;
    let prefixed = format!("file:{}: ", path.display());
    let line = line.strip_prefix(&prefixed).unwrap_or(line);
    let mut line = line.to_owned();
    if line.len() > 500 {
        let mut cut = 500;
        while !line.is_char_boundary(cut) {
            cut -= 1;
        }
        line.truncate(cut);
        line.push('…');
    }
    Some(line)
}

#[cfg(unix)]
fn signal_of(status: &ExitStatus) -> Option<i32> {
    use std::os::unix::process::ExitStatusExt;
    status.signal()
}

#[cfg(not(unix))]
fn signal_of(_status: &ExitStatus) -> Option<i32> {
    None
}

impl FfprobeMediaProbe {
    /// Runs the program with `args` under the timeout; kills and reaps it on timeout.
    async fn run(&self, args: Vec<OsString>) -> Result<Run, ProbeError> {
        let mut child = self.spawn(&args).await?;
        match tokio::time::timeout(self.config.timeout, collect(&mut child, self.config.max_output)).await {
            Ok(Ok(run)) => Ok(run),
            Ok(Err(e)) => {
                let _ = child.kill().await;
                Err(ProbeError::Failed(format!(
                    "reading {} output failed: {e}",
                    self.config.program.display()
                )))
            }
            Err(_) => {
                // `kill` sends SIGKILL and waits for the child, so nothing is left behind.
                let _ = child.kill().await;
                Err(ProbeError::TimedOut(self.config.timeout))
            }
        }
    }
}

#[async_trait]
impl MediaProbe for FfprobeMediaProbe {
    /// Finds the program (on `PATH` unless it has a directory part) and checks that it is an
    /// executable file, without running it: this is paid by every scan, and starting ffprobe
    /// costs about 70 ms. A program that is there but broken fails its first probe instead.
    async fn check(&self) -> Result<String, ProbeError> {
        let program = self.config.program.clone();
        let found = tokio::task::spawn_blocking(move || resolve(&program)).await.ok().flatten();
        match found {
            Some(path) => Ok(format!("{} at {}", self.config.program.display(), path.display())),
            None => Err(ProbeError::Unavailable {
                message: format!("{} was not found; {INSTALL_HINT}", self.config.program.display()),
            }),
        }
    }

    async fn probe(&self, path: PathBuf) -> Result<MediaInfo, ProbeError> {
        match tokio::fs::metadata(&path).await {
            Ok(meta) if meta.is_file() => {}
            Ok(_) => return Err(ProbeError::InvalidMedia("not a regular file".into())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(ProbeError::NotFound),
            Err(e) => return Err(ProbeError::io("cannot read file", e)),
        }
        let mut input = OsString::from("file:");
        input.push(path.as_os_str());
        let args: Vec<OsString> =
            ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", "-show_chapters", "-i"]
                .into_iter()
                .map(OsString::from)
                .chain([input])
                .collect();
        let run = self.run(args).await?;

        if run.stdout_overflow {
            return Err(ProbeError::Failed(format!(
                "ffprobe printed more than {} bytes; output ignored",
                self.config.max_output
            )));
        }
        if let Some(signal) = signal_of(&run.status) {
            return Err(ProbeError::Failed(format!("ffprobe was killed by signal {signal}")));
        }
        if !run.status.success() {
            if !tokio::fs::try_exists(&path).await.unwrap_or(true) {
                return Err(ProbeError::NotFound);
            }
            let message =
                error_line(&run.stderr, &path).unwrap_or_else(|| format!("ffprobe failed ({})", run.status));
            return Err(ProbeError::InvalidMedia(message));
        }
        let decoded =
            json::decode(&run.stdout).map(|info| MediaInfo { probe: Some(FFPROBE.to_owned()), ..info });
        decoded.map_err(|e| match e {
            json::DecodeError::NoFormat => {
                ProbeError::InvalidMedia("ffprobe found no container format".into())
            }
            json::DecodeError::Malformed(detail) => {
                ProbeError::Failed(format!("ffprobe printed output that is not valid JSON ({detail})"))
            }
        })
    }
}
