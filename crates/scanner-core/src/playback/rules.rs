//! The rules of a playback decision, in the order reasons are listed. Each is a code, what it
//! forces, a sentence for the docs, and a check.

use super::{Effect, Reason, Subject};
use crate::streams::HdrKind;

/// The version of the rules' logic: raise it whenever a check changes, so that stored decisions
/// are made again (see [`super::Profiles::fingerprint`]).
pub const VERSION: u32 = 1;

/// One rule: a reason code, what it forces, and its check.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// The reason's machine-readable code.
    pub code: &'static str,
    pub effect: Effect,
    /// What the rule says, for `docs/playback.md`.
    pub doc: &'static str,
    pub check: fn(&Subject<'_>) -> Option<Reason>,
}

fn reason(code: &str, stream: Option<u32>, text: String) -> Option<Reason> {
    Some(Reason { code: code.to_owned(), stream, text })
}

fn listed(items: &[String], item: &str) -> bool {
    items.iter().any(|i| i.eq_ignore_ascii_case(item))
}

fn human(items: &[String]) -> String {
    match items.split_last() {
        None => "nothing".to_owned(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

fn container(s: &Subject<'_>) -> Option<Reason> {
    let text = match s.container.as_deref() {
        None => "the container format is unknown".to_owned(),
        Some(c) if listed(&s.profile.containers, c) => return None,
        Some(c) => format!("the container {c} is not {}", human(&s.profile.containers)),
    };
    reason("container_not_supported", None, text)
}

fn video_codec(s: &Subject<'_>) -> Option<Reason> {
    let video = s.info.video.as_ref()?;
    if s.video_support().is_some() {
        return None;
    }
    let codecs: Vec<String> = s.profile.video.iter().map(|v| v.codec.clone()).collect();
    let text = format!("the video codec {} is not {}", video.codec, human(&codecs));
    reason("video_codec_not_supported", Some(video.index), text)
}

fn video_profile(s: &Subject<'_>) -> Option<Reason> {
    let (video, support) = (s.info.video.as_ref()?, s.video_support()?);
    if support.profiles.is_empty() {
        return None;
    }
    let text = match video.profile.as_deref() {
        Some(p) if listed(&support.profiles, p) => return None,
        Some(p) => format!("the {} profile {p} is not {}", video.codec, human(&support.profiles)),
        None => format!("the {} profile is unknown", video.codec),
    };
    reason("video_profile_not_supported", Some(video.index), text)
}

fn video_level(s: &Subject<'_>) -> Option<Reason> {
    let (video, support) = (s.info.video.as_ref()?, s.video_support()?);
    let (level, max) = (video.level?, support.max_level?);
    (level > max).then_some(())?;
    reason(
        "video_level_too_high",
        Some(video.index),
        format!("the {} level {level} is above {max}", video.codec),
    )
}

fn video_bit_depth(s: &Subject<'_>) -> Option<Reason> {
    let (video, support) = (s.info.video.as_ref()?, s.video_support()?);
    let (depth, max) = (video.bit_depth?, support.max_bit_depth?);
    (depth > max).then_some(())?;
    reason(
        "video_bit_depth_not_supported",
        Some(video.index),
        format!("the video is {depth}-bit, more than {max}-bit"),
    )
}

fn video_chroma(s: &Subject<'_>) -> Option<Reason> {
    let (video, support) = (s.info.video.as_ref()?, s.video_support()?);
    let pix_fmt = video.pix_fmt.as_deref().unwrap_or("unknown");
    if !support.pix_fmts.is_empty() && !listed(&support.pix_fmts, pix_fmt) {
        let text = format!("the pixel format {pix_fmt} is not {}", human(&support.pix_fmts));
        return reason("video_chroma_not_supported", Some(video.index), text);
    }
    if support.chroma.is_empty() {
        return None;
    }
    let text = match video.chroma() {
        Some(c) if listed(&support.chroma, c) => return None,
        Some(c) => format!("the chroma subsampling {c} is not {}", human(&support.chroma)),
        None => format!("the chroma subsampling of {pix_fmt} is unknown"),
    };
    reason("video_chroma_not_supported", Some(video.index), text)
}

fn video_range(s: &Subject<'_>) -> Option<Reason> {
    let (video, support) = (s.info.video.as_ref()?, s.video_support()?);
    if video.hdr == HdrKind::Sdr || support.hdr.contains(&video.hdr) {
        return None;
    }
    let text = format!("the video is {}, which the client shows only after tone-mapping", video.hdr.as_str());
    reason("video_range_not_supported", Some(video.index), text)
}

fn interlaced(s: &Subject<'_>) -> Option<Reason> {
    let (video, support) = (s.info.video.as_ref()?, s.video_support()?);
    (video.interlaced() && !support.interlaced).then_some(())?;
    let order = video.field_order.as_deref().unwrap_or("interlaced");
    reason("interlaced_not_supported", Some(video.index), format!("the video is interlaced ({order})"))
}

fn resolution(s: &Subject<'_>) -> Option<Reason> {
    let (video, support) = (s.info.video.as_ref()?, s.video_support()?);
    let (width, height) = (video.width.unwrap_or(0), video.height.unwrap_or(0));
    let too_wide = support.max_width.is_some_and(|m| width > m);
    let too_high = support.max_height.is_some_and(|m| height > m);
    (too_wide || too_high).then_some(())?;
    let max = format!(
        "{}x{}",
        support.max_width.map_or("any".to_owned(), |w| w.to_string()),
        support.max_height.map_or("any".to_owned(), |h| h.to_string())
    );
    reason(
        "resolution_too_high",
        Some(video.index),
        format!("the video is {width}x{height}, larger than {max}"),
    )
}

fn frame_rate(s: &Subject<'_>) -> Option<Reason> {
    let (video, support) = (s.info.video.as_ref()?, s.video_support()?);
    let (rate, max) = (video.frame_rate?, support.max_frame_rate?);
    // 59.94 fits "60": rates are compared with a little room for rounding.
    (rate > max + 0.01).then_some(())?;
    reason(
        "frame_rate_too_high",
        Some(video.index),
        format!("the video has {rate} frames per second, more than {max}"),
    )
}

fn bit_rate(s: &Subject<'_>) -> Option<Reason> {
    let (video, support) = (s.info.video.as_ref()?, s.video_support()?);
    let max = support.max_bit_rate?;
    let rate = video.bit_rate.or(s.info.bit_rate)?;
    (rate > max).then_some(())?;
    let text = format!("the video needs {} kbit/s, more than {} kbit/s", rate / 1000, max / 1000);
    reason("bit_rate_too_high", Some(video.index), text)
}

fn codec_tag(s: &Subject<'_>) -> Option<Reason> {
    let (video, support) = (s.info.video.as_ref()?, s.video_support()?);
    let tag = video.codec_tag.as_deref()?;
    (!support.codec_tags.is_empty() && !listed(&support.codec_tags, tag)).then_some(())?;
    let text = format!(
        "the {} codec tag {tag} is not {} (a remux retags it)",
        video.codec,
        human(&support.codec_tags)
    );
    reason("codec_tag_not_supported", Some(video.index), text)
}

fn audio_missing(s: &Subject<'_>) -> Option<Reason> {
    (s.info.audio.is_empty() && !s.profile.allow_no_audio).then_some(())?;
    reason("audio_missing", None, "the file has no audio, which the client needs".to_owned())
}

fn audio_codec(s: &Subject<'_>) -> Option<Reason> {
    let audio = s.audio()?;
    if s.audio_support().is_some() {
        return None;
    }
    let codecs: Vec<String> = s.profile.audio.iter().map(|a| a.codec.clone()).collect();
    reason(
        "audio_codec_not_supported",
        Some(audio.index),
        format!("the audio codec {} is not {}", audio.codec, human(&codecs)),
    )
}

fn audio_channels(s: &Subject<'_>) -> Option<Reason> {
    let (audio, support) = (s.audio()?, s.audio_support()?);
    let (channels, max) = (audio.channels?, support.max_channels?);
    (channels > max).then_some(())?;
    reason(
        "audio_channels_not_supported",
        Some(audio.index),
        format!("the audio has {channels} channels, more than {max}"),
    )
}

fn audio_profile(s: &Subject<'_>) -> Option<Reason> {
    let (audio, support) = (s.audio()?, s.audio_support()?);
    if support.profiles.is_empty() {
        return None;
    }
    let text = match audio.profile.as_deref() {
        Some(p) if listed(&support.profiles, p) => return None,
        Some(p) => format!("the {} profile {p} is not {}", audio.codec, human(&support.profiles)),
        None => format!("the {} profile is unknown", audio.codec),
    };
    reason("audio_profile_not_supported", Some(audio.index), text)
}

fn audio_sample_rate(s: &Subject<'_>) -> Option<Reason> {
    let (audio, support) = (s.audio()?, s.audio_support()?);
    let rate = audio.sample_rate?;
    (!support.sample_rates.is_empty() && !support.sample_rates.contains(&rate)).then_some(())?;
    reason(
        "audio_sample_rate_not_supported",
        Some(audio.index),
        format!("the audio's sample rate {rate} Hz is not supported"),
    )
}

fn burn_in(s: &Subject<'_>) -> Option<Reason> {
    let subtitle = s.subtitle()?;
    let subs = &s.profile.subtitles;
    (!subtitle.text && subs.burn_in_images && !listed(&subs.images, &subtitle.codec)).then_some(())?;
    let (stream, source) = match &subtitle.path {
        Some(path) if subtitle.external => (None, format!(" (external file {path})")),
        _ => (Some(subtitle.index), String::new()),
    };
    let text = format!(
        "the {} subtitles shown by default{source} are pictures the client cannot show: burned into the video",
        subtitle.codec
    );
    reason("subtitle_needs_burn_in", stream, text)
}

/// Every rule, in the order reasons are listed.
pub const RULES: &[Rule] = &[
    Rule {
        code: "container_not_supported",
        effect: Effect::Remux,
        doc: "The client does not open the file's container (or it is unknown): the streams are put in one it opens.",
        check: container,
    },
    Rule {
        code: "video_codec_not_supported",
        effect: Effect::TranscodeVideo,
        doc: "The client does not decode the video codec.",
        check: video_codec,
    },
    Rule {
        code: "video_profile_not_supported",
        effect: Effect::TranscodeVideo,
        doc: "The client decodes the codec, but not this profile (e.g. H.264 High 10, HEVC Main 4:4:4).",
        check: video_profile,
    },
    Rule {
        code: "video_level_too_high",
        effect: Effect::TranscodeVideo,
        doc: "The codec level is above what the client decodes.",
        check: video_level,
    },
    Rule {
        code: "video_bit_depth_not_supported",
        effect: Effect::TranscodeVideo,
        doc: "The video has more bits per sample than the client decodes.",
        check: video_bit_depth,
    },
    Rule {
        code: "video_chroma_not_supported",
        effect: Effect::TranscodeVideo,
        doc: "The chroma subsampling (4:2:2, 4:4:4) or pixel format is not one the client decodes.",
        check: video_chroma,
    },
    Rule {
        code: "video_range_not_supported",
        effect: Effect::TranscodeVideo,
        doc: "HDR10, HDR10+, HLG or Dolby Vision that the client cannot show: tone-mapped to SDR.",
        check: video_range,
    },
    Rule {
        code: "interlaced_not_supported",
        effect: Effect::TranscodeVideo,
        doc: "Interlaced video a client shows only after deinterlacing.",
        check: interlaced,
    },
    Rule {
        code: "resolution_too_high",
        effect: Effect::TranscodeVideo,
        doc: "The picture is larger than the client's maximum.",
        check: resolution,
    },
    Rule {
        code: "frame_rate_too_high",
        effect: Effect::TranscodeVideo,
        doc: "More frames per second than the client's maximum.",
        check: frame_rate,
    },
    Rule {
        code: "bit_rate_too_high",
        effect: Effect::TranscodeVideo,
        doc: "The video's bit rate (or the file's, when the video's is unknown) is above the client's maximum.",
        check: bit_rate,
    },
    Rule {
        code: "codec_tag_not_supported",
        effect: Effect::Remux,
        doc: "The codec is fine but its tag is not one the client accepts (Safari plays HEVC tagged hvc1, not hev1): a remux retags it.",
        check: codec_tag,
    },
    Rule {
        code: "audio_missing",
        effect: Effect::TranscodeAudio,
        doc: "The client needs an audio track (an HLS channel does); silence is added.",
        check: audio_missing,
    },
    Rule {
        code: "audio_codec_not_supported",
        effect: Effect::TranscodeAudio,
        doc: "The client does not decode the codec of the audio stream a player picks (the default one, else the first).",
        check: audio_codec,
    },
    Rule {
        code: "audio_channels_not_supported",
        effect: Effect::TranscodeAudio,
        doc: "More audio channels than the client takes.",
        check: audio_channels,
    },
    Rule {
        code: "audio_profile_not_supported",
        effect: Effect::TranscodeAudio,
        doc: "The audio codec's profile (HE-AAC for an AAC-LC-only client) is not decoded.",
        check: audio_profile,
    },
    Rule {
        code: "audio_sample_rate_not_supported",
        effect: Effect::TranscodeAudio,
        doc: "The audio's sample rate is not one the client takes.",
        check: audio_sample_rate,
    },
    Rule {
        code: "subtitle_needs_burn_in",
        effect: Effect::TranscodeVideo,
        doc: "The subtitles shown by default (forced, else default) are pictures (PGS, VobSub, DVB) the client cannot show, and the profile says such subtitles are burned in. External subtitle files beside the video count like streams inside it (a forced `.sup` is burned in; an external text file such as `.srt` never changes a decision: it is served apart). Image subtitles never force a transcode otherwise.",
        check: burn_in,
    },
];
