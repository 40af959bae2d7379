// Runs inside the Emscripten module (--pre-js): helpers that need the module's own heap and
// allocator, used by window.DBC (web/app.js) and by EM_JS bodies in src/platform/web_platform.cpp.
function dbcString(s) {
  var n = lengthBytesUTF8(s) + 1;
  var p = _malloc(n);
  stringToUTF8(s, p, n);
  return p;
}
// A command from the embedding page (web/embed.js), e.g. {"type":"goto","lesson":2}.
Module["dbcCommand"] = function (json) {
  var p = dbcString(json);
  Module["_dbc_embed_command"](p);
  _free(p);
  Module["_dbc_wake"]();
};
Module["dbcDeliver"] = function (id, res) {
  var bytes = res.bytes || new Uint8Array(0);
  var p = _malloc(bytes.length + 1);
  HEAPU8.set(bytes, p);
  var err = res.error ? dbcString(res.error) : 0;
  Module["_dbc_fetch_done"](id, res.status, p, bytes.length, err);
  _free(p);
  if (err) _free(err);
  Module["_dbc_wake"]();
};
