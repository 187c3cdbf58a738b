//! The native probe's readers of container parts that depend on the packets libavformat reads
//! (Matroska block lacing, Nero chapter lists, MPEG audio frame headers, the frame rate
//! estimate) on arbitrary bytes: none may panic, loop or allocate without bound.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let answered = probe_native::read_container_parts(data);
    assert!(answered <= 6);
});
