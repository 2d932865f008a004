//! String patterns of the specs, checked without a regular-expression engine.
//!
//! A spec's `pattern` (an ECMAScript regular expression) bounds what a string type accepts, such
//! as `^T[1-9][0-9]{8}$` for a transaction id. typify checks it with the `regress` crate, a whole
//! regex engine that a user's build would compile for a handful of character-class patterns
//! (issue 20). cleeng-codegen instead compiles each pattern, at generation time, into a
//! [`Pattern`]: a sequence of character classes, each repeated between a minimum and a maximum
//! number of times. Patterns outside that subset (alternation, groups, look-around, ...) stop
//! the generator with an error, so nothing is approximated silently.
//!
//! Matching follows `regress::Regex::find(value).is_some()`: an anchored pattern (`^...$`) must
//! cover the whole value, and the generator pads an unanchored end with "any character". It
//! simulates the pattern's automaton over the value's characters: linear in the value's length,
//! no backtracking, no allocation beyond two small state lists.
//!
//! Used by generated code; not part of the public API.

/// One element of a [`Pattern`]: a character class repeated `min..=max` times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Atom {
    /// Inclusive character ranges; a single character `c` is `(c, c)`.
    pub ranges: &'static [(char, char)],
    /// The class matches characters outside `ranges` (`[^...]`).
    pub negated: bool,
    /// Fewest repetitions.
    pub min: u32,
    /// Most repetitions; [`UNBOUNDED`] for `*`, `+` and `{n,}`.
    pub max: u32,
}

/// [`Atom::max`] of an atom without an upper bound.
pub const UNBOUNDED: u32 = u32::MAX;

impl Atom {
    fn matches(&self, c: char) -> bool {
        self.ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != self.negated
    }
}

/// A compiled spec pattern: its atoms in order, matched against the whole value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pattern {
    atoms: &'static [Atom],
}

impl Pattern {
    /// The pattern made of these atoms (what cleeng-codegen emits).
    pub const fn new(atoms: &'static [Atom]) -> Pattern {
        Pattern { atoms }
    }

    /// Whether the whole of `value` matches.
    pub fn is_match(&self, value: &str) -> bool {
        // A state is (atom index, repetitions of that atom so far). For an unbounded atom the
        // count stops at its minimum: past it, more repetitions change nothing.
        let mut current: Vec<(usize, u32)> = Vec::with_capacity(self.atoms.len() + 1);
        let mut next: Vec<(usize, u32)> = Vec::with_capacity(self.atoms.len() + 1);
        self.add(&mut current, (0, 0));
        for c in value.chars() {
            next.clear();
            for &(i, k) in &current {
                let Some(atom) = self.atoms.get(i) else { continue };
                if k < atom.max && atom.matches(c) {
                    let k = if atom.max == UNBOUNDED { (k + 1).min(atom.min) } else { k + 1 };
                    self.add(&mut next, (i, k));
                }
            }
            if next.is_empty() {
                return false;
            }
            std::mem::swap(&mut current, &mut next);
        }
        current.iter().any(|&(i, _)| i == self.atoms.len())
    }

    /// Adds a state and every state reachable from it without reading a character (an atom
    /// that has its minimum may be left).
    fn add(&self, states: &mut Vec<(usize, u32)>, state: (usize, u32)) {
        let (mut i, mut k) = state;
        loop {
            if !states.contains(&(i, k)) {
                states.push((i, k));
            }
            match self.atoms.get(i) {
                Some(atom) if k >= atom.min => {
                    i += 1;
                    k = 0;
                }
                _ => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGIT: &[(char, char)] = &[('0', '9')];
    const ANY: &[(char, char)] = &[];

    #[test]
    fn fixed_counts_cover_the_whole_value() {
        // ^T[1-9][0-9]{8}$
        let p = Pattern::new(&[
            Atom { ranges: &[('T', 'T')], negated: false, min: 1, max: 1 },
            Atom { ranges: &[('1', '9')], negated: false, min: 1, max: 1 },
            Atom { ranges: DIGIT, negated: false, min: 8, max: 8 },
        ]);
        assert!(p.is_match("T123456789"));
        assert!(!p.is_match("T023456789"));
        assert!(!p.is_match("T12345678"));
        assert!(!p.is_match("T1234567890"));
        assert!(!p.is_match(""));
    }

    #[test]
    fn a_variable_atom_can_give_back_what_the_next_one_needs() {
        // ^[0-9]+[0-9]{2}$: at least three digits, the last two taken by the second atom.
        let p = Pattern::new(&[
            Atom { ranges: DIGIT, negated: false, min: 1, max: UNBOUNDED },
            Atom { ranges: DIGIT, negated: false, min: 2, max: 2 },
        ]);
        assert!(p.is_match("123"));
        assert!(p.is_match("123456"));
        assert!(!p.is_match("12"));
    }

    #[test]
    fn optional_atoms_and_negated_classes() {
        // ^-?[^a]{0,2}$
        let p = Pattern::new(&[
            Atom { ranges: &[('-', '-')], negated: false, min: 0, max: 1 },
            Atom { ranges: &[('a', 'a')], negated: true, min: 0, max: 2 },
        ]);
        for ok in ["", "-", "bb", "-bb", "b"] {
            assert!(p.is_match(ok), "{ok:?}");
        }
        for bad in ["a", "-a", "bbb", "-bbb", "ba"] {
            assert!(!p.is_match(bad), "{bad:?}");
        }
        // An empty negated class matches any character: the padding of an unanchored end.
        let any = Pattern::new(&[Atom { ranges: ANY, negated: true, min: 0, max: UNBOUNDED }]);
        assert!(any.is_match("anything\nat all"));
    }
}
