//! A file's streams as probes report them, in ffprobe's vocabulary (codec, profile, colour and
//! layout names exactly as `ffprobe -show_streams` prints them), so that both probes store the
//! same values and a client profile can be judged against them.
//!
//! Where ffprobe says "unknown" (`level` -99, a codec tag of zero, no field order) the value is
//! `None`.

use serde::{Deserialize, Serialize};

/// What kind of dynamic range the video has, derived from its colour transfer, its side data
/// and its codec tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HdrKind {
    /// Standard dynamic range.
    #[default]
    Sdr,
    /// PQ (SMPTE ST 2084) transfer.
    Hdr10,
    /// PQ with HDR10+ (SMPTE 2094-40) dynamic metadata. Also read as `hdr10plus` (a `+` in a
    /// query string is a space).
    #[serde(rename = "hdr10+", alias = "hdr10plus")]
    Hdr10Plus,
    /// Hybrid log-gamma (ARIB STD-B67) transfer.
    Hlg,
    /// A Dolby Vision configuration record or a Dolby Vision codec tag (`dvh1`, `dvhe`, `dav1`).
    DolbyVision,
}

impl HdrKind {
    pub const ALL: [Self; 5] = [Self::Sdr, Self::Hdr10, Self::Hdr10Plus, Self::Hlg, Self::DolbyVision];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sdr => "sdr",
            Self::Hdr10 => "hdr10",
            Self::Hdr10Plus => "hdr10+",
            Self::Hlg => "hlg",
            Self::DolbyVision => "dolby_vision",
        }
    }

    /// A kind by its name (`hdr10plus` too).
    pub fn parse(s: &str) -> Option<Self> {
        if s == "hdr10plus" {
            return Some(Self::Hdr10Plus);
        }
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kind of a video with these properties. Dolby Vision wins (profile 5 has no PQ
    /// transfer at all: only its configuration record or codec tag tells), then HDR10+, PQ and
    /// HLG.
    pub fn derive(
        color_transfer: Option<&str>,
        codec_tag: Option<&str>,
        dovi: bool,
        hdr10_plus: bool,
    ) -> Self {
        let dolby_tag = codec_tag.is_some_and(|t| matches!(t, "dvh1" | "dvhe" | "dav1" | "dva1" | "dvav"));
        if dovi || dolby_tag {
            return Self::DolbyVision;
        }
        match color_transfer {
            Some("smpte2084") if hdr10_plus => Self::Hdr10Plus,
            Some("smpte2084") => Self::Hdr10,
            Some("arib-std-b67") => Self::Hlg,
            _ => Self::Sdr,
        }
    }
}

/// A Dolby Vision configuration record (`dvcC`/`dvvC`, or Matroska's block addition mapping).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DoviConfig {
    pub profile: u8,
    pub level: u8,
    /// `dv_bl_signal_compatibility_id`: what a player without Dolby Vision sees (1: HDR10,
    /// 2: SDR, 4: HLG, 0: nothing usable).
    pub bl_compat_id: u8,
}

/// The video stream that represents the file (the first one that is not cover art).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VideoStream {
    /// The stream's index among all the file's streams, as ffprobe numbers them.
    #[serde(default)]
    pub index: u32,
    pub codec: String,
    pub profile: Option<String>,
    /// `level` as ffprobe prints it (41 for H.264 4.1, 120 for HEVC 4.0); `None` when unknown.
    #[serde(default)]
    pub level: Option<i32>,
    /// The four-character codec tag (`avc1`, `hvc1`, `hev1`, `dvh1`); `None` when zero.
    #[serde(default)]
    pub codec_tag: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Frames per second, e.g. 23.976: the average rate, or the base rate where the average is
    /// unknown.
    pub frame_rate: Option<f64>,
    /// The average frame rate alone (`avg_frame_rate`), to three decimals.
    #[serde(default)]
    pub avg_frame_rate: Option<f64>,
    pub pix_fmt: Option<String>,
    pub bit_depth: Option<u8>,
    /// `tv` or `pc`.
    #[serde(default)]
    pub color_range: Option<String>,
    /// Matrix coefficients (`bt709`, `bt2020nc`).
    #[serde(default)]
    pub color_space: Option<String>,
    /// Transfer characteristics (`bt709`, `smpte2084`, `arib-std-b67`).
    #[serde(default)]
    pub color_transfer: Option<String>,
    /// Colour primaries (`bt709`, `bt2020`).
    #[serde(default)]
    pub color_primaries: Option<String>,
    /// `progressive`, `tt`, `bb`, `tb` or `bt`; `None` when unknown.
    #[serde(default)]
    pub field_order: Option<String>,
    /// `"1:1"`, `"32:27"`, as ffprobe prints them.
    #[serde(default)]
    pub sample_aspect_ratio: Option<String>,
    #[serde(default)]
    pub display_aspect_ratio: Option<String>,
    /// Degrees of the display matrix's rotation, as ffprobe reports it (`-90`, `90`, `180`).
    #[serde(default)]
    pub rotation: Option<i32>,
    /// Bits per second, when the container says.
    #[serde(default)]
    pub bit_rate: Option<u64>,
    #[serde(default)]
    pub hdr: HdrKind,
    #[serde(default)]
    pub dovi: Option<DoviConfig>,
}

