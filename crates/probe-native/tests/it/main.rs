//! The native probe against ffprobe on a corpus generated with ffmpeg: wherever the native
//! probe answers, every field the catalog stores must equal what the ffprobe adapter reports.

mod differential;
