//! Spec patterns checked by plain Rust instead of the `regress` regex engine.
//!
//! typify checks a string schema's `pattern` with `regress` (a static `Regex` per type, built on
//! first use). For the handful of character-class patterns our specs hold, that puts a whole
//! regex engine into every user's build of cleeng-core (issue 20). This pass compiles each
//! pattern into a `cleeng_runtime::pattern::Pattern` (character classes with repetition
//! counts, matched by a small automaton) and rewrites the check to use it, so no family crate
//! depends on `regress`.
//!
//! The subset: `^` and `$` anchors, literal characters and escapes (`\-`, `\.`, ...), `.`,
//! classes `[...]` and `[^...]` with ranges, `\d` and `\w` (in or out of a class), and the
//! quantifiers `?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}`. Anything else (alternation, groups,
//! look-around, lazy quantifiers, `\s`, `\b`, ...) is refused with an error naming the pattern,
//! so the generator never approximates one; extend this module (and its equivalence test
//! against `regress`) when a spec needs more.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::visit_mut::VisitMut;

/// One compiled element: a character class repeated `min..=max` times (`max` `None` = unbounded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Atom {
    /// Inclusive ranges.
    pub ranges: Vec<(char, char)>,
    /// `[^...]`.
    pub negated: bool,
    /// Fewest repetitions.
    pub min: u32,
    /// Most repetitions, `None` without a bound.
    pub max: Option<u32>,
}

/// Compiles an ECMAScript `pattern` of the supported subset; an unanchored end is padded with
/// "any character, any number of times", as `Regex::find` searches.
pub fn compile(pattern: &str) -> Result<Vec<Atom>, String> {
    let refuse = |why: &str| Err(format!("pattern `{pattern}`: {why}"));
    let mut chars: Vec<char> = pattern.chars().collect();
    let anchored_start = chars.first() == Some(&'^');
    if anchored_start {
        chars.remove(0);
    }
    let anchored_end = chars.last() == Some(&'$') && !ends_escaped(&chars);
    if anchored_end {
        chars.pop();
    }
    let any = || Atom { ranges: Vec::new(), negated: true, min: 0, max: None };
    let mut atoms = Vec::new();
    if !anchored_start {
        atoms.push(any());
    }
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let (ranges, negated) = match c {
            '[' => {
                let (ranges, negated, end) = match class(&chars, i + 1) {
                    Ok(class) => class,
                    Err(why) => return refuse(&why),
                };
                i = end;
                (ranges, negated)
            }
            '\\' => {
                let Some(&e) = chars.get(i + 1) else { return refuse("ends with a lone backslash") };
                i += 2;
                match escape(e) {
                    Ok(ranges) => (ranges, false),
                    Err(why) => return refuse(&why),
                }
            }
            // Any character but a line terminator, as in ECMAScript without the `s` flag.
            '.' => {
                i += 1;
                (vec![('\n', '\n'), ('\r', '\r'), ('\u{2028}', '\u{2029}')], true)
            }
            '(' | ')' | '|' | '^' | '$' => return refuse(&format!("`{c}` (groups, alternation and inner anchors are not supported)")),
            '?' | '*' | '+' | '{' => return refuse(&format!("quantifier `{c}` with nothing to repeat")),
            c => {
                i += 1;
                (vec![(c, c)], false)
            }
        };
        let (min, max, end) = match quantifier(&chars, i) {
            Ok(q) => q,
            Err(why) => return refuse(&why),
        };
        i = end;
        atoms.push(Atom { ranges, negated, min, max });
    }
    if !anchored_end {
        atoms.push(any());
    }
    Ok(atoms)
}

/// Whether the final `$` is escaped (`\$`, a literal dollar).
fn ends_escaped(chars: &[char]) -> bool {
    let backslashes = chars[..chars.len() - 1].iter().rev().take_while(|&&c| c == '\\').count();
    backslashes % 2 == 1
}

/// The ranges of an escape outside or inside a class.
fn escape(e: char) -> Result<Vec<(char, char)>, String> {
    match e {
        'd' => Ok(vec![('0', '9')]),
        'w' => Ok(vec![('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')]),
        'n' => Ok(vec![('\n', '\n')]),
        't' => Ok(vec![('\t', '\t')]),
        'r' => Ok(vec![('\r', '\r')]),
        e if e.is_ascii_punctuation() => Ok(vec![(e, e)]),
        e => Err(format!("escape `\\{e}` is not supported")),
    }
}

