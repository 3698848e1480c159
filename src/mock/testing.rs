//! Helpers for the mock's unit tests: a started server with an HTTP client, and request bodies
//! shaped like diglot's. Compiled for tests only.

use std::net::{Ipv4Addr, SocketAddr};

use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use super::{MockOptions, MockServer};
use crate::provider::contract::TranslationReply;

/// A server on `127.0.0.1:0` in the test's runtime, and a client for it.
pub(super) struct TestServer {
    pub(super) server: MockServer,
    client: reqwest::Client,
}

/// A reqwest client; installs the rustls crypto provider reqwest needs first.
pub(super) fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// Starts a mock with `options` in the current runtime.
pub(super) async fn started(options: MockOptions) -> TestServer {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    let server = MockServer::start(addr, options).await.expect("mock starts");
    TestServer {
        server,
        client: client(),
    }
}

impl TestServer {
    /// POSTs `body` as is to the chat endpoint: status, headers and body text.
    pub(super) async fn post_raw(&self, body: &str) -> (u16, HeaderMap, String) {
        let url = format!("{}/chat/completions", self.server.base_url());
        let response = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .expect("mock answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        (status, headers, response.text().await.expect("body"))
    }

    /// POSTs a JSON chat request to the chat endpoint.
    pub(super) async fn post_chat(&self, body: &Value) -> (u16, HeaderMap, String) {
        self.post_raw(&body.to_string()).await
    }

    /// POSTs JSON `body` to `path` under the server's root with `headers`: status, headers
    /// and body text.
    pub(super) async fn post_json_at(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        body: &Value,
    ) -> (u16, HeaderMap, String) {
        let mut all = vec![("content-type", "application/json")];
        all.extend_from_slice(headers);
        self.post_at(path, &all, body.to_string()).await
    }

    /// POSTs `body` as a form (`application/x-www-form-urlencoded`) to `path` under the
    /// server's root: status and body text.
    pub(super) async fn post_form_at(&self, path: &str, body: &str) -> (u16, String) {
        let form = [("content-type", "application/x-www-form-urlencoded")];
        let (status, _, text) = self.post_at(path, &form, body.to_owned()).await;
        (status, text)
    }

    /// POSTs `body` to `path` under the server's root with `headers`: status, headers and
    /// body text.
    async fn post_at(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        body: String,
    ) -> (u16, HeaderMap, String) {
        let url = format!("http://{}{path}", self.server.addr());
        let mut request = self.client.post(url).body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("mock answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        (status, headers, response.text().await.expect("body"))
    }

    /// GETs `path` under the server's root: status and body text.
    pub(super) async fn get_at(&self, path: &str) -> (u16, String) {
        let url = format!("http://{}{path}", self.server.addr());
        let response = self.client.get(url).send().await.expect("mock answers");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// GETs `path` under the base URL: status and body text.
    pub(super) async fn get(&self, path: &str) -> (u16, String) {
        let url = format!("{}{path}", self.server.base_url());
        let response = self.client.get(url).send().await.expect("mock answers");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }
}

/// A translation payload with `(id, text)` paragraphs, as diglot sends it.
pub(super) fn payload(from: &str, to: &str, paragraphs: &[(u32, &str)]) -> Value {
    let paragraphs: Vec<Value> = paragraphs
        .iter()
        .map(|(id, text)| json!({"id": id, "text": text}))
        .collect();
    json!({
        "task": "translate",
        "source_language": from,
        "target_language": to,
        "paragraphs": paragraphs,
    })
}

/// A chat request carrying `payload` as its user message, as diglot sends it.
pub(super) fn chat_body(payload: &Value) -> Value {
    json!({
        "model": "test-model",
        "messages": [
            {"role": "system", "content": "Translate the paragraphs. Answer JSON only."},
            {"role": "user", "content": payload.to_string()},
        ],
        "response_format": {"type": "json_object"},
        "temperature": 0,
    })
}

/// The assistant content of a completion body.
pub(super) fn content_of(completion: &str) -> String {
    let completion: Value = serde_json::from_str(completion).expect("completion is JSON");
    let content = &completion["choices"][0]["message"]["content"];
    content.as_str().expect("content is a string").to_owned()
}

/// The reply inside a completion body.
pub(super) fn reply_of(completion: &str) -> TranslationReply {
    serde_json::from_str(&content_of(completion)).expect("content is a reply")
}
