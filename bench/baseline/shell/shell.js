// The baseline's minimal shell: hands emscripten the canvas and records, for scripts/bench,
// when the main loop finished its first frame (performance.now(), i.e. since navigationStart)
// and how many frames it has drawn.
"use strict";
window.BENCH = { firstFrame: null, frames: 0, errors: [] };
var Module = {
  canvas: document.getElementById("canvas"),
  print: function (t) { console.log(t); },
  printErr: function (t) { console.warn(t); window.BENCH.errors.push(t); },
  postMainLoop: function () {
    if (window.BENCH.firstFrame === null) window.BENCH.firstFrame = performance.now();
    window.BENCH.frames++;
  },
};
