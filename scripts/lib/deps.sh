# Installs and builds everything the project needs, idempotently. Sourced by serve/test/bench.
# (Fonts are subset with /usr/bin/python3 -m fontTools.subset from python3-fonttools.)
# Each step checks for its result first, so a second run costs a few hundred milliseconds.

APT_PACKAGES=(emscripten cmake ninja-build g++ nlohmann-json3-dev doctest-dev fonts-inter
              fonts-jetbrains-mono python3 python3-fonttools chromium dpkg-dev zip xz-utils ca-certificates)
SDL_VERSION="2.26.5+dfsg"
IMGUI_VERSION="1.90.1+ds"

install_apt_packages() {
  local missing=()
  # Node comes from Debian unless the machine already has one (e.g. NodeSource's nodejs, which
  # bundles npm and conflicts with Debian's npm package).
  command -v node >/dev/null || missing+=(nodejs npm)
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  log "Installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# Source packages: SDL2 from bookworm, Dear ImGui 1.90.1 from trixie (bookworm has none).
# Only deb-src lines are added, so no trixie binary package can ever be installed by this.
ensure_source_lists() {
  local list=/etc/apt/sources.list.d/dbcourse-src.sources
  [ -f "$list" ] && return
  log "Adding deb-src entries for bookworm and trixie"
  as_root tee "$list" >/dev/null <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  as_root apt-get update -qq
}

# fetch_source PACKAGE SUITE VERSION DIR: unpacks the orig tarball of a Debian source package.
fetch_source() {
  local pkg=$1 suite=$2 version=$3 dest=$4
  [ -f "$dest/.fetched" ] && return
  ensure_source_lists
  log "Fetching source package $pkg ($version, $suite)"
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && apt-get source -qq --download-only "$pkg/$suite" >/dev/null 2>&1) \
    || die "apt-get source $pkg/$suite failed"
  local tarball; tarball=$(ls "$tmp"/"${pkg}_${version}".orig.tar.* 2>/dev/null | head -1)
  [ -n "$tarball" ] || die "source package $pkg $version not found (got: $(ls "$tmp"))"
  rm -rf "$dest" && mkdir -p "$dest"
  tar -xf "$tarball" -C "$dest" --strip-components=1
  rm -rf "$tmp"
  touch "$dest/.fetched"
}

# SDL2 for wasm: static, only video and events (the course needs neither audio nor joysticks).
build_sdl2_wasm() {
  local src="$DEPS_DIR/src/sdl2" out="$DEPS_DIR/wasm/sdl2"
  [ -f "$out/.built" ] && return
  fetch_source libsdl2 bookworm "$SDL_VERSION" "$src"
  log "Building SDL2 for WebAssembly (once; cached in $out)"
  rm -rf "$DEPS_DIR/wasm/sdl2-build" && mkdir -p "$DEPS_DIR/wasm"
  emcmake cmake -S "$src" -B "$DEPS_DIR/wasm/sdl2-build" -G Ninja -DCMAKE_BUILD_TYPE=MinSizeRel \
    -DCMAKE_INSTALL_PREFIX="$out" -DSDL_SHARED=OFF -DSDL_STATIC=ON -DSDL_TEST=OFF \
    -DSDL_AUDIO=OFF -DSDL_JOYSTICK=OFF -DSDL_HAPTIC=OFF -DSDL_SENSOR=OFF -DSDL_HIDAPI=OFF \
    -DSDL_POWER=OFF -DSDL_FILESYSTEM=OFF -DSDL_LOCALE=OFF -DSDL_MISC=OFF -DSDL_PTHREADS=OFF \
    -DSDL_THREADS=OFF -DSDL_ATOMIC=OFF -DSDL_CPUINFO=OFF -DSDL_LOADSO=OFF -DSDL_RENDER=OFF \
    >"$DEPS_DIR/wasm/sdl2-configure.log" 2>&1 || die "SDL2 configure failed: see $DEPS_DIR/wasm/sdl2-configure.log"
  cmake --build "$DEPS_DIR/wasm/sdl2-build" -j "$JOBS" >"$DEPS_DIR/wasm/sdl2-build.log" 2>&1 \
    || die "SDL2 build failed: see $DEPS_DIR/wasm/sdl2-build.log"
  cmake --install "$DEPS_DIR/wasm/sdl2-build" >/dev/null
  touch "$out/.built"
}

ensure_imgui_source() { fetch_source imgui trixie "$IMGUI_VERSION" "$DEPS_DIR/src/imgui"; }

# Fonts: Debian's Inter and JetBrains Mono, subset to the characters the course uses, so the
# first download stays small. The glyph list is assets/fonts/glyphs.txt. Inter comes with CFF
# outlines (.otf); they are converted to TrueType ones, which the font atlas rasterises in
# half the time at start-up (scripts/lib/otf_to_ttf.py).
build_fonts() {
  local out="$DEPS_DIR/fonts" stamp
  stamp=$(cat "$ROOT/assets/fonts/glyphs.txt" "$ROOT/assets/fonts/fonts.txt" "$ROOT/scripts/lib/otf_to_ttf.py" | sha1sum | cut -c1-12)
  [ -f "$out/.built-$stamp" ] && return
  log "Subsetting fonts"
  rm -rf "$out" && mkdir -p "$out"
  local name file
  while read -r name file; do
    case "$name" in ''|'#'*) continue;; esac
    [ -f "$file" ] || die "font file $file missing (is its Debian package installed?)"
    # fontTools stamps the font with the time of the build unless told otherwise: the source
    # file's date keeps the bytes, and so the content-hashed file names, the same on every build.
    export SOURCE_DATE_EPOCH; SOURCE_DATE_EPOCH=$(stat -c %Y "$file")
    /usr/bin/python3 -m fontTools.subset "$file" --text-file="$ROOT/assets/fonts/glyphs.txt" \
      --layout-features='' --no-hinting --desubroutinize --output-file="$out/subset-$name" \
      || die "pyftsubset failed on $file"
    if [ "${file##*.}" = otf ]; then
      /usr/bin/python3 "$ROOT/scripts/lib/otf_to_ttf.py" "$out/subset-$name" "$out/$name" \
        || die "converting $file to TrueType outlines failed"
      rm "$out/subset-$name"
    else
      mv "$out/subset-$name" "$out/$name"
    fi
  done <"$ROOT/assets/fonts/fonts.txt"
  touch "$out/.built-$stamp"
}

install_npm_packages() {
  local stamp="$ROOT/node_modules/.installed-$(sha1sum "$ROOT/package-lock.json" | cut -c1-12)"
  [ -f "$stamp" ] && return
  log "Installing npm packages (npm ci)"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
  touch "$stamp"
}

ensure_all_deps() {
  install_apt_packages
  mkdir -p "$DEPS_DIR"
  ensure_imgui_source
  build_sdl2_wasm
  build_fonts
  install_npm_packages
}
