//! `mediascan edit` and `mediascan history`: the user's overrides of what a file's name says,
//! and who changed them when.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use clap::builder::TypedValueParser;

use scanner_core::items::ItemId;
use scanner_core::overrides::{Field, MAX_EPISODES, MAX_TEXT, OverrideEdit, Overrides, Value};
use scanner_core::{MediaId, MediaKind, MediaRecord};

use super::{DbArgs, UsageError, output};
use crate::config::Config;
use crate::{CatalogReader, bounds};

/// A file by its id (as `media --json` shows it) or its path.
#[derive(Debug, Clone)]
pub enum Target {
    Id(MediaId),
    Path(PathBuf),
}

/// A path need not be UTF-8 (the catalog keeps any path): only an id is read as text.
fn parse_target(s: std::ffi::OsString) -> Result<Target, String> {
    if s.is_empty() {
        return Err("name a file by its path or its id".to_owned());
    }
    Ok(match s.to_str().map(uuid::Uuid::parse_str) {
        Some(Ok(id)) => Target::Id(MediaId(id)),
        _ => Target::Path(PathBuf::from(s)),
    })
}

fn parse_text(s: &str) -> Result<String, String> {
    if s.is_empty() || s.chars().count() > MAX_TEXT {
        return Err(format!("give 1 to {MAX_TEXT} characters (--unset removes the override)"));
    }
    Ok(s.to_owned())
}

/// Episode numbers given as one comma-separated value.
#[derive(Debug, Clone)]
pub struct Episodes(Vec<u32>);

fn parse_episodes(s: &str) -> Result<Episodes, String> {
    let episodes = s
        .split(',')
        .map(|e| bounds::EPISODE.parse(e.trim()).map(|n| n as u32))
        .collect::<Result<Vec<_>, _>>()?;
    if episodes.len() > MAX_EPISODES {
        return Err(format!("at most {MAX_EPISODES} episodes"));
    }
    Ok(Episodes(episodes))
}

/// A provider id, checked as the catalog checks it.
fn parse_id(field: Field) -> impl Fn(&str) -> Result<String, String> + Clone + Send + Sync + 'static {
    move |s: &str| {
        let mut set = Overrides::default();
        let value = Some(s.to_owned());
        match field {
            Field::Tmdb => set.tmdb = value,
            Field::Imdb => set.imdb = value,
            _ => set.tvdb = value,
        }
        set.check().map(|()| s.to_owned())
    }
}

fn parse_field(s: &str) -> Result<Field, String> {
    Field::parse(s).ok_or_else(|| format!("use {}", Field::ALL.map(Field::as_str).join(", ")))
}

#[derive(Debug, Args)]
pub struct EditArgs {
    #[command(flatten)]
    pub db: DbArgs,

