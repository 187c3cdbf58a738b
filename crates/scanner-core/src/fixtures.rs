//! Sample values for tests (compiled for this crate's tests and with the `mocks` feature).

use crate::media::{AudioStream, MediaInfo, VideoStream};

/// 720p 8-bit H.264 (High) with English AAC stereo in MP4: what a browser plays.
pub fn h264_aac_mp4() -> MediaInfo {
    MediaInfo {
        container: Some("mov,mp4,m4a,3gp,3g2,mj2".to_owned()),
        duration_secs: Some(60.0),
        bit_rate: Some(2_000_000),
        video: Some(VideoStream {
            codec: "h264".to_owned(),
            profile: Some("High".to_owned()),
            width: Some(1280),
            height: Some(720),
            frame_rate: Some(23.976),
            pix_fmt: Some("yuv420p".to_owned()),
            bit_depth: Some(8),
            ..VideoStream::default()
        }),
        audio: vec![AudioStream {
            index: 1,
            codec: "aac".to_owned(),
            channels: Some(2),
            language: Some("eng".to_owned()),
            ..AudioStream::default()
        }],
        ..MediaInfo::default()
    }
}
