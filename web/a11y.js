// The accessibility mirror. The course draws into a canvas, which assistive technology cannot
// read; this file keeps a DOM copy of what is on screen:
//  - every widget the module reports (window.DBC.items) as a real element with its ARIA role,
//    state and accessible name (its visible label), placed over its spot on the canvas with
//    pointer-events: none, so the mouse still reaches the canvas. Activating it (a screen
//    reader's action, or element.click()) asks the module to click that widget; focus follows
//    the module's keyboard navigation.
//  - the current lesson's text as real headings, paragraphs, lists, tables and code, built from
//    the same JSON the module renders.
// Only what changed is touched, and text goes in through textContent only.
"use strict";

(function () {
  const ROLES = { button: "button", link: "link", radio: "radio", checkbox: "checkbox", slider: "slider", tab: "tab", textbox: "textbox", progressbar: "progressbar", status: "status" };
  const elements = new Map();  // id -> element
  let layer = null, article = null, shownLesson = "";

  function setAttr(el, name, value) {
    if (value === null) { if (el.hasAttribute(name)) el.removeAttribute(name); return; }
    if (el.getAttribute(name) !== value) el.setAttribute(name, value);
  }

  function ensureLayers() {
    if (layer) return;
    layer = document.createElement("div");
    layer.id = "a11y-mirror";
    layer.setAttribute("aria-label", "Course controls");
    article = document.createElement("article");
    article.id = "a11y-lesson";
    article.className = "sr-only";
    const main = document.createElement("main");  // one landmark holding everything readable
    main.appendChild(article);
    main.appendChild(layer);
    document.body.appendChild(main);
  }

  function create(item) {
    const el = document.createElement("div");
    el.tabIndex = -1;
    el.className = "a11y-item";
    el.addEventListener("click", (e) => {
      e.preventDefault();
      if (window.DBC.module) window.DBC.module._dbc_activate(Number(el.dataset.id) >>> 0);
    });
    el.addEventListener("keydown", (e) => {
      // A screen reader in browse mode sends Enter/Space to the element: treat it as activation.
      if ((e.key === "Enter" || e.key === " ") && e.target === el && !window.DBC.navigating) el.click();
    });
    el.dataset.id = String(item.id);
    layer.appendChild(el);
    return el;
  }

  function update(item, el) {
    const role = ROLES[item.role] || "button";
    setAttr(el, "role", role);
    if (el.textContent !== item.label) el.textContent = item.label;
    // Progress bars, sliders and text boxes take no name from their content: name them explicitly.
    const named = role === "progressbar" || role === "slider" || role === "textbox";
    setAttr(el, "aria-label", named ? item.label : null);
    setAttr(el, "aria-valuemin", role === "progressbar" ? "0" : null);
    setAttr(el, "aria-valuemax", role === "progressbar" ? "100" : null);
    setAttr(el, "aria-disabled", item.disabled ? "true" : null);
    setAttr(el, "aria-checked", role === "radio" || role === "checkbox" ? (item.checked ? "true" : "false") : null);
    setAttr(el, "aria-valuenow", role === "slider" || role === "progressbar" ? String(item.value) : null);
    const style = `left:${item.x}px;top:${item.y}px;width:${item.w}px;height:${item.h}px`;
    if (el.dataset.style !== style) {
      el.dataset.style = style;
      el.style.left = item.x + "px";
      el.style.top = item.y + "px";
      el.style.width = item.w + "px";
      el.style.height = item.h + "px";
    }
    if (item.focused && document.activeElement !== el) el.focus({ preventScroll: true });
  }

  function sync(items) {
    ensureLayers();
    const seen = new Set();
    for (const item of items) {
      seen.add(item.id);
      let el = elements.get(item.id);
      if (!el) { el = create(item); elements.set(item.id, el); }
      update(item, el);
    }
    for (const [id, el] of elements) if (!seen.has(id)) { el.remove(); elements.delete(id); }
  }

  // ---- Lesson text ----
  function plain(s) { return s.replace(/\\([*`\\])|\*\*|\*|`/g, (m, esc) => esc || ""); }

  function inline(parent, text) {
    // **bold**, *italic*, `code` as strong/em/code elements; text through textContent only.
    const re = /\\([*`\\])|\*\*([^*]+)\*\*|\*([^*]+)\*|`([^`]+)`/g;
    let last = 0, m;
    while ((m = re.exec(text))) {
      if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      if (m[1]) parent.appendChild(document.createTextNode(m[1]));
      else {
        const el = document.createElement(m[2] ? "strong" : m[3] ? "em" : "code");
        el.textContent = m[2] || m[3] || m[4];
        parent.appendChild(el);
      }
      last = re.lastIndex;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function block(b) {
    const make = (tag, text) => { const el = document.createElement(tag); if (text !== undefined) inline(el, text); return el; };
    switch (b.type) {
      case "heading": return make("h" + b.level, b.text);
      case "paragraph": return make("p", b.text);
      case "list": {
        const list = document.createElement(b.ordered ? "ol" : "ul");
        for (const item of b.items) list.appendChild(make("li", item));
        return list;
      }
      case "table": {
        const table = document.createElement("table");
        if (b.caption) table.appendChild(make("caption", b.caption));
        const head = table.createTHead().insertRow();
        for (const h of b.header) { const th = make("th", h); th.scope = "col"; head.appendChild(th); }
        const body = table.createTBody();
        for (const row of b.rows) { const tr = body.insertRow(); for (const c of row) tr.appendChild(make("td", c)); }
        return table;
      }
      case "code": { const pre = document.createElement("pre"); const code = document.createElement("code"); code.textContent = b.text; pre.appendChild(code); return pre; }
      case "callout": {
        const aside = document.createElement("aside");
        if (b.title) aside.appendChild(make("p", plain(b.title)));
        aside.appendChild(make("p", b.text));
        return aside;
      }
      case "lab": {
        const section = document.createElement("section");
        section.appendChild(make("h3", "Interactive lab: " + b.title));
        section.appendChild(make("p", b.text));
        return section;
      }
      default: return document.createElement("div");
    }
  }

  // The first lesson's text waits until the browser is idle: laying out a whole lesson of text
  // (about 30 ms) would otherwise delay the first frame that shows it on screen.
  const idle = () => new Promise((resolve) => (window.requestIdleCallback ? requestIdleCallback(resolve, { timeout: 1000 }) : setTimeout(resolve, 300)));
  let firstLesson = true;

  async function showLesson(url) {
    ensureLayers();
    if (url === shownLesson) return;
    shownLesson = url;
    if (firstLesson) {
      firstLesson = false;
      await idle();
    }
    const res = await window.DBC.load(url);
    if (!res.bytes || url !== shownLesson) return;
    let lesson;
    try { lesson = JSON.parse(new TextDecoder().decode(res.bytes)); } catch (e) { return; }
    const parts = [document.createElement("h1")];
    parts[0].textContent = lesson.title || "";
    if (lesson.summary) { const p = document.createElement("p"); inline(p, lesson.summary); parts.push(p); }
    for (const b of lesson.blocks || []) parts.push(block(b));
    article.replaceChildren(...parts);
  }

  window.DBCA11y = { sync, showLesson };
})();
