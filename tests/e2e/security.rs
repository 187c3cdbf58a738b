//! The server against clients that misbehave or lie: slow senders, too many connections, a
//! foreign `Host` (DNS rebinding), and the command line's token rules.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;

use e2e::{Server, mediascan, run, stderr};

use crate::{Tree, config, real_ffprobe};

fn address(server: &Server) -> String {
    server.base.trim_start_matches("http://").to_owned()
}

/// A request whose headers never end.
fn half_sent(server: &Server) -> TcpStream {
    let mut stream = TcpStream::connect(address(server)).unwrap();
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ").unwrap();
    stream
}

/// Waits until the server closes `stream` (a read returns end of file or an error); returns
/// how long that took, or panics after `deadline`.
fn closed_within(mut stream: TcpStream, deadline: Duration) -> Duration {
    let started = Instant::now();
    stream.set_read_timeout(Some(deadline)).unwrap();
    let mut buf = [0u8; 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return started.elapsed(),
            // Whatever the server wrote before closing (a 408) is fine.
            Ok(_) => continue,
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                panic!("the connection was still open after {deadline:?}")
            }
            Err(_) => return started.elapsed(),
        }
    }
}

#[test]
fn half_sent_requests_are_closed_at_the_header_timeout() {
    let tree = Tree::new();
    let config = config(&tree, &real_ffprobe(), "");
    let text = std::fs::read_to_string(&config).unwrap() + "\n[server]\nheader_read_timeout_secs = 2\n";
    std::fs::write(&config, text).unwrap();
    let server = Server::start(&config, &tree.db().to_string_lossy(), &[]);
    // Many at once, as a slowloris client opens them: all closed, none held.
    let streams: Vec<TcpStream> = (0..100).map(|_| half_sent(&server)).collect();
    for stream in streams {
        let took = closed_within(stream, Duration::from_secs(30));
        assert!(took < Duration::from_secs(30));
    }
    // The server still serves.
    let response = reqwest::blocking::get(server.url("/healthz")).unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[test]
fn connections_beyond_the_limit_wait_for_a_free_slot() {
    let tree = Tree::new();
    let config = config(&tree, &real_ffprobe(), "");
    let text = std::fs::read_to_string(&config).unwrap() + "\n[server]\nmax_connections = 2\n";
    std::fs::write(&config, text).unwrap();
    let server = Server::start(&config, &tree.db().to_string_lossy(), &[]);
    let held: Vec<TcpStream> = (0..2).map(|_| half_sent(&server)).collect();
    let client = reqwest::blocking::Client::builder().timeout(Duration::from_secs(2)).build().unwrap();
    let refused = client.get(server.url("/healthz")).send();
    assert!(refused.is_err(), "a third connection was served while two were held: {refused:?}");
    drop(held);
    let client = reqwest::blocking::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
    let response = client.get(server.url("/healthz")).send().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

fn get_with_host(server: &Server, path: &str, host: &str) -> (StatusCode, Value) {
    let client = reqwest::blocking::Client::new();
    let response = client.get(server.url(path)).header("host", host).send().unwrap();
    let status = response.status();
    (status, response.json().unwrap_or(Value::Null))
}

#[test]
fn without_a_token_only_loopback_and_allowed_hosts_are_served() {
    let tree = Tree::new();
    let config = config(&tree, &real_ffprobe(), "");
    let text =
        std::fs::read_to_string(&config).unwrap() + "\n[server]\nallowed_hosts = [\"media.example.org\"]\n";
    std::fs::write(&config, text).unwrap();
    let server = Server::start(&config, &tree.db().to_string_lossy(), &[]);
    let port = address(&server).rsplit_once(':').unwrap().1.to_owned();
    for host in ["evil.example", &format!("evil.example:{port}"), "192.168.1.10", "localhost.evil.example"] {
        let (status, body) = get_with_host(&server, "/api/v1/libraries", host);
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::FORBIDDEN, Some("host_not_allowed")),
            "{host}"
        );
    }
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
        "media.example.org".to_owned(),
        format!("media.example.org:{port}"),
    ] {
        let (status, _) = get_with_host(&server, "/api/v1/libraries", &host);
        assert_eq!(status, StatusCode::OK, "{host}");
    }
}

#[test]
fn tokens_that_guard_nothing_are_refused() {
    let tree = Tree::new();
    let db = tree.db();
    let db = db.to_string_lossy();
    let serve = |args: &[&str]| {
        let mut command = mediascan();
        command.args(["serve", "--db", &db]).args(args);
        command
    };
    for (args, env) in [
        (&["--token", ""][..], None),
        (&["--token", "   "][..], None),
        (&["--token", " padded-token-value-1234 "][..], None),
        (&["--listen", "0.0.0.0:0", "--token", "short"][..], None),
        (&[][..], Some("")),
        (&[][..], Some("  ")),
    ] {
        let mut command = serve(args);
        if let Some(value) = env {
            command.env("MEDIASCAN_TOKEN", value);
        }
        let output = run(&mut command);
        assert_eq!(output.status.code(), Some(2), "{args:?} {env:?}: {}", stderr(&output));
        let message = stderr(&output);
        assert_eq!(message.trim_end().lines().count(), 1, "{message}");
        assert!(message.contains("token"), "{message}");
    }
    // A short token from the configuration on a public address: the file and key are named.
    let config = tree.dir.path().join("short-token.toml");
    std::fs::write(&config, "[server]\ntoken = \"short\"\n").unwrap();
    let output =
        run(mediascan().arg("--config").arg(&config).args(["serve", "--db", &db, "--listen", "0.0.0.0:0"]));
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("server.token") && stderr(&output).contains("short-token.toml"));
}

#[test]
fn a_listen_address_may_be_a_name() {
    let tree = Tree::new();
    let config = config(&tree, &real_ffprobe(), "");
    let server = Server::start_listening(&config, &tree.db().to_string_lossy(), "localhost:0", &[]);
    let response = reqwest::blocking::get(server.url("/healthz")).unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}