/// Resolution classes, largest first, with the frame size that names each.
pub const RESOLUTIONS: [(&str, u32, u32); 5] = [
    ("4320p", 7680, 4320),
    ("2160p", 3840, 2160),
    ("1440p", 2560, 1440),
    ("1080p", 1920, 1080),
    ("720p", 1280, 720),
];

/// A resolution class as filters name it: one of [`RESOLUTIONS`], `sd`, or `unknown` (the frame
/// size is not known) — the values of the library report's `resolution` grouping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResolutionClass(Option<&'static str>);

impl ResolutionClass {
    /// Every class by name, largest first, `unknown` last.
    pub const NAMES: [&'static str; RESOLUTIONS.len() + 2] = {
        let mut names = ["sd"; RESOLUTIONS.len() + 2];
        let mut i = 0;
        while i < RESOLUTIONS.len() {
            names[i] = RESOLUTIONS[i].0;
            i += 1;
        }
        names[RESOLUTIONS.len() + 1] = crate::report::UNKNOWN;
        names
    };

    /// The class named `name` exactly (lower case), if there is one.
    pub fn parse(name: &str) -> Option<Self> {
        let name = Self::NAMES.into_iter().find(|n| *n == name)?;
        Some(Self((name != crate::report::UNKNOWN).then_some(name)))
    }

    /// The class of a file whose video is `video`.
    pub fn of(video: Option<&VideoStream>) -> Self {
        Self(video.and_then(VideoStream::resolution))
    }

    /// What [`VideoStream::resolution`] says for files of this class (`None`: `unknown`).
    pub fn class(self) -> Option<&'static str> {
        self.0
    }

    pub fn as_str(self) -> &'static str {
        self.0.unwrap_or(crate::report::UNKNOWN)
    }
}

