//! `mediascan media`: the catalog as a table or as JSON Lines, optionally filtered.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use scanner_core::ports::{DecisionFilter, MediaFilter, MediaQuery};
use scanner_core::streams::ResolutionClass;
use scanner_core::{DecisionMatch, HdrKind, MediaKind, MediaStatus};

use super::{DbArgs, UsageError, output};
use crate::config::Config;
use crate::{CatalogReader, bounds};

#[derive(Debug, Args)]
pub struct MediaArgs {
    #[command(flatten)]
    pub db: DbArgs,

    /// One JSON object per line (JSON Lines) instead of a table.
    #[arg(long)]
    pub json: bool,

    /// Only files of this configured library.
    #[arg(long, value_name = "NAME")]
    pub library: Option<String>,

    /// Only episodes of this show (exact name).
    #[arg(long)]
    pub show: Option<String>,

    /// Only this season (0–2147483647).
    #[arg(long, value_parser = |s: &str| bounds::SEASON.parse(s).map(|n| n as u32))]
    pub season: Option<u32>,

    /// episode, movie, extra, sample or unknown.
    #[arg(long, value_parser = parse_kind)]
    pub kind: Option<MediaKind>,

    /// Only files a client of the profile can play (true) or cannot (false).
    #[arg(long, value_name = "BOOL")]
    pub compatible: Option<bool>,

    /// ok, failed or missing.
    #[arg(long, value_parser = parse_status)]
    pub status: Option<MediaStatus>,

    /// Only files at or below this folder.
    #[arg(long, value_name = "DIR")]
    pub path_prefix: Option<PathBuf>,

    /// Text in the show name or title, any case.
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,

    /// Show only this client profile's decision (the PLAYS column, and `playback` in JSON).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// Only files whose decision in --profile (default: the profile `compatibility` follows,
    /// the library's or the default one) is this: direct_play, remux, transcode_audio,
    /// transcode_video, or transcode (any of the three that transcode).
    #[arg(long, value_parser = parse_decision)]
    pub decision: Option<DecisionMatch>,

    /// Only files whose video has this dynamic range: sdr, hdr10, hdr10+, hlg, dolby_vision.
    #[arg(long, value_parser = parse_hdr)]
    pub hdr: Option<HdrKind>,

    /// Only files whose video has this codec, as ffprobe names it (h264, hevc, av1, vp9 …).
    #[arg(long, value_name = "CODEC")]
    pub codec: Option<String>,

    /// Only files in this resolution class, as the report groups them: 4320p, 2160p, 1440p,
    /// 1080p, 720p, sd, or unknown (no video size).
    #[arg(long, value_parser = parse_resolution)]
    pub resolution: Option<ResolutionClass>,

    /// At most this many files (1–1000000000).
    #[arg(long, value_parser = |s: &str| bounds::MEDIA_LIMIT.parse(s))]
    pub limit: Option<u64>,
}

pub(super) fn parse_kind(s: &str) -> Result<MediaKind, String> {
    MediaKind::parse(s).ok_or_else(|| "use episode, movie, extra, sample or unknown".to_owned())
}

fn parse_decision(s: &str) -> Result<DecisionMatch, String> {
    DecisionMatch::parse(s).ok_or_else(|| format!("use {}", DecisionMatch::NAMES.join(", ")))
}

fn parse_hdr(s: &str) -> Result<HdrKind, String> {
    HdrKind::parse(s).ok_or_else(|| "use sdr, hdr10, hdr10+, hlg or dolby_vision".to_owned())
}

fn parse_resolution(s: &str) -> Result<ResolutionClass, String> {
    ResolutionClass::parse(s).ok_or_else(|| format!("use {}", ResolutionClass::NAMES.join(", ")))
}

fn parse_status(s: &str) -> Result<MediaStatus, String> {
    MediaStatus::parse(s).ok_or_else(|| "use ok, failed or missing".to_owned())
}

/// Records read from the catalog at a time.
const PAGE: u64 = 1_000;

pub async fn run(args: MediaArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let settings = args.db.settings(config)?;
    if let Some(profile) = &args.profile {
        crate::profiles::known(&settings.profiles, profile).map_err(UsageError)?;
    }
    // `--decision` alone: in the profile `compatibility` follows.
    let judged = match (&args.profile, &args.library) {
        (Some(profile), _) => profile.clone(),
        (None, Some(library)) => config
            .library(library)
            .map_or_else(|_| settings.profiles.main().to_owned(), |l| l.profile.clone()),
        (None, None) => settings.profiles.main().to_owned(),
    };
    let catalog = CatalogReader::open(&settings).await?;
    let result = list(&catalog, &args, judged).await;
    catalog.close().await;
    result
}

async fn list(catalog: &CatalogReader, args: &MediaArgs, judged: String) -> anyhow::Result<ExitCode> {
    let under = match &args.path_prefix {
        Some(dir) => vec![std::path::absolute(dir)?],
        None => Vec::new(),
    };
    let filter = MediaFilter {
        library: args.library.clone(),
        show: args.show.clone(),
        season: args.season,
        kind: args.kind,
        compatible: args.compatible,
        status: args.status,
        under,
        search: args.search.clone(),
        decision: args.decision.map(|decision| DecisionFilter { profile: judged, decision }),
        hdr: args.hdr,
        video_codec: args.codec.as_ref().map(|c| c.to_ascii_lowercase()),
        resolution: args.resolution,
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let mut table = output::MediaTable::new(args.profile.clone());
    let mut after = None;
    let mut left = args.limit.unwrap_or(u64::MAX);
    while left > 0 {
        let limit = PAGE.min(left);
        let query =
            MediaQuery { filter: filter.clone(), after_path: after.take(), offset: None, limit: Some(limit) };
        let mut page = catalog.media().list(query).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.path.clone());
        left -= page.len() as u64;
        for record in &mut page {
            if let Some(profile) = &args.profile {
                record.playback.retain(|name, _| name == profile);
            }
            if args.json {
                serde_json::to_writer(&mut out, record)?;
                writeln!(out)?;
            } else {
                table.push(record);
            }
        }
        if (page.len() as u64) < limit {
            break;
        }
    }
    if !args.json {
        table.write(&mut out)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
