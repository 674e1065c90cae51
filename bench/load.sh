#!/usr/bin/env bash
# Load test on loopback. Builds fakebots (and, with --baseline, the binary of
# another revision), a trivial net/http handler that serves the same bytes
# from memory, and drives them with wrk and hey. Every figure is printed
# beside its yardstick from the same run, because the machine's speed varies
# between runs: req/s, p50/p99, server CPU per request (from /proc, steadier
# than req/s on a shared machine) and the garbage collector's share of that
# CPU (from the runtime's own metrics, read on the --pprof listener).
#
#   bench/load.sh                          # everything but the peers
#   bench/load.sh --baseline main          # the same rows against main's binary too
#   bench/load.sh --peers                  # adds Prism (npm installs it into a temp folder)
#   bench/load.sh --duration 5 --only lists,writes
#
# Flags (or variables): --duration S (DURATION, 8), --conns N (CONNS, 32),
# --mixed-duration S (MIXED_DURATION, 120), --baseline REV (BASELINE),
# --peers (PEERS=1), MIXED_FLAGS (more flags of the mixed load's emulator,
# e.g. "--journal-total-bytes 16777216"), --only SECTIONS (ONLY: startup,gotest,lists,writes,
# tenants,bulk,mixed,peers), --addr HOST:PORT (EMU_ADDR) and
# --trivial-addr HOST:PORT (TRIVIAL_ADDR) for the two servers compared
# most; every other server listens on a free port of 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-8}
CONNS=${CONNS:-32}
MIXED_DURATION=${MIXED_DURATION:-120}
BASELINE=${BASELINE:-}
PEERS=${PEERS:-}
ONLY=${ONLY:-startup,gotest,lists,writes,tenants,bulk,mixed,peers}
EMU_ADDR=${EMU_ADDR:-127.0.0.1:0}
TRIVIAL_ADDR=${TRIVIAL_ADDR:-127.0.0.1:0}
while [ $# -gt 0 ]; do
  case $1 in
    --duration) DURATION=$2; shift 2 ;;
    --conns) CONNS=$2; shift 2 ;;
    --mixed-duration) MIXED_DURATION=$2; shift 2 ;;
    --baseline) BASELINE=$2; shift 2 ;;
    --peers) PEERS=1; shift ;;
    --only) ONLY=$2; shift 2 ;;
    --addr) EMU_ADDR=$2; shift 2 ;;
    --trivial-addr) TRIVIAL_ADDR=$2; shift 2 ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
  esac
done
wants() { [[ ",$ONLY," == *",$1,"* ]]; }

OUT=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$OUT"
}
trap cleanup EXIT

missing=()
for tool in wrk hey curl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} with apt-get (needs root)" >&2
  apt-get update -qq >&2 && apt-get install -y -qq "${missing[@]}" >&2
fi

echo "== machine"
echo "$(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)   (anything else running competes with these figures)"
echo "$(go version | cut -d' ' -f3), revision $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . || echo ' (with changes)')"

go build -o "$OUT/fakebots" ./cmd/fakebots
go build -o "$OUT/trivial" ./bench/trivial
go build -o "$OUT/prepare" ./bench/prepare
if [ -n "$BASELINE" ]; then
  # The baseline is built from a clean copy of the revision, beside this tree.
  mkdir "$OUT/baseline-src"
  git archive "$BASELINE" | tar -x -C "$OUT/baseline-src"
  (cd "$OUT/baseline-src" && go build -o "$OUT/baseline" ./cmd/fakebots)
  echo "baseline: $BASELINE ($(git rev-parse --short "$BASELINE"))"
fi
CLK_TCK=$(getconf CLK_TCK)

# start NAME BIN [flags...]: runs a server, waits for its banner, and sets
# URL_NAME, PID_NAME and (for fakebots with --pprof) PPROF_NAME.
start() {
  local name=$1 bin=$2; shift 2
  "$bin" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" &
  local pid=$!
  PIDS+=("$pid")
  for _ in $(seq 600); do
    grep -q 'listening on' "$OUT/$name.out" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || { cat "$OUT/$name.err" >&2; return 1; }
    sleep 0.05
  done
  printf -v "URL_$name" '%s' "$(sed -nE 's/.*listening on (http:[^ ]+).*/\1/p' "$OUT/$name.out" | head -1)"
  printf -v "PID_$name" '%s' "$pid"
  printf -v "PPROF_$name" '%s' "$(sed -nE 's/^Profiles on (http:[^ ]+)\/debug\/pprof\/.*/\1/p' "$OUT/$name.out")"
}

