//! The HTTP layer of `fuota-local`, for the endpoint and the site: hyper's HTTP/1.1 server
//! (keep-alive and pipelining included) on a tokio runtime; the binary runs it on two worker threads.
//!
//! It replaced tiny_http 0.12, which left connections unread. Its pool (`util::TaskPool`) serves a
//! whole connection per task, and `spawn` queues a new connection instead of starting a thread
//! whenever its count of idle workers is above zero; but a worker it has just woken stays in that
//! count until it takes the queue's lock again, so a burst of new connections (a page whose parts
//! ask for many chunks at once) queues more of them than there are workers left to wake. Each of
//! those waits, unread, until some other connection closes, which a browser's keep-alive
//! connections do not. `tests/site/load.mjs` and `tests/server.rs` fire such bursts.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::future::Future;
use std::net::ToSocketAddrs;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use hyper::body::{Body as _, Bytes, Frame, Incoming, SizeHint};
use hyper::header::{HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpSocket};

use crate::{site, Endpoint, WireRequest};

/// The built console to serve: its folder, and the Content-Security-Policy its pages are sent
/// with (`site::policy_of`).
pub struct Site {
    pub root: PathBuf,
    pub policy: Option<String>,
}

/// A response body: whole (sent with Content-Length) or in chunks of unknown length (sent with
/// `Transfer-Encoding: chunked`, as a proxy streaming an answer does).
pub enum Body {
    Whole(Option<Bytes>),
    Chunks(VecDeque<Bytes>),
}

impl Body {
    fn whole(bytes: Vec<u8>) -> Self {
        Body::Whole(Some(Bytes::from(bytes)))
    }

    fn chunked(bytes: Vec<u8>) -> Self {
        Body::Chunks(bytes.chunks(64 * 1024).map(Bytes::copy_from_slice).collect())
    }
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let next = match self.get_mut() {
            Body::Whole(bytes) => bytes.take(),
            Body::Chunks(chunks) => chunks.pop_front(),
        };
        Poll::Ready(next.map(|b| Ok(Frame::data(b))))
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Body::Whole(bytes) => bytes.as_ref().is_none_or(|b| b.is_empty()),
            Body::Chunks(chunks) => chunks.is_empty(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Body::Whole(bytes) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            // No length: hyper sends it chunked.
            Body::Chunks(_) => SizeHint::default(),
        }
    }
}

/// How long a connection whose answer is dropped stays open, silent: longer than a client waits
/// for one attempt (the console: 20 s).
pub const DROPPED_HOLD: Duration = Duration::from_secs(120);

/// An answer dropped on purpose: hyper closes the connection without sending anything.
#[derive(Debug)]
pub struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("answer dropped")
    }
}

impl std::error::Error for Dropped {}

pub type Answer = Result<Response<Body>, Dropped>;

/// A response with these headers; a header that is not valid on the wire is left out.
fn response(status: u16, headers: &[(String, String)], body: Body) -> Response<Body> {
    let mut response = Response::new(body);
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            response.headers_mut().append(name, value);
        }
    }
    response
}

/// The request target exactly as sent (path and query, still percent-encoded).
fn target_of<B>(request: &Request<B>) -> String {
    request.uri().path_and_query().map_or_else(|| request.uri().path().to_owned(), |pq| pq.as_str().to_owned())
}

/// The request body, at most `limit` bytes of it.
async fn read_body(mut body: Incoming, limit: usize) -> Vec<u8> {
    let mut bytes = Vec::new();
    while bytes.len() < limit {
        match std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    let room = limit - bytes.len();
                    bytes.extend_from_slice(&data[..data.len().min(room)]);
                }
            }
            _ => break,
        }
    }
    bytes
}

pub async fn serve_api(endpoint: Arc<Endpoint>, request: Request<Incoming>) -> Answer {
    let url = target_of(&request);
    let method = request.method().as_str().to_owned();
    let headers: Vec<(String, String)> =
        request.headers().iter().map(|(name, value)| (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned())).collect();
    let body = read_body(request.into_body(), 1 << 20).await;
    let reply = {
        let (url, method) = (url.clone(), method.clone());
        // The endpoint's work is synchronous (and may write the state file): off the I/O threads.
        tokio::task::spawn_blocking(move || {
            let (raw_path, raw_query) = url.split_once('?').unwrap_or((&url, ""));
            endpoint.handle(&WireRequest { method: &method, raw_path, raw_query, headers: &headers, body: &body }, SystemTime::now())
        })
        .await
    };
    let Ok(reply) = reply else {
        eprintln!("{method} {url} -> 500 (the endpoint panicked)");
        return Ok(response(500, &[], Body::whole(b"internal error".to_vec())));
    };
    if let Some(delay) = reply.delay {
        tokio::time::sleep(delay).await;
    }
    if reply.dropped {
        // No answer at all: the connection stays open and silent, as when an answer is lost on
        // the way, until the client gives up (then closes after DROPPED_HOLD). Closing it at once
        // would not do: a browser sends a request again by itself, unseen by the page, when a
        // connection it reused closes before any answer.
        eprintln!("{method} {url} -> (answer dropped)");
        tokio::time::sleep(DROPPED_HOLD).await;
        return Err(Dropped);
    }
    eprintln!("{method} {url} -> {}", reply.status);
    let body = if reply.chunked { Body::chunked(reply.body) } else { Body::whole(reply.body) };
    Ok(response(reply.status, &reply.headers, body))
}

pub async fn serve_site(site: Arc<Site>, request: Request<Incoming>) -> Answer {
    let url = target_of(&request);
    let root = Arc::clone(&site);
    let found = tokio::task::spawn_blocking(move || site::resolve(&root.root, &url).and_then(|p| std::fs::read(&p).ok().map(|b| (p, b)))).await.ok().flatten();
    Ok(match found {
        Some((path, bytes)) => {
            let content_type = site::content_type(&path);
            let mut headers = vec![("Content-Type".to_owned(), content_type.to_owned()), ("Cache-Control".to_owned(), "no-cache".to_owned())];
            if let Some(policy) = site.policy.as_deref().filter(|_| content_type.starts_with("text/html")) {
                headers.push(("Content-Security-Policy".to_owned(), policy.to_owned()));
            }
            response(200, &headers, Body::whole(bytes))
        }
        None => response(404, &[], Body::whole(b"not found".to_vec())),
    })
}

/// Binds `addr` (the first of its addresses that binds), with a backlog for a browser's bursts.
/// Call it within the runtime (`Runtime::enter`).
pub fn bind(addr: &str) -> std::io::Result<TcpListener> {
    let mut last = std::io::Error::new(std::io::ErrorKind::InvalidInput, "no address");
    for at in addr.to_socket_addrs()? {
        let socket = if at.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
        socket.set_reuseaddr(true)?;
        match socket.bind(at).and_then(|()| socket.listen(1024)) {
            Ok(listener) => return Ok(listener),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Accepts connections for ever, each served by hyper's HTTP/1.1 (keep-alive and pipelining
/// included) on its own task.
pub async fn serve<H, F>(listener: TcpListener, handler: H)
where
    H: Fn(Request<Incoming>) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Answer> + Send + 'static,
{
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of descriptors, say: wait for some to close rather than spin.
                eprintln!("accept: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let handler = handler.clone();
        tokio::spawn(async move {
            let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service_fn(handler)).await;
        });
    }
}
