#!/usr/bin/env python3
"""Copies docs/benchmarks.md into README.md between the bench markers."""
import os
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
readme = os.path.join(root, "README.md")
table = open(os.path.join(root, "docs", "benchmarks.md")).read().strip()
text = open(readme).read()
start, end = "<!-- bench:start -->", "<!-- bench:end -->"
before, rest = text.split(start, 1)
_, after = rest.split(end, 1)
open(readme, "w").write(before + start + "\n" + table + "\n" + end + after)
