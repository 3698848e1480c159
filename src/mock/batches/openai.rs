//! OpenAI's Batch API in the mock: `POST /v1/files` (multipart, `purpose` and `file`), `GET
//! /v1/files` (`?purpose=`), `GET /v1/files/{id}` and `/content`, `POST /v1/batches`, `GET
//! /v1/batches` (`?limit=&after=`, newest first), `GET /v1/batches/{id}` and `POST
//! /v1/batches/{id}/cancel`. A batch's file is checked as OpenAI checks it (each line JSON with
//! a unique `custom_id`, `POST` to the batch's endpoint, one model for all); a bad file makes the
//! batch `failed` with an error per problem. Results: an output file of answered lines and an
//! error file of the rest, each line `{"id", "custom_id", "response", "error"}`.

use std::collections::HashSet;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::{
    Api, Batch, Batches, Ended, Ending, LineResult, Progress, StoredFile, Vendor, batch_routes,
    refusing_others, takes_a_batch,
};
use crate::mock::Shared;
use crate::mock::openai::{error_response, json_response};

/// The endpoint a batch's requests go to (the only one the mock serves).
const ENDPOINT: &str = "/v1/chat/completions";

/// The OpenAI batch routes.
pub(in crate::mock) fn openai_router() -> Router<Arc<Shared>> {
    Router::new()
        .route(
            "/v1/files",
            refusing_others(&VENDOR, takes_a_batch(post(upload)).get(list_files)),
        )
        .route("/v1/files/{id}", refusing_others(&VENDOR, get(get_file)))
        .route(
            "/v1/files/{id}/content",
            refusing_others(&VENDOR, get(file_content)),
        )
        .merge(batch_routes(&VENDOR, "/v1/batches", create))
}

/// What tells OpenAI's batch API from Anthropic's for the handlers they share.
static VENDOR: Vendor = Vendor {
    api: Api::Openai,
    refused: refused_key,
    not_found: batch_not_found,
    error: openai_error,
    describe: described,
    cursor: "after",
};

fn refused_key(headers: &HeaderMap) -> Option<Response> {
    bad_key(headers).then(unauthorized)
}

fn batch_not_found(id: &str) -> Response {
    not_found("batch", id)
}

fn openai_error(status: StatusCode, kind: &str, message: &str) -> Response {
    error_response(status, kind, message)
}

fn described(batch: &Batch, _: &HeaderMap) -> Value {
    batch_json(batch)
}

/// Whether the request carries the mock's documented bad key.
fn bad_key(headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Bearer {}", crate::mock::BAD_KEY))
}

fn unauthorized() -> Response {
    error_response(
        StatusCode::UNAUTHORIZED,
        "invalid_request_error",
        "Incorrect API key provided (the mock refuses its documented bad key)",
    )
}

fn not_found(what: &str, id: &str) -> Response {
    error_response(
        StatusCode::NOT_FOUND,
        "invalid_request_error",
        format!("No such {what}: '{id}'"),
    )
}

fn bad_request(message: impl std::fmt::Display) -> Response {
    error_response(StatusCode::BAD_REQUEST, "invalid_request_error", message)
}

fn file_json(file: &StoredFile) -> Value {
    json!({
        "id": file.id, "object": "file", "bytes": file.bytes.len(), "created_at": file.created_at,
        "filename": file.filename, "purpose": file.purpose, "status": "processed",
    })
}

/// `POST /v1/files`: a multipart form with `purpose` and `file`. Logged as `{"purpose",
/// "filename", "bytes"}`.
async fn upload(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let form = multipart(&content_type, &body);
    let field = |name: &str| form.iter().find(|f| f.name == name);
    let logged = json!({
        "purpose": field("purpose").map(|f| String::from_utf8_lossy(&f.content).into_owned()),
        "filename": field("file").and_then(|f| f.filename.clone()),
        "bytes": field("file").map(|f| f.content.len()),
    });
    let response = if bad_key(&headers) {
        unauthorized()
    } else {
        match (field("purpose"), field("file")) {
            (Some(purpose), Some(file)) => {
                let purpose = String::from_utf8_lossy(&purpose.content).into_owned();
                if purpose == "batch" {
                    let name = file.filename.clone().unwrap_or_else(|| "upload".to_owned());
                    let stored = shared
                        .batches
                        .add_file(&name, &purpose, file.content.clone());
                    json_response(StatusCode::OK, file_json(&stored).to_string())
                } else {
                    bad_request(format!(
                        "the mock takes files for purpose 'batch', not '{purpose}'"
                    ))
                }
            }
            _ => bad_request("a multipart form with the fields 'purpose' and 'file' is required"),
        }
    };
    shared.respond(method, uri, logged, || response).await
}

