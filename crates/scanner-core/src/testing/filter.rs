//! Which rows of the in-memory catalog a [`MediaFilter`] selects, as the SQL adapter's
//! conditions do.

use std::path::Path;

use super::catalog::Row;
use crate::path_key;
use crate::ports::MediaFilter;
use crate::streams::ResolutionClass;

/// `key` is the folder `root` or below it.
pub(super) fn under(key: &str, root: &Path) -> bool {
    let root = path_key::encode(root);
    let dir = root.trim_end_matches('/');
    key == root || key.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/'))
}

/// What text search looks in: the show and the title the name gives, and those the user set,
/// lower-cased.
fn search_text(row: &Row) -> String {
    let (named, set) = (&row.named, &row.record.overrides);
    [named.show.as_deref(), named.title.as_deref(), set.show.as_deref(), set.title.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

pub(super) fn matches(row: &Row, key: &str, filter: &MediaFilter) -> bool {
    let record = &row.record;
    let parsed = &record.parsed;
    filter.library.as_ref().is_none_or(|l| record.library.as_ref() == Some(l))
        && filter.show.as_ref().is_none_or(|s| parsed.show.as_ref() == Some(s))
        && filter.season.is_none_or(|s| parsed.season == Some(s))
        && filter.kind.is_none_or(|k| parsed.kind == k)
        && filter.compatible.is_none_or(|c| record.compatibility.as_ref().map(|x| x.compatible) == Some(c))
        && filter.status.is_none_or(|s| record.status == s)
        && (filter.under.is_empty() || filter.under.iter().any(|p| under(key, p)))
        && filter
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .is_none_or(|s| search_text(row).contains(&s.to_lowercase()))
        && filter
            .decision
            .as_ref()
            .is_none_or(|f| record.playback.get(&f.profile).is_some_and(|p| f.decision.matches(p.decision)))
        && filter.hdr.is_none_or(|h| record.info.video.as_ref().is_some_and(|v| v.hdr == h))
        && filter
            .video_codec
            .as_ref()
            .is_none_or(|c| record.info.video.as_ref().is_some_and(|v| &v.codec == c))
        && filter.resolution.is_none_or(|r| ResolutionClass::of(record.info.video.as_ref()) == r)
}
