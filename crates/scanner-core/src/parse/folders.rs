//! What the folders around a file say: a season (`Season 2`, `Specials`), noise (`Extras`,
//! `Sample`), or the show or film they are named after.

use super::extras::{EXTRA_FOLDERS, ExtraType};
use super::name::{NameInfo, Noise, Shape, analyze};

/// What a folder contributes.
enum Folder {
    Season(u32),
    Noise(Noise),
    Name(Box<NameInfo>),
}

fn classify_folder(name: &str) -> Folder {
    let lower = name.trim().to_lowercase();
    if matches!(lower.as_str(), "specials" | "special" | "speciale" | "extras & specials") {
        return Folder::Season(0);
    }
    if let Some((_, extra_type)) = EXTRA_FOLDERS.iter().find(|(folder, _)| *folder == lower) {
        return Folder::Noise(if *extra_type == ExtraType::Sample { Noise::Sample } else { Noise::Extra });
    }
    let info = analyze(name);
    if info.shape == Shape::Season && info.name.is_none() {
        return Folder::Season(info.season.unwrap_or_default());
    }
    Folder::Name(Box::new(info))
}

/// Folder names that organise a library but never name a show or movie.
const GENERIC_FOLDERS: &[&str] = &[
    "anime",
    "complete",
    "completed",
    "download",
    "downloads",
    "films",
    "incoming",
    "library",
    "media",
    "misc",
    "movies",
    "new folder",
    "series",
    "shows",
    "torrents",
    "tv",
    "tv shows",
    "tvshows",
    "unsorted",
    "video",
    "videos",
];

fn is_generic(folder: &str) -> bool {
    GENERIC_FOLDERS.contains(&folder.trim().to_lowercase().as_str())
}

/// What the folders around a file say.
#[derive(Default)]
pub(super) struct Context {
    pub season: Option<u32>,
    pub noise: Option<Noise>,
    pub show: Option<NameInfo>,
}

pub(super) fn folder_context<'a>(
    folders: impl DoubleEndedIterator<Item = &'a str>,
    root_name: Option<&str>,
) -> Context {
    let mut ctx = Context::default();
    for folder in folders.rev() {
        if is_generic(folder) {
            continue;
        }
        match classify_folder(folder) {
            Folder::Season(s) => {
                ctx.season.get_or_insert(s);
            }
            Folder::Noise(n) => {
                ctx.noise.get_or_insert(n);
            }
            Folder::Name(info) => {
                ctx.show = Some(*info);
                break;
            }
        }
    }
    if ctx.show.is_none()
        && ctx.season.is_some()
        && let Some(root) = root_name.filter(|r| !is_generic(r))
    {
        // `Season 1` directly under the root: the root is the show.
        ctx.show = Some(analyze(root));
    }
    ctx
}

pub(super) fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
    };
    norm(a) == norm(b)
}
