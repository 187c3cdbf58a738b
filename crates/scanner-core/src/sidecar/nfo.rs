//! Kodi `.nfo` files: `<movie>`, `<tvshow>` or `<episodedetails>` documents, read into
//! [`Metadata`]. Bounded: the adapter reads at most [`MAX_NFO_BYTES`], every text is cut to a
//! length, and no entity is expanded (only XML's five and character references are resolved;
//! a document type's own entities are an error).

use quick_xml::Reader;
use quick_xml::events::Event;

use super::{Metadata, ProviderIds};

/// The largest `.nfo` file read; a larger one is reported as malformed.
pub const MAX_NFO_BYTES: u64 = 1024 * 1024;

/// Characters kept of a title and of a plot.
const MAX_TITLE_CHARS: usize = 500;
const MAX_PLOT_CHARS: usize = 10_000;

/// Root elements of the documents Kodi writes for videos.
const ROOTS: [&[u8]; 4] = [b"movie", b"tvshow", b"episodedetails", b"musicvideo"];

/// Reads an `.nfo` document. `Err` says why it is malformed (the scan reports it as a warning).
///
/// A file that is not XML but names an IMDb title (Kodi's "URL" `.nfo`, just a link) gives
/// that id alone.
pub fn parse(bytes: &[u8]) -> Result<Metadata, String> {
    if bytes.len() as u64 > MAX_NFO_BYTES {
        return Err(format!("larger than {} KiB", MAX_NFO_BYTES / 1024));
    }
    let text = String::from_utf8_lossy(bytes);
    if !text.trim_start_matches('\u{feff}').trim_start().starts_with('<') {
        return imdb_id(&text)
            .map(|imdb| Metadata {
                ids: ProviderIds { imdb: Some(imdb), ..ProviderIds::default() },
                ..Metadata::default()
            })
            .ok_or_else(|| "neither an XML document nor a link to a title".to_owned());
    }
    read_document(&text).map_err(|e| format!("not a valid NFO document: {e}"))
}

/// What is being read at the second level of the document.
#[derive(Default)]
struct Field {
    name: Vec<u8>,
    /// The `type` attribute of a `<uniqueid>`.
    kind: Option<String>,
    text: String,
}

fn read_document(text: &str) -> Result<Metadata, String> {
    let mut reader = Reader::from_str(text);
    let mut meta = Metadata::default();
    let mut depth = 0usize;
    let mut root_seen = false;
    let mut field: Option<Field> = None;
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(start) => {
                depth += 1;
                if depth == 1 {
                    if root_seen || !ROOTS.contains(&start.local_name().as_ref()) {
                        return Err("the root element is not <movie>, <tvshow> or <episodedetails>".into());
                    }
                    root_seen = true;
                } else if depth == 2 {
                    let kind = start
                        .try_get_attribute("type")
                        .map_err(|e| e.to_string())?
                        .and_then(|a| a.unescape_value().ok().map(|v| v.to_lowercase()));
                    field = Some(Field {
                        name: start.local_name().as_ref().to_ascii_lowercase(),
                        kind,
                        text: String::new(),
                    });
                }
            }
            Event::Empty(empty) if depth == 0 => {
                if root_seen || !ROOTS.contains(&empty.local_name().as_ref()) {
                    return Err("the root element is not <movie>, <tvshow> or <episodedetails>".into());
                }
                root_seen = true;
            }
            Event::End(_) => {
                if depth == 2
                    && let Some(done) = field.take()
                {
                    apply(&mut meta, done);
                }
                depth = depth.checked_sub(1).ok_or("unbalanced end tag")?;
            }
            Event::Text(t) if depth == 2 => push(&mut field, &t.decode().map_err(|e| e.to_string())?),
            Event::CData(t) if depth == 2 => push(&mut field, &t.decode().map_err(|e| e.to_string())?),
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(c) => c,
                    None => predefined(&r.decode().map_err(|e| e.to_string())?)?,
                };
                if depth == 2 {
                    push(&mut field, resolved.encode_utf8(&mut [0; 4]));
                }
            }
            Event::Eof if depth == 0 && root_seen => return Ok(meta),
            Event::Eof => return Err("the document ends inside an element".into()),
            _ => {}
        }
    }
}

/// XML's predefined entities; any other is refused, never expanded.
fn predefined(name: &str) -> Result<char, String> {
    Ok(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => return Err(format!("entity &{name}; is not expanded")),
    })
}

fn push(field: &mut Option<Field>, text: &str) {
    if let Some(field) = field
        && field.text.len() < MAX_PLOT_CHARS * 4
    {
        field.text.push_str(text);
    }
}

fn apply(meta: &mut Metadata, field: Field) {
    let text = field.text.trim();
    if text.is_empty() {
        return;
    }
    let ids = &mut meta.ids;
    match field.name.as_slice() {
        b"title" => meta.title = Some(cut(text, MAX_TITLE_CHARS)),
        b"originaltitle" => meta.original_title = Some(cut(text, MAX_TITLE_CHARS)),
        b"year" => meta.year = year(text).or(meta.year),
        b"premiered" | b"aired" if meta.year.is_none() => meta.year = year(text),
        b"plot" => meta.plot = Some(cut(text, MAX_PLOT_CHARS)),
        b"outline" if meta.plot.is_none() => meta.plot = Some(cut(text, MAX_PLOT_CHARS)),
        b"uniqueid" => match field.kind.as_deref() {
            Some("tmdb") => ids.tmdb = number_id(text).or(ids.tmdb.take()),
            Some("imdb") => ids.imdb = imdb_id(text).or(ids.imdb.take()),
            Some("tvdb") => ids.tvdb = number_id(text).or(ids.tvdb.take()),
            _ => {}
        },
        b"tmdbid" if ids.tmdb.is_none() => ids.tmdb = number_id(text),
        b"imdbid" | b"imdb_id" if ids.imdb.is_none() => ids.imdb = imdb_id(text),
        b"tvdbid" if ids.tvdb.is_none() => ids.tvdb = number_id(text),
        // Old documents keep the IMDb id in `<id>`.
        b"id" if ids.imdb.is_none() => ids.imdb = imdb_id(text),
        _ => {}
    }
}

fn cut(text: &str, chars: usize) -> String {
    text.chars().take(chars).collect()
}

/// A year from `1999` or `1999-03-31`, between 1870 and 2200.
fn year(text: &str) -> Option<u16> {
    let digits = text.get(..4)?;
    let year: u16 = digits.parse().ok()?;
    let rest = &text[4..];
    ((1870..=2200).contains(&year) && (rest.is_empty() || rest.starts_with('-'))).then_some(year)
}

/// A numeric provider id (TMDB, TVDB): 1 to 12 digits.
fn number_id(text: &str) -> Option<String> {
    (text.len() <= 12 && text.bytes().all(|b| b.is_ascii_digit()) && text.bytes().any(|b| b != b'0'))
        .then(|| text.trim_start_matches('0').to_owned())
}

/// The first IMDb title id (`tt` and 7 to 10 digits) in `text`.
fn imdb_id(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = text[from..].find("tt").map(|i| i + from) {
        let digits = bytes[at + 2..].iter().take_while(|b| b.is_ascii_digit()).count();
        let boundary = at == 0 || !bytes[at - 1].is_ascii_alphanumeric();
        if boundary && (7..=10).contains(&digits) {
            return Some(text[at..at + 2 + digits].to_owned());
        }
        from = at + 2;
    }
    None
}

#[cfg(test)]
mod tests;
