//! OpenAI's Batch API: a request line is `{"custom_id", "method", "url", "body"}`, the file is
//! uploaded to `POST /files` (multipart, `purpose=batch`), the batch created with `POST
//! /batches`, and each results line is `{"custom_id", "response": {"status_code", "body"},
//! "error"}` (expired and cancelled requests carry an `error` with code `batch_expired` or
//! `batch_cancelled`). The same JSONL is what `vllm run-batch` and other engines read and write.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{BatchStatus, Engine, Framing, Outcome, Phase, ResultLine, UploadedFile};
use crate::provider::WireRequest;

/// The endpoint every request line and batch names.
pub const ENDPOINT: &str = "/v1/chat/completions";

/// The multipart boundary of an upload: no line of a JSONL file can hold it, since JSON strings
/// escape control characters and this one is preceded by CR LF and two dashes.
const BOUNDARY: &str = "diglot-batch-8c1f0e2a5b7d4936";

pub(super) fn line(custom_id: &str, request: &WireRequest) -> String {
    json!({
        "custom_id": custom_id,
        "method": "POST",
        "url": ENDPOINT,
        "body": request.body,
    })
    .to_string()
}

/// The multipart upload of a part file named `name` with `purpose=batch`.
pub(super) fn upload(engine: &Engine, name: &str) -> Framing {
    let safe: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    let prefix = format!(
        "--{BOUNDARY}\r\ncontent-disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n\
         --{BOUNDARY}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"{safe}\"\r\n\
         content-type: application/jsonl\r\n\r\n"
    );
    Framing {
        url: format!("{}/files", engine.base_url),
        headers: engine.headers(),
        content_type: format!("multipart/form-data; boundary={BOUNDARY}"),
        prefix: prefix.into_bytes(),
        separator: None,
        suffix: format!("\r\n--{BOUNDARY}--\r\n").into_bytes(),
    }
}

pub(super) fn file(body: &[u8]) -> Option<UploadedFile> {
    let value: Value = serde_json::from_slice(body).ok()?;
    file_of(&value)
}

fn file_of(value: &Value) -> Option<UploadedFile> {
    Some(UploadedFile {
        id: value.get("id")?.as_str()?.to_owned(),
        filename: value
            .get("filename")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
    })
}

pub(super) fn files(body: &[u8]) -> Option<Vec<UploadedFile>> {
    let value: Value = serde_json::from_slice(body).ok()?;
    Some(
        value
            .get("data")?
            .as_array()?
            .iter()
            .filter_map(file_of)
            .collect(),
    )
}

pub(super) fn status(value: &Value) -> Option<BatchStatus> {
    let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
    let phase = match value.get("status")?.as_str()? {
        "validating" => Phase::Validating,
        "in_progress" | "finalizing" => Phase::InProgress,
        "cancelling" => Phase::Cancelling,
        "completed" => Phase::Completed,
        "expired" => Phase::Expired,
        "cancelled" => Phase::Cancelled,
        "failed" => Phase::Failed,
        _ => return None,
    };
    let count = |key: &str| {
        value
            .pointer(&format!("/request_counts/{key}"))
            .and_then(Value::as_u64)
            .unwrap_or(0)
    };
    let error = value
        .pointer("/errors/data")
        .and_then(Value::as_array)
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e.get("message").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join("; ")
        })
        .filter(|e| !e.is_empty());
    let metadata: BTreeMap<String, String> = value
        .get("metadata")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    Some(BatchStatus {
        id: text("id")?,
        phase,
        total: count("total"),
        succeeded: count("completed"),
        failed: count("failed"),
        results: [text("output_file_id"), text("error_file_id")]
            .into_iter()
            .flatten()
            .collect(),
        error,
        created_at: value.get("created_at").and_then(Value::as_i64),
        metadata,
    })
}

pub(super) fn result_line(value: &Value) -> Option<ResultLine> {
    let custom_id = value.get("custom_id")?.as_str()?.to_owned();
    let response = value.get("response").filter(|r| !r.is_null());
    let status = response
        .and_then(|r| r.get("status_code"))
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok());
    let body = || {
        response
            .and_then(|r| r.get("body"))
            .map(|b| b.to_string().into_bytes())
            .unwrap_or_default()
    };
    let outcome = match status {
        Some(status) if (200..300).contains(&status) => Outcome::Answered(body()),
        Some(status) if status != 429 && (400..500).contains(&status) => Outcome::Refused {
            status,
            body: body(),
        },
        Some(status) => Outcome::Unanswered {
            why: format!("HTTP {status}"),
        },
        None => Outcome::Unanswered {
            why: value
                .pointer("/error/code")
                .or_else(|| value.pointer("/error/message"))
                .and_then(Value::as_str)
                .unwrap_or("no response")
                .to_owned(),
        },
    };
    Some(ResultLine { custom_id, outcome })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_answers_refusals_and_expired_lines() {
        let ok = json!({"id": "r1", "custom_id": "a0-c0", "error": null,
            "response": {"status_code": 200, "request_id": "q", "body": {"choices": []}}});
        let line = result_line(&ok).expect("a line");
        assert_eq!(line.custom_id, "a0-c0");
        assert_eq!(
            line.outcome,
            Outcome::Answered(br#"{"choices":[]}"#.to_vec())
        );
        let refused = json!({"custom_id": "a1-c0", "error": null,
            "response": {"status_code": 400, "body": {"error": {"message": "bad"}}}});
        assert!(matches!(
            result_line(&refused).map(|l| l.outcome),
            Some(Outcome::Refused { status: 400, .. })
        ));
        let expired = json!({"custom_id": "a2-b", "response": null,
            "error": {"code": "batch_expired", "message": "not done in time"}});
        assert_eq!(
            result_line(&expired).map(|l| l.outcome),
            Some(Outcome::Unanswered {
                why: "batch_expired".into()
            })
        );
        let busy = json!({"custom_id": "a3-b", "response": {"status_code": 500, "body": {}}});
        assert!(matches!(
            result_line(&busy).map(|l| l.outcome),
            Some(Outcome::Unanswered { .. })
        ));
        assert_eq!(result_line(&json!({"response": null})), None);
    }

    #[test]
    fn reads_a_batch_and_its_result_files() {
        let batch = json!({"id": "batch_1", "object": "batch", "status": "expired",
            "request_counts": {"total": 4, "completed": 3, "failed": 1},
            "output_file_id": "file-o", "error_file_id": "file-e", "created_at": 7,
            "metadata": {"diglot_job": "j"}});
        let status = status(&batch).expect("a batch");
        assert_eq!(status.phase, Phase::Expired);
        assert_eq!((status.total, status.succeeded, status.failed), (4, 3, 1));
        assert_eq!(status.results, ["file-o", "file-e"]);
        assert_eq!(status.metadata["diglot_job"], "j");
        let failed = json!({"id": "b", "status": "failed",
            "errors": {"object": "list", "data": [{"code": "invalid", "message": "line 1 is bad"}]}});
        assert_eq!(
            super::status(&failed).and_then(|s| s.error),
            Some("line 1 is bad".into())
        );
    }
}
