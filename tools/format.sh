#!/usr/bin/env bash
# clang-format (Debian 12's version 14, the one CI uses) over every C++ source in src/ and tests/.
# Usage: tools/format.sh          rewrite files in place
#        tools/format.sh --check  list files that differ and exit 1 (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files 'src/*.h' 'src/*.cpp' 'tests/*.h' 'tests/*.cpp')
if [ "${1:-}" = "--check" ]; then
  bad=0
  for f in "${files[@]}"; do
    if ! clang-format --style=file "$f" | cmp -s - "$f"; then echo "needs formatting: $f"; bad=1; fi
  done
  exit $bad
fi
clang-format --style=file -i "${files[@]}"
