//! The OpenAPI document: generated from the handlers' annotations, then completed with what
//! every operation shares (authentication, the errors any request may meet), so that the
//! document lists every status the server can answer.

use std::sync::OnceLock;

use utoipa::OpenApi;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{RefOr, Response, ResponseBuilder, Responses};

use super::{MAX_URI, OPEN_PATHS};

#[derive(OpenApi)]
#[openapi(
    // Schemas only parameters use (those of bodies are collected from the handlers).
    components(schemas(super::items::ItemKind)),
    info(title = "mediascan", description = "Media-library scanner: scans, progress, and the catalog."),
    tags(
        (name = "scans", description = "Start, follow, cancel and delete scans of configured libraries"),
        (name = "media", description = "The catalog"),
        (name = "libraries", description = "Configured libraries"),
        (name = "health", description = "Liveness and this document"),
    )
)]
pub struct ApiDoc;

/// Operations that read the catalog, and so may meet it unavailable (503).
const CATALOG_PATHS: [&str; 14] = [
    "/api/v1/scans",
    "/api/v1/scans/{id}",
    "/api/v1/scans/{id}/cancel",
    "/api/v1/scans/{id}/events",
    "/api/v1/media",
    "/api/v1/media/{id}",
    "/api/v1/media/{id}/overrides",
    "/api/v1/media/{id}/history",
    "/api/v1/shows",
    "/api/v1/report",
    "/api/v1/shows/{show}",
    "/api/v1/items",
    "/api/v1/items/{id}",
    "/api/v1/items/{id}/overrides",
];

fn error(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            utoipa::openapi::ContentBuilder::new()
                .schema(Some(utoipa::openapi::Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
        .into()
}

fn add(responses: &mut Responses, status: &str, description: &str) {
    responses.responses.entry(status.to_owned()).or_insert_with(|| error(description));
}

/// The security scheme, open paths, and the responses every operation shares. Applied to the
/// finished document (after the routes are merged in).
pub struct Shared;

impl utoipa::Modify for Shared {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        openapi.security = Some(vec![SecurityRequirement::new("bearer", Vec::<String>::new())]);
        for (path, item) in openapi.paths.paths.iter_mut() {
            let open = OPEN_PATHS.contains(&path.as_str());
            let operations: [&mut Option<Operation>; 5] =
                [&mut item.get, &mut item.post, &mut item.delete, &mut item.put, &mut item.patch];
            for operation in operations.into_iter().flatten() {
                let responses = &mut operation.responses;
                if open {
                    // An empty list: no credentials needed, whatever the document's default.
                    operation.security = Some(Vec::new());
                } else {
                    add(responses, "401", "No token, or not the server's token (servers with a token)");
                }
                add(
                    responses,
                    "403",
                    "The request is not addressed to a loopback name or an allowed host (servers without a token)",
                );
                add(responses, "414", &format!("The request target is longer than {MAX_URI} bytes"));
                add(responses, "500", "The server failed (logged with the request id)");
                if CATALOG_PATHS.contains(&path.as_str()) {
                    add(responses, "503", "The catalog cannot be reached right now; retry later");
                }
            }
        }
    }
}

/// An event of the scan event stream as OpenAPI 3.1 describes a `text/event-stream` item: the
/// event's fields, with `data` a string holding the progress as JSON (`contentSchema`, which
/// the derive macros cannot write).
fn progress_event_schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "description": "One Server-Sent Event of a scan's progress. Give `id` back as `Last-Event-ID` to resume after it.",
        "required": ["event", "id", "data"],
        "properties": {
            "event": { "type": "string", "const": "progress" },
            "id": { "type": "string", "description": "`<sequence>.<digest>`: the event's number in the stream and a digest of its data." },
            "data": {
                "type": "string",
                "description": "The scan's progress when the event was sent, as JSON.",
                "contentMediaType": "application/json",
                "contentSchema": { "$ref": "#/components/schemas/ScanProgress" }
            }
        }
    })
}

/// The document served at `/api/v1/openapi.json`, built once.
pub fn document() -> &'static serde_json::Value {
    static DOCUMENT: OnceLock<serde_json::Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let mut document = serde_json::to_value(super::endpoints().1).unwrap_or_default();
        if let Some(schemas) = document.pointer_mut("/components/schemas").and_then(|s| s.as_object_mut()) {
            schemas.insert("ProgressEvent".to_owned(), progress_event_schema());
        }
        document
    })
}

/// This document (no token needed).
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "health", security(()),
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", content_type = "application/json", body = Object)))]
pub async fn openapi_document() -> axum::Json<&'static serde_json::Value> {
    axum::Json(document())
}
