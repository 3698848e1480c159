//! Anthropic's Message Batches in the mock: `POST /v1/messages/batches` (`{"requests":
//! [{custom_id, params}]}`, each `custom_id` unique and of 1 to 64 letters, digits, `-` and `_`),
//! `GET /v1/messages/batches` (`?limit=&after_id=`, newest first), `GET
//! /v1/messages/batches/{id}`, `POST …/{id}/cancel` and `GET …/{id}/results` (JSONL, one
//! `{"custom_id", "result"}` a line, once the batch has ended). Requires the
//! `anthropic-version` header, as the real API does; errors in Anthropic's shape.

use std::collections::HashSet;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use super::{
    Api, Batch, Ended, Ending, LineResult, Progress, Vendor, batch_routes, refusing_others,
};
use crate::mock::Shared;
use crate::mock::anthropic::error;
use crate::mock::openai::json_response;

/// Path of the batches.
pub(in crate::mock) const ANTHROPIC_BATCHES: &str = "/v1/messages/batches";

/// The Anthropic batch routes.
pub(in crate::mock) fn anthropic_router() -> Router<Arc<Shared>> {
    batch_routes(&VENDOR, ANTHROPIC_BATCHES, create).route(
        "/v1/messages/batches/{id}/results",
        refusing_others(&VENDOR, get(results)),
    )
}

/// What tells Anthropic's batch API from OpenAI's for the handlers they share.
static VENDOR: Vendor = Vendor {
    api: Api::Anthropic,
    refused,
    not_found,
    error: anthropic_error,
    describe: described,
    cursor: "after_id",
};

fn anthropic_error(status: StatusCode, kind: &str, message: &str) -> Response {
    error(status, kind, message)
}

fn described(batch: &Batch, headers: &HeaderMap) -> Value {
    batch_json(batch, &root_of(headers))
}

/// The answer to a request without the version header or with the bad key, if it is one.
fn refused(headers: &HeaderMap) -> Option<Response> {
    let key = headers.get("x-api-key").and_then(|v| v.to_str().ok());
    if key == Some(crate::mock::BAD_KEY) {
        return Some(error(
            StatusCode::UNAUTHORIZED,
            "authentication_error",
            "invalid x-api-key",
        ));
    }
    (!headers.contains_key("anthropic-version")).then(|| {
        error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "anthropic-version: header is required",
        )
    })
}

fn not_found(id: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "not_found_error",
        &format!("no message batch '{id}'"),
    )
}

/// Seconds since 1970 as RFC 3339 in UTC, as Anthropic writes times.
fn rfc3339(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let rest = seconds.rem_euclid(86_400);
    // Civil date from days since 1970 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3_600,
        rest % 3_600 / 60,
        rest % 60
    )
}

/// A batch as Anthropic describes it; `root` is the server's root URL, for `results_url`.
fn batch_json(batch: &Batch, root: &str) -> Value {
    let total = batch.lines.len() as u64;
    let (status, counts, ended_at, results_url) = match &batch.state {
        Progress::Running => ("in_progress", (total, 0, 0, 0, 0), None, None),
        Progress::Cancelling { .. } => ("canceling", (total, 0, 0, 0, 0), None, None),
        Progress::Ended(ended) => {
            let (canceled, expired) = match ended.ending {
                Ending::Cancelled => (ended.unanswered, 0),
                _ => (0, ended.unanswered),
            };
            let url = format!("{root}{ANTHROPIC_BATCHES}/{}/results", batch.id);
            let counts = (0, ended.succeeded, ended.errored, canceled, expired);
            ("ended", counts, Some(rfc3339(ended.at)), Some(url))
        }
    };
    let cancel_initiated = match &batch.state {
        Progress::Cancelling { since } => Some(rfc3339(*since)),
        Progress::Ended(e) if e.ending == Ending::Cancelled => Some(rfc3339(e.at)),
        _ => None,
    };
    json!({
        "id": batch.id, "type": "message_batch", "processing_status": status,
        "request_counts": {"processing": counts.0, "succeeded": counts.1, "errored": counts.2,
                           "canceled": counts.3, "expired": counts.4},
        "ended_at": ended_at, "created_at": rfc3339(batch.created_at),
        "expires_at": rfc3339(batch.created_at + 86_400), "archived_at": null,
        "cancel_initiated_at": cancel_initiated, "results_url": results_url,
    })
}

