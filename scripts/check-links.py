#!/usr/bin/env python3
"""Checks that every relative link and #anchor in README.md, CONTRIBUTING.md and docs/*.md resolves.

    python3 scripts/check-links.py [FILE.md ...]

A link resolves when the file it names exists (relative to the Markdown file) and its anchor, if
any, is the GitHub slug of a heading of the target Markdown file (or of the same file for a bare
`#anchor`). Links with a scheme (https:, mailto:) are not checked. Prints each broken link with
its file and line, then `links: N passed, M failed`; exits 1 when any link is broken.
"""
import os
import re
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

INLINE = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML = re.compile(r"""<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s.*)?$")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


def strip_code(lines):
    """The lines with fenced code blocks blanked and inline code spans removed (keeping line numbers)."""
    out, fence = [], None
    for line in lines:
        m = FENCE.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            out.append("")
            continue
        if m:
            fence = m.group(1)
            out.append("")
            continue
        out.append(re.sub(r"(`+)(?:(?!\1).)+?\1", "", line))
    return out


def slug(text):
    """GitHub's heading anchor: markup dropped, lower case, punctuation removed, spaces to hyphens."""
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)    # images: their alt text
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)      # links: their text
    text = re.sub(r"<[^>]+>", "", text)                        # inline HTML tags
    text = text.replace("`", "").replace("*", "")
    text = re.sub(r"(?<!\w)_+|_+(?!\w)", "", text)             # emphasis underscores, not snake_case
    text = text.strip().lower()
    kept = []
    for ch in text:
        if ch in " -_" or ch.isalnum() or unicodedata.category(ch).startswith("M"):
            kept.append(ch)
    return "".join(kept).replace(" ", "-")


_anchors = {}


def anchors(path):
    """The anchors of a Markdown file's headings, with GitHub's -1, -2 suffixes for repeats."""
    if path not in _anchors:
        seen, found = {}, set()
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        fence = None
        for line in lines:
            m = FENCE.match(line)
            if fence:
                if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                    fence = None
                continue
            if m:
                fence = m.group(1)
                continue
            h = HEADING.match(line)
            if not h:
                continue
            base = slug(h.group(2))
            n = seen.get(base, 0)
            seen[base] = n + 1
            found.add(base if n == 0 else f"{base}-{n}")
        for m in re.finditer(r"""<a\s+(?:name|id)\s*=\s*["']([^"']+)["']""", "\n".join(lines)):
            found.add(m.group(1))
        _anchors[path] = found
    return _anchors[path]


def links(path):
    """(line number, target) of every link in a Markdown file outside code."""
    with open(path, encoding="utf-8") as f:
        lines = strip_code(f.read().split("\n"))
    for number, line in enumerate(lines, 1):
        for pattern in (INLINE, HTML):
            for m in pattern.finditer(line):
                yield number, m.group(1)
        m = REFERENCE.match(line)
        if m:
            yield number, m.group(1)


def check(path, target):
    """None when the link resolves, else the reason."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith("//"):
        return None  # absolute URL: not checked
    file_part, _, anchor = target.partition("#")
    file_part = file_part.split("?", 1)[0]
    if file_part:
        resolved = os.path.normpath(os.path.join(os.path.dirname(path), file_part))
        if not os.path.exists(resolved):
            return f"no such file: {os.path.relpath(resolved, ROOT)}"
    else:
        resolved = path
    if anchor:
        if not resolved.endswith(".md") or os.path.isdir(resolved):
            return None  # anchors into code files (line numbers) are not checked
        if anchor not in anchors(resolved):
            return f"no heading #{anchor} in {os.path.relpath(resolved, ROOT)}"
    return None


def main(argv):
    files = argv or (["README.md", "CONTRIBUTING.md"]
                     + sorted(os.path.join("docs", n) for n in os.listdir(os.path.join(ROOT, "docs")) if n.endswith(".md")))
    passed = failed = 0
    for name in files:
        path = os.path.join(ROOT, name) if not os.path.isabs(name) else name
        if not os.path.exists(path):
            print(f"{name}: missing", file=sys.stderr)
            failed += 1
            continue
        for number, target in links(path):
            reason = check(path, target)
            if reason:
                print(f"{os.path.relpath(path, ROOT)}:{number}: {target}: {reason}")
                failed += 1
            else:
                passed += 1
    print(f"links: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
