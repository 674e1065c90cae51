#!/usr/bin/env bash
# Mutation testing: how many deliberate bugs in a package its tests catch.
# scripts/mutator makes the mutants (operator swaps, named as gremlins
# names them, negated conditions, tagless switch cases, errors returned as
# nil, deleted calls), maps once which tests reach which line (each
# top-level test run alone with coverage on; the map is cached by the test
# binaries' content), then builds each mutant into a test binary and runs
# only the tests that reach it. A package scores killed / (total −
# equivalents), the equivalent mutants being listed with a reason in
# mutation-equivalents.txt beside this script; its surviving mutants are
# printed.
#
#   scripts/mutation.sh [options] PACKAGE_DIR...    e.g. emulator/jsonx emulator
#   scripts/mutation.sh [options] --since REF       the packages changed since REF
#
# Options:
#   -w N        mutants tested at once (default 2, at most the core count)
#   -b MINUTES  start no mutant after this long in a package (default: no
#               limit); the mutants left out are counted, the score partial
#   -c N        timeout coefficient: a mutant whose tests take N times as
#               long as unmutated (and at least 30s) hangs, which counts as
#               killed (default 5)
#   -t PKGS     the packages whose tests count, comma-separated (default:
#               the package's own, and those listed in tests_of below)
#   -f REGEX    only the package files whose names match (e.g. 'patch|values')
#   -m IDS      test just these mutants (comma-separated ids as printed, of
#               one package), e.g. the survivors a new test should kill
#   -o DIR      keep each package's results (JSON) and score in DIR
#
# It runs under nice -n 19 on a copy of the work tree (the tree itself is
# never written; uncommitted changes are measured). Not for CI.
set -euo pipefail
cd "$(dirname "$0")/.."

# tests_of names the packages whose tests count for a package: its own,
# and for code exercised through another package's tests, those too.
tests_of() {
  case $1 in
    emulator/control | emulator/tenant) echo "$1,emulator" ;; # their own, and the root package's, whose control API tests reach them
    *) echo "$1" ;;
  esac
}

workers=2 budget=0 coefficient=5 since="" logs="" files="" only="" tests=""
packages=()
while [ $# -gt 0 ]; do
  case "$1" in
    -w) workers=$2; shift 2 ;;
    -b) budget=$2; shift 2 ;;
    -c) coefficient=$2; shift 2 ;;
    -t) tests=$2; shift 2 ;;
    -o) logs=$2; shift 2 ;;
    -f) files=$2; shift 2 ;;
    -m) only=$2; shift 2 ;;
    --since) since=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) packages+=("${1%/}"); shift ;;
  esac
done
workers=$((workers < $(nproc) ? workers : $(nproc)))

if [ -n "$since" ]; then
  # Directories holding a changed Go file, committed since REF or not.
  mapfile -t packages < <( { git diff --name-only "$since" -- '*.go'; git ls-files -o --exclude-standard -- '*.go'; } |
    xargs -r -n1 dirname | sort -u | while read -r dir; do
      compgen -G "$dir/*.go" >/dev/null && echo "$dir"
    done)
fi
if [ -n "$only" ]; then
  packages=("$(dirname "${only%%:*}")") # the package of the mutants named
fi
if [ ${#packages[@]} -eq 0 ]; then
  echo "no package to test (give package directories or --since REF)" >&2
  exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TMPDIR=$tmp
# The work tree as it is, so that edits made while it runs are not measured.
src=$tmp/src
mkdir -p "$src"
git ls-files -co --exclude-standard -z | xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' _ |
  tar -cf - --null -T - | tar -xf - -C "$src"
go build -o "$tmp/mutator" ./scripts/mutator
[ -n "$logs" ] && mkdir -p "$logs"

scores=()
for pkg in "${packages[@]}"; do
  [ -d "$pkg" ] || { echo "no such package directory: $pkg" >&2; exit 2; }
  name=${pkg//\//_}
  out=$tmp/$name.json
  result=$(nice -n 19 "$tmp/mutator" run -root "$src" -pkg "$pkg" -tests "${tests:-$(tests_of "$pkg")}" \
    -workers "$workers" -budget "${budget}m" -timeout-coefficient "$coefficient" -files "$files" -only "$only" \
    -equivalents scripts/mutation-equivalents.txt -out "$out" | tee /dev/stderr | sed -n '/^SCORE /,$p')
  scores+=("$(head -n1 <<<"$result")")
  if [ -n "$logs" ]; then
    cp "$out" "$logs/$name.json"
    echo "$result" >"$logs/$name.score"
  fi
done

echo
printf '%s\n' "${scores[@]}"