/// `http://HOST` of the request, for `results_url`.
fn root_of(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}

/// `POST /v1/messages/batches`.
async fn create(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let parsed: Option<Value> = serde_json::from_slice(&body).ok();
    let logged = parsed.clone().unwrap_or(Value::Null);
    let response = match refused(&headers) {
        Some(refusal) => refusal,
        None => match parsed
            .as_ref()
            .and_then(|b| b.get("requests"))
            .and_then(Value::as_array)
        {
            Some(requests) => match checked(requests) {
                Ok(()) => {
                    let batch = shared.batches.add_batch(
                        Api::Anthropic,
                        requests.clone(),
                        None,
                        Value::Null,
                        Vec::new(),
                    );
                    let text = batch_json(&batch, &root_of(&headers)).to_string();
                    json_response(StatusCode::OK, text)
                }
                Err(problem) => error(StatusCode::BAD_REQUEST, "invalid_request_error", &problem),
            },
            None => error(
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                "requests: Field required",
            ),
        },
    };
    shared.respond(method, uri, logged, || response).await
}

/// What is wrong with a batch's requests, as the create call refuses them.
fn checked(requests: &[Value]) -> Result<(), String> {
    if requests.is_empty() {
        return Err("requests: the batch holds no requests".to_owned());
    }
    let mut seen = HashSet::new();
    for (n, request) in requests.iter().enumerate() {
        let id = request
            .get("custom_id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let valid = (1..=64).contains(&id.len())
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            return Err(format!(
                "requests.{n}.custom_id: '{id}' does not match ^[a-zA-Z0-9_-]{{1,64}}$"
            ));
        }
        if !seen.insert(id) {
            return Err(format!("requests.{n}.custom_id: '{id}' is not unique"));
        }
        if !request.get("params").is_some_and(Value::is_object) {
            return Err(format!("requests.{n}.params: Field required"));
        }
    }
    Ok(())
}

/// The results of an ended batch as Anthropic's JSONL.
pub(super) fn ended(ending: Ending, lines: Vec<(Value, LineResult)>) -> Ended {
    let (mut succeeded, mut errored, mut unanswered) = (0, 0, 0);
    let mut results = Vec::new();
    for (custom_id, result) in lines {
        let result = match result {
            LineResult::Answered(status, message) if (200..300).contains(&status) => {
                succeeded += 1;
                json!({"type": "succeeded", "message": message})
            }
            LineResult::Answered(_, error) => {
                errored += 1;
                json!({"type": "errored", "error": error})
            }
            LineResult::Unanswered(Ending::Cancelled) => {
                unanswered += 1;
                json!({"type": "canceled"})
            }
            LineResult::Unanswered(_) => {
                unanswered += 1;
                json!({"type": "expired"})
            }
        };
        results.extend(
            json!({"custom_id": custom_id, "result": result})
                .to_string()
                .into_bytes(),
        );
        results.push(b'\n');
    }
    Ended {
        ending,
        at: super::unix_now(),
        succeeded,
        errored,
        unanswered,
        output_file: None,
        error_file: None,
        results,
    }
}

async fn results(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let response = match refused(&headers) {
        Some(refusal) => refusal,
        None => match shared.batches.current(&shared, &id, Api::Anthropic).await {
            Some(Batch {
                state: Progress::Ended(ended),
                ..
            }) => (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/x-jsonl")],
                ended.results,
            )
                .into_response(),
            Some(_) => error(
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                &format!("message batch '{id}' has not ended yet"),
            ),
            None => not_found(&id),
        },
    };
    shared.respond(method, uri, Value::Null, || response).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_as_anthropic_writes_them() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_724_179_044), "2024-08-20T18:37:24Z");
    }

    #[test]
    fn custom_ids_are_held_to_anthropics_pattern() {
        let request = |id: &str| json!({"custom_id": id, "params": {}});
        assert!(checked(&[request("a0-c1"), request("a0_b")]).is_ok());
        assert!(checked(&[request("a/b")]).is_err());
        assert!(checked(&[request(&"x".repeat(65))]).is_err());
        assert!(checked(&[request("a"), request("a")]).is_err());
        assert!(checked(&[]).is_err());
    }
}
