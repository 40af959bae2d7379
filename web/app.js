// The page controller: checks WebGL2, downloads the WebAssembly module, fonts and the first
// content with a real progress bar, starts the module, and gives it the browser services it
// asks for through window.DBC (see src/platform/web_platform.cpp). No inline script, no eval:
// the page runs under a strict Content-Security-Policy.
"use strict";

// Filled in by scripts/lib/assemble_site.py with content-hashed file names.
const MANIFEST = /*MANIFEST*/{"js": "dbcourse.js", "wasm": "dbcourse.wasm", "fonts": {}, "lessons": []}/*END*/;

const DBC = (window.DBC = {
  module: null,
  prefetched: new Map(),   // url -> Promise<{status, bytes, error}>

  // ---- Storage: every call is guarded, because localStorage throws when blocked ----
  storageProbe() {
    try {
      const k = "dbcourse.probe";
      window.localStorage.setItem(k, "1");
      window.localStorage.removeItem(k);
      return null;
    } catch (e) {
      return (e && e.name) ? e.name : String(e);
    }
  },
  storageGet(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  },
  storageSet(key, value) {
    try { window.localStorage.setItem(key, value); return null; } catch (e) { return (e && e.name ? e.name + ": " : "") + (e && e.message ? e.message : String(e)); }
  },

  // ---- Files ----
  resolve(url) {
    const m = /^font:(.+)$/.exec(url);
    return m ? (MANIFEST.fonts[m[1]] || "fonts/missing-" + m[1]) : url;
  },
  load(url) {
    url = DBC.resolve(url);
    if (!DBC.prefetched.has(url)) DBC.prefetched.set(url, DBC.download(url, null));
    return DBC.prefetched.get(url);
  },
  download(url, onBytes) {
    return fetch(url, { credentials: "same-origin" }).then(async (r) => {
      if (!r.ok) return { status: r.status, error: "HTTP " + r.status + " for " + url };
      // Read as the chunks arrive, even without progress to report: arrayBuffer() left the
      // outline's bytes waiting behind the module's start-up, after the first animation frame.
      if (!r.body) return { status: r.status, bytes: new Uint8Array(await r.arrayBuffer()) };
      const reader = r.body.getReader();
      const chunks = [];
      let size = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        size += value.length;
        if (onBytes) onBytes(value.length);
      }
      const bytes = new Uint8Array(size);
      let at = 0;
      for (const c of chunks) { bytes.set(c, at); at += c.length; }
      return { status: r.status, bytes };
    }).catch((e) => ({ status: 0, error: "network error for " + url + " (" + (e && e.message ? e.message : e) + ")" }));
  },
  fetchText(id, url) {
    DBC.load(url).then((res) => {
      if (DBC.module) DBC.module.dbcDeliver(id, res);
    });
  },

  // ---- Page services ----
  entropy() {
    const a = new Uint32Array(1);
    crypto.getRandomValues(a);
    return a[0];
  },
  copy(text) {
    DBC.clipboard = text;
    // In a cross-origin iframe without allow="clipboard-write" the async API is forbidden (and
    // Chrome logs an error even when the promise is caught): use the old synchronous path.
    const policy = document.permissionsPolicy || document.featurePolicy;
    const allowed = !(policy && policy.allowsFeature && !policy.allowsFeature("clipboard-write"));
    if (allowed && navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).catch(() => DBC.copyFallback(text));
    } else {
      DBC.copyFallback(text);
    }
  },
  copyFallback(text) {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more we can do */ }
    area.remove();
    document.getElementById("canvas").focus();
  },
  setFragment(f) {
    history.replaceState(null, "", f ? "#" + f : location.pathname + location.search);
  },
  appReady() {
    const el = document.getElementById("loading");
    el.classList.add("done");
    // Focus waits for the fade: focusing forces a style and layout pass, which would hold back
    // the first lesson frame on its way to the screen.
    setTimeout(() => {
      el.hidden = true;
      document.getElementById("canvas").focus();
    }, 200);
  },
  fatal(message) {
    document.getElementById("loading").hidden = true;
    const box = document.getElementById("fatal");
    box.querySelector(".message").textContent = message;
    box.hidden = false;
  },
  // What the module drew last: [{label, role, x, y, w, h, visible, disabled, checked, value}].
  items: [],
  frames: 0,        // item lists published (they change when something visible changed)
  drawnFrames: 0,   // frames actually drawn
  setItems(json) {
    DBC.items = JSON.parse(json);
    DBC.frames++;
    if (window.DBCA11y) window.DBCA11y.sync(DBC.items);
  },
  clipboard: "",
  // Ctrl+V reaches the module as a key press; the text arrives in the paste event just after.
  onPaste(e) {
    const text = e.clipboardData ? e.clipboardData.getData("text") : "";
    if (text) DBC.clipboard = text;
    DBC.wake();
  },
  textInput(on) {
    let input = document.getElementById("text-proxy");
    if (!input) {
      input = document.createElement("input");
      input.id = "text-proxy";
      input.className = "offscreen";
      input.setAttribute("aria-hidden", "true");
      input.autocapitalize = "off";
      input.autocomplete = "off";
      // Keys bubble to the window, where SDL reads them; keep the proxy itself empty.
      input.addEventListener("input", () => { input.value = ""; });
      document.body.appendChild(input);
    }
    if (on) input.focus({ preventScroll: true });
    else if (document.activeElement === input) document.getElementById("canvas").focus({ preventScroll: true });
  },
  wake() {
    if (DBC.module && DBC.module._dbc_wake) DBC.module._dbc_wake();
  },

  // ---- The stage's size in CSS pixels, read by the module every frame ----
  // Kept up to date by a ResizeObserver instead of measured per frame: a measurement forces a
  // layout whenever the accessibility mirror changed the DOM since the last one.
  stageSize: [1, 1],
  watchStage() {
    const stage = document.getElementById("stage");
    const read = () => {
      const r = stage.getBoundingClientRect();
      DBC.stageSize = [Math.max(1, Math.round(r.width)), Math.max(1, Math.round(r.height))];
    };
    read();
    new ResizeObserver(() => { read(); DBC.wake(); }).observe(stage);
  },
});

