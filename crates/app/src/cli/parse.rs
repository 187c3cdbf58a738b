//! `mediascan parse`: what the filename parser makes of paths, to debug why a file was filed
//! wrongly. Pure: the paths need not exist.

use std::io::{self, BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use serde::Serialize;

use scanner_core::{ParsedName, parse_path_in};

#[derive(Debug, Args)]
pub struct ParseArgs {
    /// Paths to parse (relative to the library root, or absolute with --root).
    pub paths: Vec<PathBuf>,

    /// Read one path per line from standard input (after any PATH arguments).
    #[arg(long)]
    pub stdin: bool,

    /// One JSON object per line (`path` plus the `parsed` fields of the catalog).
    #[arg(long)]
    pub json: bool,

    /// The library root the paths are under: parsing starts below it, as in a scan.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

#[derive(Serialize)]
struct Line<'a> {
    path: String,
    #[serde(flatten)]
    parsed: &'a ParsedName,
}

pub async fn run(args: ParseArgs) -> anyhow::Result<ExitCode> {
    if args.paths.is_empty() && !args.stdin {
        anyhow::bail!("give paths to parse, or --stdin to read them one per line");
    }
    let mut out = BufWriter::new(io::stdout().lock());
    for path in &args.paths {
        print(&mut out, path, &args)?;
    }
    if args.stdin {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(MAX_THREADS);
        let mut batch = Vec::with_capacity(BATCH);
        for line in io::stdin().lock().lines() {
            let line = line?;
            let line = line.trim_end_matches('\r');
            if !line.trim().is_empty() {
                batch.push(line.to_owned());
            }
            if batch.len() == BATCH {
                write_batch(&mut out, &mut batch, &args, threads)?;
            }
        }
        write_batch(&mut out, &mut batch, &args, threads)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Paths read from standard input per batch: enough to keep every core busy, few enough that
/// output streams and memory stays small.
const BATCH: usize = 8_192;
/// Threads that parse a batch at most.
const MAX_THREADS: usize = 8;

/// Parses `batch` on up to `threads` threads and writes the results in input order.
fn write_batch(
    out: &mut impl Write,
    batch: &mut Vec<String>,
    args: &ParseArgs,
    threads: usize,
) -> anyhow::Result<()> {
    let render = |paths: &[String]| -> anyhow::Result<Vec<u8>> {
        let mut text = Vec::with_capacity(paths.len() * 256);
        for path in paths {
            print(&mut text, Path::new(path), args)?;
        }
        Ok(text)
    };
    let per_thread = batch.len().div_ceil(threads.max(1)).max(1);
    let rendered: Vec<anyhow::Result<Vec<u8>>> = std::thread::scope(|s| {
        let workers: Vec<_> = batch.chunks(per_thread).map(|chunk| s.spawn(move || render(chunk))).collect();
        workers
            .into_iter()
            .map(|w| {
                w.join().unwrap_or_else(|_| Err(anyhow::anyhow!("the parser failed on a path of this batch")))
            })
            .collect()
    });
    for text in rendered {
        out.write_all(&text?)?;
    }
    batch.clear();
    Ok(())
}

fn parse(path: &Path, root: Option<&Path>) -> ParsedName {
    match root {
        Some(root) => {
            let relative = path.strip_prefix(root).unwrap_or(path);
            let root_name = root.file_name().map(|n| n.to_string_lossy().into_owned());
            parse_path_in(relative, root_name.as_deref())
        }
        None => parse_path_in(path, None),
    }
}

fn print(out: &mut impl Write, path: &Path, args: &ParseArgs) -> anyhow::Result<()> {
    let parsed = parse(path, args.root.as_deref());
    if args.json {
        serde_json::to_writer(
            &mut *out,
            &Line { path: path.to_string_lossy().into_owned(), parsed: &parsed },
        )?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(out, "{}", super::output::display(path))?;
    let p = &parsed;
    let fields: [(&str, Option<String>); 16] = [
        ("kind", Some(p.kind.as_str().to_owned())),
        ("show", p.show.clone()),
        ("season", p.season.map(|s| s.to_string())),
        (
            "episodes",
            (!p.episodes.is_empty())
                .then(|| p.episodes.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")),
        ),
        ("absolute", p.absolute_episode.map(|e| e.to_string())),
        ("year", p.year.map(|y| y.to_string())),
        ("title", p.title.clone()),
        ("date", p.date.map(|d| d.to_string())),
        ("part", p.part.map(|n| n.to_string())),
        ("version", p.version.map(|n| n.to_string())),
        ("resolution", p.resolution.clone()),
        ("source", p.source.clone()),
        ("video codec", p.video_codec.clone()),
        ("audio codec", p.audio_codec.clone()),
        ("group", p.release_group.clone()),
        ("checksum", p.checksum.clone()),
    ];
    for (name, value) in fields {
        if let Some(value) = value {
            writeln!(out, "  {name:<12}{value}")?;
        }
    }
    Ok(())
}
