//! The compiled spec patterns accept exactly what `regress` (typify's regex engine, which they
//! replace) accepts: every `pattern` in `specs/*.yaml` plus a set that exercises each construct
//! of the subset, each tried on strings built to match it, one-edit mutations of those, every
//! short string over the characters the pattern mentions, and pseudo-random strings.

use cleeng_codegen::family::workspace_root;
use cleeng_codegen::patterns::{compile, Atom};
use cleeng_runtime::pattern;

/// Constructs of the subset that the specs do not use (yet).
const EXTRA: &[&str] = &[
    r"^\d{2,4}-?\w*$",
    "^[^a-c]+x?$",
    "ab",
    "^a.b$",
    r"^[\-.]{0,3}[+*?]$",
    "^[a-]+[-z]*$",
    "^x{2,}y{0,1}$",
    r"^\$[0-9]+\.[0-9]{2}$",
    "^é[α-ω]+$",
];

fn spec_patterns() -> Vec<String> {
    let root = workspace_root();
    let mut found = Vec::new();
    for entry in std::fs::read_dir(root.join("specs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let doc: serde_yaml::Value = serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            collect(&doc, &mut found);
        }
    }
    found.sort();
    found.dedup();
    found
}

fn collect(value: &serde_yaml::Value, found: &mut Vec<String>) {
    match value {
        serde_yaml::Value::Mapping(map) => {
            for (key, value) in map {
                match (key.as_str(), value.as_str()) {
                    (Some("pattern"), Some(pattern)) => found.push(pattern.to_string()),
                    _ => collect(value, found),
                }
            }
        }
        serde_yaml::Value::Sequence(items) => items.iter().for_each(|v| collect(v, found)),
        _ => {}
    }
}

/// The runtime form of compiled atoms (leaked: the runtime type holds `'static` slices).
fn runtime(atoms: &[Atom]) -> pattern::Pattern {
    let atoms: Vec<pattern::Atom> = atoms
        .iter()
        .map(|a| pattern::Atom {
            ranges: Box::leak(a.ranges.clone().into_boxed_slice()),
            negated: a.negated,
            min: a.min,
            max: a.max.unwrap_or(pattern::UNBOUNDED),
        })
        .collect();
    pattern::Pattern::new(Box::leak(atoms.into_boxed_slice()))
}

/// A small deterministic generator (no dependency, same strings every run).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % below.max(1)
    }
}

/// Characters worth trying: the ends of every range, their neighbours, and a few others.
fn alphabet(atoms: &[Atom]) -> Vec<char> {
    let mut chars = vec!['a', 'Z', '0', '9', '-', '_', ' ', '\n', '.', 'é', '$'];
    for atom in atoms {
        for &(lo, hi) in &atom.ranges {
            for c in [lo, hi] {
                chars.push(c);
                chars.extend(char::from_u32(c as u32 + 1));
                chars.extend((c as u32).checked_sub(1).and_then(char::from_u32));
            }
        }
    }
    chars.sort();
    chars.dedup();
    chars
}

/// A string the atoms should match, choosing counts and characters with `rng`.
fn sample(atoms: &[Atom], alphabet: &[char], rng: &mut Lcg) -> String {
    let mut out = String::new();
    for atom in atoms {
        let spread = atom.max.map_or(3, |max| (max - atom.min).min(3)) as usize;
        let count = atom.min as usize + rng.next(spread + 1);
        for _ in 0..count {
            let candidates: Vec<char> = if atom.negated {
                alphabet.iter().copied().filter(|c| !atom.ranges.iter().any(|&(lo, hi)| lo <= *c && *c <= hi)).collect()
            } else {
                atom.ranges.iter().flat_map(|&(lo, hi)| [lo, hi]).collect()
            };
            if let Some(&c) = candidates.get(rng.next(candidates.len())) {
                out.push(c);
            }
        }
    }
    out
}

fn check(source: &str) -> usize {
    let atoms = compile(source).unwrap_or_else(|e| panic!("{e}"));
    let ours = runtime(&atoms);
    let theirs = regress::Regex::new(source).unwrap();
    let alphabet = alphabet(&atoms);
    let mut rng = Lcg(source.len() as u64 * 7919);
    let mut inputs: Vec<String> = vec![String::new()];
    // Every string of up to 3 characters over the pattern's alphabet (capped).
    let short: Vec<char> = alphabet.iter().copied().take(24).collect();
    for a in &short {
        inputs.push(a.to_string());
        for b in &short {
            inputs.push(format!("{a}{b}"));
            for c in short.iter().step_by(3) {
                inputs.push(format!("{a}{b}{c}"));
            }
        }
    }
    // Strings built to match, and one-edit mutations of each.
    for _ in 0..300 {
        let good = sample(&atoms, &alphabet, &mut rng);
        let chars: Vec<char> = good.chars().collect();
        inputs.push(good.clone());
        if !chars.is_empty() {
            let at = rng.next(chars.len());
            let other = alphabet[rng.next(alphabet.len())];
            let mut replaced = chars.clone();
            replaced[at] = other;
            let mut removed = chars.clone();
            removed.remove(at);
            let mut inserted = chars.clone();
            inserted.insert(at, other);
            inputs.extend([replaced, removed, inserted].map(|v| v.into_iter().collect::<String>()));
        }
    }
    // Pseudo-random strings, some long.
    for _ in 0..300 {
        let len = rng.next(70);
        inputs.push((0..len).map(|_| alphabet[rng.next(alphabet.len())]).collect());
    }
    let mut matched = 0;
    for input in &inputs {
        let expected = theirs.find(input).is_some();
        assert_eq!(ours.is_match(input), expected, "pattern {source:?} on {input:?}: regress says {expected}");
        matched += usize::from(expected);
    }
    assert!(matched > 0, "pattern {source:?}: no input matched, the comparison proves nothing");
    assert!(matched < inputs.len(), "pattern {source:?}: every input matched, the comparison proves nothing");
    inputs.len()
}

#[test]
fn every_spec_pattern_accepts_what_regress_accepts() {
    let patterns = spec_patterns();
    assert!(patterns.len() >= 5, "specs/*.yaml should hold the id patterns: {patterns:?}");
    for pattern in &patterns {
        check(pattern);
    }
}

#[test]
fn every_construct_of_the_subset_accepts_what_regress_accepts() {
    for pattern in EXTRA {
        check(pattern);
    }
}

#[test]
fn no_generated_crate_depends_on_regress() {
    let root = workspace_root();
    for entry in std::fs::read_dir(root.join("crates")).unwrap() {
        let dir = entry.unwrap().path();
        let generated = dir.join("src/generated.rs");
        if generated.exists() {
            let source = std::fs::read_to_string(&generated).unwrap();
            assert!(!source.contains("regress"), "{} still uses regress", generated.display());
            let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
            assert!(!manifest.contains("\nregress"), "{} still depends on regress", dir.display());
        }
    }
}
