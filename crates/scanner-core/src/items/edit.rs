//! What an item edit touches, and what it may not do: the rules every catalog applies alike.

use super::{ItemId, filed_under};
use crate::media::MediaRecord;
use crate::overrides::{Field, OverrideEdit, Overrides};
use crate::parse::{MediaKind, ParsedName};

/// Whether an edit of item `item` changes the file named `named` with `overrides` over it: a
/// film or episode file filed under the item, not one of its extras.
pub fn edits_file(item: ItemId, named: &ParsedName, overrides: &Overrides) -> bool {
    let parsed = overrides.apply(named);
    matches!(parsed.kind, MediaKind::Movie | MediaKind::Episode)
        && parsed.extra_type.is_none()
        && filed_under(&parsed) == Some(item)
}

/// The distinct items `files` are filed under, in the files' order: what an item edit's files
/// make after it.
pub fn filed_items(files: &[MediaRecord]) -> Vec<ItemId> {
    let mut ids: Vec<ItemId> = Vec::new();
    for id in files.iter().filter_map(|r| filed_under(&r.parsed)) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// Refuses an item edit of the file named `named`, with `before` set, that sets or removes its
/// kind (an item's files are films or episodes: edit a file to change that), its show, season
/// or episodes when it is a film, or that would leave it in no item (a value removed that its
/// name does not give: a show, a title). Removing every override is always allowed: the file
/// is then what its name says.
pub fn check_edit(named: &ParsedName, before: &Overrides, edit: &OverrideEdit) -> Result<(), String> {
    if edit.clear_all {
        return Ok(());
    }
    let touches =
        |fields: &[Field]| fields.iter().any(|f| edit.set.get(*f).is_some() || edit.clear.contains(f));
    if touches(&[Field::Kind]) {
        return Err("an item's kind is not edited: edit its files".to_owned());
    }
    if touches(&[Field::Show, Field::Season, Field::Episodes])
        && before.apply(named).kind != MediaKind::Episode
    {
        return Err("show, season and episodes are for episode items only".to_owned());
    }
    if filed_under(&before.edited(edit).apply(named)).is_none() {
        return Err(
            "the edit would leave a file of the item in no item: its name does not give what it removes"
                .to_owned(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_path;

    #[test]
    fn item_edits_keep_files_in_items_and_films_without_episode_numbers() {
        let film = parse_path(std::path::Path::new("Film (2010).mkv"));
        let none = Overrides::default();
        let set = |o: Overrides| OverrideEdit { set: o, ..OverrideEdit::default() };
        assert!(
            check_edit(&film, &none, &set(Overrides { tmdb: Some("603".into()), ..none.clone() })).is_ok()
        );
        for bad in [
            set(Overrides { season: Some(1), ..none.clone() }),
            set(Overrides { kind: Some(MediaKind::Episode), ..none.clone() }),
            OverrideEdit { clear: vec![Field::Show], ..OverrideEdit::default() },
        ] {
            assert!(check_edit(&film, &none, &bad).is_err(), "{bad:?}");
        }
        // A title set by hand on a file whose name gives none: removing it leaves no item.
        let untitled = ParsedName { kind: MediaKind::Movie, ..ParsedName::default() };
        let titled = Overrides { title: Some("Film".into()), ..none.clone() };
        let unset = OverrideEdit { clear: vec![Field::Title], ..OverrideEdit::default() };
        assert!(check_edit(&untitled, &titled, &unset).is_err());
        let clear_all = OverrideEdit { clear_all: true, ..OverrideEdit::default() };
        assert!(check_edit(&untitled, &titled, &clear_all).is_ok());
    }
}
