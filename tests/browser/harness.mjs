// Shared by the browser tests: Debian's Chromium driven by playwright-core, rendering WebGL2
// with SwiftShader, against build/site served locally.
//
//   const h = await openCourse({ viewport: { width: 1280, height: 800 } });
//   await h.page.screenshot({ path: "build/screenshots/x.png" }); await h.close();
import { chromium } from "playwright-core";
import path from "node:path";
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { startServer } from "../../scripts/lib/static_server.mjs";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SITE = path.join(ROOT, "build/site");
export const SHOTS = path.join(ROOT, "build/screenshots");
fs.mkdirSync(SHOTS, { recursive: true });

export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--enable-unsafe-swiftshader", "--use-angle=swiftshader",
  "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
];

export async function launch() {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

// Opens the course in a fresh context; collects console errors and failed requests.
export async function openCourse({ browser, viewport = { width: 1280, height: 800 }, deviceScaleFactor = 1, url = "", storage = null, server = null } = {}) {
  const ownBrowser = !browser;
  browser = browser || (await launch());
  const srv = server || (await startServer({ root: SITE, port: 0 }));
  const base = `http://127.0.0.1:${srv.address().port}/`;
  const context = await browser.newContext({ viewport, deviceScaleFactor });
  if (storage) await context.addInitScript((s) => { for (const [k, v] of Object.entries(s)) localStorage.setItem(k, v); }, storage);
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("requestfailed", (r) => errors.push("request failed: " + r.url()));
  await page.goto(base + url);
  return {
    browser, context, page, errors, base,
    async ready() { await page.waitForSelector("#loading", { state: "hidden", timeout: 30000 }); await page.waitForTimeout(300); },
    async shot(name) { const p = path.join(SHOTS, name + ".png"); await page.screenshot({ path: p }); return p; },
    async close() { await context.close(); if (!server) srv.close(); if (ownBrowser) await browser.close(); },
  };
}
