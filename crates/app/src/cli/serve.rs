//! `mediascan serve`: the HTTP API until SIGINT or SIGTERM.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;

use super::{DbArgs, INTERRUPTED, Interrupt};
use crate::Mediascan;
use crate::api::{self, AppState};
use crate::config::Config;

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,

    /// Address to listen on [default: 127.0.0.1:8080, or the configuration's].
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,

    /// Bearer token API clients must send [default: the configuration's; none].
    #[arg(long, env = "MEDIASCAN_TOKEN", value_name = "TOKEN", hide_env_values = true)]
    pub token: Option<String>,

    /// Serve on a non-loopback address without a token (anyone who reaches the port can start
    /// scans).
    #[arg(long)]
    pub allow_unauthenticated_remote: bool,

    /// Print the OpenAPI document and exit.
    #[arg(long)]
    pub openapi: bool,
}

pub async fn run(args: ServeArgs, config: &Config) -> anyhow::Result<ExitCode> {
    if args.openapi {
        println!("{}", api::openapi_json());
        return Ok(ExitCode::SUCCESS);
    }
    let server = &config.file.server;
    let listen = args.listen.or(server.listen).unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
    let token = args.token.clone().or_else(|| server.token.clone()).filter(|t| !t.is_empty());
    if token.is_none()
        && !listen.ip().is_loopback()
        && !(args.allow_unauthenticated_remote || server.allow_unauthenticated_remote)
    {
        bail!(
            "refusing to listen on {listen} without a token: set --token (or server.token), or pass \
             --allow-unauthenticated-remote"
        );
    }
    let mut interrupt = Interrupt::install();
    let settings = args.db.settings(config)?;
    let app = tokio::select! {
        app = Mediascan::open(settings) => app?,
        _ = interrupt.recv() => return Ok(ExitCode::from(INTERRUPTED)),
    };
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(listener) => listener,
        Err(e) => {
            app.shutdown().await;
            return Err(e).with_context(|| format!("cannot listen on {listen}"));
        }
    };
    let local = listener.local_addr()?;
    // On stderr, whatever the log level: scripts and tests read the actual port here.
    eprintln!("mediascan: listening on http://{local}");
    tracing::info!(%local, libraries = app.libraries().len(), "serving");
    let state = AppState { app: app.clone(), token: token.map(Into::into) };
    let result = api::serve(listener, state, async move { interrupt.recv().await }).await;
    app.shutdown().await;
    result.context("the server failed")?;
    eprintln!("mediascan: stopped");
    Ok(ExitCode::SUCCESS)
}
