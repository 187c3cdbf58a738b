//! `mediascan serve`: the HTTP API until SIGINT or SIGTERM.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args;

use super::{DbArgs, INTERRUPTED, Interrupt, UsageError};
use crate::api::{self, AppState, ConnectionLimits};
use crate::config::{Config, check_token};
use crate::{Mediascan, bounds};

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,

    /// Address to listen on: host:port, a name (`localhost:8080`) or an IP address
    /// [default: 127.0.0.1:8080, or the configuration's].
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,

    /// Bearer token API clients must send [default: the configuration's; none]. At least 16
    /// characters when listening on an address other than loopback.
    #[arg(long, env = "MEDIASCAN_TOKEN", value_name = "TOKEN", hide_env_values = true,
        value_parser = |s: &str| check_token(s).map(|()| s.to_owned()).map_err(|e| format!("the token {e}")))]
    pub token: Option<String>,

    /// Serve on a non-loopback address without a token (anyone who reaches the port can start
    /// scans).
    #[arg(long)]
    pub allow_unauthenticated_remote: bool,

    /// Print the OpenAPI document and exit.
    #[arg(long)]
    pub openapi: bool,
}

/// `host:port` → socket addresses; a bare host or address gets port 8080.
async fn resolve(listen: &str) -> anyhow::Result<Vec<SocketAddr>> {
    let with_port = if listen.parse::<SocketAddr>().is_ok()
        || listen
            .rsplit_once(':')
            .is_some_and(|(h, p)| !h.is_empty() && !h.ends_with(':') && p.parse::<u16>().is_ok())
    {
        listen.to_owned()
    } else if listen.contains(':') && !listen.starts_with('[') {
        format!("[{listen}]:8080")
    } else {
        format!("{listen}:8080")
    };
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host(&with_port)
        .await
        .with_context(|| format!("cannot resolve the listen address {listen:?}"))?
        .collect();
    if addresses.is_empty() {
        anyhow::bail!("the listen address {listen:?} resolves to nothing");
    }
    Ok(addresses)
}

pub async fn run(args: ServeArgs, config: &Config) -> anyhow::Result<ExitCode> {
    if args.openapi {
        println!("{}", api::openapi_json());
        return Ok(ExitCode::SUCCESS);
    }
    let server = &config.file.server;
    let listen =
        args.listen.clone().or_else(|| server.listen.clone()).unwrap_or_else(|| "127.0.0.1:8080".into());
    let addresses = resolve(&listen).await?;
    let loopback = addresses.iter().all(|a| a.ip().is_loopback());
    // The command line's token (or MEDIASCAN_TOKEN) wins; clap has refused an empty one.
    let from_cli = args.token.is_some();
    let token = args.token.clone().or_else(|| server.token.clone());
    match &token {
        Some(token) if !loopback && token.chars().count() < bounds::MIN_REMOTE_TOKEN_CHARS => {
            let message = format!(
                "the token is shorter than {} characters, too short to guard {listen}",
                bounds::MIN_REMOTE_TOKEN_CHARS
            );
            if from_cli {
                return Err(UsageError(message).into());
            }
            anyhow::bail!("server.token in {}: {message}", config.path_display());
        }
        None if !(loopback || args.allow_unauthenticated_remote || server.allow_unauthenticated_remote) => {
            anyhow::bail!(
                "refusing to listen on {listen} without a token: set --token (or server.token), or pass \
                 --allow-unauthenticated-remote"
            );
        }
        _ => {}
    }
    let limits = ConnectionLimits {
        header_read_timeout: Duration::from_secs(server.header_read_timeout_secs.unwrap_or(10)),
        idle_timeout: Duration::from_secs(server.idle_timeout_secs.unwrap_or(300)),
        max_connections: usize::try_from(server.max_connections.unwrap_or(512)).unwrap_or(usize::MAX),
    };
    let mut interrupt = Interrupt::install();
    let settings = args.db.settings(config)?;
    let app = tokio::select! {
        app = Mediascan::open(settings) => app?,
        _ = interrupt.recv() => return Ok(ExitCode::from(INTERRUPTED)),
    };
    let listener = match tokio::net::TcpListener::bind(addresses.as_slice()).await {
        Ok(listener) => listener,
        Err(e) => {
            app.shutdown().await;
            return Err(e).with_context(|| format!("cannot listen on {listen}"));
        }
    };
    // Watching starts without a full scan (unless a library says `scan_on_start`).
    let watched = match app.start_watching(&[], None, true) {
        Ok(watched) => watched,
        Err(e) => {
            app.shutdown().await;
            return Err(e);
        }
    };
    if !watched.is_empty() {
        eprintln!("mediascan: watching {}", watched.join(", "));
    }
    let local = listener.local_addr()?;
    // On stderr, whatever the log level: scripts and tests read the actual port here.
    eprintln!("mediascan: listening on http://{local}");
    tracing::info!(%local, libraries = app.libraries().len(), "serving");
    let state = AppState {
        app: app.clone(),
        token: token.map(Into::into),
        allowed_hosts: server.allowed_hosts.clone().into(),
    };
    let result = api::serve(listener, state, limits, async move { interrupt.recv().await }).await;
    app.shutdown().await;
    result.context("the server failed")?;
    eprintln!("mediascan: stopped");
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn listen_addresses_take_names_and_default_ports() {
        let port = |s: &'static str| async move { resolve(s).await.unwrap()[0].port() };
        assert_eq!(port("127.0.0.1:9000").await, 9000);
        assert_eq!(port("localhost:9001").await, 9001);
        assert_eq!(port("[::1]:9002").await, 9002);
        assert_eq!(port("127.0.0.1").await, 8080);
        assert_eq!(port("localhost").await, 8080);
        assert_eq!(port("::1").await, 8080);
        assert!(resolve("localhost:99999").await.is_err());
        assert!(resolve("no such host name.invalid:80").await.is_err());
    }
}
