//! `mediascan libraries`: the configured libraries (no database needed).

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Args;

use super::output::Table;
use crate::config::Config;

#[derive(Debug, Args)]
pub struct LibrariesArgs {
    /// One JSON object per line instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: LibrariesArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let mut out = io::stdout().lock();
    if args.json {
        for library in config.libraries.values() {
            serde_json::to_writer(&mut out, library)?;
            writeln!(out)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    if config.libraries.is_empty() {
        match &config.path {
            Some(path) => writeln!(out, "No libraries in {}.", path.display())?,
            None => writeln!(out, "No configuration file found; see --config and docs/configuration.md.")?,
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut table = Table::new(["NAME", "ROOT", "PROFILE", "EXTENSIONS"]);
    for library in config.libraries.values() {
        table.row([
            library.name.clone(),
            library.root.display().to_string(),
            library.profile.clone(),
            library.extensions.join(","),
        ]);
    }
    table.write(&mut out)?;
    Ok(ExitCode::SUCCESS)
}
