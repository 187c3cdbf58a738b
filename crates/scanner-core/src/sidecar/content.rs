//! Subtitle formats from the first bytes of a file, so that a lying extension (a WebVTT file
//! named `.srt`, a MicroDVD file named `.sub`) is caught without running ffprobe.

/// Bytes of a subtitle file read to recognise its format.
pub const SNIFF_BYTES: u64 = 4 * 1024;

/// The codec ffprobe reports for a subtitle file with this extension (lower case), or `None`
/// when the extension is not a subtitle's.
pub fn codec_from_extension(ext: &str) -> Option<&'static str> {
    Some(match ext {
        "srt" => "subrip",
        "ass" | "ssa" => "ass",
        "vtt" => "webvtt",
        "sup" => "hdmv_pgs_subtitle",
        "idx" | "sub" => "dvd_subtitle",
        _ => return None,
    })
}

/// The codec the first bytes of a subtitle file show, in ffprobe's names; `None` when they
/// match no format (then the extension is trusted).
pub fn codec_from_content(head: &[u8]) -> Option<&'static str> {
    // Picture formats are binary: recognised by their magic numbers.
    if head.starts_with(b"PG") && head.len() >= 13 {
        return Some("hdmv_pgs_subtitle");
    }
    if head.starts_with(&[0x00, 0x00, 0x01, 0xba]) {
        return Some("dvd_subtitle");
    }
    let text = decode(head);
    let text = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if text.starts_with("WEBVTT") {
        return Some("webvtt");
    }
    if text.starts_with("# VobSub index file") {
        return Some("dvd_subtitle");
    }
    if text.get(..13).is_some_and(|s| s.eq_ignore_ascii_case("[script info]")) {
        return Some("ass");
    }
    if is_microdvd(text) {
        return Some("microdvd");
    }
    if is_subrip(text) {
        return Some("subrip");
    }
    None
}

/// The head as text: UTF-16 when it starts with a UTF-16 byte order mark, else UTF-8 with any
/// invalid bytes (a legacy code page) replaced — the markers looked for are ASCII.
fn decode(head: &[u8]) -> String {
    let utf16 = |big: bool| {
        let units = head[2..]
            .chunks_exact(2)
            .map(|p| if big { u16::from_be_bytes([p[0], p[1]]) } else { u16::from_le_bytes([p[0], p[1]]) });
        char::decode_utf16(units).map(|c| c.unwrap_or('\u{fffd}')).collect()
    };
    match head {
        [0xff, 0xfe, ..] => utf16(false),
        [0xfe, 0xff, ..] => utf16(true),
        _ => String::from_utf8_lossy(head).into_owned(),
    }
}

/// `{0}{25}Text`: frame numbers in braces.
fn is_microdvd(text: &str) -> bool {
    let mut rest = text;
    for _ in 0..2 {
        let Some(inner) = rest.strip_prefix('{') else { return false };
        let Some((digits, after)) = inner.split_once('}') else { return false };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        rest = after;
    }
    true
}

/// A cue number on the first line, then `00:00:01,000 --> 00:00:02,000`.
fn is_subrip(text: &str) -> bool {
    let mut lines = text.lines().map(str::trim);
    let number = lines.next().unwrap_or_default();
    let timing = lines.next().unwrap_or_default();
    !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
        && timing.contains("-->")
        && timing.bytes().next().is_some_and(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::codec_from_content;

    #[test]
    fn formats_are_recognised_by_their_content() {
        let pgs = [b"PG".as_slice(), &[0u8; 11]].concat();
        for (head, codec) in [
            (b"1\r\n00:00:01,000 --> 00:00:02,000\r\nHi\r\n".to_vec(), Some("subrip")),
            (b"\xef\xbb\xbfWEBVTT\n\n00:01.000 --> 00:02.000\nHi".to_vec(), Some("webvtt")),
            (b"[Script Info]\nScriptType: v4.00+".to_vec(), Some("ass")),
            (b"{0}{25}Hello|World".to_vec(), Some("microdvd")),
            (b"# VobSub index file, v7 (do not modify this line!)".to_vec(), Some("dvd_subtitle")),
            (vec![0, 0, 1, 0xba, 0x44], Some("dvd_subtitle")),
            (pgs, Some("hdmv_pgs_subtitle")),
            (b"just some words".to_vec(), None),
            (Vec::new(), None),
        ] {
            assert_eq!(codec_from_content(&head), codec, "{:?}", String::from_utf8_lossy(&head));
        }
    }

    #[test]
    fn utf16_files_are_read() {
        let text: Vec<u8> =
            [0xff, 0xfe].into_iter().chain("WEBVTT\n".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(codec_from_content(&text), Some("webvtt"));
    }
}
