use std::path::{Path, PathBuf};

use chrono::DateTime;

use super::*;

fn stat(path: &str) -> FileStat {
    FileStat { path: PathBuf::from(path), size: 10, modified: DateTime::UNIX_EPOCH, identity: None }
}

fn names(list: &[&FileStat]) -> Vec<String> {
    list.iter().map(|f| f.path.to_string_lossy().into_owned()).collect()
}

#[test]
fn sidecars_go_to_the_video_they_are_named_after() {
    let dir = Path::new("/m/Movie (2010)");
    let videos =
        [stat("/m/Movie (2010)/Movie (2010).mkv"), stat("/m/Movie (2010)/Movie (2010).Extended.mkv")];
    let sidecars = [
        stat("/m/Movie (2010)/Movie (2010).en.srt"),
        stat("/m/Movie (2010)/Movie (2010).Extended.de.forced.srt"),
        stat("/m/Movie (2010)/Movie (2010).nfo"),
        stat("/m/Movie (2010)/Movie (2010)-thumb.jpg"),
        stat("/m/Movie (2010)/poster.jpg"),
        stat("/m/Movie (2010)/movie.nfo"),
        stat("/m/Movie (2010)/Subs/Movie (2010).Extended.fr.srt"),
        stat("/m/Movie (2010)/Other.en.srt"),
        stat("/m/Movie (2010)/Subs/English.srt"),
        stat("/m/poster.jpg"),
    ];
    let got = assign(dir, &videos, &sidecars);
    assert_eq!(
        names(&got[0]),
        [
            "/m/Movie (2010)/Movie (2010).en.srt",
            "/m/Movie (2010)/Movie (2010).nfo",
            "/m/Movie (2010)/Movie (2010)-thumb.jpg",
            "/m/Movie (2010)/poster.jpg",
            "/m/Movie (2010)/movie.nfo",
            "/m/poster.jpg",
        ]
    );
    assert_eq!(
        names(&got[1]),
        [
            "/m/Movie (2010)/Movie (2010).Extended.de.forced.srt",
            "/m/Movie (2010)/poster.jpg",
            "/m/Movie (2010)/movie.nfo",
            "/m/Movie (2010)/Subs/Movie (2010).Extended.fr.srt",
            "/m/poster.jpg",
        ]
    );
}

#[test]
fn a_subs_folder_beside_a_single_video_needs_no_names() {
    let videos = [stat("/m/Film/Film.mkv")];
    let sidecars = [stat("/m/Film/Subs/2_English.srt"), stat("/m/Film/Subtitles/French.forced.srt")];
    let got = assign(Path::new("/m/Film"), &videos, &sidecars);
    assert_eq!(got[0].len(), 2);
    let read = got[0].iter().map(|f| Read { path: f.path.clone(), bytes: None }).collect();
    let data = build(&videos[0].path, None, read);
    let langs: Vec<_> = data.subtitles.iter().map(|s| (s.language.as_deref(), s.forced)).collect();
    assert_eq!(langs, [(Some("eng"), false), (Some("fre"), true)]);
}

#[test]
fn a_season_packs_subs_folders_named_after_episodes_go_to_those_episodes() {
    let dir = Path::new("/tv/Show/Season 1");
    let videos =
        [stat("/tv/Show/Season 1/Show.S01E01.720p.mkv"), stat("/tv/Show/Season 1/Show.S01E02.720p.mkv")];
    let sidecars = [
        stat("/tv/Show/Season 1/Subs/Show.S01E01.720p/2_English.srt"),
        stat("/tv/Show/Season 1/Subs/Show.S01E01.720p/3_Spanish.forced.srt"),
        stat("/tv/Show/Season 1/Subs/show.s01e02.720p/2_English.srt"),
        // A folder named after no video, in a folder of two: nobody's.
        stat("/tv/Show/Season 1/Subs/Other.S01E09/2_English.srt"),
    ];
    let got = assign(dir, &videos, &sidecars);
    assert_eq!(
        names(&got[0]),
        [
            "/tv/Show/Season 1/Subs/Show.S01E01.720p/2_English.srt",
            "/tv/Show/Season 1/Subs/Show.S01E01.720p/3_Spanish.forced.srt"
        ]
    );
    assert_eq!(names(&got[1]), ["/tv/Show/Season 1/Subs/show.s01e02.720p/2_English.srt"]);
    let read = got[0].iter().map(|f| Read { path: f.path.clone(), bytes: None }).collect();
    let data = build(&videos[0].path, Some(1), read);
    let langs: Vec<_> = data.subtitles.iter().map(|s| (s.language.as_deref(), s.forced)).collect();
    assert_eq!(langs, [(Some("eng"), false), (Some("spa"), true)]);
    // A lone video owns a lone folder of subtitles, whatever its name.
    let one = [stat("/m/Film/Film.mkv")];
    let subs = [stat("/m/Film/Subs/Film.2010.1080p.BluRay/English.srt")];
    let got = assign(Path::new("/m/Film"), &one, &subs);
    assert_eq!(got[0].len(), 1);
}

#[test]
fn build_reads_codecs_from_content_pairs_vobsub_and_picks_the_nfo() {
    let video = Path::new("/tv/Show/Season 01/Show - S01E01.mkv");
    let read = |path: &str, bytes: Option<&[u8]>| Read {
        path: PathBuf::from(path),
        bytes: bytes.map(|b| Ok(b.to_vec())),
    };
    let data = build(
        video,
        Some(1),
        vec![
            read("/tv/Show/Season 01/Show - S01E01.en.srt", Some(b"WEBVTT\n\n")),
            read("/tv/Show/Season 01/Show - S01E01.eng.sdh.idx", Some(b"# VobSub index file, v7")),
            read("/tv/Show/Season 01/Show - S01E01.eng.sdh.sub", Some(&[0, 0, 1, 0xba])),
            read("/tv/Show/Season 01/Show - S01E01.nfo", Some(b"<episodedetails><broken>")),
            read(
                "/tv/Show/tvshow.nfo",
                Some(b"<tvshow><title>Show</title><uniqueid type=\"tvdb\">81189</uniqueid></tvshow>"),
            ),
            read("/tv/Show/season01-poster.jpg", None),
            read("/tv/Show/season02-poster.jpg", None),
            read("/tv/Show/poster.jpg", None),
        ],
    );
    let subs: Vec<_> =
        data.subtitles.iter().map(|s| (s.codec.as_str(), s.text, s.hearing_impaired, s.external)).collect();
    assert_eq!(subs, [("webvtt", true, false, true), ("dvd_subtitle", false, true, true)]);
    assert_eq!(data.subtitles[1].path.as_deref(), Some("/tv/Show/Season 01/Show - S01E01.eng.sdh.idx"));
    let meta = data.metadata.unwrap();
    assert_eq!((meta.title.as_deref(), meta.ids.tvdb.as_deref()), (Some("Show"), Some("81189")));
    assert_eq!(data.warnings.len(), 1, "{:?}", data.warnings);
    assert_eq!(data.artwork, ["/tv/Show/poster.jpg", "/tv/Show/season01-poster.jpg"]);
}

#[test]
fn signatures_change_with_any_sidecar() {
    let a = stat("/m/a.en.srt");
    let mut b = a.clone();
    b.size = 11;
    assert_eq!(signature(&[]), None);
    assert_ne!(signature(&[&a]), signature(&[&b]));
    let c = stat("/m/a.de.srt");
    assert_eq!(signature(&[&a, &c]), signature(&[&c, &a]));
}
