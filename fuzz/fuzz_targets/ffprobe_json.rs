//! Decoding ffprobe's JSON output: any bytes give a result or an error, never a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = probe_ffprobe::json::decode(data);
});
