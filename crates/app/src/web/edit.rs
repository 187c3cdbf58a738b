//! The edit form of a file's overrides (show, season, episodes, title, year, kind and the
//! provider ids), clearing them all, and undoing the last edit. Scans, re-probes and moves keep
//! what is set here. A refused edit shows the page again with the form as submitted and why.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use maud::{Markup, html};
use serde::Deserialize;

use scanner_core::overrides::{Field, OverrideChange, OverrideEdit, Overrides, Value};
use scanner_core::{MediaId, MediaKind, MediaRecord};

use super::layout::{self, when};
use super::{Ctx, PageResult, WebError, WebForm, WebPath, see_other};
use crate::api::{ApiError, AppState};
use scanner_core::overrides::{IMDB_ID_PATTERN, NUMERIC_ID_PATTERN};

/// Who dashboard edits are recorded as.
const ACTOR: &str = "dashboard";
/// Most episode numbers one file may list.
const MAX_EPISODES: usize = 1000;

const KINDS: [MediaKind; 5] =
    [MediaKind::Episode, MediaKind::Movie, MediaKind::Extra, MediaKind::Sample, MediaKind::Unknown];

fn show_value(value: &Option<Value>) -> String {
    match value {
        None => "–".to_owned(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Numbers(n)) => n.iter().map(u32::to_string).collect::<Vec<_>>().join(", "),
        Some(Value::Text(s)) => s.clone(),
    }
}

/// An edit the catalog refused: the form as the user filled it, and why.
#[derive(Debug)]
pub(crate) struct Rejected {
    form: EditForm,
    message: String,
}

fn list(numbers: &[u32]) -> String {
    numbers.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
}

