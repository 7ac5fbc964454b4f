#!/usr/bin/env bash
# Every test, on a fresh machine: as root, installs and starts the single-node SLURM cluster that
# test/slurm/ runs against (scripts/slurm-test-cluster.sh: Debian's slurm-wlm and munge), runs
# the whole suite with LABGATE_SLURM_TESTS=1 (a cluster that does not answer fails those tests,
# never skips them), and stops the cluster on exit. `npm test` alone runs every other test:
# vitest.config.ts leaves test/slurm/ out unless LABGATE_SLURM_TESTS=1.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
  echo "test-all: the SLURM test cluster needs root (slurmd runs jobs as their user); run as root, or run \`npm test\` for every test but test/slurm/" >&2
  exit 1
fi
bash scripts/slurm-test-cluster.sh install
bash scripts/slurm-test-cluster.sh start
trap 'bash scripts/slurm-test-cluster.sh stop' EXIT
eval "$(bash scripts/slurm-test-cluster.sh env)"
export LABGATE_SLURM_TESTS=1
npx vitest run "$@"
