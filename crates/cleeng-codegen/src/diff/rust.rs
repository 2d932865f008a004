//! The Rust side of an API change: what appears, disappears or changes type in a generated crate.
//!
//! Both sides are generated in memory from their spec (`generate_from`, nothing written) and read
//! with [`crate::surface::extract`], so the comparison sees exactly what `cargo xtask regen`
//! would commit. Each change carries the operationId (methods, setters) or the type name (types,
//! fields, variants) that links it to the spec change behind it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::surface::{Surface, TypeSurface};
use crate::{family::Family, generate::generate_from, glue, spec, surface};

/// The project's semver policy (lead decision 2): every generated struct and enum is
/// `#[non_exhaustive]` (issue 16's codegen pass adds the attribute). Then a new response field
/// or enum variant cannot break a caller's struct literal or exhaustive `match`, so it is a minor
/// change; without the attribute it would be a major one. The diff's Rust verdict reads this.
pub const GENERATED_TYPES_NON_EXHAUSTIVE: bool = true;

/// Whether an item appeared, disappeared or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Delta {
    /// New in head.
    Added,
    /// Gone in head.
    Removed,
    /// Present on both sides, different.
    Changed,
}

/// One change to the public Rust surface of a family crate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RustChange {
    /// Added, removed or changed.
    pub delta: Delta,
    /// What kind of item: `method`, `setter`, `returns`, `route`, `trait`, `type`, `field`, `variant`.
    pub item: &'static str,
    /// Its Rust path, e.g. `get_gift`, `list_subscriptions().limit`, `types::Gift::note`.
    pub name: String,
    /// The signature or type before (removed / changed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// The signature or type after (added / changed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// The operation behind a method-level change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation_id: Option<String>,
    /// The generated type behind a type-level change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
}

/// Drops the `::std::...` prefixes progenitor writes, for reading (`Option<String>`).
pub fn tidy(ty: &str) -> String {
    let mut s = ty.to_string();
    for prefix in [
        "::std::option::",
        "::std::string::",
        "::std::vec::",
        "::std::collections::",
        "::std::primitive::",
        "::serde_json::",
        "::chrono::",
    ] {
        s = s.replace(prefix, "");
    }
    s
}

impl RustChange {
    /// True for a change that can stop existing code compiling, under the project's policy
    /// ([`GENERATED_TYPES_NON_EXHAUSTIVE`]).
    pub fn breaks_code(&self) -> bool {
        self.breaks_code_when(GENERATED_TYPES_NON_EXHAUSTIVE)
    }

    /// Whether this change breaks existing code when generated types are (`non_exhaustive`) or
    /// are not `#[non_exhaustive]`: anything removed or changed always does; an added field
    /// breaks struct literals and an added variant breaks exhaustive matches unless the type is
    /// non-exhaustive; added methods, setters and types never do.
    pub fn breaks_code_when(&self, non_exhaustive: bool) -> bool {
        match self.delta {
            Delta::Removed | Delta::Changed => true,
            Delta::Added => matches!(self.item, "field" | "variant") && !non_exhaustive,
        }
    }

    /// One line for reports: "method `get_gift()` removed".
    pub fn describe(&self) -> String {
        let before = self.before.as_deref().map(tidy);
        let after = self.after.as_deref().map(tidy);
        let shown = match self.item {
            "method" => format!("`{}()`", self.name),
            "setter" => format!("`{}`", self.name),
            _ => format!("`{}`", self.name),
        };
        match (self.delta, &before, &after) {
            (Delta::Added, _, Some(after)) => format!("{} {shown} added: `{after}`", self.item),
            (Delta::Added, _, None) => format!("{} {shown} added", self.item),
            (Delta::Removed, Some(before), _) => format!("{} {shown} removed (was `{before}`)", self.item),
            (Delta::Removed, None, _) => format!("{} {shown} removed", self.item),
            (Delta::Changed, before, after) => format!(
                "{} {shown} changed: `{}` → `{}`",
                self.item,
                before.as_deref().unwrap_or(""),
                after.as_deref().unwrap_or("")
            ),
        }
    }
}

/// Generates `family`'s crate from spec bytes in memory and reads its public surface.
pub fn surface_of(family: Family, bytes: &[u8]) -> Result<Surface, String> {
    if family.is_openrpc() {
        let path = family.spec_path();
        let generated = crate::openrpc::generate_from(family, &path, bytes).map_err(|e| e.to_string())?;
        let doc = crate::openrpc::document::parse(&path, bytes).map_err(|e| e.to_string())?;
        let ops = crate::openrpc::client::operations(&doc);
        return surface::extract(&generated.source, &ops).map_err(|e| e.to_string());
    }
    let loaded = spec::parse(&family.spec_path(), bytes).map_err(|e| e.to_string())?;
    let generated = generate_from(family, &loaded).map_err(|e| e.to_string())?;
    let ops = glue::operations(&loaded.document, &loaded.path).map_err(|e| e.to_string())?;
    surface::extract(&generated.source, &ops).map_err(|e| e.to_string())
}

