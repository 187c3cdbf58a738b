//! The reference part of `docs/playback.md`, generated from [`RULES`] and the built-in
//! profiles so that the docs say exactly what the code does (a test compares them).

use std::fmt::Write;

use super::{AudioSupport, BUILT_IN, ClientProfile, Effect, RULES, VideoSupport, builtin};

fn effect(effect: Effect) -> &'static str {
    match effect {
        Effect::Remux => "remux",
        Effect::TranscodeAudio => "transcode_audio",
        Effect::TranscodeVideo => "transcode_video",
    }
}

fn list(items: &[String]) -> String {
    items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
}

fn video(v: &VideoSupport) -> String {
    let mut parts = Vec::new();
    if !v.profiles.is_empty() {
        parts.push(format!("profiles {}", v.profiles.join(", ")));
    }
    if let Some(level) = v.max_level {
        parts.push(format!("level ≤ {level}"));
    }
    if let Some(depth) = v.max_bit_depth {
        parts.push(format!("≤ {depth}-bit"));
    }
    if !v.chroma.is_empty() {
        parts.push(format!("chroma {}", v.chroma.join(", ")));
    }
    if !v.pix_fmts.is_empty() {
        parts.push(format!("pixel formats {}", v.pix_fmts.join(", ")));
    }
    let ranges: Vec<&str> = std::iter::once("sdr").chain(v.hdr.iter().map(|h| h.as_str())).collect();
    parts.push(format!("ranges {}", ranges.join(", ")));
    parts.push(if v.interlaced { "interlaced or progressive" } else { "progressive only" }.to_owned());
    match (v.max_width, v.max_height) {
        (Some(w), Some(h)) => parts.push(format!("≤ {w}x{h}")),
        (Some(w), None) => parts.push(format!("≤ {w} wide")),
        (None, Some(h)) => parts.push(format!("≤ {h} high")),
        (None, None) => {}
    }
    if let Some(rate) = v.max_frame_rate {
        parts.push(format!("≤ {rate} fps"));
    }
    if let Some(rate) = v.max_bit_rate {
        parts.push(format!("≤ {} kbit/s", rate / 1000));
    }
    if !v.codec_tags.is_empty() {
        parts.push(format!("tags {}", v.codec_tags.join(", ")));
    }
    format!("`{}`: {}", v.codec, parts.join("; "))
}

fn audio(a: &AudioSupport) -> String {
    let mut parts = Vec::new();
    if let Some(channels) = a.max_channels {
        parts.push(format!("≤ {channels} channels"));
    }
    if !a.profiles.is_empty() {
        parts.push(format!("profiles {}", a.profiles.join(", ")));
    }
    if !a.sample_rates.is_empty() {
        let rates: Vec<String> = a.sample_rates.iter().map(u32::to_string).collect();
        parts.push(format!("{} Hz", rates.join(", ")));
    }
    if parts.is_empty() { format!("`{}`", a.codec) } else { format!("`{}`: {}", a.codec, parts.join("; ")) }
}

fn profile(out: &mut String, p: &ClientProfile) {
    let _ = writeln!(out, "#### `{}`\n", p.name);
    let _ = writeln!(out, "Source: {}.\n", p.source);
    let _ = writeln!(out, "- Containers: {}", list(&p.containers));
    for v in &p.video {
        let _ = writeln!(out, "- Video {}", video(v));
    }
    for a in &p.audio {
        let _ = writeln!(out, "- Audio {}", audio(a));
    }
    let _ = writeln!(
        out,
        "- A file without audio: {}",
        if p.allow_no_audio { "plays" } else { "gets silent audio (`audio_missing`)" }
    );
    let s = &p.subtitles;
    let rendered = if s.images.is_empty() { "none".to_owned() } else { list(&s.images) };
    let others = if s.burn_in_images { "burned in (a video transcode)" } else { "not shown" };
    let _ = writeln!(out, "- Image subtitles rendered: {rendered}; others: {others}\n");
}

/// The generated part of `docs/playback.md`: every reason code and every built-in profile.
pub fn markdown() -> String {
    let mut out = String::from(
        "### Reason codes\n\nIn the order a decision lists them.\n\n| code | needs | when |\n|---|---|---|\n",
    );
    for rule in RULES {
        let _ = writeln!(out, "| `{}` | {} | {} |", rule.code, effect(rule.effect), rule.doc);
    }
    out.push_str("\n### Built-in profiles\n\n");
    for name in BUILT_IN {
        if let Some(p) = builtin(name) {
            profile(&mut out, &p);
        }
    }
    out
}