    /// The file: its path, or its id.
    #[arg(value_name = "PATH|ID", required_unless_present = "item", conflicts_with = "item",
        value_parser = clap::builder::OsStringValueParser::new().try_map(parse_target))]
    pub target: Option<Target>,

    /// Edits every film or episode file of this item (as `items` shows it) instead of one file:
    /// every part of every version. Its id changes with its key (`--tmdb`…), and its extras
    /// follow it.
    #[arg(long, value_name = "ITEM_ID", value_parser = |s: &str| s.parse::<ItemId>().map_err(|e| e.to_string()))]
    pub item: Option<ItemId>,

    /// The show the file belongs to.
    #[arg(long, value_parser = parse_text)]
    pub show: Option<String>,
    /// The season number.
    #[arg(long, value_parser = |s: &str| bounds::SEASON.parse(s).map(|n| n as u32))]
    pub season: Option<u32>,
    /// The episode numbers, comma-separated (`1,2` for a double episode).
    #[arg(long, value_name = "N[,N…]", value_parser = parse_episodes)]
    pub episodes: Option<Episodes>,
    /// The title (a movie's, or an episode's).
    #[arg(long, value_parser = parse_text)]
    pub title: Option<String>,
    /// The year (1–9999).
    #[arg(long, value_parser = |s: &str| bounds::YEAR.parse(s).map(|n| n as u16))]
    pub year: Option<u16>,
    /// episode, movie, extra, sample or unknown (files only, not `--item`).
    #[arg(long, value_parser = super::media::parse_kind, conflicts_with = "item")]
    pub kind: Option<MediaKind>,
    /// The Movie Database id (`603`): an item is then keyed by it.
    #[arg(long, value_name = "ID", value_parser = parse_id(Field::Tmdb))]
    pub tmdb: Option<String>,
    /// The IMDb title id (`tt0133093`).
    #[arg(long, value_name = "ID", value_parser = parse_id(Field::Imdb))]
    pub imdb: Option<String>,
    /// TheTVDB id (`81189`).
    #[arg(long, value_name = "ID", value_parser = parse_id(Field::Tvdb))]
    pub tvdb: Option<String>,
    /// Extras only: the item the extra belongs to (an id as `items` shows it), over the one
    /// its name gives (files only, not `--item`).
    #[arg(long, value_name = "ITEM_ID", conflicts_with = "item",
        value_parser = |s: &str| s.parse::<ItemId>().map_err(|e| e.to_string()))]
    pub extra_of: Option<ItemId>,
    /// Removes one override (repeatable): the parser's value holds again.
    #[arg(long, value_name = "FIELD", value_parser = parse_field)]
    pub unset: Vec<Field>,
    /// Removes every override of the file (before setting any given here).
    #[arg(long)]
    pub clear: bool,
    /// The record after the edit as JSON, as `media --json` prints it.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub db: DbArgs,

    /// The file: its path, or its id.
    #[arg(value_name = "PATH|ID", value_parser = clap::builder::OsStringValueParser::new().try_map(parse_target))]
    pub target: Target,

    /// One JSON object per change instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// The id of `target` in the catalog.
async fn find(catalog: &CatalogReader, target: &Target) -> anyhow::Result<MediaId> {
    let found = match target {
        Target::Id(id) => catalog.media().get(*id).await?,
        Target::Path(path) => catalog.media().get_by_path(std::path::absolute(path)?).await?,
    };
    match (found, target) {
        (Some(record), _) => Ok(record.id),
        (None, Target::Id(id)) => anyhow::bail!("no file with id {id} in the catalog"),
        (None, Target::Path(path)) => anyhow::bail!("{} is not in the catalog", path.display()),
    }
}