fn change(
    delta: Delta,
    item: &'static str,
    name: String,
    before: Option<String>,
    after: Option<String>,
) -> RustChange {
    RustChange {
        delta,
        item,
        name,
        before,
        after,
        operation_id: None,
        type_name: None,
    }
}

/// Lists every difference between two surfaces: methods first (by name), then types.
pub fn compare(base: &Surface, head: &Surface) -> Vec<RustChange> {
    let mut out = Vec::new();
    let bm: BTreeMap<&str, _> = base.methods.iter().map(|m| (m.name.as_str(), m)).collect();
    let hm: BTreeMap<&str, _> = head.methods.iter().map(|m| (m.name.as_str(), m)).collect();
    let sig = |m: &surface::Method| format!("{} {}", m.http, m.name);
    for (name, m) in &bm {
        if !hm.contains_key(name) {
            let mut c = change(Delta::Removed, "method", name.to_string(), Some(sig(m)), None);
            c.operation_id = Some(m.operation_id.clone());
            out.push(c);
        }
    }
    for (name, h) in &hm {
        let op = Some(h.operation_id.clone());
        let Some(b) = bm.get(name) else {
            let mut c = change(Delta::Added, "method", name.to_string(), None, Some(sig(h)));
            c.operation_id = op;
            out.push(c);
            continue;
        };
        let mut local = Vec::new();
        if b.http != h.http {
            local.push(change(Delta::Changed, "route", format!("{name}()"), Some(b.http.clone()), Some(h.http.clone())));
        }
        if b.trait_name != h.trait_name {
            local.push(change(
                Delta::Changed,
                "trait",
                format!("{name}()"),
                Some(b.trait_name.clone()),
                Some(h.trait_name.clone()),
            ));
        }
        let bs: BTreeMap<&str, &str> = b.setters.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
        let hs: BTreeMap<&str, &str> = h.setters.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
        for (s, t) in &bs {
            let path = format!("{name}().{s}");
            match hs.get(s) {
                None => local.push(change(Delta::Removed, "setter", path, Some(format!(".{s}({t})")), None)),
                Some(ht) if ht != t => local.push(change(
                    Delta::Changed,
                    "setter",
                    path,
                    Some(format!(".{s}({t})")),
                    Some(format!(".{s}({ht})")),
                )),
                _ => {}
            }
        }
        for (s, t) in &hs {
            if !bs.contains_key(s) {
                local.push(change(Delta::Added, "setter", format!("{name}().{s}"), None, Some(format!(".{s}({t})"))));
            }
        }
        if b.returns != h.returns {
            local.push(change(
                Delta::Changed,
                "returns",
                format!("{name}().send()"),
                Some(b.returns.clone()),
                Some(h.returns.clone()),
            ));
        }
        for mut c in local {
            c.operation_id = op.clone();
            out.push(c);
        }
    }

    let bt: BTreeMap<&str, &TypeSurface> = base.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let ht: BTreeMap<&str, &TypeSurface> = head.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let typed = |mut c: RustChange, name: &str| {
        c.type_name = Some(name.to_string());
        c
    };
    for (name, t) in &bt {
        if !ht.contains_key(name) {
            out.push(typed(change(Delta::Removed, "type", format!("types::{name}"), Some(format!("{} {name}", t.kind)), None), name));
        }
    }
    for (name, h) in &ht {
        let Some(b) = bt.get(name) else {
            out.push(typed(change(Delta::Added, "type", format!("types::{name}"), None, Some(format!("{} {name}", h.kind))), name));
            continue;
        };
        if b.kind != h.kind || b.kind == "type" {
            if b.kind != h.kind || b.members != h.members {
                out.push(typed(
                    change(
                        Delta::Changed,
                        "type",
                        format!("types::{name}"),
                        Some(format!("{} {name} {}", b.kind, b.members.join(", "))),
                        Some(format!("{} {name} {}", h.kind, h.members.join(", "))),
                    ),
                    name,
                ));
            }
            continue;
        }
        let item = if h.kind == "enum" { "variant" } else { "field" };
        let split = |m: &String| -> (String, String) {
            if item == "field" {
                match m.split_once(": ") {
                    Some((n, t)) => (n.to_string(), t.to_string()),
                    None => (m.clone(), String::new()),
                }
            } else {
                let n = m.split(['(', ' ']).next().unwrap_or(m).to_string();
                (n, m.clone())
            }
        };
        let bmem: BTreeMap<String, String> = b.members.iter().map(split).collect();
        let hmem: BTreeMap<String, String> = h.members.iter().map(split).collect();
        for (m, t) in &bmem {
            let path = format!("types::{name}::{m}");
            match hmem.get(m) {
                None => out.push(typed(change(Delta::Removed, item, path, Some(t.clone()), None), name)),
                Some(ht) if ht != t => {
                    out.push(typed(change(Delta::Changed, item, path, Some(t.clone()), Some(ht.clone())), name))
                }
                _ => {}
            }
        }
        for (m, t) in &hmem {
            if !bmem.contains_key(m) {
                out.push(typed(change(Delta::Added, item, format!("types::{name}::{m}"), None, Some(t.clone())), name));
            }
        }
    }
    out
}
