//! The five specs, embedded at compile time and turned into a route table at start.
//!
//! The specs are read as plain JSON values (through `serde_yaml`) rather than typed OpenAPI
//! structures: the mock only needs to follow `$ref`s, read schemas and pick examples, and a
//! value tree keeps every extension (`x-cleeng-topics`, `x-confidence`) reachable.

use serde_json::Value;

/// One API family; each is served under its own path prefix on the mock's single port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// Core API 3.1 (publisher token), under `/core`.
    Core,
    /// MediaStore API (customer JWT), under `/mediastore`.
    MediaStore,
    /// Auth API (device pairing, JWKS), under `/auth`.
    Auth,
    /// In-App API, under `/inapp`.
    InApp,
    /// Webhooks API, under `/webhooks`.
    Webhooks,
}

impl Family {
    /// Every family, in a fixed order.
    pub const ALL: [Family; 5] = [
        Family::Core,
        Family::MediaStore,
        Family::Auth,
        Family::InApp,
        Family::Webhooks,
    ];

    /// The path prefix the family is served under (no trailing slash), e.g. `/core`.
    pub fn prefix(self) -> &'static str {
        match self {
            Family::Core => "/core",
            Family::MediaStore => "/mediastore",
            Family::Auth => "/auth",
            Family::InApp => "/inapp",
            Family::Webhooks => "/webhooks",
        }
    }

    /// The family's short name, as in `specs/<name>.yaml`.
    pub fn name(self) -> &'static str {
        &self.prefix()[1..]
    }

    /// The embedded spec text: the crate's own copy in `crates/cleeng-mock/specs/`, so that the
    /// published package is self-contained. `cargo xtask regen` writes the copies from the
    /// repository's `specs/` and `regen --check` fails when they differ.
    pub fn spec_text(self) -> &'static str {
        match self {
            Family::Core => include_str!("../specs/core.yaml"),
            Family::MediaStore => include_str!("../specs/mediastore.yaml"),
            Family::Auth => include_str!("../specs/auth.yaml"),
            Family::InApp => include_str!("../specs/inapp.yaml"),
            Family::Webhooks => include_str!("../specs/webhooks.yaml"),
        }
    }

    /// Which families share an error body shape: the shape validation errors are answered in.
    pub(crate) fn error_style(self) -> ErrorStyle {
        match self {
            Family::MediaStore => ErrorStyle::Envelope,
            Family::Auth | Family::InApp => ErrorStyle::CodeMessage,
            Family::Core | Family::Webhooks => ErrorStyle::Message,
        }
    }
}

/// The error body shape of a family, used when the spec documents no body for the status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorStyle {
    /// `{"message": ...}` (Core, Webhooks).
    Message,
    /// `{"responseData": {}, "errors": [...], "code": ...}` (MediaStore).
    Envelope,
    /// `{"code": ..., "message": ...}` (Auth, In-App).
    CodeMessage,
}

/// A parsed spec with `$ref` lookup.
#[derive(Debug)]
pub struct Spec {
    /// Which family it describes.
    pub family: Family,
    /// The whole document.
    pub doc: Value,
}

impl Spec {
    /// Parses an embedded spec. The specs are tested in the repository, so a failure here is a
    /// build defect; it is reported, not panicked on.
    pub fn load(family: Family) -> Result<Spec, String> {
        let doc: Value = serde_yaml::from_str(family.spec_text())
            .map_err(|e| format!("specs/{}.yaml does not parse: {e}", family.name()))?;
        Ok(Spec { family, doc })
    }

    /// Follows `$ref` chains (local references only) until a non-reference value.
    pub fn resolve<'a>(&'a self, mut value: &'a Value) -> &'a Value {
        for _ in 0..32 {
            let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
                return value;
            };
            match self.pointer(reference) {
                Some(target) => value = target,
                None => return &Value::Null,
            }
        }
        value
    }

    fn pointer(&self, reference: &str) -> Option<&Value> {
        let path = reference.strip_prefix('#')?;
        self.doc.pointer(path)
    }
}

/// One operation of one family.
#[derive(Debug)]
pub struct Route {
    /// Family (and so spec) of the operation.
    pub family: Family,
    /// Upper-case method.
    pub method: String,
    /// The template split on `/`; `None` marks a `{parameter}` segment.
    pub segments: Vec<Segment>,
    /// The spec's operationId.
    pub operation_id: String,
    /// JSON pointer to the operation object in the spec.
    pub pointer: String,
}

/// One segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Must match exactly.
    Literal(String),
    /// A `{name}` path parameter.
    Param(String),
}

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];

/// Every operation of `spec`.
pub fn routes(spec: &Spec) -> Vec<Route> {
    let mut out = Vec::new();
    let Some(paths) = spec.doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (template, item) in paths {
        let Some(item) = item.as_object() else { continue };
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let operation_id = op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            out.push(Route {
                family: spec.family,
                method: method.to_uppercase(),
                segments: split_template(template),
                operation_id,
                pointer: format!("/paths/{}/{method}", escape_pointer(template)),
            });
        }
    }
    out
}

fn escape_pointer(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

fn split_template(template: &str) -> Vec<Segment> {
    template
        .trim_start_matches('/')
        .split('/')
        .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => Segment::Param(name.to_string()),
            None => Segment::Literal(s.to_string()),
        })
        .collect()
}

/// Matches `path` (without the family prefix) against a template. On success returns the path
/// parameters (percent-decoded) and the number of literal segments (more is more specific).
pub fn match_path(segments: &[Segment], path: &str) -> Option<(Vec<(String, String)>, usize)> {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    if parts.len() != segments.len() {
        return None;
    }
    let mut params = Vec::new();
    let mut literals = 0;
    for (segment, part) in segments.iter().zip(parts) {
        match segment {
            Segment::Literal(lit) => {
                if lit != part {
                    return None;
                }
                literals += 1;
            }
            Segment::Param(name) => {
                if part.is_empty() {
                    return None;
                }
                let decoded = percent_decode(part);
                params.push((name.clone(), decoded));
            }
        }
    }
    Some((params, literals))
}

fn percent_decode(s: &str) -> String {
    // form_urlencoded would turn '+' into a space, which is wrong in a path.
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spec_loads_and_has_routes() {
        for family in Family::ALL {
            let spec = Spec::load(family).unwrap();
            let routes = routes(&spec);
            assert!(!routes.is_empty(), "{family:?}");
            assert!(routes.iter().all(|r| !r.operation_id.is_empty()));
        }
    }

    #[test]
    fn matches_templates() {
        let segs = split_template("/offers/{offerId}/localizations/{countryCode}");
        let (params, literals) = match_path(&segs, "/offers/S123456789/localizations/US").unwrap();
        assert_eq!(literals, 2);
        assert_eq!(params[0], ("offerId".into(), "S123456789".into()));
        assert!(match_path(&segs, "/offers/S1/localizations").is_none());
        assert_eq!(percent_decode("a%40b.c%2"), "a@b.c%2");
    }
}