// Every change to the loading screen is a new page frame, and with a software GPU each frame
// costs the GPU process 15-100 ms that the course's own start-up waits for. So the card stays
// hidden for the first 800 ms (web/style.css: a fast start shows no loading card at all), and
// then the bar moves at most four times a second, in steps, and always for a new status text.
const PROGRESS_STILL_MS = 800;
let progressShownAt = -Infinity;
function setProgress(fraction, text) {
  const now = performance.now();
  if (now < PROGRESS_STILL_MS || (!text && now - progressShownAt < 250)) return;
  progressShownAt = now;
  const pct = Math.max(0, Math.min(100, Math.round(fraction * 100)));
  const bar = document.querySelector("#loading .bar");
  bar.setAttribute("aria-valuenow", String(pct));
  bar.querySelector(".fill").style.width = pct + "%";
  if (text) document.querySelector("#loading .status").textContent = text;
}

// Cheap: whether the browser knows WebGL 2 at all. Whether a context can really be created
// (GPU blocklisted, acceleration off) is found out by the module itself, which then shows the
// same clear message; creating a throwaway context here would cost hundreds of milliseconds.
// The WebGL2 context, created while the downloads run: creating one is the slowest single step of
// the start (it starts the GPU process; about half a second with a software GPU), and nothing else
// needs the main thread then. The module's own request later gets this same context, because a
// canvas keeps its first context whatever attributes later calls ask for: keep these attributes
// equal to the SDL_GL_* attributes set in src/app/main_web.cpp (no alpha, depth, stencil or MSAA).
function createContextEarly(canvas) {
  try {
    // The size main_web.cpp's window will ask for (the stage size times the pixel ratio): a
    // context created at its final size is never resized (web/canvas_size.js).
    canvas.width = Math.floor(DBC.stageSize[0] * devicePixelRatio);
    canvas.height = Math.floor(DBC.stageSize[1] * devicePixelRatio);
    return canvas.getContext("webgl2", { alpha: false, depth: false, stencil: false, antialias: false }) !== null;
  } catch (e) {
    return false;
  }
}

// The lesson the learner will see first (the saved current lesson, or the first one), fetched
// together with the outline: the build lists each lesson's files in MANIFEST.lessons.
function prefetchFirstLesson() {
  let current = "";
  try { current = JSON.parse(localStorage.getItem("dbcourse.progress") || "{}").current || ""; } catch (e) { /* storage blocked or corrupt */ }
  DBC.load("content/course.json");
  const lesson = MANIFEST.lessons.find((l) => l[0] === current) || MANIFEST.lessons[0];
  if (lesson) for (const file of lesson.slice(1)) DBC.load(file);
}

