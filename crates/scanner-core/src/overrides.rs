//! What users set by hand over what a name says: show, season, episodes, title, year, kind,
//! and the provider ids (`tmdb`, `imdb`, `tvdb`) that match a file to a film or a show.
//!
//! Overrides are stored apart from the file's row, which scans rewrite; a catalog merges them
//! into `parsed` whenever it reads a record, so that a rescan, a re-probe, a move or a rename
//! never loses them and never races with an edit. Every change is kept in an audit history.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::items::ItemId;
use crate::media::MediaId;
use crate::parse::{MediaKind, ParsedName};

/// Largest season or episode number an override takes (the catalogs' 32-bit integers).
pub const MAX_NUMBER: u32 = i32::MAX as u32;
/// Most episodes one file may be set to.
pub const MAX_EPISODES: usize = 1_000;
/// Longest show or title, in characters.
pub const MAX_TEXT: usize = 1_000;
/// The years an override takes.
pub const YEARS: std::ops::RangeInclusive<u16> = 1..=9999;
/// What a TMDB or TVDB id override takes: a positive whole number of at most nine digits, as
/// text (both services' ids are far below that; it always fits the parser's 32-bit ids).
pub const NUMERIC_ID_PATTERN: &str = "^[1-9][0-9]{0,8}$";
/// What an IMDb id override takes: `tt` and 7 to 10 digits.
pub const IMDB_ID_PATTERN: &str = "^tt[0-9]{7,10}$";

/// The fields a user may set; `None` leaves the parser's value.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Overrides {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub season: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub episodes: Option<Vec<u32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<MediaKind>,
    /// The Movie Database id, digits (`603`): merged into `parsed.ids.tmdb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "^[1-9][0-9]{0,8}$"))]
    pub tmdb: Option<String>,
    /// The IMDb title id (`tt0133093`): merged into `parsed.ids.imdb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "^tt[0-9]{7,10}$"))]
    pub imdb: Option<String>,
    /// TheTVDB id, digits (`81189`): merged into `parsed.ids.tvdb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "^[1-9][0-9]{0,8}$"))]
    pub tvdb: Option<String>,
    /// The item an extra belongs to (an item id), over the one its name gives: an extra follows
    /// its film when an edit gives the film another id. Only extras use it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_of: Option<ItemId>,
}

/// One overridable field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Show,
    Season,
    Episodes,
    Title,
    Year,
    Kind,
    Tmdb,
    Imdb,
    Tvdb,
    ExtraOf,
}

impl Field {
    pub const ALL: [Self; 10] = [
        Self::Show,
        Self::Season,
        Self::Episodes,
        Self::Title,
        Self::Year,
        Self::Kind,
        Self::Tmdb,
        Self::Imdb,
        Self::Tvdb,
        Self::ExtraOf,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Show => "show",
            Self::Season => "season",
            Self::Episodes => "episodes",
            Self::Title => "title",
            Self::Year => "year",
            Self::Kind => "kind",
            Self::Tmdb => "tmdb",
            Self::Imdb => "imdb",
            Self::Tvdb => "tvdb",
            Self::ExtraOf => "extra_of",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// A field's value, as the history records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Value {
    Number(u32),
    Numbers(Vec<u32>),
    Text(String),
}

impl Overrides {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// `parsed` with these values over it.
    pub fn apply(&self, parsed: &ParsedName) -> ParsedName {
        let mut out = parsed.clone();
        if let Some(show) = &self.show {
            out.show = Some(show.clone());
        }
        if let Some(season) = self.season {
            out.season = Some(season);
        }
        if let Some(episodes) = &self.episodes {
            out.episodes = episodes.clone();
        }
        if let Some(title) = &self.title {
            out.title = Some(title.clone());
        }
        if let Some(year) = self.year {
            out.year = Some(year);
        }
        if let Some(kind) = self.kind {
            out.kind = kind;
        }
        // Checked values always parse; a value that does not (a catalog written by hand) is
        // left out rather than guessed at.
        if let Some(tmdb) = self.tmdb.as_deref().and_then(|t| t.parse().ok()) {
            out.ids.tmdb = Some(tmdb);
        }
        if let Some(imdb) = &self.imdb {
            out.ids.imdb = Some(imdb.clone());
        }
        if let Some(tvdb) = self.tvdb.as_deref().and_then(|t| t.parse().ok()) {
            out.ids.tvdb = Some(tvdb);
        }
        if let Some(owner) = self.extra_of.filter(|_| out.kind == MediaKind::Extra) {
            out.extra_of = Some(owner);
            out.extra_show = None;
        }
        out
    }

