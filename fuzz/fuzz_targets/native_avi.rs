//! The native probe's AVI reader on arbitrary bytes (seeded with real files): it must never
//! panic, loop or allocate beyond its budget, and what it reports must be plausible.

#![no_main]

use libfuzzer_sys::fuzz_target;
use probe_native::{Answer, read_bytes};

fuzz_target!(|data: &[u8]| {
    if !data.starts_with(b"RIFF") || data.get(8..12) != Some(b"AVI ") {
        return;
    }
    if let Answer::Known(info) = read_bytes(data, 1 << 20) {
        // A duration, where there is one, is finite and not negative; a bit rate needs one.
        assert!(info.duration_secs.is_none_or(|d| d.is_finite() && d >= 0.0), "{info:?}");
        assert!(info.bit_rate.is_none() || info.duration_secs.is_some_and(|d| d > 0.0), "{info:?}");
    }
});
