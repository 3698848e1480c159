//! Anthropic's Message Batches: the requests go in the create call itself (`POST
//! /v1/messages/batches` with `{"requests": [{"custom_id", "params"}, …]}`), a batch is
//! `in_progress`, `canceling` or `ended` with counts of succeeded, errored, canceled and
//! expired requests, and its results are JSONL at its `results_url`: `{"custom_id", "result":
//! {"type": "succeeded", "message"}}`, or `errored` (with the API's error), `canceled`,
//! `expired`.

use serde_json::{Value, json};

use super::{BatchStatus, Engine, Framing, Outcome, Phase, ResultLine};
use crate::provider::WireRequest;

pub(super) fn line(custom_id: &str, request: &WireRequest) -> String {
    json!({"custom_id": custom_id, "params": request.body}).to_string()
}

/// The create call, its body the part's lines as one JSON array.
pub(super) fn create(engine: &Engine) -> Framing {
    Framing {
        url: format!("{}/v1/messages/batches", engine.base_url),
        headers: engine.headers(),
        content_type: "application/json".to_owned(),
        prefix: b"{\"requests\":[".to_vec(),
        separator: Some(b",".to_vec()),
        suffix: b"]}".to_vec(),
    }
}

pub(super) fn status(value: &Value) -> Option<BatchStatus> {
    let count = |key: &str| {
        value
            .pointer(&format!("/request_counts/{key}"))
            .and_then(Value::as_u64)
            .unwrap_or(0)
    };
    let (processing, succeeded, errored, canceled, expired) = (
        count("processing"),
        count("succeeded"),
        count("errored"),
        count("canceled"),
        count("expired"),
    );
    let phase = match value.get("processing_status")?.as_str()? {
        "in_progress" => Phase::InProgress,
        "canceling" => Phase::Cancelling,
        "ended" if canceled > 0 => Phase::Cancelled,
        "ended" if expired > 0 => Phase::Expired,
        "ended" => Phase::Completed,
        _ => return None,
    };
    Some(BatchStatus {
        id: value.get("id")?.as_str()?.to_owned(),
        phase,
        total: processing + succeeded + errored + canceled + expired,
        succeeded,
        failed: errored + canceled + expired,
        results: value
            .get("results_url")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .into_iter()
            .collect(),
        error: None,
        created_at: value
            .get("created_at")
            .and_then(Value::as_str)
            .and_then(super::rfc3339_seconds),
        metadata: Default::default(),
    })
}

pub(super) fn result_line(value: &Value) -> Option<ResultLine> {
    let custom_id = value.get("custom_id")?.as_str()?.to_owned();
    let result = value.get("result");
    let kind = result
        .and_then(|r| r.get("type"))
        .and_then(Value::as_str)
        .unwrap_or("missing");
    let outcome = match kind {
        "succeeded" => match result.and_then(|r| r.get("message")) {
            Some(message) => Outcome::Answered(message.to_string().into_bytes()),
            None => Outcome::Unanswered {
                why: "a succeeded result without its message".to_owned(),
            },
        },
        "errored" => {
            // The error as the Messages API would have answered it.
            let error = result.and_then(|r| r.get("error")).cloned();
            let kind = error
                .as_ref()
                .and_then(|e| e.pointer("/error/type"))
                .and_then(Value::as_str)
                .unwrap_or("api_error");
            match status_of(kind) {
                Some(status) => Outcome::Refused {
                    status,
                    body: error.unwrap_or(Value::Null).to_string().into_bytes(),
                },
                None => Outcome::Unanswered {
                    why: kind.to_owned(),
                },
            }
        }
        other => Outcome::Unanswered {
            why: other.to_owned(),
        },
    };
    Some(ResultLine { custom_id, outcome })
}

/// The HTTP status of an Anthropic error type that no retry cures; `None` for the ones that
/// are worth sending again (`api_error`, `overloaded_error`, `rate_limit_error`).
fn status_of(kind: &str) -> Option<u16> {
    Some(match kind {
        "invalid_request_error" => 400,
        "authentication_error" => 401,
        "billing_error" => 402,
        "permission_error" => 403,
        "not_found_error" => 404,
        "request_too_large" => 413,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_kind_of_result() {
        let ok = json!({"custom_id": "a0-c0", "result": {"type": "succeeded",
            "message": {"type": "message", "content": []}}});
        assert!(matches!(
            result_line(&ok).map(|l| l.outcome),
            Some(Outcome::Answered(_))
        ));
        let bad = json!({"custom_id": "a0-c1", "result": {"type": "errored",
            "error": {"type": "error", "error": {"type": "invalid_request_error", "message": "no"}}}});
        assert!(matches!(
            result_line(&bad).map(|l| l.outcome),
            Some(Outcome::Refused { status: 400, .. })
        ));
        let busy = json!({"custom_id": "a0-c2", "result": {"type": "errored",
            "error": {"type": "error", "error": {"type": "overloaded_error", "message": "busy"}}}});
        let expired = json!({"custom_id": "a0-b", "result": {"type": "expired"}});
        for line in [busy, expired] {
            assert!(matches!(
                result_line(&line).map(|l| l.outcome),
                Some(Outcome::Unanswered { .. })
            ));
        }
    }

    #[test]
    fn an_ended_batch_tells_expiry_and_cancellation_by_its_counts() {
        let batch = |counts: Value| {
            json!({"id": "msgbatch_1", "type": "message_batch", "processing_status": "ended",
                   "request_counts": counts, "created_at": "2024-08-20T18:37:24.100435Z",
                   "results_url": "http://h/v1/messages/batches/msgbatch_1/results"})
        };
        let done = status(&batch(
            json!({"processing": 0, "succeeded": 2, "errored": 0,
                                         "canceled": 0, "expired": 0}),
        ));
        assert_eq!(done.as_ref().map(|s| s.phase), Some(Phase::Completed));
        assert_eq!(done.as_ref().map(|s| s.total), Some(2));
        let expired = status(&batch(json!({"succeeded": 1, "expired": 1})));
        assert_eq!(expired.map(|s| s.phase), Some(Phase::Expired));
        let cancelled = status(&batch(json!({"succeeded": 1, "canceled": 1})));
        assert_eq!(
            cancelled.map(|s| (s.phase, s.failed)),
            Some((Phase::Cancelled, 1))
        );
    }
}
