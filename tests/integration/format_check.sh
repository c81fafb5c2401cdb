#!/usr/bin/env bash
# The C++ sources follow .clang-format.
set -euo pipefail
cd "$(dirname "$0")/../.."
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' 2>/dev/null || find . -name '*.[ch]pp' -not -path './build*')
clang-format --dry-run --Werror "${files[@]}"
echo "PASS format_check (${#files[@]} files)"
