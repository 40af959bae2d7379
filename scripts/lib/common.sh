# Shared by every script: paths, logging and the tool environment.
# Sourced, not run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="$ROOT/build"
# Third-party builds are cached outside the clone so a fresh clone on the same machine is quick;
# DEPS_DIR overrides (CI and cold-start measurements point it at an empty folder).
DEPS_DIR="${DEPS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/dbcourse-deps}"
JOBS="${JOBS:-$(nproc)}"

# emscripten 3.1.6 from bookworm needs Node's global modules (acorn) on NODE_PATH.
export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}
