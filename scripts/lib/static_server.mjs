// A small static file server for build/site: correct MIME types (application/wasm), no
// directory escapes, optional sub-path mount (to test GitHub Pages' /REPO-NAME/), and the same
// Content-Security-Policy header a hardened host would send.
//
//   node scripts/lib/static_server.mjs ROOT PORT [--prefix /course/] [--host 127.0.0.1]
//   import { startServer } from "./static_server.mjs"; const s = await startServer({ root, port: 0 });
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8", ".json": "application/json; charset=utf-8", ".wasm": "application/wasm",
  ".otf": "font/otf", ".ttf": "font/ttf", ".png": "image/png", ".svg": "image/svg+xml", ".xml": "application/xml",
  ".zip": "application/zip", ".txt": "text/plain; charset=utf-8",
};
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors *";

export function startServer({ root, port = 8000, host = "127.0.0.1", prefix = "/", quiet = true, extraRoots = {} }) {
  const base = path.resolve(root);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    let rel = decodeURIComponent(url.pathname);
    let dir = base;
    for (const [mount, folder] of Object.entries(extraRoots)) {
      if (rel.startsWith(mount)) { dir = path.resolve(folder); rel = "/" + rel.slice(mount.length); break; }
    }
    if (dir === base) {
      if (!rel.startsWith(prefix)) { res.writeHead(404).end("not found"); return; }
      rel = "/" + rel.slice(prefix.length);
    }
    if (rel.endsWith("/")) rel += "index.html";
    const file = path.join(dir, path.normalize(rel));
    if (!file.startsWith(dir)) { res.writeHead(403).end("forbidden"); return; }
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404, { "content-type": "text/plain" }).end("not found: " + url.pathname); return; }
      const headers = { "content-type": TYPES[path.extname(file)] || "application/octet-stream", "cache-control": "no-cache" };
      if (file.endsWith(".html")) headers["content-security-policy"] = CSP;
      res.writeHead(200, headers).end(data);
      if (!quiet) console.log(`${req.method} ${url.pathname} 200`);
    });
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [root, port = "8000"] = process.argv.slice(2);
  const arg = (name, dflt) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : dflt; };
  const prefix = arg("--prefix", "/");
  const host = arg("--host", "127.0.0.1");
  startServer({ root, port: Number(port), host, prefix, quiet: false }).then((s) => {
    console.log(`Serving ${root} at http://${host}:${s.address().port}${prefix} (Ctrl+C to stop)`);
  });
}
