#!/usr/bin/env bash
# Every C++ file of the tree is clang-format clean (Google base, 100 columns: .clang-format).
set -euo pipefail
if ! command -v clang-format >/dev/null; then
  echo "clang-format not installed: skipped"
  exit 77
fi
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cc' '*.h')
if (( ${#files[@]} == 0 )); then
  echo "no C++ files found (not a git checkout?)"
  exit 1
fi
clang-format --dry-run --Werror "${files[@]}"
echo "${#files[@]} files clang-format clean"
