//! Peak memory of one call against a 1 GiB response body (issue 13, point 2).
//!
//! Not a timed test: run it with `cargo bench -p cleeng-runtime --bench body_limit` and read the
//! figures. A server on 127.0.0.1 (in this process) answers one GET with a 1 GiB body, first
//! announced by `Content-Length`, then chunked without a length; the call uses the default
//! response-size limit (16 MiB). The peak resident set (`VmHWM`, Linux) must stay within the
//! limit plus a constant: the first case is refused before reading, the second is cut off at the
//! limit. The figures are printed, and the run fails if the growth passes limit + 32 MiB.

use std::time::Instant;

use cleeng_runtime::{
    ApiHosts, ClientConfig, Confidence, Environment, Error, OperationMeta, DEFAULT_MAX_RESPONSE_BYTES,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const GIB: u64 = 1 << 30;
const HOSTS: ApiHosts = ApiHosts { production: "https://unused.invalid", sandbox: "https://unused.invalid" };
static OPS: &[OperationMeta] = &[OperationMeta {
    id: "getBig",
    method_name: "get_big",
    method: "GET",
    path: "/big",
    auth: &[],
    idempotent: true,
    moves_money: false,
    hosts: None,
    deprecated: false,
    confidence: Confidence::Verified,
    unconfirmed: &[],
}];

/// Serves one 1 GiB body per connection, with or without `Content-Length`.
async fn serve(chunked: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf).await;
                let head = if chunked {
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n".to_string()
                } else {
                    format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {GIB}\r\n\r\n")
                };
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = vec![b' '; 64 * 1024];
                let frame = if chunked {
                    [format!("{:x}\r\n", chunk.len()).into_bytes(), chunk.clone(), b"\r\n".to_vec()].concat()
                } else {
                    chunk
                };
                let mut sent = 0u64;
                while sent < GIB {
                    if stream.write_all(&frame).await.is_err() {
                        return;
                    }
                    sent += 64 * 1024;
                }
            });
        }
    });
    url
}

/// `VmHWM` (peak resident set) and `VmRSS` in KiB, on Linux.
fn memory_kib() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))?
            .split_whitespace()
            .nth(1)?
            .parse::<u64>()
            .ok()
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}

async fn one_call(chunked: bool) -> (Error, std::time::Duration) {
    let url = serve(chunked).await;
    let parts = ClientConfig::new(Environment::Custom(url)).into_parts(&HOSTS, OPS).unwrap();
    let request = parts.http.get(format!("{}/big", parts.base_url)).build().unwrap();
    let started = Instant::now();
    let response = parts.context.execute(&parts.http, request, "get_big").await.unwrap();
    let error = Error::from(cleeng_runtime::progenitor_client::Error::<()>::UnexpectedResponse(response));
    (error, started.elapsed())
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let limit_kib = DEFAULT_MAX_RESPONSE_BYTES / 1024;
    let mut worst_growth = 0;
    for (name, chunked) in [("Content-Length: 1 GiB", false), ("chunked, 1 GiB, no length", true)] {
        let before = memory_kib();
        let (error, elapsed) = runtime.block_on(one_call(chunked));
        let after = memory_kib();
        assert!(matches!(error, Error::ResponseTooLarge { .. }), "{name}: {error:?}");
        match (before, after) {
            (Some((_, rss_before)), Some((peak, _))) => {
                let growth = peak.saturating_sub(rss_before);
                worst_growth = worst_growth.max(growth);
                println!(
                    "body_limit/{name}: {error} in {elapsed:?}; RSS before {} MiB, peak {} MiB (+{} MiB; limit {} MiB)",
                    rss_before / 1024,
                    peak / 1024,
                    growth / 1024,
                    limit_kib / 1024
                );
            }
            _ => println!("body_limit/{name}: {error} in {elapsed:?}; peak RSS not available on this platform"),
        }
    }
    let bound = limit_kib + 32 * 1024;
    assert!(worst_growth <= bound, "peak RSS grew {worst_growth} KiB, more than limit + 32 MiB ({bound} KiB)");
}