/// A parsed class: its ranges, whether negated, and the index after its `]`.
type Class = (Vec<(char, char)>, bool, usize);

/// Parses a class body starting after `[`.
fn class(chars: &[char], mut i: usize) -> Result<Class, String> {
    let negated = chars.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    // One class member: a character, or an escape that may stand for several ranges.
    let member = |i: usize| -> Result<(Vec<(char, char)>, usize), String> {
        match chars.get(i) {
            None => Err("unclosed `[`".into()),
            Some('\\') => {
                let e = *chars.get(i + 1).ok_or("ends with a lone backslash")?;
                Ok((escape(e)?, i + 2))
            }
            Some('[') => Err("`[` inside a class is not supported".into()),
            Some(&c) => Ok((vec![(c, c)], i + 1)),
        }
    };
    loop {
        match chars.get(i) {
            None => return Err("unclosed `[`".into()),
            Some(']') => return Ok((ranges, negated, i + 1)),
            _ => {}
        }
        let (first, after) = member(i)?;
        // `a-z`: a range between two single characters; a `-` first or last is literal.
        if first.len() == 1 && first[0].0 == first[0].1 && chars.get(after) == Some(&'-') && chars.get(after + 1).is_some_and(|&c| c != ']') {
            let (last, end) = member(after + 1)?;
            let (lo, hi) = (first[0].0, last[0].0);
            if last.len() != 1 || last[0].0 != last[0].1 || lo > hi {
                return Err(format!("bad class range starting at `{lo}`"));
            }
            ranges.push((lo, hi));
            i = end;
        } else {
            ranges.extend(first);
            i = after;
        }
    }
}

/// Parses an optional quantifier at `i`: (min, max, index after it).
fn quantifier(chars: &[char], i: usize) -> Result<(u32, Option<u32>, usize), String> {
    let (min, max, end) = match chars.get(i) {
        Some('?') => (0, Some(1), i + 1),
        Some('*') => (0, None, i + 1),
        Some('+') => (1, None, i + 1),
        Some('{') => {
            let close = chars[i..].iter().position(|&c| c == '}').ok_or("unclosed `{`")? + i;
            let body: String = chars[i + 1..close].iter().collect();
            let number = |s: &str| s.trim().parse::<u32>().map_err(|_| format!("bad repetition `{{{body}}}`"));
            let (min, max) = match body.split_once(',') {
                None => {
                    let n = number(&body)?;
                    (n, Some(n))
                }
                Some((lo, "")) => (number(lo)?, None),
                Some((lo, hi)) => (number(lo)?, Some(number(hi)?)),
            };
            if max.is_some_and(|max| max < min) {
                return Err(format!("bad repetition `{{{body}}}`"));
            }
            (min, max, close + 1)
        }
        _ => return Ok((1, Some(1), i)),
    };
    match chars.get(end) {
        Some('?') => Err("lazy quantifiers are not supported".into()),
        Some('*' | '+' | '{') => Err("a quantifier cannot follow a quantifier".into()),
        _ => Ok((min, max, end)),
    }
}

