//! A raw HTTP/1.1 server on 127.0.0.1 that misbehaves on purpose: redirects, stalls, drips,
//! floods, resets. Each connection's request is read whole, counted, and answered by the test's
//! `Behaviour`. Shared by the runtime's transport tests and the workspace's fault trials.
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as received.
#[derive(Debug, Clone)]
pub struct Received {
    /// Request line, e.g. `POST /orders HTTP/1.1`.
    pub line: String,
    /// Header lines, lower-cased names.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Received {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// What to do with a request.
pub enum Action {
    /// Write these bytes; keep the connection for the next request if they carry a
    /// `Content-Length`, else close.
    Reply(Vec<u8>),
    /// Write these bytes, then close (e.g. a body cut off before its `Content-Length`).
    ReplyThenClose(Vec<u8>),
    /// Write these bytes, then keep the connection open without writing more.
    ReplyThenStall(Vec<u8>),
    /// Close without answering (the request was received).
    Close,
    /// Write these bytes (headers of a chunked response), then chunks of `chunk` bytes forever.
    Flood(Vec<u8>, usize),
}

/// Decides the answer to the `n`-th request (counting from 1).
pub type Behaviour = Arc<dyn Fn(usize, &Received) -> Action + Send + Sync>;

/// A running server.
pub struct Server {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    /// Requests received so far.
    pub count: Arc<AtomicUsize>,
    /// Connections accepted so far.
    pub connections: Arc<AtomicUsize>,
    /// Every request received.
    pub requests: Arc<Mutex<Vec<Received>>>,
}

impl Server {
    /// Starts a server answering with `behaviour`.
    pub async fn start(behaviour: impl Fn(usize, &Received) -> Action + Send + Sync + 'static) -> Server {
        let behaviour: Behaviour = Arc::new(behaviour);
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let count = Arc::new(AtomicUsize::new(0));
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (c, k, r) = (count.clone(), connections.clone(), requests.clone());
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                k.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(serve(stream, behaviour.clone(), c.clone(), r.clone()));
            }
        });
        Server { url, count, connections, requests }
    }

    /// Requests received so far.
    pub fn count(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }
}

async fn serve(
    mut stream: TcpStream,
    behaviour: Behaviour,
    count: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<Received>>>,
) {
    // Keep-alive: answer requests on this connection until it closes.
    let mut buf = Vec::new();
    loop {
        let Some(received) = read_request(&mut stream, &mut buf).await else { return };
        let n = count.fetch_add(1, Ordering::SeqCst) + 1;
        requests.lock().unwrap().push(received.clone());
        match behaviour(n, &received) {
            Action::Reply(bytes) => {
                if stream.write_all(&bytes).await.is_err() {
                    return;
                }
                let keep = String::from_utf8_lossy(&bytes).to_ascii_lowercase().contains("content-length");
                if !keep {
                    return;
                }
            }
            Action::ReplyThenClose(bytes) => {
                let _ = stream.write_all(&bytes).await;
                return;
            }
            Action::ReplyThenStall(bytes) => {
                let _ = stream.write_all(&bytes).await;
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return;
            }
            Action::Close => return,
            Action::Flood(head, chunk) => {
                if stream.write_all(&head).await.is_err() {
                    return;
                }
                let data = vec![b'x'; chunk];
                let frame = [format!("{chunk:x}\r\n").into_bytes(), data, b"\r\n".to_vec()].concat();
                while stream.write_all(&frame).await.is_ok() {}
                return;
            }
        }
    }
}

async fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<Received> {
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let line = lines.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = buf[head_end..head_end + length].to_vec();
    buf.drain(..head_end + length);
    Some(Received { line, headers, body })
}

/// A complete response with a JSON body.
pub fn json(status: u16, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A response with extra header lines (`"name: value\r\n"` each) and a JSON body.
pub fn with_headers(status: u16, headers: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} X\r\n{headers}content-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Headers announcing `length` bytes, followed by only `sent` of them.
pub fn partial(status: u16, length: u64, sent: usize) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {length}\r\n\r\n")
        .into_bytes();
    out.extend(std::iter::repeat_n(b' ', sent));
    out
}

/// Headers of a chunked 200.
pub fn chunked_head(status: u16) -> Vec<u8> {
    format!("HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n").into_bytes()
}
