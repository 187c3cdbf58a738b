//! Sidecar files: what sits beside a video and describes it without being probed — external
//! subtitles, Kodi `.nfo` documents, artwork. Pure rules: the walk reports sidecar files with
//! each folder's videos, the scan reads the few bytes these rules ask for through the
//! `FileSource` port, and [`build`] turns them into the video's external subtitles, metadata
//! and artwork. The naming rules are documented, with examples, in `docs/naming.md`.

pub mod content;
mod lang;
pub mod names;
pub mod nfo;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::hash::fnv;
use crate::media::FileStat;
use crate::streams::{SubtitleStream, is_text_subtitle};
pub use names::{Kind, inherited, is_subtitle_folder};

/// Metadata a `.nfo` file gives a video.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Metadata {
    pub title: Option<String>,
    pub original_title: Option<String>,
    pub year: Option<u16>,
    pub plot: Option<String>,
    pub ids: ProviderIds,
}

/// Ids of the video (or its show, from `tvshow.nfo`) at metadata providers. Named `NfoIds` in
/// the OpenAPI document: `parse::ProviderIds` (numbers, in `parsed.ids`) has this type's name.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = NfoIds))]
pub struct ProviderIds {
    /// The Movie Database id, digits (`603`).
    pub tmdb: Option<String>,
    /// IMDb title id (`tt0133093`).
    pub imdb: Option<String>,
    /// TheTVDB id, digits (`81189`).
    pub tvdb: Option<String>,
}

/// External subtitles and artwork kept per video, at most.
const MAX_PER_VIDEO: usize = 64;

/// Raise when the rules below change: every stored sidecar signature stops matching, and the
/// next scan reads every video's sidecars again (without probing the videos).
const RULES_VERSION: u32 = 1;

/// Whether the walk reports a file of this name as a sidecar.
pub fn is_sidecar(name: &str) -> bool {
    names::kind(name).is_some()
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Where a sidecar sits relative to the folder of the videos.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Beside,
    /// In a `Subs/` or `Subtitles/` folder beside the videos.
    InSubs,
    /// In a folder of `Subs/` named after one video (`Subs/<video>/2_English.srt`, as TV
    /// season packs lay them out).
    InVideoSubs,
    /// In the parent folder (a show's folder, seen from a season folder).
    Parent,
}

fn place(dir: &Path, sidecar: &Path) -> Place {
    let parent = sidecar.parent().unwrap_or(Path::new(""));
    if parent == dir {
        Place::Beside
    } else if parent.parent() == Some(dir)
        && parent.file_name().is_some_and(|n| is_subtitle_folder(&n.to_string_lossy()))
    {
        Place::InSubs
    } else if let Some(subs) = parent.parent()
        && subs.parent() == Some(dir)
        && subs.file_name().is_some_and(|n| is_subtitle_folder(&n.to_string_lossy()))
    {
        Place::InVideoSubs
    } else {
        Place::Parent
    }
}

/// The video (index into `stems`) a subtitle is named after: the longest matching name, so
/// that `Movie.Extended.en.srt` goes to `Movie.Extended.mkv` rather than `Movie.mkv`.
fn named_after(sidecar_stem: &str, stems: &[String], separators: &[char]) -> Option<usize> {
    stems
        .iter()
        .enumerate()
        .filter(|(_, stem)| names::after_stem(sidecar_stem, stem, separators).is_some())
        .max_by_key(|(_, stem)| stem.len())
        .map(|(i, _)| i)
}

fn video_stem(video: &Path) -> String {
    names::stem(&file_name(video)).to_owned()
}

