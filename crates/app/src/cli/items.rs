//! `mediascan items`: films and episodes as a media server shows them — versions, parts and
//! extras grouped.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use scanner_core::MediaKind;
use scanner_core::items::{self, Item};
use scanner_core::ports::{ItemQuery, MediaFilter};

use super::DbArgs;
use super::output::Table;
use crate::CatalogReader;
use crate::config::Config;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Movie,
    Episode,
}

#[derive(Debug, Args)]
pub struct ItemsArgs {
    #[command(flatten)]
    pub db: DbArgs,

    /// Only items with a file in this configured library.
    #[arg(long, value_name = "NAME")]
    pub library: Option<String>,

    /// Only films or only episodes.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,

    /// Only items whose show name or title contains this text, any case.
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,

    /// One JSON object per line instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Items read from the catalog at a time.
const PAGE: u64 = 500;

pub async fn run(args: ItemsArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let catalog = CatalogReader::open(&args.db.settings(config)?).await?;
    let filter = MediaFilter {
        library: args.library.clone(),
        kind: args.kind.map(|k| match k {
            KindArg::Movie => MediaKind::Movie,
            KindArg::Episode => MediaKind::Episode,
        }),
        search: args.search.clone(),
        ..MediaFilter::default()
    };
    let listed = list(&catalog, filter).await;
    catalog.close().await;
    let listed = listed?;
    let mut out = BufWriter::new(io::stdout().lock());
    if args.json {
        for item in &listed {
            serde_json::to_writer(&mut out, item)?;
            writeln!(out)?;
        }
    } else {
        write(&mut out, &listed)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

async fn list(catalog: &CatalogReader, filter: MediaFilter) -> anyhow::Result<Vec<Item>> {
    let media = catalog.media();
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let query = ItemQuery { filter: filter.clone(), after, offset: None, limit: PAGE };
        let ids = media.item_ids(query).await?;
        let Some(last) = ids.last().copied() else { break };
        let files = media.item_files(ids.clone()).await?;
        all.extend(items::group(&files));
        if (ids.len() as u64) < PAGE {
            break;
        }
        after = Some(last);
    }
    Ok(all)
}

pub(super) fn write(out: &mut impl Write, listed: &[Item]) -> io::Result<()> {
    let mut table = Table::new(["ID", "KIND", "NAME", "YEAR", "EPISODE", "VERSIONS", "EXTRAS", "DURATION"]);
    for item in listed {
        let name = match (&item.show, &item.title) {
            (Some(show), Some(title)) if item.kind == MediaKind::Episode => format!("{show} — {title}"),
            (Some(show), _) if item.kind == MediaKind::Episode => show.clone(),
            (_, title) => title.clone().unwrap_or_default(),
        };
        let episode = match (item.season, item.episodes.as_slice()) {
            (_, []) => String::new(),
            (Some(season), episodes) => format!("S{season:02}E{}", join(episodes)),
            (None, episodes) => format!("#{}", join(episodes)),
        };
        let versions: Vec<String> = item
            .versions
            .iter()
            .map(|v| {
                let label = v.label.clone().unwrap_or_else(|| "-".to_owned());
                if v.parts.len() > 1 { format!("{label} ({} parts)", v.parts.len()) } else { label }
            })
            .collect();
        table.row([
            item.id.to_string(),
            item.kind.as_str().to_owned(),
            name,
            item.year.map(|y| y.to_string()).unwrap_or_default(),
            episode,
            versions.join(", "),
            item.extras.len().to_string(),
            item.duration_secs
                .map(|s| format!("{}:{:02}", (s / 60.0) as u64, (s % 60.0) as u64))
                .unwrap_or_default(),
        ]);
    }
    if table.len() == 0 {
        return writeln!(out, "No items: run `mediascan scan`, or check the filters.");
    }
    table.write(out)
}

fn join(numbers: &[u32]) -> String {
    numbers.iter().map(|n| format!("{n:02}")).collect::<Vec<_>>().join("-E")
}
