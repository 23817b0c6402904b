#!/usr/bin/env bash
# Measures the JSON API on the demo city at 16 connections with wrk:
#   GET  /api/v1/matters?limit=50        (the supervisor's list of the demo city's matters)
#   POST /api/v1/matters/{id}/feedback   (a liaison's progress report, answered with the matter)
# Each call is run three times; the table shows the medians of p50, p99 and requests per second.
# Usage: bench/api.sh [seconds per run, default 10]. Needs wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }
cargo build --release --quiet
data=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
# The load comes from one address; the per-address limit would measure itself.
LUOSHI_LIMITS__REQUESTS_PER_SECOND=0 ./target/release/luoshi demo --data "$data" --addr "127.0.0.1:$port" >"$data/out.log" 2>"$data/err.log" &
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
to_ms() { # wrk prints 850.00us, 4.20ms or 1.02s
  awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f", v}'
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

run() { # name, connections, wrk args…
  local name=$1 conns=$2; shift 2
  local p50s="" p99s="" rpss="" errors=0 out
  for _ in 1 2 3; do
    out=$(wrk -t"$((conns < 2 ? conns : 2))" -c"$conns" -d"${secs}s" --latency "$@")
    p50s+="$(awk '/^ +50%/{print $2}' <<<"$out" | to_ms)"$'\n'
    p99s+="$(awk '/^ +99%/{print $2}' <<<"$out" | to_ms)"$'\n'
    rpss+="$(awk '/^Requests\/sec/{print $2}' <<<"$out")"$'\n'
    if grep -q "Non-2xx" <<<"$out"; then errors=$((errors + 1)); fi
  done
  printf '| %-30s | %8s ms | %8s ms | %9s |\n' "$name" \
    "$(median <<<"${p50s%$'\n'}")" "$(median <<<"${p99s%$'\n'}")" "$(median <<<"${rpss%$'\n'}")"
  if [ "$errors" -gt 0 ]; then echo "  (some runs had non-2xx answers)"; fi
}

echo "Luoshi API on the demo city, 16 connections unless said, ${secs}s each, $(nproc) cores"
printf '| %-30s | %11s | %11s | %9s |\n' "call (median of 3)" "p50" "p99" "req/s"
printf '|%s|%s|%s|%s|\n' "--------------------------------" "-------------" "-------------" "-----------"
run "GET /matters?limit=50" 16 -H "Authorization: Bearer $ducha" "$base/matters?limit=50"
# One connection: the time a request takes when nothing queues in front of it.
run "GET /matters?limit=50, 1 conn." 1 -H "Authorization: Bearer $ducha" "$base/matters?limit=50"
# A thousand matters for 市发改委, registered and assigned through the API, for the reports to go
# round: a report lands on a matter with a realistic timeline, not on one grown to thousands of
# events by the benchmark itself.
ids=$(python3 - "$base" "$ducha" <<'PY'
import json, sys, urllib.request
base, token = sys.argv[1], sys.argv[2]
def call(method, path, body=None):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.load(r)
fgw = next(u["id"] for u in call("GET", "/units") if u["code"] == "fgw")
ids = []
for n in range(1000):
    m = call("POST", "/matters", {"title": f"压测事项{n}", "content": "", "source": "meeting", "urgency": "normal",
                                  "lead_unit_id": fgw, "co_unit_ids": [], "deadline": "2027-06-30", "public": False})
    call("POST", f"/matters/{m['id']}/assign", {})
    ids.append(str(m["id"]))
print(",".join(ids))
PY
)

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

run "POST /matters/{id}/feedback" 16 -s "$data/feedback.lua" "http://127.0.0.1:$port"