/// Which of `sidecars` belong to each of the folder `dir`'s `videos` (index-aligned).
pub fn assign<'a>(dir: &Path, videos: &[FileStat], sidecars: &'a [FileStat]) -> Vec<Vec<&'a FileStat>> {
    let stems: Vec<String> = videos.iter().map(|v| video_stem(&v.path)).collect();
    let mut out = vec![Vec::new(); videos.len()];
    for sidecar in sidecars {
        let name = file_name(&sidecar.path);
        let Some(kind) = names::kind(&name) else { continue };
        let stem = names::stem(&name);
        let owner = match place(dir, &sidecar.path) {
            Place::Parent if inherited(&name) => None,
            Place::Parent => continue,
            Place::Beside if names::describes_folder(&name) => None,
            Place::Beside => {
                let found = match kind {
                    Kind::Subtitle => named_after(stem, &stems, &['.']),
                    Kind::Nfo => stems.iter().position(|s| s.eq_ignore_ascii_case(stem)),
                    Kind::Image => stems.iter().position(|s| names::image_of_video(stem, s)),
                };
                let Some(found) = found else { continue };
                Some(found)
            }
            Place::InSubs if kind == Kind::Subtitle => {
                match named_after(stem, &stems, &['.', '_']).or((videos.len() == 1).then_some(0)) {
                    Some(found) => Some(found),
                    None => continue,
                }
            }
            Place::InVideoSubs if kind == Kind::Subtitle => {
                // The folder names the video; a lone video owns a lone folder's subtitles.
                let folder = sidecar.path.parent().map(file_name).unwrap_or_default();
                match stems
                    .iter()
                    .position(|s| s.eq_ignore_ascii_case(&folder))
                    .or((videos.len() == 1).then_some(0))
                {
                    Some(found) => Some(found),
                    None => continue,
                }
            }
            Place::InSubs | Place::InVideoSubs => continue,
        };
        match owner {
            Some(i) => out[i].push(sidecar),
            None => out.iter_mut().for_each(|list| list.push(sidecar)),
        }
    }
    out
}

/// The signature of one video's sidecars (paths, sizes, times, inodes); `None` without any.
/// Stored with the video: a rescan that finds another one reads the sidecars again.
pub fn signature(sidecars: &[&FileStat]) -> Option<u64> {
    if sidecars.is_empty() {
        return None;
    }
    let mut sorted = sidecars.to_vec();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let mut hash = crate::hash::SEED;
    fnv(&mut hash, &RULES_VERSION.to_le_bytes());
    for file in sorted {
        fold(&mut hash, file);
    }
    Some(hash)
}

/// Folds one file's name or path, size, time and inode into a signature.
pub(crate) fn fold(hash: &mut u64, file: &FileStat) {
    fnv(hash, file.path.as_os_str().as_encoded_bytes());
    fnv(hash, &[0]);
    fnv(hash, &file.size.to_le_bytes());
    fnv(hash, &file.modified.timestamp_nanos_opt().unwrap_or_default().to_le_bytes());
    if let Some(identity) = file.identity {
        fnv(hash, &identity.device.to_le_bytes());
        fnv(hash, &identity.inode.to_le_bytes());
    }
}

/// How many bytes of a sidecar [`build`] needs: a subtitle's first bytes, an `.nfo` whole (one
/// byte more than allowed, to tell a too large one); `None` for images, which are not read.
pub fn bytes_needed(path: &Path) -> Option<u64> {
    match names::kind(&file_name(path))? {
        Kind::Subtitle => Some(content::SNIFF_BYTES),
        Kind::Nfo => Some(nfo::MAX_NFO_BYTES + 1),
        Kind::Image => None,
    }
}

/// A sidecar and what was read of it (`None` for images; `Err` when it could not be read).
#[derive(Debug)]
pub struct Read {
    pub path: PathBuf,
    pub bytes: Option<Result<Vec<u8>, String>>,
}

/// What a video's sidecars say.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SidecarData {
    /// External subtitles, in path order.
    pub subtitles: Vec<SubtitleStream>,
    pub metadata: Option<Metadata>,
    /// Artwork paths, in path order.
    pub artwork: Vec<String>,
    /// Problems to report (an unreadable sidecar, a malformed `.nfo`); never a failed file.
    pub warnings: Vec<String>,
}

