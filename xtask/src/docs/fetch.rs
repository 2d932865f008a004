//! Reading the index and pages from a file or over HTTPS (reqwest, bounded in time and size).

use std::path::Path;
use std::time::Duration;

/// Largest document read (the index is ~100 KiB; a page far less).
pub const MAX_BYTES: usize = 4 * 1024 * 1024;

/// Per-request timeout.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// True when `source` is an `http://` or `https://` URL rather than a path.
pub fn is_url(source: &str) -> bool {
    source.starts_with("https://") || source.starts_with("http://")
}

/// A blocking HTTP reader: one small runtime, one client, reused for every page.
pub struct Http {
    runtime: tokio::runtime::Runtime,
    client: reqwest::Client,
}

impl Http {
    /// Builds the client (no credentials are ever sent; redirects limited to 5).
    pub fn new() -> Result<Http, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the HTTP runtime: {e}"))?;
        let client = cleeng_runtime::http_client_builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::limited(5))
            .user_agent(concat!("cleeng-rs-xtask/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Http { runtime, client })
    }

    /// GETs `url`; `Ok(None)` on 404, an error naming the URL otherwise.
    pub fn get(&self, url: &str) -> Result<Option<String>, String> {
        self.runtime.block_on(async {
            let offline = |e: reqwest::Error| {
                format!("cannot fetch {url}: {e} (offline? pass a local copy as a file path instead)")
            };
            let mut resp = self.client.get(url).send().await.map_err(offline)?;
            if resp.status() == reqwest::StatusCode::NOT_FOUND {
                return Ok(None);
            }
            if !resp.status().is_success() {
                return Err(format!("cannot fetch {url}: HTTP {}", resp.status()));
            }
            let mut body = Vec::new();
            while let Some(chunk) = resp.chunk().await.map_err(offline)? {
                if body.len() + chunk.len() > MAX_BYTES {
                    return Err(format!("{url} is larger than {MAX_BYTES} bytes"));
                }
                body.extend_from_slice(&chunk);
            }
            String::from_utf8(body).map(Some).map_err(|_| format!("{url} is not UTF-8 text"))
        })
    }
}

/// Reads a file as text, bounded like a download.
pub fn read_file(path: &Path) -> Result<Option<String>, String> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        Ok(m) if m.len() > MAX_BYTES as u64 => {
            return Err(format!("{} is larger than {MAX_BYTES} bytes", path.display()))
        }
        Ok(_) => {}
    }
    std::fs::read_to_string(path).map(Some).map_err(|e| format!("cannot read {}: {e}", path.display()))
}