impl VideoStream {
    /// The resolution class the library report groups by: the largest class of [`RESOLUTIONS`]
    /// whose width or height the video reaches within 10 % (a 1920x800 film is `1080p`, and so
    /// is 1440x1080 HDV), `sd` below 720p, `None` when the size is unknown.
    pub fn resolution(&self) -> Option<&'static str> {
        let (width, height) = (self.width?, self.height?);
        let reaches = |have: u32, class: u32| u64::from(have) * 10 >= u64::from(class) * 9;
        Some(
            RESOLUTIONS
                .iter()
                .find(|(_, w, h)| reaches(width, *w) || reaches(height, *h))
                .map_or("sd", |(name, _, _)| *name),
        )
    }

    /// Whether the video is interlaced (a field order other than progressive).
    pub fn interlaced(&self) -> bool {
        self.field_order.as_deref().is_some_and(|f| f != "progressive")
    }

    /// The chroma subsampling of the pixel format: `420`, `422`, `444`, `400` (gray).
    pub fn chroma(&self) -> Option<&'static str> {
        let pix_fmt = self.pix_fmt.as_deref()?;
        if pix_fmt.starts_with("gray") {
            return Some("400");
        }
        ["420", "422", "444", "440", "411", "410"].into_iter().find(|c| pix_fmt.contains(c)).or_else(|| {
            matches!(pix_fmt.trim_end_matches("le").trim_end_matches("be"), "nv12" | "nv21" | "p010" | "p016")
                .then_some("420")
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AudioStream {
    #[serde(default)]
    pub index: u32,
    pub codec: String,
    /// `LC`, `HE-AAC`, `HE-AACv2`, `DTS-HD MA` … as ffprobe names it.
    #[serde(default)]
    pub profile: Option<String>,
    pub channels: Option<u32>,
    /// `stereo`, `5.1(side)` …
    #[serde(default)]
    pub channel_layout: Option<String>,
    #[serde(default)]
    pub sample_rate: Option<u32>,
    #[serde(default)]
    pub bit_rate: Option<u64>,
    /// ISO 639-2 code as the container tags it (`eng`, `jpn`), if tagged.
    pub language: Option<String>,
    #[serde(default)]
    pub default: bool,
    #[serde(default)]
    pub forced: bool,
    #[serde(default)]
    pub title: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubtitleStream {
    /// The stream's index in the file; for an external subtitle file, 0.
    #[serde(default)]
    pub index: u32,
    pub codec: String,
    pub language: Option<String>,
    #[serde(default)]
    pub default: bool,
    #[serde(default)]
    pub forced: bool,
    #[serde(default)]
    pub hearing_impaired: bool,
    #[serde(default)]
    pub title: Option<String>,
    /// Text (SubRip, ASS, WebVTT, mov_text …) rather than pictures (PGS, VobSub, DVB).
    #[serde(default)]
    pub text: bool,
    /// A subtitle file beside the video (`Movie.en.srt`, `Subs/English.srt`) rather than a
    /// stream inside it. Never probed: its codec comes from its first bytes.
    #[serde(default)]
    pub external: bool,
    /// The external subtitle file's path (absent for streams inside the video).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// Whether subtitles in this codec are text (as opposed to pictures).
pub fn is_text_subtitle(codec: &str) -> bool {
    matches!(
        codec,
        "subrip"
            | "srt"
            | "ass"
            | "ssa"
            | "webvtt"
            | "mov_text"
            | "text"
            | "microdvd"
            | "subviewer"
            | "subviewer1"
            | "sami"
            | "realtext"
            | "mpl2"
            | "pjs"
            | "jacosub"
            | "vplayer"
            | "stl"
            | "ttml"
            | "eia_608"
            | "arib_caption"
    )
}

/// A chapter: where it starts and ends, and its title if it has one.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Chapter {
    pub start_secs: f64,
    pub end_secs: f64,
    pub title: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolution_classes_are_the_report_s_values_and_nothing_else() {
        assert_eq!(ResolutionClass::NAMES, ["4320p", "2160p", "1440p", "1080p", "720p", "sd", "unknown"]);
        for name in ResolutionClass::NAMES {
            assert_eq!(ResolutionClass::parse(name).map(ResolutionClass::as_str), Some(name));
        }
        for bad in ["", "1080P", "1080", "480p", " sd", "unknownx"] {
            assert_eq!(ResolutionClass::parse(bad), None, "{bad:?}");
        }
        let video = VideoStream { width: Some(1920), height: Some(800), ..VideoStream::default() };
        assert_eq!(ResolutionClass::of(Some(&video)), ResolutionClass::parse("1080p").unwrap());
        assert_eq!(ResolutionClass::of(Some(&VideoStream::default())).class(), None);
        assert_eq!(ResolutionClass::of(None).as_str(), "unknown");
    }

    #[test]
    fn dynamic_range_follows_dolby_vision_then_transfer() {
        assert_eq!(HdrKind::derive(None, Some("dvh1"), false, false), HdrKind::DolbyVision);
        assert_eq!(HdrKind::derive(Some("bt709"), None, true, false), HdrKind::DolbyVision, "profile 5");
        assert_eq!(HdrKind::derive(Some("smpte2084"), Some("hvc1"), false, false), HdrKind::Hdr10);
        assert_eq!(HdrKind::derive(Some("smpte2084"), None, false, true), HdrKind::Hdr10Plus);
        assert_eq!(HdrKind::derive(Some("arib-std-b67"), None, false, false), HdrKind::Hlg);
        assert_eq!(HdrKind::derive(Some("bt709"), Some("avc1"), false, false), HdrKind::Sdr);
        for kind in HdrKind::ALL {
            assert_eq!(HdrKind::parse(kind.as_str()), Some(kind));
        }
    }

    #[test]
    fn chroma_comes_from_the_pixel_format() {
        let video = |p: &str| VideoStream { pix_fmt: Some(p.into()), ..VideoStream::default() };
        assert_eq!(video("yuv420p").chroma(), Some("420"));
        assert_eq!(video("yuv420p10le").chroma(), Some("420"));
        assert_eq!(video("yuvj422p").chroma(), Some("422"));
        assert_eq!(video("yuv444p12le").chroma(), Some("444"));
        assert_eq!(video("gray10le").chroma(), Some("400"));
        assert_eq!(video("nv12").chroma(), Some("420"));
        assert_eq!(video("gbrp").chroma(), None);
    }

    #[test]
    fn resolution_classes_follow_width_or_height() {
        let video = |w, h| VideoStream { width: Some(w), height: Some(h), ..VideoStream::default() };
        for (w, h, class) in [
            (1920, 1080, "1080p"),
            (1920, 800, "1080p"),
            (1440, 1080, "1080p"),
            (3840, 1600, "2160p"),
            (4096, 2160, "2160p"),
            (1280, 534, "720p"),
            (1024, 576, "sd"),
            (720, 480, "sd"),
            (7680, 4320, "4320p"),
            (2560, 1440, "1440p"),
        ] {
            assert_eq!(video(w, h).resolution(), Some(class), "{w}x{h}");
        }
        assert_eq!(VideoStream { width: Some(1920), ..VideoStream::default() }.resolution(), None);
        assert_eq!(video(u32::MAX, u32::MAX).resolution(), Some("4320p"));
    }
}
