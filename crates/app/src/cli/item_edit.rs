//! `mediascan edit --item ITEM_ID`: one edit of every film or episode file of an item.

use std::io::{self, Write};
use std::process::ExitCode;

use scanner_core::items::{self, Item, ItemId};
use scanner_core::overrides::OverrideEdit;

use super::UsageError;
use crate::CatalogReader;
use crate::settings::Settings;

/// Edits item `item`'s files and prints the items they now make (the item under its new id
/// when the edit changed its key; several, or none, after `--clear` where their names
/// disagree).
pub async fn edit(
    settings: &Settings,
    item: ItemId,
    edit: OverrideEdit,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let catalog = CatalogReader::open(settings).await?;
    let result = async {
        let edited = catalog.edits().edit_item(item, edit, "cli".to_owned(), chrono::Utc::now()).await;
        let files = match edited {
            Err(scanner_core::ports::RepoError::InvalidInput(message)) => {
                return Err(UsageError(message).into());
            }
            edited => edited?.ok_or_else(|| anyhow::anyhow!("no item with id {item} in the catalog"))?,
        };
        let ids = items::filed_items(&files);
        let now = catalog.media().item_files(ids.clone()).await?;
        let mut made: Vec<Item> = items::group(&now).into_iter().filter(|i| ids.contains(&i.id)).collect();
        made.sort_by_key(|i| ids.iter().position(|id| *id == i.id));
        anyhow::Ok(made)
    }
    .await;
    catalog.close().await;
    let made = result?;
    let mut out = io::stdout().lock();
    if json {
        for item in &made {
            serde_json::to_writer(&mut out, item)?;
            writeln!(out)?;
        }
    } else {
        if let Some(first) = made.first().filter(|i| i.id != item) {
            writeln!(out, "The item's key changed: its id is now {}.", first.id)?;
        }
        super::items::write(&mut out, &made)?;
    }
    Ok(ExitCode::SUCCESS)
}