# emulator NAME BIN [flags...]: fakebots with limits off, quiet, profiled
# where the binary knows --pprof (a baseline may not).
emulator() {
  local name=$1 bin=$2; shift 2
  local extra=(--addr 127.0.0.1:0)
  local help
  help=$("$bin" --help 2>&1 || true) # read whole: grep -q in a pipe would cut it short (SIGPIPE under pipefail)
  [[ $help == *-pprof* ]] && extra+=(--pprof 127.0.0.1:0)
  start "$name" "$bin" --rate-limits off --log-level error "${extra[@]}" "$@"
}

stop() { # NAME
  local pid=PID_$1
  kill "${!pid}" 2>/dev/null || true
  wait "${!pid}" 2>/dev/null || true
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss() { awk -v k="$2:" '$1 == k {printf "%.0f MB", $2/1024}' "/proc/$1/status"; }

# gc_share PROFILE: the collector's share of the CPU samples of a profile
# (its mark workers, the marking that allocations are made to assist, the
# sweeper and the scavenger). Profiles sample CPU actually used, so the
# share holds on a busy machine, where the runtime's own estimates (wall
# time of its phases) do not.
gc_share() {
  go tool pprof -top -cum -nodecount=100000 "$1" 2>/dev/null | awk '
    $NF ~ /^runtime\.(gcBgMarkWorker|gcAssistAlloc|bgsweep|bgscavenge)$/ {sub(/%/, "", $5); share += $5; found = 1}
    END {if (found) printf "%.0f%%", share; else print "0%"}'
}

# measure NAME LABEL SECONDS CMD...: runs a load tool for SECONDS against
# server NAME and prints its throughput, latency, CPU per request and, where
# the server can be profiled, the collector's share of its CPU. The tool's
# output is parsed for wrk's or hey's summary.
measure() {
  local name=$1 label=$2 seconds=$3; shift 3
  local pidv=PID_$name pprofv=PPROF_$name
  local pid=${!pidv} pprof=${!pprofv:-}
  local c0 c1 prof="" gc="-" log="$OUT/measure.log"
  if [ -n "$pprof" ] && [ "$seconds" -ge 3 ]; then
    prof="$OUT/$name.prof"
    curl -s --max-time $(( seconds + 60 )) -o "$prof" "$pprof/debug/pprof/profile?seconds=$(( seconds > 31 ? 30 : seconds - 1 ))" &
  fi
  c0=$(cpu_ticks "$pid")
  "$@" >"$log" 2>&1
  c1=$(cpu_ticks "$pid")
  if [ -n "$prof" ]; then wait $! || true; [ -s "$prof" ] && gc=$(gc_share "$prof"); fi
  awk -v label="$label" -v c="$((c1 - c0))" -v hz="$CLK_TCK" -v gc="$gc" '
    /Requests\/sec/ {rps = $2} /requests in/ {n = $1}
    $1 == "50%" && !p50 {p50 = $2} $1 == "99%" && !p99 {p99 = $2}
    /Non-2xx or 3xx responses/ {bad = $NF}
    /50%+ in/ {p50 = $3 * 1000 "ms"} /99%+ in/ {p99 = $3 * 1000 "ms"}
    /\[[0-9]+\][ \t]+[0-9]+ responses/ {gsub(/[\[\]]/, "", $1); n += $2; if ($1 >= 400) bad += $2}
    END {
      cpu = n > 0 ? sprintf("%.0f", c / hz * 1e6 / n) : "-"
      printf "%-44s %9.0f req/s  p50 %-9s p99 %-9s %6s us CPU/req  GC %4s", label, rps, p50, p99, cpu, gc
      if (bad) printf "  errors %d", bad
      printf "\n"
      print rps > "/dev/stderr"
    }' "$log" 2>"$OUT/last.rps"
  LAST_RPS=$(cat "$OUT/last.rps")
}

wrk_run() { # NAME LABEL URL [wrk args...]
  local name=$1 label=$2 url=$3; shift 3
  measure "$name" "$label" "$DURATION" wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "$@" "$url"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf (b > 0 ? "%.1f" : "-"), (b > 0 ? 100 * a / b : 0)}'; }
times() { awk -v a="$1" -v b="$2" 'BEGIN {printf (b > 0 ? "%.2f" : "-"), (b > 0 ? a / b : 0)}'; }

if wants startup; then
  echo "== start-up to the first 200 of a platform call, demo tenant seeded (7 starts each, alternating)"
  go build -o "$OUT/startup" ./bench/startup
  bins="$OUT/fakebots"
  [ -n "$BASELINE" ] && bins+=",$OUT/baseline"
  "$OUT/startup" --bin "$bins" --runs 7
fi

if wants gotest; then
  echo "== fakebotstest.New + first request, in process (go test -bench, 200 runs)"
  go test -run '^$' -bench 'BenchmarkNewAndFirstRequest$' -benchtime 200x ./emulator/fakebotstest |
    awk '/^BenchmarkNewAndFirstRequest/ {printf "fakebotstest.New + first request: %.2f ms/op, %s B/op, %s allocs/op\n", $3 / 1e6, $5, $7}'
fi

if wants lists; then
  echo "== list reads (wrk, $CONNS connections, ${DURATION}s each): the page cache, every read from SQLite, the same bytes from memory"
  emulator emu "$OUT/fakebots" --addr "$EMU_ADDR"
  emulator nocache "$OUT/fakebots" --page-cache-bytes 0
  mkdir -p "$OUT/lists" "$OUT/lists-nocache" "$OUT/lists-base"
  "$OUT/prepare" lists -url "$URL_emu" -out "$OUT/lists"
  "$OUT/prepare" lists -url "$URL_nocache" -out "$OUT/lists-nocache"
  if [ -n "$BASELINE" ]; then
    emulator base "$OUT/baseline"
    "$OUT/prepare" lists -url "$URL_base" -out "$OUT/lists-base"
    # The baseline from SQLite too, where it has a page cache to turn off.
    if [[ $("$OUT/baseline" --help 2>&1 || true) == *-page-cache-bytes* ]]; then
      emulator basenocache "$OUT/baseline" --page-cache-bytes 0
      mkdir -p "$OUT/lists-basenocache"
      "$OUT/prepare" lists -url "$URL_basenocache" -out "$OUT/lists-basenocache"
    fi
  fi
  start trivial "$OUT/trivial" --addr "$TRIVIAL_ADDR" --dir "$OUT/lists"
  wrk_run trivial "trivial handler, small body" "$URL_trivial/"
  summary=()
  while IFS=$'\t' read -r list size; do
    echo "-- $list ($size bytes)"
    wrk_run trivial "  trivial, the same bytes" "$URL_trivial/$list"; same=$LAST_RPS
    wrk_run emu "  fakebots, page cache" "$URL_emu" -s "$OUT/lists/$list.lua"; cached=$LAST_RPS
    wrk_run nocache "  fakebots, every read from SQLite" "$URL_nocache" -s "$OUT/lists-nocache/$list.lua"; sqlite=$LAST_RPS
    line=$(printf '%-32s cached %5s%%  SQLite %5s%% of the same bytes' "$list" "$(ratio "$cached" "$same")" "$(ratio "$sqlite" "$same")")
    if [ -n "$BASELINE" ]; then
      wrk_run base "  baseline" "$URL_base" -s "$OUT/lists-base/$list.lua"; old=$LAST_RPS
      line+=$(printf ';  cached %sx the baseline' "$(times "$cached" "$old")")
      if [ -n "${PID_basenocache:-}" ]; then
        wrk_run basenocache "  baseline, every read from SQLite" "$URL_basenocache" -s "$OUT/lists-basenocache/$list.lua"
        line+=$(printf ';  baseline from SQLite %5s%%, SQLite %sx the baseline'"'"'s' "$(ratio "$LAST_RPS" "$same")" "$(times "$sqlite" "$LAST_RPS")")
      else
        line+=$(printf ', SQLite %sx the baseline'"'"'s cache' "$(times "$sqlite" "$old")")
      fi
    fi
    summary+=("$line")
  done <"$OUT/lists/lists.tsv"
  echo "-- list reads as a share of the trivial handler serving the same bytes"
  printf '%s\n' "${summary[@]}"
  stop nocache
  [ -n "$BASELINE" ] && stop base
  [ -n "${PID_basenocache:-}" ] && stop basenocache
fi

if wants writes; then
  echo "== write mix over 8 tenants (Salebot save_variables, CleverApp setContactVariable, BotHelp PATCH; wrk, $CONNS connections)"
  emulator writes "$OUT/fakebots"
  "$OUT/prepare" writes -url "$URL_writes" -tenants 8 -out "$OUT/writes.lua"
  wrk_run writes "fakebots, write mix" "$URL_writes" -s "$OUT/writes.lua"; new=$LAST_RPS
  stop writes
  if [ -n "$BASELINE" ]; then
    emulator writes_base "$OUT/baseline"
    "$OUT/prepare" writes -url "$URL_writes_base" -tenants 8 -out "$OUT/writes-base.lua"
    wrk_run writes_base "baseline, write mix" "$URL_writes_base" -s "$OUT/writes-base.lua"
    echo "write mix: $(times "$new" "$LAST_RPS")x the baseline's throughput"
    stop writes_base
  fi
fi

if wants tenants; then
  echo "== traffic spread over many tenants (list reads on every platform; wrk, $CONNS connections)"
  emulator tenants "$OUT/fakebots"
  # Each mix first runs 3 s unmeasured, so both are measured in their
  # steady state: every page read once, every tenant's state made.
  "$OUT/prepare" reads -url "$URL_tenants" -tenants 10 -size 5 -out "$OUT/reads-10.lua"
  wrk -t2 -c"$CONNS" -d3s -s "$OUT/reads-10.lua" "$URL_tenants" >/dev/null
  wrk_run tenants "10 tenants" "$URL_tenants" -s "$OUT/reads-10.lua"; ten=$LAST_RPS
  "$OUT/prepare" reads -url "$URL_tenants" -tenants 1000 -size 5 -out "$OUT/reads-1000.lua"
  wrk -t2 -c"$CONNS" -d3s -s "$OUT/reads-1000.lua" "$URL_tenants" >/dev/null
  wrk_run tenants "1,000 tenants" "$URL_tenants" -s "$OUT/reads-1000.lua"; thousand=$LAST_RPS
  echo "1,000 tenants: $(times "$thousand" "$ten")x the throughput of 10; RSS $(rss "$PID_tenants" VmRSS), peak $(rss "$PID_tenants" VmHWM)"
  stop tenants
fi

# bulk_run NAME BIN: tenant A saves a variable for 100k client ids while
# tenant B writes one row 50 times a second; prints B's latency beside the
# same writes with nothing else running.
bulk_run() {
  local name=$1 bin=$2
  emulator "$name" "$bin"
  local url=URL_$name
  eval "$("$OUT/prepare" bulk -url "${!url}" -clients 5000 -ids 100000 -out "$OUT")"
  # Tenant B alone first: its latency on this machine without the bulk write.
  measure "$name" "  $name: tenant B alone, one-row save_variables" "$DURATION" hey -z "${DURATION}s" -c 2 -q 25 -m POST -T application/json -D "$OUT/one.json" "$ONE_URL"
  local t0 t1
  t0=$(date +%s%N)
  curl -sf -o "$OUT/bulk.answer" -H 'Content-Type: application/json' --data-binary @"$OUT/bulk.json" "$BULK_URL" &
  local bulk_pid=$!
  measure "$name" "  $name: tenant B beside it, one-row save_variables" "$DURATION" hey -z "${DURATION}s" -c 2 -q 25 -m POST -T application/json -D "$OUT/one.json" "$ONE_URL"
  wait "$bulk_pid"
  t1=$(date +%s%N)
  echo "  $name: tenant A's save_variables for $BULK_IDS ids answered $(cat "$OUT/bulk.answer") after $(( (t1 - t0) / 1000000 )) ms"
  stop "$name"
}

if wants bulk; then
  echo "== a bulk write beside another tenant's writes (hey, 2 workers x 25/s, ${DURATION}s)"
  bulk_run bulk "$OUT/fakebots"
  [ -n "$BASELINE" ] && bulk_run bulk_base "$OUT/baseline"
fi

if wants mixed; then
  echo "== mixed load over 20 tenants for ${MIXED_DURATION}s, ${MIXED_FLAGS:-journal at its defaults} (wrk, $CONNS connections; one write in four)"
  emulator mixed "$OUT/fakebots" ${MIXED_FLAGS:-}
  "$OUT/prepare" mixed -url "$URL_mixed" -tenants 20 -out "$OUT/mixed.lua"
  DURATION=$MIXED_DURATION wrk_run mixed "fakebots, mixed" "$URL_mixed" -s "$OUT/mixed.lua"
  echo "after ${MIXED_DURATION}s: RSS $(rss "$PID_mixed" VmRSS), peak $(rss "$PID_mixed" VmHWM)"
  stop mixed
fi

if [ -n "$PEERS" ] && wants peers; then
  echo "== peers: Prism serving the CleverApp spec's example (npm installs @stoplight/prism-cli into a temp folder)"
  (cd "$OUT" && npm install --silent --no-audit --no-fund @stoplight/prism-cli >/dev/null 2>&1)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 18090)
  "$OUT/node_modules/.bin/prism" mock -h 127.0.0.1 -p "$port" specs/cleverapp.yaml >"$OUT/prism.out" 2>&1 &
  PIDS+=("$!"); PID_prism=$!; PPROF_prism=""
  for _ in $(seq 600); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
  emulator peer "$OUT/fakebots"
  wrk_run prism "Prism, getContacts example" "http://127.0.0.1:$port/api/v1/getContacts?api_token=x" -H 'Accept: application/json'; prism=$LAST_RPS
  wrk_run peer "fakebots, getContacts (20), page cache" "$URL_peer/cleverapp/api/v1/getContacts?api_token=demo-cleverapp-token&count=20" -H 'Accept: application/json'
  echo "fakebots / Prism on getContacts: $(times "$LAST_RPS" "$prism")x"
  stop peer
fi

if wants lists; then
  echo "== process"
  echo "peak RSS of the list-read emulator after the whole script: $(rss "$PID_emu" VmHWM)"
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
