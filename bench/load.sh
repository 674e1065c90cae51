#!/usr/bin/env bash
# Load test on loopback: builds fakebots and a trivial net/http JSON handler,
# drives both with wrk (maximum throughput) and hey (a fixed 2,000 requests a
# second), and prints requests/s, p50/p99, their ratio, start-up time and
# peak RSS. Bounded: every run lasts DURATION seconds (default 10).
#
#   bench/load.sh            # needs wrk and hey (apt-get install wrk hey)
#   DURATION=5 bench/load.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}
CONNS=${CONNS:-32}
EMU_ADDR=127.0.0.1:18080
TRIVIAL_ADDR=127.0.0.1:18081
OUT=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$OUT"' EXIT

for tool in wrk hey curl; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install -y wrk hey curl" >&2; exit 1; }
done

go build -o "$OUT/fakebots" ./cmd/fakebots
go build -o "$OUT/trivial" ./bench/trivial

# Start-up: from exec to the first 200 of a platform call on the demo tenant.
startup=$(go run ./bench/startup --bin "$OUT/fakebots" --runs 7)

"$OUT/fakebots" --addr "$EMU_ADDR" --rate-limits off --log-level error >"$OUT/banner.txt" &
EMU_PID=$!
until curl -sf -o /dev/null "http://$EMU_ADDR/__fakebots/health"; do :; done

"$OUT/trivial" --addr "$TRIVIAL_ADDR" &
until curl -sf -o /dev/null "http://$TRIVIAL_ADDR/"; do :; done

# A tenant whose bot has 20 contacts: the getContacts page under load.
tenant=$(curl -sf -X POST "http://$EMU_ADDR/__fakebots/tenants" \
  -d '{"fixture":{"cleverapp":{"bots":[{"name":"Load","messenger":"telegram","contacts":20}]}}}')
token=$(echo "$tenant" | sed -E 's/.*"cleverapp":\{"api_token":"([^"]+)".*/\1/')
bot=$(echo "$tenant" | sed -E 's/.*"cleverapp":\{[^}]*"bot_id":([0-9]+).*/\1/')
GET_CONTACTS="http://$EMU_ADDR/cleverapp/api/v1/getContacts?api_token=$token&bot_id=$bot&count=20"

# wrk: throughput and latency at full speed.
run_wrk() { # name url [headers...]
  local name=$1 url=$2; shift 2
  wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "$@" "$url" >"$OUT/${name//\//_}.wrk"
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/${name//\//_}.wrk")
  p50=$(awk '$1=="50%" {print $2}' "$OUT/${name//\//_}.wrk")
  p99=$(awk '$1=="99%" {print $2}' "$OUT/${name//\//_}.wrk")
  printf '%-28s %12s req/s   p50 %-9s p99 %-9s\n' "$name" "$rps" "$p50" "$p99"
  echo "$rps" >"$OUT/$name.rps"
}

# hey: latency at a fixed 2,000 requests a second (20 workers x 100/s).
run_hey() { # name url [headers...]
  local name=$1 url=$2; shift 2
  hey -z "${DURATION}s" -c 20 -q 100 "$@" "$url" >"$OUT/${name//\//_}.hey"
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/${name//\//_}.hey")
  p50=$(awk '/50% in/ {print $3*1000 "ms"}' "$OUT/${name//\//_}.hey")
  p99=$(awk '/99% in/ {print $3*1000 "ms"}' "$OUT/${name//\//_}.hey")
  printf '%-28s %12s req/s   p50 %-9s p99 %-9s\n' "$name" "$rps" "$p50" "$p99"
}

echo "== max throughput (wrk, $CONNS connections, ${DURATION}s each)"
run_wrk "trivial handler" "http://$TRIVIAL_ADDR/"
run_wrk "getContacts (20)" "$GET_CONTACTS" -H 'X-Requested-With: XMLHttpRequest'

# The same page while every tenth request writes (a sendMessage): pages are
# cached between writes, so this is the figure for write-heavy traffic.
contact=$(curl -sf -H 'X-Requested-With: XMLHttpRequest' "$GET_CONTACTS" | sed -E 's/^\{"data":\[\{"id":([0-9]+).*/\1/')
cat >"$OUT/mixed.lua" <<LUA
counter = 0
request = function()
  counter = counter + 1
  if counter % 10 == 0 then
    return wrk.format("POST", "/cleverapp/api/v1/sendMessage?api_token=$token",
      {["Content-Type"] = "application/json", ["X-Requested-With"] = "XMLHttpRequest"}, '{"contact_id":$contact,"text":"load"}')
  end
  return wrk.format("GET", nil, {["X-Requested-With"] = "XMLHttpRequest"})
end
LUA
run_wrk "getContacts, 1 write in 10" "$GET_CONTACTS" -s "$OUT/mixed.lua"

ratio=$(awk -v a="$(cat "$OUT/getContacts (20).rps")" -v b="$(cat "$OUT/trivial handler.rps")" 'BEGIN {printf "%.1f", 100*a/b}')
echo "getContacts / trivial: ${ratio}%"


echo "== fixed 2,000 req/s (hey, 20 workers x 100/s, ${DURATION}s)"
run_hey "trivial handler @2000/s" "http://$TRIVIAL_ADDR/"
run_hey "getContacts (20) @2000/s" "$GET_CONTACTS" -H 'X-Requested-With: XMLHttpRequest'

rss=$(awk '/VmHWM/ {printf "%.1f MB", $2/1024}' /proc/$EMU_PID/status)

echo "== other platforms (wrk, $CONNS connections, ${DURATION}s each)"
# Salebot: variables of one of the demo project's clients, with its main key.
SB="http://$EMU_ADDR/salebot/api/d3f31dabef80ddeb73d43938b4ef8bb0"
client=$(curl -sf "$SB/get_clients?limit=1" | sed -E 's/.*"clients":\[\{"id":([0-9]+).*/\1/')
cat >"$OUT/save_variables.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"client_id":$client,"variables":{"client.city":"Москва","stage":"paid","sum":1500}}'
LUA
run_wrk "salebot save_variables" "$SB/save_variables" -s "$OUT/save_variables.lua"
run_wrk "salebot get_variables" "$SB/get_variables?client_id=$client"

# BotHelp: the token exchange, and a page of 100 of the demo's subscribers.
cat >"$OUT/token.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "grant_type=client_credentials&client_id=demo-bothelp-client-id&client_secret=demo-bothelp-client-secret"
LUA
run_wrk "bothelp token" "http://$EMU_ADDR/bothelp/oauth2/token" -s "$OUT/token.lua"
bh_token=$(curl -sf -d grant_type=client_credentials -d client_id=demo-bothelp-client-id -d client_secret=demo-bothelp-client-secret \
  "http://$EMU_ADDR/bothelp/oauth2/token" | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
run_wrk "bothelp subscribers page" "http://$EMU_ADDR/bothelp/v1/subscribers/" -H "Authorization: Bearer $bh_token"

echo "== process"
echo "$startup"
echo "peak RSS after the getContacts load: $rss"
echo "peak RSS after all of it: $(awk '/VmHWM/ {printf "%.1f MB", $2/1024}' /proc/$EMU_PID/status)"
