//! The native probe against ffprobe on a corpus generated with ffmpeg and on files made the way
//! real libraries are made: wherever the native probe answers, every field the catalog stores
//! must equal what the ffprobe adapter reports.

mod details;
mod differential;
mod realworld;

/// Inputs the fuzz targets found a problem with: read, they give a plausible answer or none.
#[test]
fn fuzz_findings_are_read_without_panicking() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/fuzz");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        if let probe_native::Answer::Known(info) = probe_native::read_bytes(&bytes, 1 << 20) {
            assert!(info.duration_secs.is_none_or(|d| d.is_finite() && d >= 0.0), "{info:?}");
            assert!(info.bit_rate.is_none() || info.duration_secs.is_some_and(|d| d > 0.0), "{info:?}");
        }
        probe_native::read_codec_headers(&bytes);
        probe_native::read_container_parts(&bytes);
        seen += 1;
    }
    assert!(seen >= 1);
}
