# Build steps shared by serve, test and bench. Sourced after common.sh and deps.sh.

build_native() {
  log "Building native (tests, tools; ASan + UBSan)"
  [ -f "$BUILD/native/build.ninja" ] || cmake --preset native -DDEPS_DIR="$DEPS_DIR" >/dev/null
  cmake --build --preset native -j "$JOBS"
}

build_web() {
  log "Building the web site into build/site"
  [ -f "$BUILD/web/build.ninja" ] || emcmake cmake --preset web -DDEPS_DIR="$DEPS_DIR" >/dev/null
  cmake --build --preset web -j "$JOBS"
}
