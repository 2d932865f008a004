//! Drops the `api-version` request header progenitor adds to every call.
//!
//! progenitor sends the spec's `info.version` as `api-version` on each request (a convention of
//! Oxide's APIs). Cleeng does not read it, and our spec revision is none of its business, so the
//! generated `send()` bodies are stripped of it here, once, instead of per request at run time.

use quote::ToTokens;
use syn::visit_mut::VisitMut;
use syn::{Block, Item, Stmt};

/// Removes the header insertions from the `builder` module; returns how many it removed.
pub fn strip_api_version_header(file: &mut syn::File) -> usize {
    // Without the header, some `let mut header_map` bindings are never mutated.
    file.attrs.push(syn::parse_quote!(#![allow(unused_mut)]));
    let mut stripper = Stripper(0);
    for item in file.items.iter_mut() {
        if let Item::Mod(m) = item {
            if m.ident == "builder" {
                stripper.visit_item_mod_mut(m);
            }
        }
    }
    stripper.0
}

struct Stripper(usize);

fn is_api_version_append(stmt: &Stmt) -> bool {
    let text = stmt.to_token_stream().to_string();
    text.contains("append") && text.contains("\"api-version\"")
}

impl VisitMut for Stripper {
    fn visit_block_mut(&mut self, block: &mut Block) {
        let before = block.stmts.len();
        block.stmts.retain(|s| !is_api_version_append(s));
        self.0 += before - block.stmts.len();
        syn::visit_mut::visit_block_mut(self, block);
    }
}
