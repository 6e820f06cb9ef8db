#!/usr/bin/env bash
# Regenerates the config reference section of README.md from `replicad reference`.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-build/daemon/replicad}
{
  sed -n '1,/^<!-- BEGIN CONFIG REFERENCE/p' README.md
  "$binary" reference
  sed -n '/^<!-- END CONFIG REFERENCE -->/,$p' README.md
} > README.md.new
mv README.md.new README.md
