//! Puts a file name and its folders together: the file name is read first, the folders fill
//! what it leaves open, and where they disagree the file name wins.

use super::folders::{Context, same_name};
use super::name::{NameInfo, Noise, Shape};
use super::{MediaKind, ParsedName};

pub(super) fn merge(file: &NameInfo, ctx: &Context) -> ParsedName {
    let mut out = ParsedName {
        part: file.part,
        version: file.version,
        resolution: file.release.resolution.clone(),
        source: file.release.source.clone(),
        video_codec: file.release.video_codec.clone(),
        audio_codec: file.release.audio_codec.clone(),
        release_group: file.release.group.clone(),
        checksum: file.release.checksum.clone(),
        ..ParsedName::default()
    };
    let noise = file.noise.or(ctx.noise);
    match noise {
        Some(noise) if file.shape == Shape::Plain => bonus(&mut out, file, ctx, noise),
        _ => identify(&mut out, file, ctx),
    }
    if let Some(noise) = noise {
        out.kind = match noise {
            Noise::Sample => MediaKind::Sample,
            Noise::Extra => MediaKind::Extra,
        };
    }
    if file.absolute && out.season.is_none() {
        out.absolute_episode = out.episodes.first().copied();
    }
    if out.kind == MediaKind::Episode && out.show.as_deref().is_none_or(str::is_empty) {
        out.show = None;
        // An episode nobody can name is still one when its numbering says so: a marker that
        // names itself (`S01E04`, `Episode 5`, an air date), or a number in a season folder.
        // A bare `05 - Title` with nothing around it is not.
        let numbered = file.explicit || (ctx.season.is_some() && !out.episodes.is_empty());
        if !numbered {
            out.kind = MediaKind::Unknown;
        }
    }
    out
}

/// Bonus material whose own name says nothing about what it belongs to: the folders do.
fn bonus(out: &mut ParsedName, file: &NameInfo, ctx: &Context, noise: Noise) {
    out.title = file.name.clone();
    let Some(folder) = ctx.show.as_ref() else { return };
    match noise {
        // `Release.S01E02.720p-GRP/Sample/sample.mkv` is a sample of that release.
        Noise::Sample => {
            let release = Context { season: ctx.season, noise: None, show: None };
            let title = out.title.take();
            identify(out, folder, &release);
            if folder.shape == Shape::Plain {
                out.title = title;
            }
        }
        // `Movie (2010)/Extras/Making Of.mkv`: the movie's year, the extra's own title.
        Noise::Extra if folder.shape == Shape::Movie && folder.year.is_some() => out.year = folder.year,
        // `Show/Season 1/Extras/Bloopers.mkv`.
        Noise::Extra => {
            out.show = folder.name.clone();
            out.year = folder.year;
            out.season = ctx.season.or(folder.season);
        }
    }
}

