//! The README stays true: its Rust snippets are the compiled ones in `examples/quickstart.rs`, and
//! its set-up commands are the ones CI runs.

use cleeng_codegen::family::workspace_root;

fn read(path: &str) -> String {
    std::fs::read_to_string(workspace_root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Lines of each ```rust block in `markdown`.
fn rust_blocks(markdown: &str) -> Vec<Vec<String>> {
    let mut blocks = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_start()) {
            (None, l) if l.starts_with("```rust") => current = Some(Vec::new()),
            (Some(_), "```") => blocks.push(current.take().expect("open block")),
            (Some(b), _) => b.push(line.trim().to_string()),
            _ => {}
        }
    }
    blocks
}

#[test]
fn readme_snippets_are_the_compiled_example() {
    let readme = read("README.md");
    let example: Vec<String> = read("examples/quickstart.rs").lines().map(|l| l.trim().to_string()).collect();
    let blocks = rust_blocks(&readme);
    assert!(blocks.len() >= 5, "expected a snippet per family, found {}", blocks.len());
    for block in blocks {
        let found = example.windows(block.len()).any(|w| w == block.as_slice());
        assert!(found, "README snippet not found verbatim in examples/quickstart.rs:\n{}", block.join("\n"));
    }
}

#[test]
fn readme_set_up_commands_are_what_ci_runs() {
    let readme = read("README.md");
    let ci = read(".ci/run");
    assert!(readme.contains("```sh\ncargo xtask regen\n```"), "README must show `cargo xtask regen`");
    assert!(readme.contains("```sh\ncargo test --workspace\n```"), "README must show the test command");
    assert!(ci.contains("cargo test --workspace"), ".ci/run must run the README's test command");
    assert!(ci.contains("cargo xtask regen --check"), ".ci/run must check regeneration");
}