// Downloads the module with progress and compiles it while it streams in.
function downloadWasm(url, onBytes) {
  return fetch(url, { credentials: "same-origin" }).then((r) => {
    if (!r.ok) return { error: "HTTP " + r.status + " for " + url };
    if (!r.body || !WebAssembly.compileStreaming) return DBC.download(url, onBytes).then((d) => (d.bytes ? { bytes: d.bytes } : d));
    const [forProgress, forCompile] = r.body.tee();
    const reader = forProgress.getReader();
    (function pump() { reader.read().then(({ done, value }) => { if (!done) { onBytes(value.length); pump(); } }); })();
    return WebAssembly.compileStreaming(new Response(forCompile, { headers: { "content-type": "application/wasm" } }))
      .then((module) => ({ module }));
  }).catch((e) => ({ error: "network error for " + url + " (" + (e && e.message ? e.message : e) + ")" }));
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new Error("could not load " + src));
    document.head.appendChild(s);
  });
}

// Any input or page change may need a new frame: the module stops drawing when nothing moves
// (no frames while idle), so these wake it.
function installWakeListeners(canvas) {
  const opts = { capture: true, passive: true };
  for (const type of ["pointerdown", "pointerup", "pointermove", "pointercancel", "wheel", "keydown", "keyup", "touchstart", "touchmove", "touchend", "focus", "blur"])
    window.addEventListener(type, DBC.wake, opts);
  window.addEventListener("resize", DBC.wake);
  document.addEventListener("visibilitychange", DBC.wake);
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", DBC.wake);
  canvas.addEventListener("contextmenu", (e) => e.preventDefault());
  window.addEventListener("paste", DBC.onPaste);
}

async function start() {
  if (typeof WebAssembly !== "object") return DBC.fatal("This browser does not support WebAssembly, which the course needs.");
  if (typeof WebGL2RenderingContext === "undefined") return DBC.fatal(NO_WEBGL2);

  // Everything the first lesson needs, fetched in parallel: module, fonts, outline, lesson, quiz.
  const fonts = Object.keys(MANIFEST.fonts).map((k) => MANIFEST.fonts[k]);
  const total = { expected: 0, received: 0 };
  const sizes = MANIFEST.sizes || {};
  for (const f of [MANIFEST.wasm, MANIFEST.js, ...fonts]) total.expected += sizes[f] || 0;
  const onBytes = (n) => {
    total.received += n;
    if (total.expected) setProgress(0.95 * total.received / total.expected);
  };
  // Order matters: a browser opens about six connections per host, so the small outline goes
  // first (its lesson and quiz follow as soon as it lands), then the module, then the fonts.
  prefetchFirstLesson();
  const wasm = downloadWasm(MANIFEST.wasm, onBytes);
  for (const f of fonts) DBC.prefetched.set(f, DBC.download(f, onBytes));
  const script = loadScript(MANIFEST.js);
  const canvas = document.getElementById("canvas");
  DBC.watchStage();
  if (!createContextEarly(canvas)) return DBC.fatal(NO_WEBGL2);
  try {
    await script;
  } catch (e) {
    return DBC.fatal("Part of the course (" + MANIFEST.js + ") could not be downloaded. Check your connection.");
  }
  const compiled = await wasm;
  if (!compiled.module && !compiled.bytes) return DBC.fatal("The course program could not be downloaded: " + compiled.error + ".");
  setProgress(0.97, "Starting…");
  installWakeListeners(canvas);
  const options = {
    canvas,
    print: (t) => console.log(t),
    printErr: (t) => console.warn(t),
    onAbort: (what) => DBC.fatal("The course stopped unexpectedly (" + what + "). Your progress is saved; reload the page to continue."),
  };
  if (compiled.module) {
    options.instantiateWasm = (imports, done) => {
      WebAssembly.instantiate(compiled.module, imports).then((instance) => done(instance, compiled.module))
        .catch((e) => DBC.fatal("The course program could not start: " + (e && e.message ? e.message : e)));
      return {};
    };
  } else {
    options.wasmBinary = compiled.bytes;
  }
  try {
    DBC.module = await window.createCourseModule(options);
  } catch (e) {
    DBC.fatal("The course program could not start: " + (e && e.message ? e.message : e));
  }
}

const NO_WEBGL2 = "This browser or device cannot use WebGL 2, which the course needs to draw. If hardware acceleration is turned off in your browser settings, turn it on.";

document.addEventListener("DOMContentLoaded", start);
