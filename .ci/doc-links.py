#!/usr/bin/env python3
"""Unresolved intra-doc links in the rendered API docs (issue 16, point 5).

rustdoc leaves a link it cannot resolve as literal text, and it does not warn for every such case
(e.g. inside generated items that allow lints), so `cargo doc -D warnings` alone misses them. This
reads the HTML `cargo doc --workspace --no-deps` wrote for our crates and fails on text outside
code blocks that still looks like an intra-doc link: `[Name]`, `[path::Name]` or `` [`Name`] ``.
It also fails if a crate's front page lists two items named `Error`.

Usage: .ci/doc-links.py [TARGET_DOC_DIR]  (default target/doc)
"""
import html.parser
import os
import re
import sys

CRATES = ["cleeng", "cleeng_runtime", "cleeng_core", "cleeng_mediastore", "cleeng_auth", "cleeng_inapp",
          "cleeng_webhooks", "cleeng_legacy", "cleeng_mock"]
# `[Name]`, `[a::b::Name]`, `[Name::method()]`, with or without <code> around the path.
LINK = re.compile(r"(?<!#)\[(?:<code>)?`?((?:[A-Za-z_][A-Za-z0-9_]*::)*[A-Za-z_][A-Za-z0-9_]*(?:\(\))?)`?(?:</code>)?\](?!\()")


# Sections whose docs come from other crates (`From`, `Instrument`, ..., and the methods a
# `Deref<Target = str>` brings), rendered here without their links because the docs are built
# with `--no-deps`.
FOREIGN = {"trait-implementations-list", "blanket-implementations-list", "synthetic-implementations-list"}


class Text(html.parser.HTMLParser):
    """Collects the page's HTML outside <pre>, <script> and foreign trait impls, keeping inline
    <code> tags."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.foreign_divs = 0
        self.skipped = []
        self.out = []

    def handle_starttag(self, tag, attrs):
        if self.foreign_divs:
            if tag == "div":
                self.foreign_divs += 1
            return
        element_id = dict(attrs).get("id") or ""
        classes = (dict(attrs).get("class") or "").split()
        if tag == "div" and (element_id in FOREIGN or element_id.startswith("deref-methods-")):
            self.foreign_divs = 1
        elif tag in ("pre", "script", "style") or "code-header" in classes:
            # Code, and signatures (`&[OperationMeta]` is a slice, not a link).
            self.skipped.append(tag)
            self.depth += 1
        elif self.depth == 0 and tag in ("code", "a"):
            self.out.append(f"<{tag}>")

    def handle_endtag(self, tag):
        if self.foreign_divs:
            if tag == "div":
                self.foreign_divs -= 1
            return
        if self.skipped and tag == self.skipped[-1]:
            self.skipped.pop()
            self.depth = max(0, self.depth - 1)
        elif self.depth == 0 and tag in ("code", "a"):
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if self.depth == 0 and not self.foreign_divs:
            self.out.append(data)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "target/doc"
    problems = []
    pages = 0
    for crate in CRATES:
        base = os.path.join(root, crate)
        if not os.path.isdir(base):
            continue
        for dirpath, _, files in os.walk(base):
            for name in files:
                if not name.endswith(".html"):
                    continue
                path = os.path.join(dirpath, name)
                pages += 1
                with open(path, encoding="utf-8", errors="replace") as f:
                    page = f.read()
                parser = Text()
                parser.feed(page)
                text = "".join(parser.out)
                for m in LINK.finditer(text):
                    word = m.group(1)
                    # Array/index notation and JSON pointers are not links: `[0]`, `[i]`, `[u8]`.
                    if word.isdigit() or len(word) <= 2 or word in ("u8", "redacted", "REDACTED"):
                        continue
                    problems.append(f"{os.path.relpath(path, root)}: unresolved link [{word}]")
                if name == "index.html" and dirpath == base:
                    # The front page's item list: two entries named `Error` would be two types.
                    errors = set(re.findall(r'<dt><a class="[a-z]+" href="([^"]+)" title="[^"]*">Error</a>', page))
                    if len(errors) > 1:
                        problems.append(f"{crate}/index.html: {len(errors)} items named Error on the front page")
    if pages == 0:
        print(f"doc-links: no rendered pages under {root}; run cargo doc first", file=sys.stderr)
        return 1
    for p in problems:
        print(p)
    print(f"doc-links: {pages} pages checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