/// The `cleeng_runtime::pattern::Pattern` expression for compiled atoms.
pub fn pattern_tokens(atoms: &[Atom]) -> TokenStream {
    let atoms = atoms.iter().map(|a| {
        let ranges = a.ranges.iter().map(|(lo, hi)| quote!((#lo, #hi)));
        let (negated, min) = (a.negated, a.min);
        let max = match a.max {
            Some(max) => quote!(#max),
            None => quote!(::cleeng_runtime::pattern::UNBOUNDED),
        };
        quote!(::cleeng_runtime::pattern::Atom { ranges: &[#(#ranges),*], negated: #negated, min: #min, max: #max })
    });
    quote!(::cleeng_runtime::pattern::Pattern::new(&[#(#atoms),*]))
}

/// Rewrites every `regress` pattern check in the file; returns how many, or the first pattern
/// outside the subset.
pub fn compile_patterns(file: &mut syn::File) -> Result<usize, String> {
    let mut pass = Rewrite { compiled: 0, error: None };
    pass.visit_file_mut(file);
    match pass.error {
        Some(error) => Err(error),
        None => Ok(pass.compiled),
    }
}

struct Rewrite {
    compiled: usize,
    error: Option<String>,
}

impl VisitMut for Rewrite {
    fn visit_item_static_mut(&mut self, item: &mut syn::ItemStatic) {
        // static PATTERN: LazyLock<::regress::Regex> = LazyLock::new(|| { ::regress::Regex::new("..").unwrap() });
        if !item.ty.to_token_stream().to_string().contains("regress") {
            return;
        }
        let Some(pattern) = string_literal(&item.expr) else {
            self.error.get_or_insert_with(|| format!("a regress pattern that is not a string literal: {}", item.expr.to_token_stream()));
            return;
        };
        match compile(&pattern) {
            Ok(atoms) => {
                *item.ty = syn::parse_quote!(::cleeng_runtime::pattern::Pattern);
                *item.expr = syn::parse2(pattern_tokens(&atoms)).expect("pattern tokens parse");
                self.compiled += 1;
            }
            Err(why) => {
                self.error.get_or_insert(why);
            }
        }
    }

    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        // PATTERN.find(value).is_none()  ->  !PATTERN.is_match(value)
        if let syn::Expr::MethodCall(outer) = expr {
            if outer.method == "is_none" {
                if let syn::Expr::MethodCall(inner) = outer.receiver.as_ref() {
                    if inner.method == "find" && inner.receiver.to_token_stream().to_string() == "PATTERN" {
                        let args = &inner.args;
                        *expr = syn::parse_quote!(!PATTERN.is_match(#args));
                        return;
                    }
                }
            }
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

/// The one string literal inside an expression (the pattern passed to `Regex::new`).
fn string_literal(expr: &syn::Expr) -> Option<String> {
    let mut found = Vec::new();
    collect_strings(expr.to_token_stream(), &mut found);
    match found.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

fn collect_strings(tokens: TokenStream, found: &mut Vec<String>) {
    for tree in tokens {
        match tree {
            proc_macro2::TokenTree::Group(g) => collect_strings(g.stream(), found),
            proc_macro2::TokenTree::Literal(l) => {
                if let Ok(syn::Lit::Str(s)) = syn::parse2::<syn::Lit>(l.into_token_stream()) {
                    found.push(s.value());
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atom(ranges: &[(char, char)], min: u32, max: Option<u32>) -> Atom {
        Atom { ranges: ranges.to_vec(), negated: false, min, max }
    }

    #[test]
    fn the_spec_patterns_compile_to_classes_with_counts() {
        assert_eq!(
            compile("^T[1-9][0-9]{8}$").unwrap(),
            vec![atom(&[('T', 'T')], 1, Some(1)), atom(&[('1', '9')], 1, Some(1)), atom(&[('0', '9')], 8, Some(8))]
        );
        assert_eq!(
            compile(r"^[a-zA-Z0-9_\-: ]+$").unwrap(),
            vec![atom(&[('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_'), ('-', '-'), (':', ':'), (' ', ' ')], 1, None)]
        );
        assert_eq!(compile("^[A-Za-z0-9_-]{1,64}$").unwrap()[0].ranges.last(), Some(&('-', '-')));
    }

    #[test]
    fn an_unanchored_end_is_padded_with_any_character() {
        let atoms = compile("ab$").unwrap();
        assert_eq!(atoms.len(), 3);
        assert!(atoms[0].negated && atoms[0].ranges.is_empty() && atoms[0].max.is_none());
    }

    #[test]
    fn patterns_outside_the_subset_are_refused_by_name() {
        for (pattern, why) in [
            ("^(ab)+$", "groups"),
            ("^a|b$", "alternation"),
            ("^a+?$", "lazy"),
            (r"^\s$", "escape"),
            ("^[a-$", "unclosed"),
            ("^a{3,1}$", "bad repetition"),
            ("^*$", "nothing to repeat"),
        ] {
            let error = compile(pattern).unwrap_err();
            assert!(error.contains(pattern) && error.contains(why), "{pattern}: {error}");
        }
    }
}
