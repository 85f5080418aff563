#!/usr/bin/env bash
# Installs the browser tests' one npm dependency (playwright-core) at the version package-lock.json pins, unless it
# is already there. Fails with one clear line when Node is too old or npm cannot install it. Not the tests themselves.
set -euo pipefail
cd "$(dirname "$0")/../tests/e2e"
want=$(node -p "require('./package-lock.json').packages['node_modules/playwright-core'].version")
have=$(node -p "try { require('./node_modules/playwright-core/package.json').version } catch { '' }")
[ "$have" = "$want" ] && exit 0
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
  echo "ginn browser tests: Node $(node --version) is too old (expected Node 18 or newer; hint: apt-get install nodejs from bookworm)" >&2
  exit 1
fi
echo "ginn setup: installing playwright-core $want for the browser tests (npm ci)"
if ! npm ci --engine-strict --no-audit --no-fund; then
  echo "ginn browser tests: npm could not install playwright-core $want with Node $(node --version) (expected npm ci in tests/e2e to succeed; hint: read npm's message above)" >&2
  exit 1
fi
