// A JS library (--js-library) replacing Emscripten's emscripten_set_canvas_element_size.
// Every resize of a canvas that holds a WebGL context reallocates its drawing buffer in the GPU
// process, and the main thread waits for it (about 100 ms each with a software GPU). SDL's
// window creation resizes twice: to 1x1, to learn whether CSS sizes the canvas, then to the
// window size. This page's canvas is always sized by CSS (web/style.css), so the probe would
// read the same CSS size without it; and web/app.js already gave the canvas its final size
// before creating the context. So: no 1x1 probe, and no resize to the size the canvas has.
mergeInto(LibraryManager.library, {
  emscripten_set_canvas_element_size__deps: ['$findCanvasEventTarget'],
  emscripten_set_canvas_element_size__sig: 'iiii',
  emscripten_set_canvas_element_size: function (target, width, height) {
    var canvas = findCanvasEventTarget(target);
    if (!canvas) return -4; // EMSCRIPTEN_RESULT_UNKNOWN_TARGET
    if (width === 1 && height === 1) return 0;
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    return 0; // EMSCRIPTEN_RESULT_SUCCESS
  },
});