/// Turns the sidecars of `video` (as [`assign`] gave them, read as [`bytes_needed`] asks) into
/// its external subtitles, metadata and artwork. `season` is the video's parsed season: season
/// images of other seasons are left out.
pub fn build(video: &Path, season: Option<u32>, mut read: Vec<Read>) -> SidecarData {
    read.sort_by(|a, b| a.path.cmp(&b.path));
    let dir = video.parent().unwrap_or(Path::new(""));
    let stem = video_stem(video);
    let mut data = SidecarData::default();
    let mut nfos: Vec<(u8, &Read)> = Vec::new();
    for sidecar in &read {
        let name = file_name(&sidecar.path);
        match names::kind(&name) {
            Some(Kind::Subtitle) if data.subtitles.len() < MAX_PER_VIDEO => {
                if let Some(sub) = subtitle(dir, &stem, sidecar, &read, &mut data.warnings) {
                    data.subtitles.push(sub);
                }
            }
            Some(Kind::Nfo) => nfos.push((nfo_rank(&name, &stem, place(dir, &sidecar.path)), sidecar)),
            Some(Kind::Image) if data.artwork.len() < MAX_PER_VIDEO => {
                let shows = names::season_image(&names::stem(&name).to_ascii_lowercase());
                let wanted = match shows {
                    Some(Some(n)) => season == Some(n),
                    Some(None) => season.is_some(),
                    None => true,
                };
                if wanted {
                    data.artwork.push(sidecar.path.to_string_lossy().into_owned());
                }
            }
            _ => {}
        }
    }
    nfos.sort_by_key(|(rank, _)| *rank);
    for (_, sidecar) in nfos {
        match &sidecar.bytes {
            Some(Ok(bytes)) => match nfo::parse(bytes) {
                Ok(meta) => {
                    data.metadata = Some(meta);
                    break;
                }
                Err(e) => data.warnings.push(format!("{}: {e}", sidecar.path.display())),
            },
            Some(Err(e)) => data.warnings.push(format!("{}: {e}", sidecar.path.display())),
            None => {}
        }
    }
    data
}

/// Which `.nfo` wins: the video's own, then `movie.nfo`, then the show's `tvshow.nfo`.
fn nfo_rank(name: &str, video_stem: &str, place: Place) -> u8 {
    let stem = names::stem(name).to_ascii_lowercase();
    match stem.as_str() {
        _ if stem.eq_ignore_ascii_case(video_stem) => 0,
        "movie" => 1,
        "tvshow" if place == Place::Beside => 2,
        _ => 3,
    }
}

/// One external subtitle; `None` for the `.sub` half of a VobSub pair (its `.idx` stands for
/// both).
fn subtitle(
    dir: &Path,
    video_stem: &str,
    sidecar: &Read,
    all: &[Read],
    warnings: &mut Vec<String>,
) -> Option<SubtitleStream> {
    let name = file_name(&sidecar.path);
    let ext = names::extension(&name)?;
    let stem = names::stem(&name);
    if ext == "sub" {
        let base = sidecar.path.with_extension("");
        let is_idx = |r: &Read| names::extension(&file_name(&r.path)).as_deref() == Some("idx");
        if all.iter().any(|r| is_idx(r) && r.path.with_extension("") == base) {
            return None;
        }
    }
    let words = match place(dir, &sidecar.path) {
        Place::InSubs => names::after_stem(stem, video_stem, &['.', '_']).unwrap_or(stem),
        Place::InVideoSubs => stem,
        _ => names::after_stem(stem, video_stem, &['.']).unwrap_or_default(),
    };
    let parsed = names::subtitle_name(words);
    let sniffed = match &sidecar.bytes {
        Some(Ok(head)) => content::codec_from_content(head),
        Some(Err(e)) => {
            warnings.push(format!("{}: {e}", sidecar.path.display()));
            None
        }
        None => None,
    };
    let codec = sniffed.or_else(|| content::codec_from_extension(&ext))?;
    Some(SubtitleStream {
        index: 0,
        codec: codec.to_owned(),
        language: parsed.language.map(str::to_owned),
        default: parsed.default,
        forced: parsed.forced,
        hearing_impaired: parsed.hearing_impaired,
        title: parsed.title,
        text: is_text_subtitle(codec),
        external: true,
        path: Some(sidecar.path.to_string_lossy().into_owned()),
    })
}

#[cfg(test)]
mod tests;
