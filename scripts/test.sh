#!/usr/bin/env bash
# The whole test suite, with everything it needs started first:
#   - tmux: the monitor's end-to-end tests run it in a real pseudo-terminal;
#   - real Docker engines for the docker backend (scripts/docker-env.sh): the main engine as a single-node swarm
#     manager, a plain engine in a network namespace of its own, and two swarm workers in theirs.
# Installing needs root (apt-get); elsewhere the docker tests skip where no engine answers, except with CI set.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v tmux >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends tmux >/dev/null
  else
    echo "test: tmux is missing (the monitor's end-to-end tests need it): apt-get install tmux" >&2
  fi
fi

if [ "$(id -u)" = 0 ] && [ "${DCTOP_TEST_DOCKER:-1}" != 0 ]; then
  bash scripts/docker-env.sh up
  bash scripts/docker-env.sh plain
  bash scripts/docker-env.sh multinode 2
  # Leave the main engine running (the next run is faster); stop the workers and the plain engine after.
  trap 'bash scripts/docker-env.sh down >/dev/null 2>&1 || true' EXIT
fi

npx tsc -p . && npx tsc -p tsconfig.examples.json && npx tsc -p tsconfig.test.json
npx eslint src            # the layering of DESIGN.md (eslint.config.js)
npx knip --no-progress    # no unused files, exports or dependencies (knip.json)
npx vitest run "$@"
