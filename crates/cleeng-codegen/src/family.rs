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

/// The workspace root, found from this crate's manifest directory (`crates/cleeng-codegen`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("cleeng-codegen lives two levels below the workspace root")
        .to_path_buf()
}