pub async fn edit(args: EditArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let set = Overrides {
        show: args.show,
        season: args.season,
        episodes: args.episodes.map(|e| e.0),
        title: args.title,
        year: args.year,
        kind: args.kind,
        tmdb: args.tmdb,
        imdb: args.imdb,
        tvdb: args.tvdb,
        extra_of: args.extra_of,
    };
    if set.is_empty() && args.unset.is_empty() && !args.clear {
        return Err(UsageError("nothing to change: give --show, --season, --episodes, --title, --year, --kind, --tmdb, --imdb, --tvdb, --extra-of, --unset or --clear".into()).into());
    }
    set.check().map_err(UsageError)?;
    let edit = OverrideEdit { set, clear: args.unset, clear_all: args.clear };
    let settings = args.db.settings(config)?;
    let target = match (args.item, args.target) {
        (Some(item), _) => return super::item_edit::edit(&settings, item, edit, args.json).await,
        (None, Some(target)) => target,
        (None, None) => return Err(UsageError("name a file, or an item with --item".into()).into()),
    };
    let catalog = CatalogReader::open(&settings).await?;
    let result = async {
        let id = find(&catalog, &target).await?;
        let edited = match catalog.edits().edit(id, edit, "cli".to_owned(), chrono::Utc::now()).await {
            // The values were checked: what the catalog refuses is an edit this file does not
            // take (an owner for a file that is no extra).
            Err(scanner_core::ports::RepoError::InvalidInput(message)) => {
                return Err(UsageError(message).into());
            }
            edited => edited?,
        };
        edited.ok_or_else(|| anyhow::anyhow!("the file left the catalog meanwhile"))
    }
    .await;
    catalog.close().await;
    let record = result?;
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer(&mut out, &record)?;
        writeln!(out)?;
    } else {
        write_edited(&mut out, &record)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// What the file now reads as, each field marked when the user set it.
fn write_edited(out: &mut impl Write, record: &MediaRecord) -> io::Result<()> {
    let parsed = &record.parsed;
    let mut table = output::Table::new(["FIELD", "VALUE", "FROM"]);
    let from =
        |field: Field| if record.overrides.get(field).is_some() { "override" } else { "name" }.to_owned();
    let text = |v: Option<&str>| v.unwrap_or("-").to_owned();
    let number = |v: Option<u32>| v.map_or_else(|| "-".to_owned(), |n| n.to_string());
    let episodes = parsed.episodes.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
    table.row(["path".into(), output::display(&record.path), String::new()]);
    table.row(["kind".into(), parsed.kind.as_str().into(), from(Field::Kind)]);
    table.row(["show".into(), text(parsed.show.as_deref()), from(Field::Show)]);
    table.row(["season".into(), number(parsed.season), from(Field::Season)]);
    table.row([
        "episodes".into(),
        if episodes.is_empty() { "-".into() } else { episodes },
        from(Field::Episodes),
    ]);
    table.row(["title".into(), text(parsed.title.as_deref()), from(Field::Title)]);
    table.row(["year".into(), number(parsed.year.map(u32::from)), from(Field::Year)]);
    let ids = &parsed.ids;
    table.row(["tmdb".into(), number(ids.tmdb), from(Field::Tmdb)]);
    table.row(["imdb".into(), text(ids.imdb.as_deref()), from(Field::Imdb)]);
    table.row(["tvdb".into(), number(ids.tvdb), from(Field::Tvdb)]);
    if parsed.kind == MediaKind::Extra {
        let owner = parsed.extra_of.map(|id| id.to_string());
        table.row(["extra_of".into(), text(owner.as_deref()), from(Field::ExtraOf)]);
    }
    table.write(out)
}

fn value(v: Option<&Value>) -> String {
    match v {
        None => "-".to_owned(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Numbers(ns)) => ns.iter().map(u32::to_string).collect::<Vec<_>>().join(","),
        Some(Value::Text(t)) => t.clone(),
    }
}

pub async fn history(args: HistoryArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let catalog = CatalogReader::open(&args.db.settings(config)?).await?;
    let result = async {
        let id = find(&catalog, &args.target).await?;
        let changes = catalog.edits().history(id).await?;
        changes.ok_or_else(|| anyhow::anyhow!("the file left the catalog meanwhile"))
    }
    .await;
    catalog.close().await;
    let changes = result?;
    let mut out = io::stdout().lock();
    if args.json {
        for change in &changes {
            serde_json::to_writer(&mut out, change)?;
            writeln!(out)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut table = output::Table::new(["AT", "ACTOR", "FIELD", "OLD", "NEW"]);
    for c in &changes {
        let at = c.at.format("%Y-%m-%d %H:%M:%S").to_string();
        table.row([
            at,
            c.actor.clone(),
            c.field.as_str().into(),
            value(c.old.as_ref()),
            value(c.new.as_ref()),
        ]);
    }
    table.write(&mut out)?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use std::os::unix::ffi::OsStringExt;

    use super::*;

    #[test]
    fn a_file_is_named_by_any_path_or_by_its_id() {
        let odd = std::ffi::OsString::from_vec(b"/m/\xff.mkv".to_vec());
        assert!(matches!(parse_target(odd.clone()), Ok(Target::Path(p)) if p.as_os_str() == odd));
        let id = "3f0c6c4e-8d55-4f7a-9a43-8f2a9f1e0b11";
        assert!(matches!(parse_target(id.into()), Ok(Target::Id(MediaId(u))) if u.to_string() == id));
        assert!(parse_target("".into()).is_err());
    }
}
