//! The native probe's codec header readers (H.264/HEVC parameter sets, AV1 sequence headers,
//! VP8/VP9 frame headers, MPEG-4 Part 2, AAC configurations, AC-3 and MPEG audio frames,
//! Vorbis headers) on arbitrary bytes: none may panic, loop or allocate without bound.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let answered = probe_native::read_codec_headers(data);
    assert!(answered <= 14);
});
