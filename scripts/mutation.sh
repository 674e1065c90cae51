#!/usr/bin/env bash
# Mutation testing: how many deliberate bugs in a package its own tests
# catch. gremlins makes the operator mutants; scripts/mutator the ones it
# does not (negated conditions, tagless switch cases, errors returned as nil,
# deleted calls). Each package is scored as killed / (total − equivalents),
# the equivalent mutants being listed in mutation-equivalents.txt beside this
# script, and its surviving mutants are printed.
#
#   scripts/mutation.sh [options] PACKAGE_DIR...    e.g. emulator/jsonx emulator
#   scripts/mutation.sh [options] --since REF       the packages changed since REF
#
# Options:
#   -b MINUTES  time budget per package (default 20); mutants it leaves out
#               are counted and the score is marked partial
#   -w N        gremlins workers (default 1)
#   -c N        timeout coefficient: a mutant whose tests take N times as
#               long as the unmutated ones (and at least 30s) is a hang, and
#               counts as killed (default 5). The mutants gremlins timed out
#               on are tested again that way: its timeout has no floor.
#   -f REGEX    only the package files whose names match (e.g. 'patch|values'),
#               to measure the code a change touched within the budget
#   -m IDS      test just these mutants (comma-separated ids as printed, of
#               one package), e.g. the survivors a new test should kill
#   -o DIR      keep each package's logs in DIR
#
# It runs under nice, one package at a time, on a copy of the work tree (the
# tree itself is never written; uncommitted changes are measured). Slow: not
# for CI.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

gremlins_version=v0.6.0
budget=20 workers=1 coefficient=5 since="" logs="" files="" only=""
packages=()
while [ $# -gt 0 ]; do
  case "$1" in
    -b) budget=$2; shift 2 ;;
    -w) workers=$2; shift 2 ;;
    -c) coefficient=$2; shift 2 ;;
    -o) logs=$2; shift 2 ;;
    -f) files=$2; shift 2 ;;
    -m) only=$2; shift 2 ;;
    --since) since=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) packages+=("${1%/}"); shift ;;
  esac
done

if [ -n "$since" ]; then
  # Directories holding a changed Go file, committed since REF or not.
  mapfile -t packages < <( { git diff --name-only "$since" -- '*.go'; git ls-files -o --exclude-standard -- '*.go'; } |
    xargs -r -n1 dirname | sort -u | while read -r dir; do
      compgen -G "$dir/*.go" >/dev/null && echo "$dir"
    done)
fi
if [ -n "$only" ]; then
  # The package of the mutants named.
  packages=("$(dirname "${only%%:*}")")
fi
if [ ${#packages[@]} -eq 0 ]; then
  echo "no package to test (give package directories or --since REF)" >&2
  exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TMPDIR=$tmp # gremlins' copies of the module go there too

gremlins=$(command -v gremlins || true)
if [ -z "$only" ] && { [ -z "$gremlins" ] || ! "$gremlins" --version 2>/dev/null | grep -q "$gremlins_version"; }; then
  echo "installing gremlins $gremlins_version" >&2
  GOBIN="$tmp/bin" go install "github.com/go-gremlins/gremlins/cmd/gremlins@$gremlins_version"
  gremlins=$tmp/bin/gremlins
fi
go build -o "$tmp/bin/mutator" ./scripts/mutator
mutator=$tmp/bin/mutator
[ -n "$logs" ] && mkdir -p "$logs"

scores=()
for pkg in "${packages[@]}"; do
  [ -d "$pkg" ] || { echo "no such package directory: $pkg" >&2; exit 2; }
  name=${pkg//\//_}
  out=$tmp/$name
  src=$out/src
  mkdir -p "$src"
  # The work tree as it is, without the tests of packages below this one:
  # gremlins measures coverage on ./PKG/..., and those would only cost time.
  git ls-files -co --exclude-standard -z | xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' _ |
    tar -cf - --null -T - | tar -xf - -C "$src"
  find "$src/$pkg" -mindepth 2 -name '*_test.go' -delete

  # gremlins only excludes: every file of the package that -f leaves out,
  # and those of the packages below it.
  excludes=(--exclude-files '/')
  for f in "$pkg"/*.go; do
    base=$(basename "$f")
    if [ -n "$files" ] && ! [[ $base =~ $files ]]; then
      excludes+=(--exclude-files "^${base//./\\.}\$")
    fi
  done

  start=$(date +%s)
  deadline=$((start + budget * 60))
  if [ -n "$only" ]; then
    nice -n 15 "$mutator" run -root "$src" -pkg "$pkg" -only "$only" -timeout-coefficient "$coefficient" \
      -budget "$((budget * 60))s" -out "$out/own.json" | tail -n +2
    rm -rf "$out"
    continue
  fi
  echo "== $pkg: gremlins (budget ${budget}m in all)" >&2
  # -count=1: gremlins times each mutant against its coverage run, which a
  # cached test result would make look instant. -vet=off: a mutant is
  # killed by a test, not by go vet (and vet costs time on every mutant).
  (cd "$src" && GOFLAGS='-count=1 -vet=off' timeout -s TERM -k 60 $((budget * 60 * 7 / 10)) \
    nice -n 15 "$gremlins" unleash --workers "$workers" --timeout-coefficient "$coefficient" \
    --invert-logical --invert-loopctrl \
    "${excludes[@]}" "./$pkg") >"$out/gremlins.log" 2>&1 || true
  left=$((deadline - $(date +%s)))
  echo "== $pkg: mutator ($((left > 0 ? left : 0))s left)" >&2
  nice -n 15 "$mutator" run -root "$src" -pkg "$pkg" -budget "$((left > 60 ? left : 60))s" \
    -timeout-coefficient "$coefficient" -recheck "$out/gremlins.log" -files "$files" -out "$out/own.json" >"$out/mutator.log" 2>&1 ||
    { cat "$out/mutator.log" >&2; exit 1; }
  result=$("$mutator" score -root "$src" -pkg "$pkg" -gremlins "$out/gremlins.log" -own "$out/own.json" \
    -files "$files" -equivalents scripts/mutation-equivalents.txt)
  echo "$result"
  scores+=("$(head -n1 <<<"$result")")
  if [ -n "$logs" ]; then
    cp "$out/gremlins.log" "$logs/$name.gremlins.log"
    cp "$out/mutator.log" "$logs/$name.mutator.log"
    cp "$out/own.json" "$logs/$name.own.json"
    echo "$result" >"$logs/$name.score"
  fi
  rm -rf "$out"
done

echo
printf '%s\n' "${scores[@]}"
