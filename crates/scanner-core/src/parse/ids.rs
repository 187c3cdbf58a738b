//! Provider ids written into names and folders, the way media servers ask users to tag them:
//! `[tmdbid-603]`, `{tmdb-603}`, `[imdbid-tt0133093]`, `{imdb-tt0133093}`, `[tvdbid=81189]`.
//!
//! A tag is read only whole and in brackets, and only when its value is well formed (TMDB and
//! TVDB ids are 1 to 10 digits that fit 32 bits, never 0; IMDb ids are `tt` and 7 to 10
//! digits). The tags are cut out of the component before the name is analysed, so they never
//! end up in a title.

use nom::IResult;
use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::{tag_no_case, take_while_m_n};
use nom::character::complete::one_of;
use nom::combinator::{map_opt, opt};
use serde::{Deserialize, Serialize};

/// Provider ids of the movie or show a file belongs to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ProviderIds {
    /// The Movie Database id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tmdb: Option<u32>,
    /// IMDb title id (`tt0133093`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "^tt[0-9]{7,10}$"))]
    pub imdb: Option<String>,
    /// TheTVDB id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tvdb: Option<u32>,
}

impl ProviderIds {
    pub fn is_empty(&self) -> bool {
        self.tmdb.is_none() && self.imdb.is_none() && self.tvdb.is_none()
    }

    /// Fills what `self` lacks from `other` (a file's own tags win over its folders').
    pub(crate) fn fill_from(&mut self, other: &Self) {
        self.tmdb = self.tmdb.or(other.tmdb);
        self.tvdb = self.tvdb.or(other.tvdb);
        if self.imdb.is_none() {
            self.imdb.clone_from(&other.imdb);
        }
    }

    /// The strongest id as `provider:value`, for item keys: TMDB, then IMDb, then TVDB.
    pub(crate) fn key(&self) -> Option<String> {
        if let Some(id) = self.tmdb {
            return Some(format!("tmdb:{id}"));
        }
        if let Some(id) = &self.imdb {
            return Some(format!("imdb:{id}"));
        }
        self.tvdb.map(|id| format!("tvdb:{id}"))
    }
}

enum Id {
    Tmdb(u32),
    Imdb(String),
    Tvdb(u32),
}

/// A numeric id: 1 to 10 digits, in 1..=u32::MAX.
fn numeric(input: &str) -> IResult<&str, u32> {
    map_opt(take_while_m_n(1, 10, |c: char| c.is_ascii_digit()), |d: &str| {
        d.parse::<u32>().ok().filter(|&n| n > 0)
    })
    .parse(input)
}

fn imdb_value(input: &str) -> IResult<&str, String> {
    let (rest, _) = tag_no_case("tt").parse(input)?;
    let (rest, digits) = take_while_m_n(7, 10, |c: char| c.is_ascii_digit()).parse(rest)?;
    Ok((rest, format!("tt{digits}")))
}

/// `tmdbid-603`, `tmdb=603`, `imdb-tt0133093`, … without the brackets.
fn body(input: &str) -> IResult<&str, Id> {
    let assign = |i| one_of("-=").parse(i);
    alt((
        (tag_no_case("tmdb"), opt(tag_no_case("id")), assign, numeric).map(|(.., n)| Id::Tmdb(n)),
        (tag_no_case("tvdb"), opt(tag_no_case("id")), assign, numeric).map(|(.., n)| Id::Tvdb(n)),
        (tag_no_case("imdb"), opt(tag_no_case("id")), assign, imdb_value).map(|(.., s)| Id::Imdb(s)),
    ))
    .parse(input)
}

/// A whole tag with matching brackets.
fn bracketed(input: &str) -> IResult<&str, Id> {
    let (rest, open) = one_of("[{").parse(input)?;
    let (rest, id) = body(rest)?;
    let close = if open == '[' { ']' } else { '}' };
    let (rest, _) = nom::character::complete::char(close).parse(rest)?;
    Ok((rest, id))
}

/// Cuts the provider tags out of one path component: the text without them (each replaced by a
/// space) and the ids read. The first tag of each provider wins.
pub(crate) fn strip(component: &str) -> (String, ProviderIds) {
    let mut ids = ProviderIds::default();
    if !component.contains(['[', '{']) {
        return (component.to_owned(), ids);
    }
    let mut out = String::with_capacity(component.len());
    let mut rest = component;
    while let Some(at) = rest.find(['[', '{']) {
        out.push_str(&rest[..at]);
        match bracketed(&rest[at..]) {
            Ok((after, id)) => {
                match id {
                    Id::Tmdb(n) => ids.tmdb = ids.tmdb.or(Some(n)),
                    Id::Tvdb(n) => ids.tvdb = ids.tvdb.or(Some(n)),
                    Id::Imdb(s) => {
                        ids.imdb.get_or_insert(s);
                    }
                }
                out.push(' ');
                rest = after;
            }
            Err(_) => {
                out.push_str(&rest[at..=at]);
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    (out.trim().to_owned(), ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_is_read_and_cut() {
        let (text, ids) = strip("Blue Harbour (2011) [tmdbid-4567]");
        assert_eq!(text, "Blue Harbour (2011)");
        assert_eq!(ids.tmdb, Some(4567));
        let (_, ids) = strip("Blue Harbour {tmdb-4567} {imdb-tt7654321}");
        assert_eq!((ids.tmdb, ids.imdb.as_deref()), (Some(4567), Some("tt7654321")));
        let (text, ids) = strip("Lantern Street [tvdbid=70001]");
        assert_eq!((text.as_str(), ids.tvdb), ("Lantern Street", Some(70001)));
        let (_, ids) = strip("Lantern Street [TVDB-70001] [imdbid-tt00012345]");
        assert_eq!((ids.tvdb, ids.imdb.as_deref()), (Some(70001), Some("tt00012345")));
    }

    #[test]
    fn malformed_tags_stay_text() {
        for name in [
            "Film [tmdbid-]",
            "Film [tmdbid-0]",
            "Film [tmdbid-12345678901]",
            "Film [tmdbid-99999999999]",
            "Film [tmdbid-12}",
            "Film [imdb-tt123]",
            "Film [imdb-12345678]",
            "Film [tmdb 12]",
            "Film [[tmdb-",
        ] {
            let (text, ids) = strip(name);
            assert!(ids.is_empty(), "{name}");
            assert_eq!(text, name);
        }
        // The largest 32-bit id is accepted, one more is not.
        assert_eq!(strip("F [tmdb-4294967295]").1.tmdb, Some(u32::MAX));
        assert_eq!(strip("F [tmdb-4294967296]").1.tmdb, None);
    }

    #[test]
    fn keys_prefer_tmdb_then_imdb_then_tvdb() {
        let ids = ProviderIds { tmdb: Some(1), imdb: Some("tt1234567".into()), tvdb: Some(2) };
        assert_eq!(ids.key().as_deref(), Some("tmdb:1"));
        let ids = ProviderIds { imdb: Some("tt1234567".into()), tvdb: Some(2), ..ProviderIds::default() };
        assert_eq!(ids.key().as_deref(), Some("imdb:tt1234567"));
        assert_eq!(ProviderIds::default().key(), None);
    }
}