    /// The value set for `field`, if any.
    pub fn get(&self, field: Field) -> Option<Value> {
        match field {
            Field::Show => self.show.clone().map(Value::Text),
            Field::Season => self.season.map(Value::Number),
            Field::Episodes => self.episodes.clone().map(Value::Numbers),
            Field::Title => self.title.clone().map(Value::Text),
            Field::Year => self.year.map(|y| Value::Number(u32::from(y))),
            Field::Kind => self.kind.map(|k| Value::Text(k.as_str().to_owned())),
            Field::Tmdb => self.tmdb.clone().map(Value::Text),
            Field::Imdb => self.imdb.clone().map(Value::Text),
            Field::Tvdb => self.tvdb.clone().map(Value::Text),
            Field::ExtraOf => self.extra_of.map(|id| Value::Text(id.to_string())),
        }
    }

    fn clear(&mut self, field: Field) {
        match field {
            Field::Show => self.show = None,
            Field::Season => self.season = None,
            Field::Episodes => self.episodes = None,
            Field::Title => self.title = None,
            Field::Year => self.year = None,
            Field::Kind => self.kind = None,
            Field::Tmdb => self.tmdb = None,
            Field::Imdb => self.imdb = None,
            Field::Tvdb => self.tvdb = None,
            Field::ExtraOf => self.extra_of = None,
        }
    }

    /// These overrides after `edit`: first everything it clears, then what it sets.
    pub fn edited(&self, edit: &OverrideEdit) -> Self {
        let mut out = if edit.clear_all { Self::default() } else { self.clone() };
        for field in &edit.clear {
            out.clear(*field);
        }
        let set = &edit.set;
        out.show = set.show.clone().or(out.show);
        out.season = set.season.or(out.season);
        out.episodes = set.episodes.clone().or(out.episodes);
        out.title = set.title.clone().or(out.title);
        out.year = set.year.or(out.year);
        out.kind = set.kind.or(out.kind);
        out.tmdb = set.tmdb.clone().or(out.tmdb);
        out.imdb = set.imdb.clone().or(out.imdb);
        out.tvdb = set.tvdb.clone().or(out.tvdb);
        out.extra_of = set.extra_of.or(out.extra_of);
        out
    }

