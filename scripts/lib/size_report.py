#!/usr/bin/env python3
"""Prints the gzip -9 size of everything fetched before the first lesson is readable.

That is the module (js + wasm), the page (html, css, app js), the fonts, course.json and the
first lesson with its quiz. With --check, fails when the total exceeds the budget by more than
10% (issue: "Speed and size"); scripts/bench prints the full comparison.
"""
import gzip
import json
import pathlib
import re
import sys

BUDGET_BYTES = 700 * 1024


def first_lesson_files(site: pathlib.Path) -> list:
    html = (site / "index.html").read_text()
    css = re.search(r'href="(style\.[^"]+\.css)"', html).group(1)
    scripts = re.findall(r'<script src="([^"]+)"', html)
    app = next(s for s in scripts if s.startswith("app."))
    text = (site / app).read_text()
    manifest = json.loads(text[text.index("/*MANIFEST*/") + 12:text.index("/*END*/")])
    course = json.loads((site / "content/course.json").read_text())
    first = course["lessons"][0]
    return ["index.html", css, *scripts, manifest["js"], manifest["wasm"], *manifest["fonts"].values(),
            "content/course.json", "content/" + first["file"], "content/" + first["quiz"]]


def main() -> int:
    site = pathlib.Path(sys.argv[1])
    rows = [(f, len(gzip.compress((site / f).read_bytes(), 9))) for f in first_lesson_files(site)]
    total = sum(n for _, n in rows)
    for f, n in rows:
        print(f"  {n / 1024:8.1f} KB  {f}")
    print(f"  {total / 1024:8.1f} KB  total (budget {BUDGET_BYTES / 1024:.0f} KB)")
    if "--check" in sys.argv and total > BUDGET_BYTES * 1.1:
        print(f"size check failed: {total / 1024:.1f} KB is more than 10% over the {BUDGET_BYTES / 1024:.0f} KB budget")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
