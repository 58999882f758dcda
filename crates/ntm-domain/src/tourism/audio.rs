//! Narration audio: MP3 or Ogg (Vorbis or Opus), recognised by its bytes (the `infer` crate's
//! matchers, plus the MPEG audio frame header of MPEG-2/2.5 Layer III files, which `infer`
//! only recognises for MPEG-1 — low-bitrate speech is often MPEG-2), never by the name or the
//! browser's type. The size is checked first, before anything is read.

/// Largest audio file accepted (bytes).
pub const MAX_AUDIO_BYTES: usize = 10 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudioKind {
    Mp3,
    Ogg,
}

impl AudioKind {
    pub fn content_type(self) -> &'static str {
        match self {
            AudioKind::Mp3 => "audio/mpeg",
            AudioKind::Ogg => "audio/ogg",
        }
    }

    pub fn parse_content_type(s: &str) -> Option<AudioKind> {
        match s {
            "audio/mpeg" => Some(AudioKind::Mp3),
            "audio/ogg" => Some(AudioKind::Ogg),
            _ => None,
        }
    }
}

/// An MPEG audio Layer III frame header: sync, a known version, layer III, a real bitrate
/// index and sample rate.
fn mpeg_layer3_frame(b: &[u8]) -> bool {
    if b.len() < 4 || b[0] != 0xFF || b[1] & 0xE0 != 0xE0 {
        return false;
    }
    let version = (b[1] >> 3) & 0b11; // 01 is reserved
    let layer = (b[1] >> 1) & 0b11; // 01 is layer III
    let bitrate = b[2] >> 4; // 0000 free, 1111 bad
    let rate = (b[2] >> 2) & 0b11; // 11 reserved
    version != 0b01 && layer == 0b01 && bitrate != 0 && bitrate != 0b1111 && rate != 0b11
}

/// The audio's kind from its first bytes, or `None`.
pub fn sniff_audio(bytes: &[u8]) -> Option<AudioKind> {
    if infer::audio::is_mp3(bytes) || mpeg_layer3_frame(bytes) {
        return Some(AudioKind::Mp3);
    }
    // An Ogg page whose first packet is a Vorbis or Opus identification header.
    if infer::audio::is_ogg(bytes) {
        let head = &bytes[..bytes.len().min(64)];
        let has = |n: &[u8]| head.windows(n.len()).any(|w| w == n);
        if has(b"\x01vorbis") || has(b"OpusHead") {
            return Some(AudioKind::Ogg);
        }
    }
    None
}