    /// The changes from `self` to `after`, one per field that differs, as the history keeps
    /// them.
    pub fn changes(
        &self,
        after: &Self,
        media: MediaId,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Vec<OverrideChange> {
        Field::ALL
            .into_iter()
            .filter_map(|field| {
                let (old, new) = (self.get(field), after.get(field));
                (old != new).then(|| OverrideChange {
                    media_id: media,
                    at,
                    actor: actor.to_owned(),
                    field,
                    old,
                    new,
                })
            })
            .collect()
    }

    /// Checks what every catalog must refuse alike: empty or over-long text, NUL, numbers the
    /// databases do not hold, too many episodes, provider ids not of their form
    /// ([`NUMERIC_ID_PATTERN`], [`IMDB_ID_PATTERN`]).
    pub fn check(&self) -> Result<(), String> {
        for (name, text) in [("show", &self.show), ("title", &self.title)] {
            if let Some(text) = text {
                if text.is_empty() {
                    return Err(format!("{name} is empty: set null to remove the override"));
                }
                if text.contains('\0') || text.chars().count() > MAX_TEXT {
                    return Err(format!("{name} must be at most {MAX_TEXT} characters without NUL"));
                }
            }
        }
        if self.year.is_some_and(|y| !YEARS.contains(&y)) {
            return Err(format!("year must be {} to {}", YEARS.start(), YEARS.end()));
        }
        if self.season.is_some_and(|s| s > MAX_NUMBER) {
            return Err(format!("season must be at most {MAX_NUMBER}"));
        }
        if let Some(episodes) = &self.episodes {
            if episodes.is_empty() || episodes.len() > MAX_EPISODES {
                return Err(format!("episodes lists 1 to {MAX_EPISODES} numbers"));
            }
            if episodes.iter().any(|e| *e > MAX_NUMBER) {
                return Err(format!("episode numbers must be at most {MAX_NUMBER}"));
            }
        }
        for (name, id) in [("tmdb", &self.tmdb), ("tvdb", &self.tvdb)] {
            if id.as_deref().is_some_and(|id| !is_numeric_id(id)) {
                return Err(format!("{name} must be a positive whole number of at most 9 digits, as text"));
            }
        }
        if self.imdb.as_deref().is_some_and(|id| !is_imdb_id(id)) {
            return Err("imdb must be `tt` and 7 to 10 digits".to_owned());
        }
        Ok(())
    }
}

/// Whether `id` matches [`NUMERIC_ID_PATTERN`].
fn is_numeric_id(id: &str) -> bool {
    (1..=9).contains(&id.len()) && !id.starts_with('0') && id.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `id` matches [`IMDB_ID_PATTERN`].
fn is_imdb_id(id: &str) -> bool {
    id.strip_prefix("tt")
        .is_some_and(|digits| (7..=10).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// A change to a file's overrides: values to set, fields to clear, or all of them cleared.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OverrideEdit {
    pub set: Overrides,
    pub clear: Vec<Field>,
    pub clear_all: bool,
}

/// One field's change, as the history keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OverrideChange {
    pub media_id: MediaId,
    pub at: DateTime<Utc>,
    /// Who: `cli`, `api` (a request with the token), `api (no token)` (loopback without one).
    pub actor: String,
    pub field: Field,
    /// The override before (`null`: the parser's value was in force).
    pub old: Option<Value>,
    /// The override after (`null`: removed).
    pub new: Option<Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_set_clear_and_apply_over_the_parsed_name() {
        let parsed = ParsedName {
            kind: MediaKind::Episode,
            show: Some("Shw".into()),
            season: Some(1),
            episodes: vec![2],
            ..ParsedName::default()
        };
        let set = Overrides { show: Some("Show".into()), season: Some(3), ..Overrides::default() };
        let first = Overrides::default().edited(&OverrideEdit { set, ..OverrideEdit::default() });
        let effective = first.apply(&parsed);
        assert_eq!(
            (effective.show.as_deref(), effective.season, effective.episodes.as_slice()),
            (Some("Show"), Some(3), &[2][..])
        );

        let second = first.edited(&OverrideEdit { clear: vec![Field::Season], ..OverrideEdit::default() });
        assert_eq!(second.apply(&parsed).season, Some(1), "a cleared field shows the parser's value again");
        let changes = first.changes(&second, MediaId::new(), "cli", Utc::now());
        assert_eq!(changes.len(), 1);
        assert_eq!(
            (changes[0].field, &changes[0].old, &changes[0].new),
            (Field::Season, &Some(Value::Number(3)), &None)
        );

        let cleared = second.edited(&OverrideEdit { clear_all: true, ..OverrideEdit::default() });
        assert!(cleared.is_empty());
        assert_eq!(cleared.apply(&parsed), parsed);
    }

    #[test]
    fn out_of_range_values_are_refused() {
        let bad = [
            Overrides { show: Some(String::new()), ..Overrides::default() },
            Overrides { year: Some(0), ..Overrides::default() },
            Overrides { title: Some("a\0b".into()), ..Overrides::default() },
            Overrides { title: Some("x".repeat(MAX_TEXT + 1)), ..Overrides::default() },
            Overrides { season: Some(MAX_NUMBER + 1), ..Overrides::default() },
            Overrides { episodes: Some(vec![]), ..Overrides::default() },
            Overrides { episodes: Some(vec![1; MAX_EPISODES + 1]), ..Overrides::default() },
            Overrides { episodes: Some(vec![u32::MAX]), ..Overrides::default() },
            Overrides { tmdb: Some("0".into()), ..Overrides::default() },
            Overrides { tmdb: Some("0603".into()), ..Overrides::default() },
            Overrides { tmdb: Some("1234567890".into()), ..Overrides::default() },
            Overrides { tvdb: Some("-1".into()), ..Overrides::default() },
            Overrides { tvdb: Some("８１".into()), ..Overrides::default() },
            Overrides { imdb: Some("tt123456".into()), ..Overrides::default() },
            Overrides { imdb: Some("tt12345678901".into()), ..Overrides::default() },
            Overrides { imdb: Some("nm0000206".into()), ..Overrides::default() },
        ];
        for overrides in bad {
            assert!(overrides.check().is_err(), "{overrides:?}");
        }
        assert!(
            Overrides { season: Some(MAX_NUMBER), episodes: Some(vec![1, 2]), ..Overrides::default() }
                .check()
                .is_ok()
        );
        let ids = Overrides {
            tmdb: Some("999999999".into()),
            imdb: Some("tt0133093".into()),
            tvdb: Some("1".into()),
            ..Overrides::default()
        };
        assert!(ids.check().is_ok());
    }

    #[test]
    fn provider_ids_merge_into_the_parsed_ids_one_by_one() {
        let mut parsed =
            ParsedName { kind: MediaKind::Movie, title: Some("Film".into()), ..ParsedName::default() };
        parsed.ids.imdb = Some("tt0000001".into());
        parsed.ids.tvdb = Some(7);
        let set =
            Overrides { tmdb: Some("603".into()), imdb: Some("tt0133093".into()), ..Overrides::default() };
        let effective = set.apply(&parsed);
        assert_eq!(
            (effective.ids.tmdb, effective.ids.imdb.as_deref(), effective.ids.tvdb),
            (Some(603), Some("tt0133093"), Some(7))
        );
        let changes = Overrides::default().changes(&set, MediaId::new(), "api", Utc::now());
        let fields: Vec<Field> = changes.iter().map(|c| c.field).collect();
        assert_eq!(fields, [Field::Tmdb, Field::Imdb]);
        assert_eq!(changes[0].new, Some(Value::Text("603".into())));
        assert_eq!(Field::parse("tvdb"), Some(Field::Tvdb));
    }
}
