// Embedding: the course inside an LMS (SCORM 1.2) or inside another site's iframe (postMessage).
// The module talks to this file through window.DBCEmbed (src/platform/web_platform.cpp):
//
//   savedProgress()          -> the LMS's cmi.suspend_data ("DBC1.…") or null; called once at start
//   progressChanged(summary) <- after every progress change (and once right after start):
//                               {lesson, lessonId, lessons, passed: [ids], percent, completed, score, suspend}
//   contentHeight(px)        <- whenever the height of the content changes
//
// Which mode applies is decided once, when this script runs (before web/app.js):
//   "lms"   a SCORM 1.2 API was found in a parent frame (or the opener's): status, score,
//           location and suspend_data go to the LMS; nothing is posted to any page.
//   "frame" in an iframe with ?parentOrigin=ORIGIN: events are posted to that origin only, and
//           commands are accepted from that origin only. The schema is in docs/INSTRUCTORS.md.
//   "page"  anything else: this file does nothing.
// Nothing here logs an error outside an LMS; LMS problems are logged as warnings and never
// stop the course (the learner's progress is also kept in the browser and in the progress code).
"use strict";
(function () {
  const SUSPEND_MAX = 4096;   // SCORM 1.2 cmi.suspend_data
  const LOCATION_MAX = 255;   // SCORM 1.2 cmi.core.lesson_location
  const warn = (...args) => console.warn("[dbcourse]", ...args);

  // ---- SCORM 1.2 ------------------------------------------------------------------------------
  // The ADL discovery algorithm: this window, then up the parent chain (at most 7 levels), then the
  // opener and its parents. A cross-origin frame on the way throws on access: skip it, go on.
  function apiOf(win) {
    try {
      const api = win.API;
      return api && typeof api.LMSInitialize === "function" && typeof api.LMSGetValue === "function" ? api : null;
    } catch (e) {
      return null;
    }
  }
  function searchChain(win) {
    for (let level = 0; win && level <= 7; level++) {
      const api = apiOf(win);
      if (api) return api;
      let parent = null;
      try { parent = win.parent; } catch (e) { return null; }
      if (!parent || parent === win) return null;
      win = parent;
    }
    return null;
  }
  function findAPI() {
    let api = searchChain(window);
    if (!api) {
      try { if (window.opener && !window.opener.closed) api = searchChain(window.opener); } catch (e) { api = null; }
    }
    return api;
  }

  const scorm = {
    api: findAPI(),
    active: false,        // LMSInitialize succeeded and LMSFinish has not been called
    suspend: "",          // cmi.suspend_data at launch
    written: {},          // element -> last value written, so unchanged values are not resent
    recordedPass: false,  // the LMS already holds a pass: a reset in the course does not take it back
    recordedScore: -1,
    startedAt: Date.now(),

    // Every call is guarded: an LMS API may throw, return false, or answer with an error code.
    call(name, ...args) {
      try {
        return { value: this.api[name](...args), error: this.lastError() };
      } catch (e) {
        return { value: null, error: name + " threw " + (e && e.message ? e.message : String(e)) };
      }
    },
    lastError() {
      try {
        const code = String(this.api.LMSGetLastError());
        if (code === "0" || code === "") return null;
        let text = "";
        try { text = String(this.api.LMSGetErrorString(code) || ""); } catch (e) { text = ""; }
        return "error " + code + (text ? " (" + text + ")" : "");
      } catch (e) {
        return null;  // an API without LMSGetLastError: trust the return values
      }
    },
    ok(name, ...args) {
      const r = this.call(name, ...args);
      if (String(r.value) === "true" && !r.error) return true;
      warn("SCORM " + name + "(" + args.map((a) => JSON.stringify(a)).join(", ") + ") failed: " + (r.error || "returned " + String(r.value)));
      return false;
    },
    get(element) {
      const r = this.call("LMSGetValue", element);
      if (r.error) { warn("SCORM LMSGetValue(" + element + ") failed: " + r.error); return ""; }
      return r.value === null || r.value === undefined ? "" : String(r.value);
    },
    set(element, value) {
      value = String(value);
      if (this.written[element] === value) return false;
      if (!this.ok("LMSSetValue", element, value)) return false;
      this.written[element] = value;
      return true;
    },

    start() {
      if (!this.api || !this.ok("LMSInitialize", "")) return;
      this.active = true;
      this.suspend = this.get("cmi.suspend_data");
      const status = this.get("cmi.core.lesson_status");
      this.recordedPass = status === "passed" || status === "completed";
      const raw = parseFloat(this.get("cmi.core.score.raw"));
      this.recordedScore = isFinite(raw) ? raw : -1;
      // First launch: the LMS says "not attempted" until the SCO says otherwise.
      if (status === "" || status === "not attempted") {
        if (this.set("cmi.core.lesson_status", "incomplete")) this.ok("LMSCommit", "");
      }
    },

    report(s) {
      if (!this.active) return;
      let changed = false;
      const status = s.completed || this.recordedPass ? "passed" : "incomplete";
      if (s.completed) this.recordedPass = true;
      changed = this.set("cmi.core.lesson_status", status) || changed;
      const score = Math.max(0, Math.min(100, Math.round(Number(s.score) || 0)));
      if (score >= this.recordedScore) {
        changed = this.set("cmi.core.score.min", "0") || changed;
        changed = this.set("cmi.core.score.max", "100") || changed;
        changed = this.set("cmi.core.score.raw", String(score)) || changed;
        this.recordedScore = score;
      }
      if (s.lessonId) changed = this.set("cmi.core.lesson_location", String(s.lessonId).slice(0, LOCATION_MAX)) || changed;
      const suspend = String(s.suspend || "");
      if (suspend.length > SUSPEND_MAX) warn("the progress code is longer than SCORM's " + SUSPEND_MAX + " characters; it was not saved in the LMS");
      else if (suspend) changed = this.set("cmi.suspend_data", suspend) || changed;
      if (changed) this.ok("LMSCommit", "");
    },

    finish() {
      if (!this.active) return;
      this.active = false;
      // Resume next time where the learner left off (the LMS keeps suspend_data for "suspend").
      this.set("cmi.core.exit", "suspend");
      this.set("cmi.core.session_time", timespan(Date.now() - this.startedAt));
      this.ok("LMSCommit", "");
      this.ok("LMSFinish", "");
    },
  };

  // SCORM 1.2 CMITimespan: HHHH:MM:SS.SS (hours 2 to 4 digits).
  function timespan(ms) {
    const cs = Math.min(Math.floor(ms / 10), 9999 * 360000 + 359999);
    const h = Math.floor(cs / 360000), m = Math.floor(cs / 6000) % 60, s = Math.floor(cs / 100) % 60, c = cs % 100;
    const two = (n) => String(n).padStart(2, "0");
    return two(h) + ":" + two(m) + ":" + two(s) + "." + two(c);
  }

  // ---- iframe API (postMessage) ---------------------------------------------------------------
  // The parent's origin comes from ?parentOrigin=…; without a valid one nothing is ever posted
  // (never to "*": progress is the learner's business) and no command is accepted.
  function parentOriginParam() {
    let raw = null;
    try { raw = new URLSearchParams(location.search).get("parentOrigin"); } catch (e) { raw = null; }
    if (!raw) return null;
    try {
      const u = new URL(raw);
      if ((u.protocol === "https:" || u.protocol === "http:") && u.origin !== "null" && raw.replace(/\/$/, "") === u.origin) return u.origin;
    } catch (e) { /* reported below */ }
    warn("parentOrigin must be an origin such as https://www.example.edu; ignoring " + JSON.stringify(raw));
    return null;
  }

  let inFrame = false;
  try { inFrame = window.parent !== window; } catch (e) { inFrame = true; }

  const frame = {
    origin: null,
    ready: false,
    lessons: 0,
    passed: new Set(),
    completed: false,
    lastProgress: "",
    height: 0,
    pending: [],   // commands that arrived before the course was ready

    post(type, fields) {
      try {
        window.parent.postMessage(Object.assign({ source: "dbcourse", version: 1, type }, fields), this.origin);
      } catch (e) {
        warn("postMessage to the parent page failed: " + (e && e.message ? e.message : String(e)));
      }
    },

    report(s) {
      const state = {
        lesson: s.lesson, lessonId: s.lessonId, lessons: s.lessons, passed: (s.passed || []).slice(),
        percent: s.percent, completed: !!s.completed, score: s.score,
      };
      this.lessons = Number(s.lessons) || 0;
      if (!this.ready) {
        this.ready = true;
        this.passed = new Set(state.passed);
        this.completed = state.completed;
        this.post("ready", state);
        if (this.height) this.post("height", { height: this.height });
        for (const c of this.pending.splice(0)) this.forward(c);
      } else {
        for (const id of state.passed) {
          if (!this.passed.has(id)) this.post("lesson-passed", { lessonId: id, passed: state.passed, percent: state.percent });
        }
        this.passed = new Set(state.passed);
      }
      const text = JSON.stringify(state);
      if (text !== this.lastProgress) {
        this.lastProgress = text;
        this.post("progress", state);
      }
      if (state.completed && !this.completed) this.post("completed", { score: state.score, percent: state.percent });
      this.completed = state.completed;
    },

    contentHeight(px) {
      const h = Math.max(0, Math.round(Number(px) || 0));
      if (!h || h === this.height) return;
      this.height = h;
      if (this.ready) this.post("height", { height: h });
    },

    // Only this schema, only from the parent window at parentOrigin.
    onMessage(event) {
      if (event.origin !== this.origin || event.source !== window.parent) return;
      const d = event.data;
      if (!d || typeof d !== "object" || d.source !== "dbcourse-parent") return;
      let command = null;
      if (d.type === "goto" && Number.isInteger(d.lesson) && d.lesson >= 1) command = { type: "goto", lesson: d.lesson };
      else if (d.type === "reset") command = { type: "reset" };
      if (!command) return;
      if (this.ready) this.forward(command);
      else if (this.pending.length < 16) this.pending.push(command);
    },

    forward(command) {
      if (command.type === "goto" && this.lessons && command.lesson > this.lessons) return;
      const module = window.DBC && window.DBC.module;
      if (!module || typeof module.dbcCommand !== "function") return;
      try {
        module.dbcCommand(JSON.stringify(command));
      } catch (e) {
        warn("the course did not take the command " + JSON.stringify(command) + ": " + (e && e.message ? e.message : String(e)));
      }
    },
  };

  // ---- Mode ------------------------------------------------------------------------------------
  let mode = "page";
  if (scorm.api) {
    mode = "lms";
    scorm.start();
    // pagehide covers closing, navigating away, the LMS removing the frame, and the back/forward
    // cache; unload only where pagehide does not exist (unload listeners are being phased out).
    const finish = () => scorm.finish();
    if ("onpagehide" in window) window.addEventListener("pagehide", finish);
    else window.addEventListener("unload", finish);
  } else if (inFrame) {
    frame.origin = parentOriginParam();
    if (frame.origin) {
      mode = "frame";
      window.addEventListener("message", (e) => frame.onMessage(e));
    }
  }

  window.DBCEmbed = {
    mode,
    savedProgress() {
      return mode === "lms" && scorm.suspend ? scorm.suspend : null;
    },
    progressChanged(summary) {
      if (!summary || typeof summary !== "object") return;
      if (mode === "lms") scorm.report(summary);
      else if (mode === "frame") frame.report(summary);
    },
    contentHeight(px) {
      if (mode === "frame") frame.contentHeight(px);
    },
  };
})();
