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

/// Whether the file named `named`, with `overrides` over it, is an extra of item `item`.
pub fn is_extra_of(item: ItemId, named: &ParsedName, overrides: &Overrides) -> bool {
    let parsed = overrides.apply(named);
    parsed.kind == MediaKind::Extra && parsed.extra_of == Some(item)
}

/// How an extra named `named`, with `overrides` over it, follows its item when an edit files
/// the item's films or episodes under `owner`: an `extra_of` override naming `owner`, or that
/// override removed where the name itself gives `owner` (an edit undone). `None`: nothing to
/// change.
pub fn extra_follows(named: &ParsedName, overrides: &Overrides, owner: ItemId) -> Option<OverrideEdit> {
    let by_name = Overrides { extra_of: None, ..overrides.clone() }.apply(named).extra_of;
    if by_name == Some(owner) {
        overrides
            .extra_of
            .is_some()
            .then(|| OverrideEdit { clear: vec![Field::ExtraOf], ..OverrideEdit::default() })
    } else {
        (overrides.extra_of != Some(owner)).then(|| OverrideEdit {
            set: Overrides { extra_of: Some(owner), ..Overrides::default() },
            ..OverrideEdit::default()
        })
    }
}

/// Where item edits moved items: from the id a film's or episode's name gives to the id it was
/// filed under instead. Extras written later from their names follow it ([`follows_move`]).
pub type ItemMoves = std::collections::BTreeMap<ItemId, ItemId>;

/// Who the history says gave a later extra to the item its owner moved to: the scan that
/// wrote it.
pub const SCAN_ACTOR: &str = "scan";

/// Records that an item edit moved item `from` to `to`: moves that ended at `from` now end at
/// `to`, and none leads an item to itself.
pub fn record_move(moves: &mut ItemMoves, from: ItemId, to: ItemId) {
    for target in moves.values_mut() {
        if *target == from {
            *target = to;
        }
    }
    moves.insert(from, to);
    moves.retain(|from, to| from != to);
}

/// How an extra written from its name `named`, with `overrides` over it, follows its owner's
/// move: an extra the user gave no owner, whose owner an item edit moved, is given to where it
/// went. `None`: it stays.
pub fn follows_move(named: &ParsedName, overrides: &Overrides, moves: &ItemMoves) -> Option<OverrideEdit> {
    let parsed = overrides.apply(named);
    if parsed.kind != MediaKind::Extra || overrides.extra_of.is_some() {
        return None;
    }
    let to = *moves.get(&parsed.extra_of?)?;
    extra_follows(named, overrides, to)
}

/// Refuses an edit that sets the owner (`extra_of`) of a file that, with the overrides `after`
/// it, is not an extra: only extras belong to another item.
pub fn check_owner(named: &ParsedName, after: &Overrides, edit: &OverrideEdit) -> Result<(), String> {
    let kind = after.apply(named).kind;
    if edit.set.extra_of.is_some() && kind != MediaKind::Extra {
        return Err(format!("extra_of is for extras: this file is a {}", kind.as_str()));
    }
    Ok(())
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
    if touches(&[Field::ExtraOf]) {
        return Err("extra_of is for extras: edit the extra's file".to_owned());
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

    #[test]
    fn extras_follow_their_film_to_its_new_id_and_back() {
        let trailer = parse_path(std::path::Path::new("Film (2010)/Trailers/Teaser.mkv"));
        let film = parse_path(std::path::Path::new("Film (2010)/Film (2010).mkv"));
        let (old, new) = (filed_under(&film).unwrap(), ItemId(uuid::Uuid::from_u128(7)));
        let none = Overrides::default();
        assert!(is_extra_of(old, &trailer, &none));
        let follow = extra_follows(&trailer, &none, new).expect("an owner override");
        assert_eq!(follow.set.extra_of, Some(new));
        let moved = none.edited(&follow);
        assert!(is_extra_of(new, &trailer, &moved) && !is_extra_of(old, &trailer, &moved));
        assert_eq!(extra_follows(&trailer, &moved, new), None, "already there");
        let back = extra_follows(&trailer, &moved, old).expect("the override removed");
        assert_eq!((back.clear.clone(), moved.edited(&back)), (vec![Field::ExtraOf], none.clone()));
        // Only extras take an owner: a film's own name decides its item.
        let owned = Overrides { extra_of: Some(new), ..none.clone() };
        assert_eq!(filed_under(&owned.apply(&film)), Some(old));
        let edit = OverrideEdit { set: owned.clone(), ..OverrideEdit::default() };
        assert!(check_owner(&film, &owned, &edit).is_err());
        assert!(check_owner(&trailer, &owned, &edit).is_ok());
    }

    #[test]
    fn moves_chain_and_later_extras_follow_them() {
        let id = |n: u128| ItemId(uuid::Uuid::from_u128(n));
        let mut moves = ItemMoves::new();
        record_move(&mut moves, id(1), id(2));
        record_move(&mut moves, id(2), id(3));
        assert_eq!(
            moves,
            ItemMoves::from([(id(1), id(3)), (id(2), id(3))]),
            "a chain ends where the last went"
        );
        record_move(&mut moves, id(3), id(1));
        assert_eq!(moves, ItemMoves::from([(id(2), id(1)), (id(3), id(1))]), "back home: no loop");

        let trailer = parse_path(std::path::Path::new("Film (2010)/Trailers/Teaser.mkv"));
        let film = parse_path(std::path::Path::new("Film (2010)/Film (2010).mkv"));
        let named = filed_under(&film).unwrap();
        let moved = ItemMoves::from([(named, id(9))]);
        let none = Overrides::default();
        let follow = follows_move(&trailer, &none, &moved).expect("the trailer follows its film");
        assert_eq!(follow.set.extra_of, Some(id(9)));
        assert_eq!(follows_move(&trailer, &none, &ItemMoves::new()), None);
        assert_eq!(follows_move(&film, &none, &moved), None, "a film's name decides its item");
        let given = Overrides { extra_of: Some(id(5)), ..none };
        assert_eq!(follows_move(&trailer, &given, &moved), None, "an owner set by hand stays");
    }
}
