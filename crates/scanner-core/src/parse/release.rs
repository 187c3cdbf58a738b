//! What a name says about the release: resolution, source, codecs, group and checksum.

use super::analysis::{Analysis, is_checksum};
use super::tags::{self, TagKind};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Release {
    pub resolution: Option<String>,
    pub source: Option<String>,
    pub video_codec: Option<String>,
    pub audio_codec: Option<String>,
    pub group: Option<String>,
    pub checksum: Option<String>,
}

impl Analysis<'_> {
    pub(crate) fn release(&self) -> Release {
        let n = self.tokens.len();
        let mut release = Release::default();
        let mut service = false;
        // Trailing bracketed tokens (`[rarbg]`, `[eztv]`) come after the group, not before it.
        let last_plain = (0..n).rev().find(|&i| self.plain(i));
        for (i, tag) in self.tags.iter().enumerate() {
            let Some(tag) = tag else { continue };
            let mut fill = |kind: TagKind, value: &str| {
                let slot = match kind {
                    TagKind::Resolution => &mut release.resolution,
                    TagKind::Source => &mut release.source,
                    TagKind::VideoCodec if !value.ends_with("bit") => &mut release.video_codec,
                    TagKind::AudioCodec => &mut release.audio_codec,
                    _ => return,
                };
                slot.get_or_insert_with(|| value.to_owned());
            };
            if tag.kind == TagKind::Service {
                service = true;
            }
            fill(tag.kind, &tag.value);
            if let Some((kind, value)) = &tag.second {
                fill(*kind, value);
            }
            if last_plain == Some(i + tag.len - 1)
                && let Some(group) = &tag.group
            {
                release.group = Some(group.clone());
            }
        }
        if service && release.source.is_none() {
            release.source = Some("WEB-DL".to_owned());
        }
        if release.group.is_none() && self.tags.iter().any(Option::is_some) {
            release.group = self.trailing_group(last_plain);
        }
        if self.lead_group > 0 {
            let first = &self.tokens[0];
            let last = &self.tokens[self.lead_group - 1];
            release.group = Some(self.text[first.start..last.end()].to_owned());
        }
        release.checksum = self.tokens.iter().find(|t| is_checksum(t)).map(|t| t.text.to_ascii_uppercase());
        release
    }

    /// The group of a tagged name that no tag carries: Sonarr's `[h264]-GROUP`, or whatever
    /// follows the last dash after the tags (`DTS-HD.MA.5.1-GROUP`).
    fn trailing_group(&self, last_plain: Option<usize>) -> Option<String> {
        let last = last_plain?;
        let token = &self.tokens[last];
        let plausible = |g: &str| {
            !g.is_empty()
                && g.len() <= 24
                && g.chars().all(|c| c.is_alphanumeric() || matches!(c, '@' | '&' | '_'))
        };
        if last + 1 == self.tokens.len()
            && !self.tagged[last]
            && self.text[..token.start].trim_end_matches('-').len() + 1 == token.start
            && self.text[..token.start - 1].ends_with([']', ')'])
            && plausible(token.text)
        {
            return Some(token.text.to_owned());
        }
        if last > self.first_tag
            && let Some((head, group)) = token.text.rsplit_once('-')
            && !head.is_empty()
            && plausible(group)
            && tags::tag_at(&[group]).is_none()
        {
            return Some(group.to_owned());
        }
        None
    }
}
