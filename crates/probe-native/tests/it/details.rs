//! Issue 14's stream details on files made to carry them (HDR10 with mastering metadata, HLG,
//! tagged colours, forced and SDH subtitles with titles, interlacing, an
//! anamorphic DVD-style MPEG-2): ffprobe reports the property each file was made with, and
//! the native probe reports exactly what ffprobe does — or, where it must, leaves the file to
//! ffprobe.

use probe_ffprobe::{FfprobeConfig, FfprobeMediaProbe};
use probe_native::{Answer, NativeProbe, read_headers};
use scanner_core::ports::MediaProbe;
use scanner_core::{HdrKind, MediaInfo};
use testkit::{Spec, Video};

use crate::differential::{differences, report};

const HDR10: &str = "log-level=error:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:\
master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1):max-cll=1000,400:hdr10=1";
const HLG: &str = "log-level=error:colorprim=bt2020:transfer=arib-std-b67:colormatrix=bt2020nc";

struct Case {
    name: &'static str,
    spec: Spec,
    /// What ffprobe must report of the file: that it was made as meant.
    made: fn(&MediaInfo) -> bool,
    /// Whether the native probe must answer (rather than leave the file to ffprobe).
    native: bool,
}

fn x265(params: &'static str) -> Video {
    Video { extra: vec!["-x265-params", params], ..Video::new("libx265", "yuv420p10le") }
}

fn video(info: &MediaInfo) -> &scanner_core::VideoStream {
    info.video.as_ref().expect("a video stream")
}

fn cases() -> Vec<Case> {
    let x264 = || Video::new("libx264", "yuv420p");
    vec![
        Case {
            name: "x265 HDR10 with mastering metadata mkv",
            spec: Spec::new("mkv").video(x265(HDR10)).audio("aac", 2, None),
            made: |i| video(i).hdr == HdrKind::Hdr10 && video(i).color_primaries.as_deref() == Some("bt2020"),
            native: true,
        },
        Case {
            name: "x265 HDR10 mp4",
            spec: Spec::new("mp4").video(x265(HDR10)).muxer(&["-tag:v", "hvc1"]),
            made: |i| video(i).hdr == HdrKind::Hdr10 && video(i).codec_tag.as_deref() == Some("hvc1"),
            native: true,
        },
        Case {
            name: "x265 HLG mkv",
            spec: Spec::new("mkv").video(x265(HLG)),
            made: |i| video(i).hdr == HdrKind::Hlg,
            native: true,
        },
        Case {
            name: "h264 bt709 tagged mkv",
            spec: Spec::new("mkv").video(Video {
                extra: vec!["-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709"],
                ..x264()
            }),
            made: |i| video(i).color_space.as_deref() == Some("bt709") && video(i).color_range.is_some(),
            native: true,
        },
        Case {
            name: "forced and SDH subtitles, titled audio mkv",
            spec: Spec::new("mkv")
                .video(x264())
                .audio("aac", 2, Some("eng"))
                .subtitle("srt", Some("eng"))
                .subtitle("srt", Some("eng"))
                .muxer(&[
                    "-disposition:s:0",
                    "forced",
                    "-disposition:s:1",
                    "hearing_impaired",
                    "-metadata:s:s:1",
                    "title=SDH",
                    "-metadata:s:a:0",
                    "title=Commentary",
                ]),
            made: |i| {
                i.subtitles[0].forced
                    && i.subtitles[1].hearing_impaired
                    && i.subtitles[1].title.as_deref() == Some("SDH")
                    && i.audio[0].title.as_deref() == Some("Commentary")
            },
            native: true,
        },
        Case {
            name: "interlaced h264 mkv",
            spec: Spec::new("mkv")
                .video(Video { extra: vec!["-flags", "+ildct+ilme", "-top", "1"], ..x264() }),
            made: |i| video(i).interlaced(),
            native: false,
        },
        Case {
            name: "anamorphic DVD-style MPEG-2 mkv",
            spec: Spec::new("mkv")
                .video(Video {
                    width: 720,
                    height: 480,
                    extra: vec!["-aspect", "16:9"],
                    ..Video::new("mpeg2video", "yuv420p")
                })
                .audio("ac3", 2, None),
            made: |i| video(i).display_aspect_ratio.as_deref() == Some("16:9"),
            native: false,
        },
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_made_for_each_detail_are_read_as_ffprobe_reads_them() {
    testkit::require_ffmpeg();
    let ffprobe = FfprobeMediaProbe::new(FfprobeConfig::default());
    let (mut problems, mut unsure) = (Vec::new(), Vec::new());
    for case in cases() {
        let path = case.spec.build();
        let expected =
            ffprobe.probe(path.clone()).await.unwrap_or_else(|e| panic!("ffprobe on {}: {e}", case.name));
        assert!((case.made)(&expected), "{} was not made as meant: {expected:?}", case.name);
        match read_headers(&path, NativeProbe::default().max_bytes).unwrap() {
            Answer::Known(info) => {
                let diff = differences(&info, &expected);
                if !diff.is_empty() {
                    problems.push(format!("{}: {}", case.name, diff.join("; ")));
                }
            }
            Answer::Unsure(why) if case.native => problems.push(format!("{}: unsure ({why})", case.name)),
            Answer::Unsure(why) => unsure.push(format!("{}: {why}", case.name)),
        }
    }
    report(&format!("left to ffprobe:\n  {}", unsure.join("\n  ")));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
