//! The public surface of a generated crate, as plain text a reviewer can read in a diff.
//!
//! Derived from the generated source itself (with `syn`), joined with the spec's method and path
//! per operation, so the snapshot shows exactly what a user can call and which types they get.
//! `cargo xtask diff` compares two surfaces to name the Rust change behind a spec change.

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use quote::ToTokens;
use syn::{FnArg, ImplItem, Item, ReturnType, TraitItem, WherePredicate};

use crate::glue::OperationFacts;

/// One client method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Method {
    /// The Rust method name on `Client`.
    pub name: String,
    /// The tag trait that carries it (e.g. `ClientSubscriptionsExt`).
    pub trait_name: String,
    /// operationId in the spec.
    pub operation_id: String,
    /// HTTP method and path template.
    pub http: String,
    /// Builder setters: name and the type the value converts into.
    pub setters: Vec<(String, String)>,
    /// What `send()` returns (`call()` for builders without `send()`: the JSON-RPC family).
    pub returns: String,
    /// `send` or `call`: the builder method `returns` belongs to.
    pub finisher: String,
}

/// One generated type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeSurface {
    /// `struct`, `enum` or `type`.
    pub kind: &'static str,
    /// Type name in `types`.
    pub name: String,
    /// Fields (`name: Type`) or variants (`Name` / `Name(Type)`).
    pub members: Vec<String>,
}

/// Everything public a generated crate offers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Surface {
    /// Client methods, sorted by name.
    pub methods: Vec<Method>,
    /// Types, sorted by name.
    pub types: Vec<TypeSurface>,
}

/// Renders any syntax node as compact single-line text (`Option<Vec<String>>`).
pub fn compact(tokens: impl ToTokens) -> String {
    let mut s = tokens.to_token_stream().to_string();
    for (from, to) in [
        (" :: ", "::"),
        (":: ", "::"),
        (" < ", "<"),
        ("< ", "<"),
        (" <", "<"),
        (" >", ">"),
        (" ,", ","),
        ("& ", "&"),
        (" (", "("),
        ("( ", "("),
        (" )", ")"),
        (",>", ">"),
        (",)", ")"),
    ] {
        while s.contains(from) {
            s = s.replace(from, to);
        }
    }
    s
}

