//! The HTTP API's layers and its OpenAPI document, on a real socket.

use std::sync::Arc;
use std::time::Duration;

use axum::routing::get;
use serde_json::Value;

use app::api::{self, AppState, ConnectionLimits};

async fn state(dir: &std::path::Path) -> AppState {
    let app = crate::open(dir, |_| {}).await;
    AppState { app, token: None, allowed_hosts: Arc::from(Vec::new()) }
}

/// Serves `router` on an ephemeral port until the returned sender is dropped.
async fn serve(router: axum::Router) -> (String, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(api::serve_connections(
        listener,
        router,
        ConnectionLimits::default(),
        async move {
            let _ = stopped.await;
        },
        Duration::from_secs(1),
    ));
    (base, stop)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_handler_is_a_500_in_the_error_shape_and_the_connection_lives() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let app = state.app.clone();
    async fn broken() -> &'static str {
        panic!("deliberately broken handler")
    }
    let panicking: axum::Router<AppState> = axum::Router::new().route("/api/v1/test/panic", get(broken));
    let (base, _stop) = serve(api::router_with(state, panicking)).await;
    // One client, one kept-alive connection: the panic must not take it down.
    let client = reqwest::Client::builder().pool_max_idle_per_host(1).build().unwrap();
    for _ in 0..3 {
        let response = client.get(format!("{base}/api/v1/test/panic")).send().await.unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::INTERNAL_SERVER_ERROR);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "internal", "{body}");
        assert!(!body["message"].as_str().unwrap().contains("deliberately"), "no internals: {body}");
        let health = client.get(format!("{base}/healthz")).send().await.unwrap();
        assert_eq!(health.status(), reqwest::StatusCode::OK);
    }
    app.shutdown().await;
}

/// A value the schema of a parameter calls valid.
fn valid_value(doc: &Value, schema: &Value) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap();
        return valid_value(doc, &doc["components"]["schemas"][name]);
    }
    if let Some(choices) = schema["enum"].as_array() {
        return choices[0].as_str().unwrap().to_owned();
    }
    match schema["type"].as_str() {
        Some("integer") => schema["minimum"].as_u64().unwrap_or(1).max(1).to_string(),
        Some("boolean") => "true".to_owned(),
        _ => match schema["pattern"].as_str() {
            Some(p) if p.starts_with("^2f") => "2f61".to_owned(),
            Some(p) if p.starts_with("^[0-9a-f]{8}-") => "00000000-0000-8000-8000-000000000000".to_owned(),
            Some(p) if p.contains("A-Za-z0-9_-") => "lib".to_owned(),
            _ => "x".to_owned(),
        },
    }
}

/// The check openapi-spec-validator does not make: every parameter is declared where the
/// server reads it. Path parameters are exactly the `{names}` of the path; every query
/// parameter the document declares is taken by the server as a query parameter (an undeclared
/// or misplaced one would be refused as unknown, 400).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_parameter_is_declared_where_the_server_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let app = state.app.clone();
    let (base, _stop) = serve(api::router(state)).await;
    let doc: Value = serde_json::from_str(&api::openapi_json()).unwrap();
    let client = reqwest::Client::new();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let name = parameter["name"].as_str().unwrap();
                let location = parameter["in"].as_str().unwrap();
                let in_template = path.contains(&format!("{{{name}}}"));
                assert_eq!(
                    location == "path",
                    in_template,
                    "{method} {path}: {name} is declared in {location}"
                );
                if location == "header" {
                    assert_eq!(name, "Last-Event-ID", "{method} {path}: unexpected header parameter {name}");
                }
                if location != "query" || method != "get" || path.contains('{') {
                    continue;
                }
                let value = valid_value(&doc, &parameter["schema"]);
                // The values are plain ASCII words and numbers: nothing to escape.
                let response = client.get(format!("{base}{path}?{name}={value}")).send().await.unwrap();
                let status = response.status();
                let body: Value = response.json().await.unwrap_or(Value::Null);
                assert!(
                    status.is_success() || status == reqwest::StatusCode::NOT_FOUND,
                    "GET {path}?{name}={value}: {status} {body}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 15, "only {checked} query parameters checked");
    app.shutdown().await;
}
