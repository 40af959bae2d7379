#!/usr/bin/env python3
"""Assembles build/site/ from the Emscripten output, web/, content/ and the subset fonts.

The module (js + wasm), the page script and the fonts get a content hash in their names, so a
redeploy never mixes files of two versions in a browser cache. All URLs are relative, so the
site works under any sub-path (GitHub Pages serves it under /REPO-NAME/).
"""
import argparse
import hashlib
import json
import pathlib
import shutil

FONTS = {"regular": "inter-regular.ttf", "italic": "inter-italic.ttf", "semibold": "inter-semibold.ttf", "mono": "mono-regular.ttf"}


def hashed_copy(src: pathlib.Path, out: pathlib.Path, rel_dir: str = "") -> str:
    data = src.read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:10]
    name = f"{src.stem}.{digest}{src.suffix}"
    target = out / rel_dir / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return f"{rel_dir}/{name}" if rel_dir else name


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--module", required=True, help="path of dbcourse without extension")
    ap.add_argument("--web", required=True)
    ap.add_argument("--content", required=True)
    ap.add_argument("--fonts", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    out = pathlib.Path(a.out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    module = pathlib.Path(a.module)
    web = pathlib.Path(a.web)

    manifest = {"wasm": hashed_copy(module.with_suffix(".wasm"), out)}
    # The loader passes the wasm bytes itself (for the progress bar); the js never fetches it.
    manifest["js"] = hashed_copy(module.with_suffix(".js"), out)
    manifest["fonts"] = {k: hashed_copy(pathlib.Path(a.fonts) / v, out, "fonts") for k, v in FONTS.items()}
    # Each lesson's content files, so the loader fetches the learner's first lesson at once,
    # in parallel with the outline instead of after it.
    outline = json.loads((pathlib.Path(a.content) / "course.json").read_text())
    manifest["lessons"] = [[l["id"], "content/" + l["file"], "content/" + l["quiz"]] for l in outline["lessons"]]
    manifest["sizes"] = {p: (out / p).stat().st_size for p in [manifest["wasm"], manifest["js"], *manifest["fonts"].values()]}

    app_js = (web / "app.js").read_text()
    start, end = app_js.index("/*MANIFEST*/"), app_js.index("/*END*/")
    app_js = app_js[:start] + "/*MANIFEST*/" + json.dumps(manifest, sort_keys=True) + app_js[end:]
    tmp = out / "app.js"
    tmp.write_text(app_js)
    app_name = hashed_copy(tmp, out)
    tmp.unlink()

    style_name = hashed_copy(web / "style.css", out)
    embed_name = hashed_copy(web / "embed.js", out)
    a11y_name = hashed_copy(web / "a11y.js", out)
    html = (web / "index.html").read_text().replace("__APP_JS__", app_name).replace("__EMBED_JS__", embed_name)
    html = html.replace("__A11Y_JS__", a11y_name)
    html = html.replace('href="style.css"', f'href="{style_name}"')
    (out / "index.html").write_text(html)
    for extra in sorted(web.glob("*.html")):
        if extra.name != "index.html":
            shutil.copy(extra, out / extra.name)
    for extra in ("embed-example.js", "embed-example.css"):  # the example page's own files, unhashed
        shutil.copy(web / extra, out / extra)
    shutil.copytree(a.content, out / "content", ignore=shutil.ignore_patterns("*.md"))
    (out / ".nojekyll").write_text("")  # GitHub Pages: serve files as they are


if __name__ == "__main__":
    main()
