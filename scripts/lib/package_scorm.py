#!/usr/bin/env python3
"""Packages build/site/ as a SCORM 1.2 content package (one SCO) for upload to an LMS.

    python3 scripts/lib/package_scorm.py --site build/site --out build/course-scorm12.zip

The zip holds imsmanifest.xml at its root (ADL SCORM 1.2: one organization, one item, one
resource of adlcp:scormtype "sco" launching index.html, every file listed) followed by the site's
files. It is deterministic: the same site gives the same bytes (sorted entries, fixed timestamps
and permissions), so a rebuild that changed nothing uploads nothing new.
The SCO itself is web/embed.js: it finds the LMS's API and reports status, score, location and
the progress code (cmi.suspend_data).
"""
import argparse
import json
import os
import pathlib
import tempfile
import urllib.parse
import zipfile
from xml.sax.saxutils import escape, quoteattr

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can store
IDENT = "dbcourse-distributed-databases"


def site_files(site: pathlib.Path) -> list:
    files = []
    for p in sorted(site.rglob("*")):
        rel = p.relative_to(site).as_posix()
        # Dot files (.nojekyll for GitHub Pages) and the example of embedding the course in a web
        # page (embed-example.*) mean nothing to an LMS.
        if not p.is_file() or any(part.startswith(".") for part in rel.split("/")):
            continue
        if rel != "imsmanifest.xml" and not rel.startswith("embed-example."):
            files.append(rel)
    return files


def course_title(site: pathlib.Path) -> str:
    try:
        title = json.loads((site / "content/course.json").read_text(encoding="utf-8")).get("title")
        if isinstance(title, str) and title.strip():
            return title.strip()
    except (OSError, ValueError):
        pass
    return "Distributed Databases & Failover"


def manifest(title: str, files: list) -> str:
    file_lines = "\n".join(f"      <file href={quoteattr(urllib.parse.quote(f, safe='/'))}/>" for f in files)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{IDENT}" version="1.0"
    xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="{IDENT}-org">
    <organization identifier="{IDENT}-org">
      <title>{escape(title)}</title>
      <item identifier="{IDENT}-item" identifierref="{IDENT}-sco" isvisible="true">
        <title>{escape(title)}</title>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="{IDENT}-sco" type="webcontent" adlcp:scormtype="sco" href="index.html">
{file_lines}
    </resource>
  </resources>
</manifest>
"""


def add(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, so the permissions below are read
    info.external_attr = 0o100644 << 16
    zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--site", required=True, help="the assembled site (build/site)")
    ap.add_argument("--out", required=True, help="the zip to write")
    a = ap.parse_args()
    site = pathlib.Path(a.site)
    if not (site / "index.html").is_file():
        raise SystemExit(f"package_scorm: {site}/index.html not found; assemble the site first")
    files = site_files(site)
    out = pathlib.Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target, then rename: an interrupted build never leaves half a zip.
    fd, tmp = tempfile.mkstemp(prefix=out.name + ".", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w") as zf:
            add(zf, "imsmanifest.xml", manifest(course_title(site), files).encode("utf-8"))
            for rel in files:
                add(zf, rel, (site / rel).read_bytes())
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        os.unlink(tmp)
        raise
    print(f"package_scorm: {out} ({len(files)} files, {out.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
