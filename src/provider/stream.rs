//! Reading one HTTP answer: a plain body, or server-sent events as they arrive.
//!
//! Both are read chunk by chunk with a *stall* timeout (no bytes for that long is a stall; a
//! slow, steady stream is not) and a cap on the bytes read, so neither a hung server nor an
//! endless body can hold the run. A streamed answer's events go to a [`Listener`] the moment
//! they arrive: it sees the text as the model writes it (for the user, and to stop a model
//! that repeats itself) and may stop reading, which marks the reply [`Cut`]. Which answers are
//! streams is the server's choice: `text/event-stream` is read as events, anything else as a
//! plain body, so a server that cannot stream still works.

use std::time::Duration;

/// What a listener wants after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Keep reading.
    Continue,
    /// Stop reading: the answer so far is all there will be (it is marked [`Cut`]).
    Stop,
}

/// Why diglot stopped reading an answer before its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// The listener stopped it (the model repeated itself, or wrote past its bound).
    Stopped,
}

/// Sees an exchange as it happens.
pub trait Listener: Send {
    /// A new attempt starts: what an earlier attempt streamed is void.
    fn restart(&mut self) {}
    /// One server-sent event's data arrived.
    fn event(&mut self, data: &str) -> Flow {
        let _ = data;
        Flow::Continue
    }
    /// Whether an error answer refuses the request itself (a parameter the server does not
    /// accept), which no retry cures, even when the server says 500.
    fn refuses(&self, status: u16, body: &[u8]) -> bool {
        let _ = (status, body);
        false
    }
}

/// Splits a byte stream into server-sent events and returns each event's data (its `data:`
/// lines joined by newlines); other fields (`event:`, `id:`, `retry:`) and comments are
/// dropped, since every API diglot speaks names the event inside its JSON too.
#[derive(Debug, Default)]
pub struct SseParser {
    pending: Vec<u8>,
    data: Option<String>,
}

impl SseParser {
    /// Feeds bytes; appends the data of every event they complete to `events`.
    pub fn feed(&mut self, bytes: &[u8], events: &mut Vec<String>) {
        self.pending.extend_from_slice(bytes);
        let mut start = 0;
        while let Some(at) = self.pending[start..].iter().position(|&b| b == b'\n') {
            let line = &self.pending[start..start + at];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let text = String::from_utf8_lossy(line).into_owned();
            start += at + 1;
            self.line(&text, events);
        }
        self.pending.drain(..start);
    }

    /// The stream ended: an event not yet closed by a blank line still counts.
    pub fn finish(&mut self, events: &mut Vec<String>) {
        if !self.pending.is_empty() {
            let rest = String::from_utf8_lossy(&self.pending).into_owned();
            self.pending.clear();
            self.line(rest.trim_end_matches('\r'), events);
        }
        events.extend(self.data.take());
    }

    fn line(&mut self, line: &str, events: &mut Vec<String>) {
        if line.is_empty() {
            events.extend(self.data.take());
            return;
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        if field == "data" {
            let value = value.strip_prefix(' ').unwrap_or(value);
            match &mut self.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => self.data = Some(value.to_owned()),
            }
        }
    }
}

/// Why an answer could not be read to its end.
#[derive(Debug)]
pub enum ReadError {
    /// No bytes arrived for the stall timeout.
    Stalled,
    /// More bytes than the request can legitimately produce.
    TooLarge {
        /// The cap, in bytes.
        limit: usize,
    },
    /// The connection broke.
    Network(reqwest::Error),
}

/// An answer as read.
#[derive(Debug, Default)]
pub struct Read {
    /// The plain body (empty for a stream).
    pub body: Vec<u8>,
    /// A stream's events' data, in order (empty for a plain body).
    pub events: Vec<String>,
    /// Set when reading stopped before the end.
    pub cut: Option<Cut>,
}