async fn list_files(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let purpose = super::query_param(uri.query(), "purpose").map(str::to_owned);
    let response = if bad_key(&headers) {
        unauthorized()
    } else {
        let store = shared.batches.lock();
        let data: Vec<Value> = store
            .file_order
            .iter()
            .rev()
            .filter_map(|id| store.files.get(id))
            .filter(|f| purpose.as_deref().is_none_or(|p| f.purpose == p))
            .map(file_json)
            .collect();
        json_response(
            StatusCode::OK,
            json!({"object": "list", "data": data, "has_more": false}).to_string(),
        )
    };
    shared.respond(method, uri, Value::Null, || response).await
}

async fn get_file(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let response = match shared.batches.file(&id) {
        _ if bad_key(&headers) => unauthorized(),
        Some(file) => json_response(StatusCode::OK, file_json(&file).to_string()),
        None => not_found("file", &id),
    };
    shared.respond(method, uri, Value::Null, || response).await
}

async fn file_content(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let response = match shared.batches.file(&id) {
        _ if bad_key(&headers) => unauthorized(),
        Some(file) => {
            let bytes = Bytes::from(file.bytes.as_ref().clone());
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/octet-stream")],
                bytes,
            )
                .into_response()
        }
        None => not_found("file", &id),
    };
    shared.respond(method, uri, Value::Null, || response).await
}

/// `POST /v1/batches`: `{input_file_id, endpoint, completion_window, metadata?}`.
async fn create(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let parsed: Option<Value> = serde_json::from_slice(&body).ok();
    let logged = parsed.clone().unwrap_or(Value::Null);
    let response = if bad_key(&headers) {
        unauthorized()
    } else {
        match parsed {
            Some(request) => created(&shared, &request),
            None => bad_request("the request body is not JSON"),
        }
    };
    shared.respond(method, uri, logged, || response).await
}

fn created(shared: &Shared, request: &Value) -> Response {
    let text = |key: &str| request.get(key).and_then(Value::as_str);
    let (Some(file_id), Some(endpoint), Some(window)) = (
        text("input_file_id"),
        text("endpoint"),
        text("completion_window"),
    ) else {
        return bad_request("input_file_id, endpoint and completion_window are required");
    };
    if endpoint != ENDPOINT {
        return bad_request(format!("the mock batches only {ENDPOINT}, not {endpoint}"));
    }
    if window != "24h" {
        return bad_request("completion_window must be '24h'");
    }
    let Some(file) = shared.batches.file(file_id) else {
        return not_found("file", file_id);
    };
    if file.purpose != "batch" {
        return bad_request(format!(
            "file '{file_id}' was not uploaded for purpose 'batch'"
        ));
    }
    let (lines, invalid) = checked_lines(&file.bytes);
    let metadata = request.get("metadata").cloned().unwrap_or(Value::Null);
    let batch =
        shared
            .batches
            .add_batch(Api::Openai, lines, Some(file.id.clone()), metadata, invalid);
    json_response(StatusCode::OK, batch_json(&batch).to_string())
}