/// Reads the surface of a generated file; `ops` supplies method and path per operationId.
pub fn extract(source: &str, ops: &[OperationFacts]) -> Result<Surface, syn::Error> {
    let file = syn::parse_file(source)?;
    let by_snake: BTreeMap<String, &OperationFacts> =
        ops.iter().map(|o| (o.id.to_snake_case(), o)).collect();

    // Builders: setters and send() return type, by builder struct name.
    // Builder name → (setters, return type, `send` or `call`).
    type BuilderFacts = (Vec<(String, String)>, String, String);
    let mut builders: BTreeMap<String, BuilderFacts> = BTreeMap::new();
    let mut methods = Vec::new();
    let mut types = Vec::new();
    for item in &file.items {
        match item {
            Item::Mod(m) if m.ident == "builder" => {
                for inner in m.content.iter().flat_map(|(_, items)| items) {
                    if let Item::Impl(imp) = inner {
                        let name = compact(&imp.self_ty)
                            .split('<')
                            .next()
                            .unwrap_or_default()
                            .to_string();
                        let entry = builders.entry(name).or_default();
                        for it in &imp.items {
                            if let ImplItem::Fn(f) = it {
                                let fname = f.sig.ident.to_string();
                                // `send()` when there is one; a JSON-RPC builder only has `call()`.
                                if fname == "send" || (fname == "call" && entry.2 != "send") {
                                    entry.1 = match &f.sig.output {
                                        ReturnType::Type(_, ty) => compact(ty),
                                        ReturnType::Default => "()".into(),
                                    };
                                    entry.2 = fname.clone();
                                } else if !matches!(fname.as_str(), "new" | "call" | "call_with_response") && !fname.starts_with('_') {
                                    entry.0.push((fname, setter_type(&f.sig)));
                                }
                            }
                        }
                    }
                }
            }
            Item::Mod(m) if m.ident == "types" => {
                for inner in m.content.iter().flat_map(|(_, items)| items) {
                    if let Some(t) = type_surface(inner) {
                        types.push(t);
                    }
                }
            }
            Item::Trait(t) if t.ident.to_string().starts_with("Client") => {
                for it in &t.items {
                    if let TraitItem::Fn(f) = it {
                        let name = f.sig.ident.to_string();
                        let builder = match &f.sig.output {
                            ReturnType::Type(_, ty) => compact(ty),
                            ReturnType::Default => String::new(),
                        };
                        let builder = builder
                            .trim_start_matches("builder::")
                            .split('<')
                            .next()
                            .unwrap_or_default()
                            .to_string();
                        let (operation_id, http) = match by_snake.get(&name) {
                            Some(op) => (op.id.clone(), format!("{} {}", op.method, op.path)),
                            None => (String::from("?"), String::from("?")),
                        };
                        methods.push((
                            builder,
                            Method {
                                name,
                                trait_name: t.ident.to_string(),
                                operation_id,
                                http,
                                setters: Vec::new(),
                                returns: String::new(),
                                finisher: String::new(),
                            },
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    let mut methods: Vec<Method> = methods
        .into_iter()
        .map(|(builder, mut m)| {
            if let Some((setters, returns, finisher)) = builders.get(&builder) {
                m.setters = setters.clone();
                m.returns = returns.clone();
                m.finisher = finisher.clone();
            }
            m
        })
        .collect();
    methods.sort_by(|a, b| a.name.cmp(&b.name));
    types.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Surface { methods, types })
}

/// The type a builder setter accepts: the target of its `TryInto<…>` bound, else its argument type.
fn setter_type(sig: &syn::Signature) -> String {
    if let Some(wc) = &sig.generics.where_clause {
        for pred in &wc.predicates {
            if let WherePredicate::Type(pt) = pred {
                let bound = compact(&pt.bounds);
                for prefix in ["std::convert::TryInto<", "TryInto<", "std::convert::Into<", "Into<"] {
                    if let Some(rest) = bound.strip_prefix(prefix) {
                        return rest.strip_suffix('>').unwrap_or(rest).to_string();
                    }
                }
                return bound;
            }
        }
    }
    sig.inputs
        .iter()
        .filter_map(|a| match a {
            FnArg::Typed(t) => Some(compact(&t.ty)),
            FnArg::Receiver(_) => None,
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn type_surface(item: &Item) -> Option<TypeSurface> {
    match item {
        Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => Some(TypeSurface {
            kind: "struct",
            name: s.ident.to_string(),
            members: s
                .fields
                .iter()
                .enumerate()
                .map(|(i, f)| match &f.ident {
                    Some(id) => format!("{}: {}", id, compact(&f.ty)),
                    None => format!("{}: {}", i, compact(&f.ty)),
                })
                .collect(),
        }),
        Item::Enum(e) if matches!(e.vis, syn::Visibility::Public(_)) => Some(TypeSurface {
            kind: "enum",
            name: e.ident.to_string(),
            members: e
                .variants
                .iter()
                .map(|v| {
                    let fields = match &v.fields {
                        syn::Fields::Unit => String::new(),
                        syn::Fields::Unnamed(u) => format!(
                            "({})",
                            u.unnamed.iter().map(|f| compact(&f.ty)).collect::<Vec<_>>().join(", ")
                        ),
                        syn::Fields::Named(n) => format!(
                            " {{ {} }}",
                            n.named
                                .iter()
                                .map(|f| format!(
                                    "{}: {}",
                                    f.ident.as_ref().map(|i| i.to_string()).unwrap_or_default(),
                                    compact(&f.ty)
                                ))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    format!("{}{}", v.ident, fields)
                })
                .collect(),
        }),
        Item::Type(t) if matches!(t.vis, syn::Visibility::Public(_)) => Some(TypeSurface {
            kind: "type",
            name: t.ident.to_string(),
            members: vec![compact(&*t.ty)],
        }),
        _ => None,
    }
}


impl Surface {
    /// The readable listing used by the snapshot tests.
    pub fn render(&self, title: &str) -> String {
        let mut out = format!(
            "# {title}: {} client methods, {} types\n\n## Client methods\n\nEvery builder also has `.call()` (the decoded body of `.send()`'s success type, failures as `cleeng_runtime::Error`) and `.call_with_response()` (the same with status and headers).\n",
            self.methods.len(),
            self.types.len()
        );
        for m in &self.methods {
            out.push_str(&format!(
                "\n{} {}  (operationId {}, via {})\n",
                m.http, m.name, m.operation_id, m.trait_name
            ));
            for (name, ty) in &m.setters {
                out.push_str(&format!("    .{name}({ty})\n"));
            }
            out.push_str(&format!("    .{}() -> {}\n", m.finisher, m.returns));
        }
        out.push_str("\n## Types\n");
        for t in &self.types {
            out.push_str(&format!("\n{} {}\n", t.kind, t.name));
            for member in &t.members {
                out.push_str(&format!("    {member}\n"));
            }
        }
        out
    }
}
