#!/usr/bin/env bash
# Measures the JSON API on the demo city at 16 connections with wrk:
#   GET  /api/v1/matters?limit=50        (the supervisor's list: every demo matter in scope)
#   POST /api/v1/matters/{id}/feedback   (a liaison's progress report, written and re-read)
# Usage: bench/api.sh [seconds per run, default 15]. Needs wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-15}
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }
cargo build --release --quiet
data=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
./target/release/luoshi demo --data "$data" --addr "127.0.0.1:$port" >"$data/out.log" 2>"$data/err.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
until grep -q "http://" "$data/out.log"; do sleep 0.1; done
base="http://127.0.0.1:$port/api/v1"
token() {
  curl -sf "$base/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"luoshi-demo\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
ducha=$(token ducha)
fgw=$(token fgw)
# 市发改委's matters in progress: the reports go round them, as a liaison's week would.
fgw_unit=$(curl -sf "$base/units" -H "Authorization: Bearer $fgw" |
  python3 -c 'import json,sys; print(next(u["id"] for u in json.load(sys.stdin) if u["code"]=="fgw"))')
ids=$(curl -sf "$base/matters?state=in_progress&unit_id=$fgw_unit&limit=500" -H "Authorization: Bearer $fgw" |
  python3 -c 'import json,sys; print(",".join(str(m["id"]) for m in json.load(sys.stdin)["items"]))')

cat >"$data/feedback.lua" <<LUA
local ids = {$ids}
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $fgw"
wrk.body = '{"progress_text":"本周完成项目现场核查,形成问题清单并逐项整改。","percent":60,"problems":"","next_steps":"下周完成整改复核"}'
request = function()
  n = n + 1
  return wrk.format(nil, "/api/v1/matters/" .. ids[(n % #ids) + 1] .. "/feedback")
end
LUA

run() { # name, wrk args…
  local name=$1; shift
  local out; out=$(wrk -t2 -c16 -d"${secs}s" --latency "$@")
  local p50 p99 rps
  p50=$(awk '/^ +50%/{print $2}' <<<"$out")
  p99=$(awk '/^ +99%/{print $2}' <<<"$out")
  rps=$(awk '/^Requests\/sec/{print $2}' <<<"$out")
  printf '| %-34s | %8s | %8s | %9s |\n' "$name" "$p50" "$p99" "$rps"
  if grep -q "Non-2xx" <<<"$out"; then echo "  ($(grep Non-2xx <<<"$out"))"; fi
}

echo "Luoshi API on the demo city, 16 connections, ${secs}s each, $(nproc) cores"
printf '| %-34s | %8s | %8s | %9s |\n' "call" "p50" "p99" "req/s"
printf '|%s|%s|%s|%s|\n' "------------------------------------" "----------" "----------" "-----------"
run "GET /matters?limit=50" -H "Authorization: Bearer $ducha" "$base/matters?limit=50"
run "POST /matters/{id}/feedback" -s "$data/feedback.lua" "http://127.0.0.1:$port"