/// What a file is, from its own name and its folders.
fn identify(out: &mut ParsedName, file: &NameInfo, ctx: &Context) {
    let folder_show = ctx.show.as_ref();
    let folder_is_show = folder_show.is_some_and(|f| matches!(f.shape, Shape::Episode | Shape::Season));

    // A release folder that names one episode (`Show.S02E05.720p.HDTV/160725_02.mkv`) numbers
    // the file inside it when the file's own name does not.
    let release_episodes = folder_show.filter(|f| f.shape == Shape::Episode).map(|f| f.episodes.as_slice());
    // `Season 1/01 Pilot (1080p HD).mkv`: a numbered file in a season folder is an episode even
    // when its name carries release tags.
    let numbered_in_season = ctx.season.is_some() && file.leading_number.is_some() && file.year.is_none();
    let plain = file.shape == Shape::Plain || (file.shape == Shape::Movie && numbered_in_season);
    let episode_like = match file.shape {
        Shape::Episode | Shape::Season => true,
        _ if plain => ctx.season.is_some() || folder_is_show,
        _ => false,
    };

    if episode_like {
        out.kind = MediaKind::Episode;
        out.season = file.season.or(ctx.season).or_else(|| folder_show.and_then(|f| f.season));
        out.episodes = file.episodes.clone();
        compact_in_season(out, file, ctx);
        out.date = file.date;
        out.title = file.title.clone();
        if plain {
            // `Season 1/03 Title.mkv`, `Season 1/Title 03.mkv`, `Season 1/Pilot.mkv`,
            // `Show.S02E05.HDTV/abc123.mkv`.
            // `Show - 3x07 - Title/307 - Title.avi`: a leading number that starts with the
            // season is a compact season and episode.
            let leading = file.leading_number.map(|n| match out.season {
                Some(season) if n >= 100 && n / 100 == season && n % 100 > 0 => n % 100,
                _ => n,
            });
            match leading {
                Some(n) => {
                    out.episodes = vec![n];
                    out.title = file.name.as_deref().and_then(|name| {
                        let rest = name.trim_start_matches(|c: char| c.is_ascii_digit()).trim();
                        (!rest.is_empty()).then(|| rest.to_owned())
                    });
                }
                None => {
                    out.title = file.name.clone();
                    if let Some(n) = file.trailing_number.filter(|_| ctx.season.is_some()) {
                        out.episodes = vec![n];
                    } else if let Some(episodes) = release_episodes {
                        out.episodes = episodes.to_vec();
                    }
                }
            }
            out.show = folder_show.and_then(|f| f.name.clone());
            out.year = folder_show.and_then(|f| f.year);
        } else if let Some(show) = file.name.clone() {
            out.year = file.year.or_else(|| {
                folder_show
                    .filter(|f| f.name.as_deref().is_some_and(|n| same_name(n, &show)))
                    .and_then(|f| f.year)
            });
            out.show = Some(show);
        } else {
            out.show = folder_show.and_then(|f| f.name.clone());
            out.year = file.year.or_else(|| folder_show.and_then(|f| f.year));
        }
    } else if file.shape == Shape::Movie {
        out.kind = MediaKind::Movie;
        out.title = file.name.clone();
        out.year = file.year;
        if out.year.is_none()
            && let Some(folder) = folder_show.filter(|f| f.shape == Shape::Movie && f.year.is_some())
        {
            out.year = folder.year;
            if out.title.as_deref().is_none_or(|t| !same_name(t, folder.name.as_deref().unwrap_or(""))) {
                out.title = folder.name.clone();
            }
        }
    } else if let Some(folder) = folder_show.filter(|f| f.shape == Shape::Movie && f.year.is_some()) {
        // `Movie (2010)/movie.mkv`, `Movie.2010.1080p-GRP/grp-m1080.mkv`.
        out.kind = MediaKind::Movie;
        out.title = folder.name.clone();
        out.year = folder.year;
    } else {
        out.kind = MediaKind::Unknown;
        out.title = file.name.clone();
        out.episodes = file.leading_number.map(|n| vec![n]).unwrap_or_default();
    }
}

/// Compact numbers checked against the season the folders give:
/// - `Season 21/Show 1001.mkv`: a compact number (`1001`, season 10 episode 1) that contradicts
///   the season folder is an absolute episode number of that season's show;
/// - `Show - 3x07 - Title/307 - Title.avi`: a leading number that starts with the season is a
///   compact season and episode.
fn compact_in_season(out: &mut ParsedName, file: &NameInfo, ctx: &Context) {
    if file.rule == Some("compact_number")
        && let Some(season) = ctx.season.filter(|&s| file.season != Some(s))
        && let (Some(compact), [episode]) = (file.season, file.episodes.as_slice())
    {
        out.season = Some(season);
        out.episodes = vec![compact * 100 + episode];
    }
    if file.rule == Some("leading_number")
        && let (Some(season), [n]) = (out.season, out.episodes.as_slice())
        && *n >= 100
        && n / 100 == season
        && n % 100 > 0
    {
        out.episodes = vec![n % 100];
    }
}
