// The example embedding page (embed-example.html): loads the course in an iframe with
// ?embed=1&parentOrigin=<this origin>, listens to its messages and sends it commands.
// The message schema is documented in docs/INSTRUCTORS.md.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const frame = document.getElementById("course");
  const status = document.getElementById("status");
  const log = document.getElementById("log");
  const gotoButton = document.getElementById("goto2");
  const resetButton = document.getElementById("reset");

  // Where the course lives: the iframe's data-course, or ?course=… on this page.
  const courseUrl = new URL(new URLSearchParams(location.search).get("course") || frame.dataset.course, location.href);
  courseUrl.searchParams.set("embed", "1");
  courseUrl.searchParams.set("parentOrigin", location.origin);
  const courseOrigin = courseUrl.origin;   // messages are accepted from there only, and sent there only

  // The course draws into a canvas: let the frame follow the content, but never past most of the
  // screen (a frame taller than the window draws pixels nobody sees).
  function fitHeight(px) {
    const max = Math.max(480, Math.round(window.innerHeight * 0.85));
    frame.style.height = Math.max(480, Math.min(px, max)) + "px";
  }

  function note(text) {
    const li = document.createElement("li");
    li.textContent = text;
    log.prepend(li);
    while (log.children.length > 50) log.lastElementChild.remove();
  }

  function send(command) {
    frame.contentWindow.postMessage(Object.assign({ source: "dbcourse-parent" }, command), courseOrigin);
    note("sent " + JSON.stringify(command));
  }

  window.addEventListener("message", (event) => {
    if (event.origin !== courseOrigin || event.source !== frame.contentWindow) return;
    const m = event.data;
    if (!m || m.source !== "dbcourse" || m.version !== 1) return;
    if (m.type !== "height") note(m.type + " " + JSON.stringify(Object.assign({}, m, { source: undefined, version: undefined, type: undefined })));
    switch (m.type) {
      case "ready":
        gotoButton.disabled = false;
        resetButton.disabled = false;
      // falls through: "ready" carries the same fields as "progress"
      case "progress":
        status.textContent = "Lesson " + m.lesson + " of " + m.lessons + " · " + m.percent + "% complete · score " + m.score +
          (m.completed ? " · completed" : "");
        break;
      case "lesson-passed":
        status.textContent = "Passed the quiz of \u201c" + m.lessonId + "\u201d · " + m.percent + "% complete";
        break;
      case "completed":
        status.textContent = "Course completed · score " + m.score;
        break;
      case "height":
        fitHeight(m.height);
        break;
    }
  });

  gotoButton.addEventListener("click", () => send({ type: "goto", lesson: 2 }));
  resetButton.addEventListener("click", () => {
    if (window.confirm("Reset all progress in the course?")) send({ type: "reset" });
  });

  frame.src = courseUrl.href;
});