/// The form, filled with the overrides in force (or with a refused form and its error); an
/// emptied field drops its override.
pub(crate) fn form(
    ctx: &Ctx,
    r: &MediaRecord,
    history: &[OverrideChange],
    rejected: Option<&Rejected>,
) -> Markup {
    let o = &r.overrides;
    let p = &r.parsed;
    let v = rejected.map_or_else(|| EditForm::of(o), |r| r.form.clone());
    let action = format!("/media/{}/edit", r.id);
    // The patterns without their anchors: an HTML pattern always matches the whole value.
    let unanchored = |pattern: &'static str| pattern.trim_start_matches('^').trim_end_matches('$');
    html! {
        p.hint { "Filled fields override what the name says; empty ones follow the name (shown greyed)." }
        @if let Some(rejected) = rejected {
            p.bad role="alert" id="edit-error" { "Not saved: " (rejected.message) }
        }
        form.edit method="post" action=(action) aria-describedby=[rejected.map(|_| "edit-error")] {
            input type="hidden" name="csrf" value=(ctx.csrf);
            label { "Show" input name="show" maxlength="1000" value=[v.show] placeholder=[p.show.as_deref()]; }
            label { "Season" input name="season" inputmode="numeric" pattern="[0-9]{1,10}" value=[v.season] placeholder=[p.season]; }
            label { "Episodes" input name="episodes" pattern="[0-9, ]{0,8000}" value=[v.episodes] placeholder=(list(&p.episodes)); }
            label { "Title" input name="title" maxlength="1000" value=[v.title] placeholder=[p.title.as_deref()]; }
            label { "Year" input name="year" inputmode="numeric" pattern="[0-9]{1,4}" value=[v.year] placeholder=[p.year]; }
            label { "Kind"
                select name="kind" {
                    option value="" { "as the name says (" (p.kind.as_str()) ")" }
                    @for kind in KINDS { option value=(kind.as_str()) selected[v.kind.as_deref() == Some(kind.as_str())] { (kind.as_str()) } }
                }
            }
            label { "TMDB id" input name="tmdb" inputmode="numeric" pattern=(unanchored(NUMERIC_ID_PATTERN)) value=[v.tmdb] placeholder=[p.ids.tmdb]; }
            label { "IMDb id" input name="imdb" pattern=(unanchored(IMDB_ID_PATTERN)) value=[v.imdb] placeholder=[p.ids.imdb.as_deref()]; }
            label { "TVDB id" input name="tvdb" inputmode="numeric" pattern=(unanchored(NUMERIC_ID_PATTERN)) value=[v.tvdb] placeholder=[p.ids.tvdb]; }
            button.primary type="submit" { "Save" }
        }
        div.actions {
            @if *o != Overrides::default() { (layout::button_form(ctx, &format!("/media/{}/clear", r.id), &[], "Clear all edits", "danger")) }
            @if !history.is_empty() { (layout::button_form(ctx, &format!("/media/{}/undo", r.id), &[], "Undo the last edit", "")) }
        }
        @if !history.is_empty() {
            details {
                summary { "History (" (history.len()) " changes)" }
                div.scroll { table {
                    thead { tr { th { "When" } th { "Who" } th { "Field" } th { "From" } th { "To" } } }
                    tbody { @for c in history.iter().rev() { tr {
                        td { (when(c.at)) } td { (c.actor) } td { (c.field.as_str()) } td { (show_value(&c.old)) } td { (show_value(&c.new)) }
                    } } }
                } }
            }
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct EditForm {
    show: Option<String>,
    season: Option<String>,
    episodes: Option<String>,
    title: Option<String>,
    year: Option<String>,
    kind: Option<String>,
    tmdb: Option<String>,
    imdb: Option<String>,
    tvdb: Option<String>,
}

fn number<T: std::str::FromStr>(name: &str, text: &str) -> Result<T, String> {
    let text = text.trim();
    if text.len() > 10 {
        return Err(format!("{name} is too large"));
    }
    text.parse().map_err(|_| format!("{name} must be a whole number, not {text:?}"))
}

impl EditForm {
    /// The form filled with the overrides `o`.
    fn of(o: &Overrides) -> Self {
        Self {
            show: o.show.clone(),
            season: o.season.map(|s| s.to_string()),
            episodes: o.episodes.as_deref().map(list),
            title: o.title.clone(),
            year: o.year.map(|y| y.to_string()),
            kind: o.kind.map(|k| k.as_str().to_owned()),
            tmdb: o.tmdb.clone(),
            imdb: o.imdb.clone(),
            tvdb: o.tvdb.clone(),
        }
    }
}

/// A text field as trimmed, `None` when left empty.
fn filled(text: Option<&String>) -> Option<String> {
    text.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// The edit the form asks for against the overrides in force: filled fields set, emptied ones
/// cleared. Refused when a field is not of its type; the catalog checks the values.
fn edit_of(form: &EditForm, current: &Overrides) -> Result<OverrideEdit, String> {
    let mut edit = OverrideEdit::default();
    let episodes = match form.episodes.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        Some(text) => {
            let numbers: Vec<&str> = text.split([',', ' ']).filter(|s| !s.is_empty()).collect();
            if numbers.len() > MAX_EPISODES {
                return Err(format!("episodes lists at most {MAX_EPISODES} numbers"));
            }
            Some(
                numbers
                    .into_iter()
                    .map(|n| number("an episode number", n))
                    .collect::<Result<Vec<u32>, _>>()?,
            )
        }
        None => None,
    };
    let kind = match form.kind.as_deref() {
        Some(kind) => Some(MediaKind::parse(kind).ok_or("kind is not one of the kinds")?),
        None => None,
    };
    edit.set = Overrides {
        show: filled(form.show.as_ref()),
        season: form.season.as_deref().map(|s| number("season", s)).transpose()?,
        episodes,
        title: filled(form.title.as_ref()),
        year: form.year.as_deref().map(|s| number("year", s)).transpose()?,
        kind,
        tmdb: filled(form.tmdb.as_ref()),
        imdb: filled(form.imdb.as_ref()),
        tvdb: filled(form.tvdb.as_ref()),
        // Not on the form: an extra's owner is kept as it is.
        extra_of: None,
    };
    let s = &edit.set;
    let cleared = [
        (Field::Show, current.show.is_some() && s.show.is_none()),
        (Field::Season, current.season.is_some() && s.season.is_none()),
        (Field::Episodes, current.episodes.is_some() && s.episodes.is_none()),
        (Field::Title, current.title.is_some() && s.title.is_none()),
        (Field::Year, current.year.is_some() && s.year.is_none()),
        (Field::Kind, current.kind.is_some() && s.kind.is_none()),
        (Field::Tmdb, current.tmdb.is_some() && s.tmdb.is_none()),
        (Field::Imdb, current.imdb.is_some() && s.imdb.is_none()),
        (Field::Tvdb, current.tvdb.is_some() && s.tvdb.is_none()),
    ];
    edit.clear = cleared.into_iter().filter(|(_, clear)| *clear).map(|(field, _)| field).collect();
    Ok(edit)
}

async fn apply(state: &AppState, id: MediaId, edit: OverrideEdit) -> PageResult {
    edit.set.check().map_err(WebError::bad_request)?;
    let edited = state.app.edits().edit(id, edit, ACTOR.to_owned(), chrono::Utc::now()).await;
    match edited.map_err(ApiError::catalog)? {
        Some(_) => Ok(see_other(&format!("/media/{id}"))),
        None => Err(WebError::not_found(format!("no media with id {id}"))),
    }
}

async fn current(state: &AppState, id: MediaId) -> Result<MediaRecord, WebError> {
    let record = state.app.catalog().get(id).await.map_err(ApiError::catalog)?;
    record.ok_or_else(|| WebError::not_found(format!("no media with id {id}")))
}

/// Saves the form; a value the form or the catalog refuses shows the page again, 400, with the
/// form as submitted and the reason above it.
pub(crate) async fn edit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    WebPath(id): WebPath<MediaId>,
    WebForm(form): WebForm<EditForm>,
) -> PageResult {
    let record = current(&state, id).await?;
    let refused = match edit_of(&form, &record.overrides) {
        Ok(edit) => match apply(&state, id, edit).await {
            Err(e) if e.status == StatusCode::BAD_REQUEST => e.message,
            done => return done,
        },
        Err(message) => message,
    };
    let rejected = Rejected { form, message: refused };
    let mut page = super::item::media_page(&state, &ctx, &record, Some(&rejected)).await?;
    *page.status_mut() = StatusCode::BAD_REQUEST;
    Ok(page)
}

pub(crate) async fn clear(State(state): State<AppState>, WebPath(id): WebPath<MediaId>) -> PageResult {
    apply(&state, id, OverrideEdit { clear_all: true, ..OverrideEdit::default() }).await
}

/// The override of a text field (show, title, the provider ids).
fn text_slot(set: &mut Overrides, field: Field) -> Option<&mut Option<String>> {
    match field {
        Field::Show => Some(&mut set.show),
        Field::Title => Some(&mut set.title),
        Field::Tmdb => Some(&mut set.tmdb),
        Field::Imdb => Some(&mut set.imdb),
        Field::Tvdb => Some(&mut set.tvdb),
        _ => None,
    }
}

/// Sets `field` back to `old` (absent, or of another type than the field's: cleared).
fn restore(edit: &mut OverrideEdit, field: Field, old: Option<&Value>) {
    let set = &mut edit.set;
    let restored = match (field, old) {
        (Field::Season, Some(Value::Number(n))) => {
            set.season = Some(*n);
            true
        }
        (Field::Episodes, Some(Value::Numbers(n))) => {
            set.episodes = Some(n.clone());
            true
        }
        (Field::Year, Some(Value::Number(n))) => {
            set.year = u16::try_from(*n).ok();
            set.year.is_some()
        }
        (Field::Kind, Some(Value::Text(k))) => {
            set.kind = MediaKind::parse(k);
            set.kind.is_some()
        }
        (Field::ExtraOf, Some(Value::Text(id))) => {
            set.extra_of = id.parse().ok();
            set.extra_of.is_some()
        }
        (_, Some(Value::Text(text))) => {
            text_slot(set, field).map(|slot| *slot = Some(text.clone())).is_some()
        }
        _ => false,
    };
    if !restored {
        edit.clear.push(field);
    }
}

/// Undoes the last edit: every field it changed goes back to what it was.
pub(crate) async fn undo(State(state): State<AppState>, WebPath(id): WebPath<MediaId>) -> PageResult {
    let history = state.app.edits().history(id).await.map_err(ApiError::catalog)?;
    let history = history.ok_or_else(|| WebError::not_found(format!("no media with id {id}")))?;
    let Some(last) = history.last().map(|c| c.at) else { return Ok(see_other(&format!("/media/{id}"))) };
    let mut edit = OverrideEdit::default();
    for change in history.iter().filter(|c| c.at == last) {
        restore(&mut edit, change.field, change.old.as_ref());
    }
    apply(&state, id, edit).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filled_fields_set_and_emptied_ones_clear() {
        let current = Overrides { title: Some("Old".into()), ..Overrides::default() };
        let form =
            EditForm { season: Some(" 3 ".into()), episodes: Some("4, 5".into()), ..EditForm::default() };
        let edit = edit_of(&form, &current).unwrap();
        assert_eq!((edit.set.season, edit.set.episodes.as_deref()), (Some(3), Some(&[4, 5][..])));
        assert_eq!(edit.clear, vec![Field::Title]);
        for bad in ["x", "-1", "99999999999"] {
            let form = EditForm { season: Some(bad.into()), ..EditForm::default() };
            assert!(edit_of(&form, &current).is_err(), "{bad}");
        }
        let form = EditForm { kind: Some("film".into()), ..EditForm::default() };
        assert!(edit_of(&form, &current).is_err());
        // Provider ids: trimmed when set, cleared when emptied; their rules are the catalog's.
        let current = Overrides { tmdb: Some("603".into()), ..Overrides::default() };
        let form =
            EditForm { imdb: Some(" tt0133093 ".into()), tmdb: Some(" ".into()), ..EditForm::default() };
        let edit = edit_of(&form, &current).unwrap();
        assert_eq!((edit.set.imdb.as_deref(), edit.set.tmdb), (Some("tt0133093"), None));
        assert_eq!(edit.clear, vec![Field::Tmdb]);
    }

    #[test]
    fn undo_restores_old_values_or_clears() {
        let mut edit = OverrideEdit::default();
        restore(&mut edit, Field::Season, Some(&Value::Number(2)));
        let owner = "a1a2a3a4-b1b2-8c1c-9d1d-e1e2e3e4e5e6";
        restore(&mut edit, Field::ExtraOf, Some(&Value::Text(owner.into())));
        assert_eq!(edit.set.extra_of.map(|id| id.to_string()).as_deref(), Some(owner));
        restore(&mut edit, Field::Title, None);
        restore(&mut edit, Field::Kind, Some(&Value::Text("movie".into())));
        restore(&mut edit, Field::Year, Some(&Value::Text("odd".into())));
        restore(&mut edit, Field::Imdb, Some(&Value::Text("tt0133093".into())));
        restore(&mut edit, Field::Episodes, Some(&Value::Text("2".into())));
        assert_eq!((edit.set.season, edit.set.kind), (Some(2), Some(MediaKind::Movie)));
        assert_eq!(edit.set.imdb.as_deref(), Some("tt0133093"));
        assert_eq!(edit.clear, vec![Field::Title, Field::Year, Field::Episodes]);
    }
}