/// The lines of a batch file, and what is wrong with it as OpenAI would say.
fn checked_lines(bytes: &[u8]) -> (Vec<Value>, Vec<String>) {
    let mut lines = Vec::new();
    let mut invalid = Vec::new();
    let mut ids = HashSet::new();
    let mut models = HashSet::new();
    let text = String::from_utf8_lossy(bytes);
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let number = n + 1;
        let Ok(value) = serde_json::from_str::<Value>(line) else {
            invalid.push(format!("line {number} is not valid JSON"));
            continue;
        };
        match value.get("custom_id").and_then(Value::as_str) {
            Some(id) if ids.insert(id.to_owned()) => {}
            Some(id) => invalid.push(format!("line {number}: the custom_id '{id}' is not unique")),
            None => invalid.push(format!("line {number} has no custom_id")),
        }
        if value.get("method").and_then(Value::as_str) != Some("POST")
            || value.get("url").and_then(Value::as_str) != Some(ENDPOINT)
        {
            invalid.push(format!("line {number} is not a POST to {ENDPOINT}"));
        }
        if let Some(model) = value.pointer("/body/model").and_then(Value::as_str) {
            models.insert(model.to_owned());
        }
        lines.push(value);
    }
    if models.len() > 1 {
        invalid.push("the requests of a batch must all use one model".to_owned());
    }
    if lines.is_empty() {
        invalid.push("the file holds no requests".to_owned());
    }
    (lines, invalid)
}

/// A batch as `GET /v1/batches/{id}` describes it.
fn batch_json(batch: &Batch) -> Value {
    let (status, ended) = match &batch.state {
        Progress::Running => ("in_progress", None),
        Progress::Cancelling { .. } => ("cancelling", None),
        Progress::Ended(ended) => (
            match ended.ending {
                Ending::Completed => "completed",
                Ending::Expired => "expired",
                Ending::Cancelled => "cancelled",
                Ending::Failed(_) => "failed",
            },
            Some(ended),
        ),
    };
    let total = batch.lines.len() as u64;
    let (completed, failed) = ended.map_or((0, 0), |e| (e.succeeded, e.errored + e.unanswered));
    let at = |ending: fn(&Ending) -> bool| ended.filter(|e| ending(&e.ending)).map(|e| e.at);
    let errors = match ended.map(|e| &e.ending) {
        Some(Ending::Failed(reasons)) => json!({"object": "list", "data": reasons.iter()
            .map(|r| json!({"code": "invalid_request", "message": r, "param": null, "line": null}))
            .collect::<Vec<_>>()}),
        _ => Value::Null,
    };
    json!({
        "id": batch.id, "object": "batch", "endpoint": ENDPOINT, "errors": errors,
        "input_file_id": batch.input_file, "completion_window": "24h", "status": status,
        "output_file_id": ended.and_then(|e| e.output_file.clone()),
        "error_file_id": ended.and_then(|e| e.error_file.clone()),
        "created_at": batch.created_at, "in_progress_at": batch.created_at,
        "expires_at": batch.created_at + 86_400,
        "completed_at": at(|e| matches!(e, Ending::Completed)),
        "expired_at": at(|e| matches!(e, Ending::Expired)),
        "cancelled_at": at(|e| matches!(e, Ending::Cancelled)),
        "failed_at": at(|e| matches!(e, Ending::Failed(_))),
        "request_counts": {"total": total, "completed": completed, "failed": failed},
        "metadata": batch.metadata,
    })
}

/// The output and error files of an ended batch.
pub(super) fn ended(
    batches: &Batches,
    batch: &Batch,
    ending: Ending,
    lines: Vec<(Value, LineResult)>,
) -> Ended {
    let (mut output, mut errors) = (Vec::new(), Vec::new());
    let (mut succeeded, mut errored, mut unanswered) = (0, 0, 0);
    for (n, (custom_id, result)) in lines.into_iter().enumerate() {
        let id = format!("batch_req_{}_{n}", batch.id);
        let (line, ok) = match result {
            LineResult::Answered(status, body) => (
                json!({"id": id, "custom_id": custom_id, "error": null,
                       "response": {"status_code": status, "request_id": format!("req_{n}"), "body": body}}),
                (200..300).contains(&status),
            ),
            LineResult::Unanswered(why) => {
                let (code, message) = match why {
                    Ending::Cancelled => (
                        "batch_cancelled",
                        "the batch was cancelled before this request ran",
                    ),
                    _ => (
                        "batch_expired",
                        "this request could not be run before the batch expired",
                    ),
                };
                unanswered += 1;
                let line = json!({"id": id, "custom_id": custom_id, "response": null,
                                  "error": {"code": code, "message": message}});
                errors.extend(line.to_string().into_bytes());
                errors.push(b'\n');
                continue;
            }
        };
        let into = if ok { &mut output } else { &mut errors };
        into.extend(line.to_string().into_bytes());
        into.push(b'\n');
        if ok {
            succeeded += 1;
        } else {
            errored += 1;
        }
    }
    let failed = matches!(ending, Ending::Failed(_));
    let store = |bytes: Vec<u8>, name: &str| {
        (!bytes.is_empty() && !failed).then(|| {
            batches
                .add_file(&format!("{}_{name}.jsonl", batch.id), "batch_output", bytes)
                .id
        })
    };
    Ended {
        output_file: store(output, "output"),
        error_file: store(errors, "error"),
        ending,
        at: super::unix_now(),
        succeeded,
        errored,
        unanswered,
        results: Vec::new(),
    }
}