/// Reads `response` to its end (or until the listener stops it): chunk by chunk, each within
/// `stall`, at most `limit` bytes. A stream ends at its end or at `data: [DONE]`.
pub async fn read(
    mut response: reqwest::Response,
    stall: Duration,
    limit: usize,
    listener: &mut dyn Listener,
) -> Result<Read, ReadError> {
    let is_stream = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("text/event-stream"));
    // A body that says it is too large is refused before a byte of it is read.
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(ReadError::TooLarge { limit });
    }
    let mut read = Read::default();
    let mut parser = SseParser::default();
    let mut total = 0usize;
    let mut seen = 0usize;
    loop {
        let chunk = match tokio::time::timeout(stall, response.chunk()).await {
            Err(_) => return Err(ReadError::Stalled),
            Ok(Err(e)) => return Err(ReadError::Network(e)),
            Ok(Ok(None)) => break,
            Ok(Ok(Some(chunk))) => chunk,
        };
        total += chunk.len();
        if total > limit {
            return Err(ReadError::TooLarge { limit });
        }
        if !is_stream {
            read.body.extend_from_slice(&chunk);
            continue;
        }
        parser.feed(&chunk, &mut read.events);
        match deliver(&read.events[seen..], listener) {
            Some(Delivered::Done) => return Ok(read),
            Some(Delivered::Stopped) => {
                read.cut = Some(Cut::Stopped);
                return Ok(read);
            }
            None => seen = read.events.len(),
        }
    }
    if is_stream {
        parser.finish(&mut read.events);
        if deliver(&read.events[seen..], listener) == Some(Delivered::Stopped) {
            read.cut = Some(Cut::Stopped);
        }
    }
    Ok(read)
}

/// How delivering events ended, when it ended the reading.
#[derive(Debug, PartialEq, Eq)]
enum Delivered {
    /// `[DONE]`: the stream is complete.
    Done,
    /// The listener stopped it.
    Stopped,
}

/// Hands `events` to the listener; `Some` when reading should end.
fn deliver(events: &[String], listener: &mut dyn Listener) -> Option<Delivered> {
    for data in events {
        if data.trim() == "[DONE]" {
            return Some(Delivered::Done);
        }
        if listener.event(data) == Flow::Stop {
            return Some(Delivered::Stopped);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(chunks: &[&str]) -> Vec<String> {
        let mut parser = SseParser::default();
        let mut events = Vec::new();
        for chunk in chunks {
            parser.feed(chunk.as_bytes(), &mut events);
        }
        parser.finish(&mut events);
        events
    }

    #[test]
    fn events_are_split_across_any_chunking() {
        let stream =
            "data: {\"a\":1}\n\nevent: x\ndata: {\"b\":\ndata: 2}\n\n: comment\n\ndata: [DONE]\n\n";
        let whole = parse(&[stream]);
        assert_eq!(whole, ["{\"a\":1}", "{\"b\":\n2}", "[DONE]"]);
        let bytes: Vec<String> = stream.chars().map(String::from).collect();
        let one_by_one: Vec<&str> = bytes.iter().map(String::as_str).collect();
        assert_eq!(parse(&one_by_one), whole);
    }

    #[test]
    fn crlf_lines_and_an_unterminated_last_event_count() {
        assert_eq!(parse(&["data: x\r\n\r\ndata: y"]), ["x", "y"]);
        assert_eq!(parse(&["data:no-space\n\n"]), ["no-space"]);
    }

    struct StopAfter(usize, usize);

    impl Listener for StopAfter {
        fn event(&mut self, _: &str) -> Flow {
            self.1 += 1;
            if self.1 >= self.0 {
                Flow::Stop
            } else {
                Flow::Continue
            }
        }
    }

    #[test]
    fn delivery_ends_at_done_or_when_the_listener_stops() {
        let events: Vec<String> = ["a", "b", "[DONE]", "c"].map(String::from).to_vec();
        assert_eq!(
            deliver(&events, &mut StopAfter(9, 0)),
            Some(Delivered::Done)
        );
        assert_eq!(
            deliver(&events, &mut StopAfter(2, 0)),
            Some(Delivered::Stopped)
        );
        assert_eq!(deliver(&events[..2], &mut StopAfter(9, 0)), None);
    }
}
