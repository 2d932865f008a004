//! The API families and where each one's spec and crate live: five OpenAPI families (generated
//! with progenitor) and the legacy JSON-RPC API (an OpenRPC document, generated with typify and
//! [`crate::openrpc`]).

use std::path::{Path, PathBuf};

/// One Cleeng API family: one spec in `specs/`, one crate in `crates/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// Core API 3.1 (publisher token), including the Offer API.
    Core,
    /// MediaStore API (end-user JWT).
    MediaStore,
    /// Auth API (device PIN pairing, JWKS, Hi5, Auth0).
    Auth,
    /// In-App API (StoreKit 2, Samsung, Vizio) and the legacy receipt endpoints.
    InApp,
    /// Webhooks API and every webhook topic's payload.
    Webhooks,
    /// The deprecated JSON-RPC 3.0 API (`specs/legacy.openrpc.yaml`, an OpenRPC document).
    Legacy,
}

impl Family {
    /// Every family, in the order reports list them.
    pub const ALL: [Family; 6] = [
        Family::Core,
        Family::MediaStore,
        Family::Auth,
        Family::InApp,
        Family::Webhooks,
        Family::Legacy,
    ];

    /// The families described in OpenAPI (everything but [`Family::Legacy`]).
    pub const OPENAPI: [Family; 5] = [
        Family::Core,
        Family::MediaStore,
        Family::Auth,
        Family::InApp,
        Family::Webhooks,
    ];

    /// `true` for the family described in OpenRPC rather than OpenAPI.
    pub fn is_openrpc(self) -> bool {
        self == Family::Legacy
    }

    /// Short lowercase name: the spec's file stem and the crate's suffix.
    pub fn name(self) -> &'static str {
        match self {
            Family::Core => "core",
            Family::MediaStore => "mediastore",
            Family::Auth => "auth",
            Family::InApp => "inapp",
            Family::Webhooks => "webhooks",
            Family::Legacy => "legacy",
        }
    }

    /// Parses a short name as given on the command line.
    pub fn from_name(name: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The spec's path relative to the workspace root, e.g. `specs/core.yaml`
    /// (`specs/legacy.openrpc.yaml` for the JSON-RPC family).
    pub fn spec_path(self) -> String {
        if self.is_openrpc() {
            format!("specs/{}.openrpc.yaml", self.name())
        } else {
            format!("specs/{}.yaml", self.name())
        }
    }

    /// The crate's package name, e.g. `cleeng-core`.
    pub fn crate_name(self) -> String {
        format!("cleeng-{}", self.name())
    }

    /// The generated file's path relative to the workspace root.
    pub fn generated_path(self) -> String {
        format!("crates/cleeng-{}/src/generated.rs", self.name())
    }

    /// The generated typed-httpmock file's path relative to the workspace root (`None` for the
    /// JSON-RPC family: one endpoint for every method leaves nothing for typed matchers to
    /// route on).
    pub fn httpmock_path(self) -> Option<String> {
        (!self.is_openrpc()).then(|| format!("crates/cleeng-{}/src/generated_httpmock.rs", self.name()))
    }

    /// The copy of the spec that cleeng-mock embeds, relative to the workspace root. A package
    /// can only ship files inside its own directory, so the mock carries the specs it serves;
    /// `cargo xtask regen` keeps the copy byte-identical to [`Family::spec_path`]. `None` for the
    /// JSON-RPC family: the mock answers it from hand-written handlers, not from the spec.
    pub fn mock_spec_path(self) -> Option<String> {
        (!self.is_openrpc()).then(|| format!("crates/cleeng-mock/specs/{}.yaml", self.name()))
    }

    /// Absolute spec path under `root`.
    pub fn spec_file(self, root: &Path) -> PathBuf {
        root.join(self.spec_path())
    }

    /// Absolute generated-file path under `root`.
    pub fn generated_file(self, root: &Path) -> PathBuf {
        root.join(self.generated_path())
    }
}

impl std::fmt::Display for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The cleeng-rs workspace root could not be found (or `--root` does not name one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootNotFound {
    /// Every directory that was looked at (absolute where the start was absolute), nearest first.
    pub searched: Vec<PathBuf>,
}

impl std::fmt::Display for RootNotFound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "no cleeng-rs workspace root (a directory with a workspace Cargo.toml and specs/) found"
        )?;
        match self.searched.as_slice() {
            [] => write!(f, ": nothing to search from")?,
            [only] => write!(f, " at {}", only.display())?,
            [start, ..] => write!(f, " at or above {}", start.display())?,
        }
        write!(f, "; run from inside the repository or pass --root DIR")
    }
}

impl std::error::Error for RootNotFound {}

/// True when `dir` is the cleeng-rs workspace root: it holds a `Cargo.toml` with a `[workspace]`
/// table and a `specs/` directory. Both are needed so that a family crate's own directory (which
/// has a `Cargo.toml`) or an unrelated workspace above the clone is never taken for the root.
pub fn is_workspace_root(dir: &Path) -> bool {
    dir.join("specs").is_dir()
        && std::fs::read_to_string(dir.join("Cargo.toml"))
            .map(|text| text.lines().any(|l| l.trim() == "[workspace]"))
            .unwrap_or(false)
}

/// The nearest directory at or above `start` that [`is_workspace_root`].
pub fn workspace_root_from(start: &Path) -> Result<PathBuf, RootNotFound> {
    let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    let mut searched = Vec::new();
    for dir in start.ancestors() {
        if is_workspace_root(dir) {
            return Ok(dir.to_path_buf());
        }
        searched.push(dir.to_path_buf());
    }
    Err(RootNotFound { searched })
}

/// Finds the workspace root at run time, never from a path fixed when this crate was compiled.
///
/// A compile-time path breaks as soon as one binary serves two checkouts: with a shared
/// `CARGO_TARGET_DIR`, `cargo xtask` in one clone ran a binary built in another and rewrote that
/// clone's files; after a clone moved, it looked for the specs where the clone used to be. So the
/// search starts from the `CARGO_MANIFEST_DIR` that `cargo run` and `cargo test` set in the
/// process environment (the package being run, inside the checkout cargo was invoked in), and
/// falls back to the current directory when the binary runs outside cargo.
pub fn find_workspace_root() -> Result<PathBuf, RootNotFound> {
    if let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR") {
        if let Ok(root) = workspace_root_from(Path::new(&dir)) {
            return Ok(root);
        }
    }
    let cwd = std::env::current_dir().map_err(|_| RootNotFound { searched: Vec::new() })?;
    workspace_root_from(&cwd)
}

/// [`find_workspace_root`] for tests and tools that cannot go on without it: panics with the
/// reason (the directories searched and how to fix it) when there is no root.
pub fn workspace_root() -> PathBuf {
    find_workspace_root().unwrap_or_else(|e| panic!("{e}"))
}