/// One field of a multipart form.
struct Field {
    name: String,
    filename: Option<String>,
    content: Vec<u8>,
}

/// The fields of a `multipart/form-data` body with the boundary its content type names; the
/// fields that do not read are left out.
fn multipart(content_type: &str, body: &[u8]) -> Vec<Field> {
    let Some(boundary) = content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .next()
        .map(|b| b.trim_matches('"'))
    else {
        return Vec::new();
    };
    let delimiter = format!("--{boundary}").into_bytes();
    let mut fields = Vec::new();
    let mut rest = body;
    while let Some(at) = find(rest, &delimiter) {
        rest = &rest[at + delimiter.len()..];
        if rest.starts_with(b"--") {
            break;
        }
        let rest_after_break = rest.strip_prefix(b"\r\n").unwrap_or(rest);
        let Some(end) = find(rest_after_break, &delimiter) else {
            break;
        };
        let part = &rest_after_break[..end];
        let part = part.strip_suffix(b"\r\n").unwrap_or(part);
        if let Some(field) = field(part) {
            fields.push(field);
        }
        rest = &rest_after_break[end..];
    }
    fields
}

fn field(part: &[u8]) -> Option<Field> {
    let split = find(part, b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&part[..split]);
    let disposition = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("content-disposition"))?;
    let param = |key: &str| {
        disposition.split(';').find_map(|p| {
            let (k, v) = p.trim().split_once('=')?;
            (k == key).then(|| v.trim_matches('"').to_owned())
        })
    };
    Some(Field {
        name: param("name")?,
        filename: param("filename"),
        content: part[split + 4..].to_vec(),
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_multipart_form_as_clients_send_it() {
        let body = b"--XyZ\r\ncontent-disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n\
                     --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jsonl\"\r\n\
                     Content-Type: application/jsonl\r\n\r\n{\"x\":1}\n{\"y\":2}\n\r\n--XyZ--\r\n";
        let fields = multipart("multipart/form-data; boundary=\"XyZ\"", body);
        assert_eq!(fields.len(), 2);
        assert_eq!(fields[0].name, "purpose");
        assert_eq!(fields[0].content, b"batch");
        assert_eq!(fields[1].filename.as_deref(), Some("a.jsonl"));
        assert_eq!(fields[1].content, b"{\"x\":1}\n{\"y\":2}\n");
        assert!(multipart("multipart/form-data", body).is_empty());
    }

    #[test]
    fn a_batch_file_is_checked_as_openai_checks_it() {
        let good = |id: &str, model: &str| {
            json!({"custom_id": id, "method": "POST", "url": ENDPOINT, "body": {"model": model}})
                .to_string()
        };
        let file = format!("{}\n{}\n", good("a", "m"), good("b", "m"));
        let (lines, invalid) = checked_lines(file.as_bytes());
        assert_eq!((lines.len(), invalid.len()), (2, 0));
        let file = format!("{}\n{}\nnot json\n", good("a", "m"), good("a", "n"));
        let (_, invalid) = checked_lines(file.as_bytes());
        assert_eq!(invalid.len(), 3, "{invalid:?}");
    }
}
