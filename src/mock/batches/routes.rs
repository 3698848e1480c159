//! The handlers both vendors' batch engines share (list, describe, cancel, and the 405 for any
//! other method), told apart by a [`Vendor`], and the body limit of the routes that take a
//! whole batch.

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::handler::Handler;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{MethodRouter, get, post};
use serde_json::Value;

use super::{Api, Batch};
use crate::mock::Shared;
use crate::mock::openai::json_response;

/// The largest body the routes that take a whole batch accept: OpenAI's batch input file
/// (200 MB; its Files API takes up to 512 MB) and Anthropic's create call (256 MB), with room
/// for the multipart framing. A web server's default (axum's is 2 MB) would refuse a job of a
/// few thousand articles that the real APIs take.
const BATCH_BODY_LIMIT: usize = 512 * 1024 * 1024;

/// What tells one vendor's batch API from the other's, for the handlers they share.
pub(super) struct Vendor {
    pub(super) api: Api,
    /// The answer to a request refused before it is looked at (the bad key, a missing
    /// header), if it is.
    pub(super) refused: fn(&HeaderMap) -> Option<Response>,
    /// A 404 for the batch `id`.
    pub(super) not_found: fn(&str) -> Response,
    /// An error of `status`, kind `kind`, saying `message`.
    pub(super) error: fn(StatusCode, &str, &str) -> Response,
    /// A batch as the vendor describes it (the request's headers name the host).
    pub(super) describe: fn(&Batch, &HeaderMap) -> Value,
    /// The query parameter of a list's cursor.
    pub(super) cursor: &'static str,
}

/// The routes both vendors serve the same way under `batches` (`/v1/batches`,
/// `/v1/messages/batches`): `POST` creates a batch with `create`, `GET` lists them, `{id}`
/// describes one, `{id}/cancel` cancels it; any other method is a 405 in the vendor's format.
pub(super) fn batch_routes<H, T>(
    vendor: &'static Vendor,
    batches: &str,
    create: H,
) -> Router<Arc<Shared>>
where
    H: Handler<T, Arc<Shared>>,
    T: 'static,
{
    let list = move |state, method, uri, headers| list(vendor, state, (method, uri, headers));
    let retrieve =
        move |state, id, method, uri, headers| retrieve(vendor, state, id, (method, uri, headers));
    let cancel =
        move |state, id, method, uri, headers| cancel(vendor, state, id, (method, uri, headers));
    let create = takes_a_batch(post(create));
    Router::new()
        .route(batches, refusing_others(vendor, create.get(list)))
        .route(
            &format!("{batches}/{{id}}"),
            refusing_others(vendor, get(retrieve)),
        )
        .route(
            &format!("{batches}/{{id}}/cancel"),
            refusing_others(vendor, post(cancel)),
        )
}

/// A route that takes a whole batch in its body (an upload), up to [`BATCH_BODY_LIMIT`].
pub(super) fn takes_a_batch(routes: MethodRouter<Arc<Shared>>) -> MethodRouter<Arc<Shared>> {
    routes.layer(DefaultBodyLimit::max(BATCH_BODY_LIMIT))
}

/// `routes` with every other method answered by [`wrong_method`].
pub(super) fn refusing_others(
    vendor: &'static Vendor,
    routes: MethodRouter<Arc<Shared>>,
) -> MethodRouter<Arc<Shared>> {
    routes.fallback(move |state, method, uri| wrong_method(vendor, state, method, uri))
}

/// Any other method on a batch route: a 405 in the vendor's format.
async fn wrong_method(
    vendor: &'static Vendor,
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
) -> Response {
    let message = format!("the mock server does not serve {method} {}", uri.path());
    shared
        .respond(method, uri, Value::Null, || {
            (vendor.error)(
                StatusCode::METHOD_NOT_ALLOWED,
                "invalid_request_error",
                &message,
            )
        })
        .await
}

/// `GET …/batches/{id}`: the batch as it stands now (ended first when its time is up).
async fn retrieve(
    vendor: &'static Vendor,
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    (method, uri, headers): (Method, Uri, HeaderMap),
) -> Response {
    let response = match (vendor.refused)(&headers) {
        Some(refusal) => refusal,
        None => match shared.batches.current(&shared, &id, vendor.api).await {
            Some(batch) => described(vendor, &batch, &headers),
            None => (vendor.not_found)(&id),
        },
    };
    shared.respond(method, uri, Value::Null, || response).await
}

/// `POST …/batches/{id}/cancel`: a running batch starts cancelling.
async fn cancel(
    vendor: &'static Vendor,
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    (method, uri, headers): (Method, Uri, HeaderMap),
) -> Response {
    let response = match (vendor.refused)(&headers) {
        Some(refusal) => refusal,
        None if shared.batches.cancel(&id, vendor.api).is_none() => (vendor.not_found)(&id),
        None => {
            let batch = shared.batches.lock().batches.get(&id).cloned();
            match batch {
                Some(batch) => described(vendor, &batch, &headers),
                None => (vendor.not_found)(&id),
            }
        }
    };
    shared.respond(method, uri, Value::Null, || response).await
}

/// `GET …/batches?limit=&{cursor}=`: the vendor's batches, newest first.
async fn list(
    vendor: &'static Vendor,
    State(shared): State<Arc<Shared>>,
    (method, uri, headers): (Method, Uri, HeaderMap),
) -> Response {
    let response = match (vendor.refused)(&headers) {
        Some(refusal) => refusal,
        None => {
            let limit = query_param(uri.query(), "limit")
                .and_then(|l| l.parse().ok())
                .unwrap_or(20usize)
                .clamp(1, 100);
            let after = query_param(uri.query(), vendor.cursor);
            let all = shared.batches.list(&shared, vendor.api).await;
            let (batches, more) = page(all, |b| b.id.as_str(), after, limit);
            let data: Vec<Value> = batches
                .iter()
                .map(|b| (vendor.describe)(b, &headers))
                .collect();
            let mut list = serde_json::json!({
                "data": data, "has_more": more,
                "first_id": batches.first().map(|b| &b.id), "last_id": batches.last().map(|b| &b.id),
            });
            if vendor.api == Api::Openai {
                list["object"] = "list".into();
            }
            json_response(StatusCode::OK, list.to_string())
        }
    };
    shared.respond(method, uri, Value::Null, || response).await
}

fn described(vendor: &Vendor, batch: &Batch, headers: &HeaderMap) -> Response {
    let text = (vendor.describe)(batch, headers).to_string();
    json_response(StatusCode::OK, text)
}

/// The query parameter `name` of `query`, if present.
pub(super) fn query_param<'a>(query: Option<&'a str>, name: &str) -> Option<&'a str> {
    query?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// The page of `items` (newest first) after the one whose id is `after`, at most `limit`.
fn page<T>(
    items: Vec<T>,
    id: impl Fn(&T) -> &str,
    after: Option<&str>,
    limit: usize,
) -> (Vec<T>, bool) {
    let start = after
        .and_then(|after| items.iter().position(|item| id(item) == after))
        .map_or(0, |at| at + 1);
    let more = items.len() > start + limit;
    (items.into_iter().skip(start).take(limit).collect(), more)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_the_cursor() {
        let items = vec!["c", "b", "a"];
        assert_eq!(page(items.clone(), |s| s, None, 2), (vec!["c", "b"], true));
        assert_eq!(page(items, |s| s, Some("b"), 2), (vec!["a"], false));
        assert_eq!(query_param(Some("limit=5&after=x"), "after"), Some("x"));
        assert_eq!(query_param(None, "after"), None);
    }
}
