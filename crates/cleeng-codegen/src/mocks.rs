//! Typed `httpmock` helpers (progenitor's `Generator::httpmock`), for users' unit tests.
//!
//! One fix on progenitor 0.15's output: an array query parameter (`status[]=a&status[]=b`) is
//! matched with `value.to_string()`, which does not compile for a `Vec`; this pass matches each
//! element instead.

use std::panic::{catch_unwind, AssertUnwindSafe};

use progenitor::Generator;
use syn::visit_mut::VisitMut;
use syn::{parse_quote, Expr, ImplItemFn};

use crate::Error;

/// Generates and formats the httpmock module for the normalized spec `doc`, with the same
/// `settings` (type replacements included) as the client it mocks.
pub fn generate(doc: &openapiv3::OpenAPI, path: &str, settings: &progenitor::GenerationSettings) -> Result<String, Error> {
    let mut generator = Generator::new(settings);
    let tokens = catch_unwind(AssertUnwindSafe(|| generator.httpmock(doc, "crate")))
        .map_err(|panic| Error::Progenitor {
            path: path.to_string(),
            message: crate::generate::panic_message(panic.as_ref()),
        })?
        .map_err(|e| Error::Progenitor {
            path: path.to_string(),
            message: e.to_string(),
        })?;
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| Error::Syntax {
        path: path.to_string(),
        message: e.to_string(),
    })?;
    ArrayQueryParams.visit_file_mut(&mut file);
    Ok(prettyplease::unparse(&file))
}

/// Rewrites matchers of array-valued query parameters to match every element.
struct ArrayQueryParams;

impl VisitMut for ArrayQueryParams {
    fn visit_impl_item_fn_mut(&mut self, f: &mut ImplItemFn) {
        let takes_vec = f
            .sig
            .generics
            .where_clause
            .as_ref()
            .is_some_and(|w| crate::surface::compact(w).contains("Vec<"));
        if takes_vec {
            ElementWise.visit_block_mut(&mut f.block);
        }
    }
}

struct ElementWise;

impl VisitMut for ElementWise {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        // Self(self.0.query_param(NAME, value.to_string()))
        if let Expr::Call(call) = expr {
            if let Some(Expr::MethodCall(mc)) = call.args.first() {
                if mc.method == "query_param" && mc.args.len() == 2 {
                    let name = &mc.args[0];
                    *expr = parse_quote!({
                        let mut when = self.0;
                        for item in value {
                            when = when.query_param(#name, item.to_string());
                        }
                        Self(when)
                    });
                    return;
                }
            }
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}
