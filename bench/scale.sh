#!/usr/bin/env bash
# Generates a city or a province with `luoshi gen`, serves it and measures with wrk at 16
# connections:
#   GET  /api/v1/matters?light=red&unit_id=U&limit=50   (one unit's red matters)
#   GET  /api/v1/matters?limit=50                       (the root office's supervisor's list)
#   GET  /api/v1/matters/{id}                           (a matter in full, with its timeline)
#   GET  /api/v1/dashboard                              (the root office's dashboard)
#   POST /api/v1/matters/{id}/feedback                  (a liaison's report)
# then times `luoshi sweep` over every open assignment, with its peak memory, and prints one
# table, with the time `gen` took. Each wrk call runs three times; the table shows medians.
#
# Usage: bench/scale.sh [city|province] [seconds per run, default 10]
# Env:   DATABASE_URL=postgres://… to measure on PostgreSQL (the database is made if missing
#        and must be empty); otherwise SQLite in a temporary directory.
#        BENCH_RAW=FILE appends every wrk output to FILE.
#        BENCH_BIN=PATH measures that luoshi binary (an earlier build) instead of building one.
#        BENCH_DATA=DIR keeps the SQLite data in DIR, and BENCH_REUSE=1 measures the data already
#        there (or in DATABASE_URL) instead of generating it: two builds measured on the same
#        data, without waiting for a province to be made twice.
# Needs: wrk, curl, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-province}
secs=${2:-10}
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }
bin=${BENCH_BIN:-./target/release/luoshi}
[ -n "${BENCH_BIN:-}" ] || cargo build --release --quiet
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
if [ -n "${DATABASE_URL:-}" ]; then
  where=(--database-url "$DATABASE_URL")
  backend="PostgreSQL"
else
  where=(--data "${BENCH_DATA:-$work/data}")
  backend="SQLite"
fi
clock="2026-06-30T09:00:00+08:00"
# The load comes from one address, and the sweep is measured on its own.
export LUOSHI_LIMITS__REQUESTS_PER_SECOND=0 LUOSHI_SCHEDULER__EVERY_SECONDS=0

if [ -n "${BENCH_REUSE:-}" ]; then
  gen_secs="(reused)"
else
  echo "generating a $scale on $backend …" >&2
  gen=$("$bin" gen --scale "$scale" "${where[@]}" --clock "$clock")
  gen_secs=$(python3 -c 'import json,sys; print(round(json.loads(sys.argv[1])["seconds"], 1))' "$gen")
fi

port=$((20000 + RANDOM % 20000))
"$bin" serve "${where[@]}" --addr "127.0.0.1:$port" --clock "$clock" \
  >"$work/out.log" 2>"$work/err.log" &
server=$!
until grep -q "http://" "$work/out.log"; do sleep 0.2; done
base="http://127.0.0.1:$port/api/v1"
root_user=$([ "$scale" = province ] && echo sheng1 || echo ducha)

# Who and what to ask about: the root office's supervisor, its development and reform
# commission, one of that unit's liaisons, a matter with a long timeline and 200 open matters
# of the unit for the reports to go round.
read -r root unit liaison detail ids < <(python3 - "$base" "$root_user" <<'PY'
import json, sys, urllib.request
base, who = sys.argv[1], sys.argv[2]
def call(path, token=None, body=None):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode() if body else None,
        headers={"Content-Type": "application/json", **({"Authorization": "Bearer " + token} if token else {})})
    with urllib.request.urlopen(req) as r:
        return json.load(r)
login = lambda name: call("/auth/login", body={"username": name, "password": "luoshi-demo"})
root = login(who)
token, org = root["token"], root["user"]["unit_id"]
units = call("/units", token)
by_id = {u["id"]: u for u in units}
while by_id[org]["kind"] != "government":
    org = by_id[org]["parent_id"]
unit = next(u["id"] for u in units if u["parent_id"] == org and u["name"].endswith("发展和改革委员会"))
liaison = call(f"/users?unit_id={unit}&role=liaison", token)[0]["username"]
page = call(f"/matters?unit_id={unit}&state=in_progress&limit=200", token)
ids = [m["id"] for m in page["items"] if m["lead_unit_id"] == unit]
longest = max(ids[:50], key=lambda i: len(call(f"/matters/{i}", token)["events"]))
print(token, unit, login(liaison)["token"], longest, ",".join(map(str, ids)))
PY
)

to_ms() { # wrk prints 850.00us, 4.20ms or 1.02s
  awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f", v}'
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
run() { # name, wrk args…
  local name=$1; shift
  local p50s="" p99s="" rpss="" errors=0 out
  for _ in 1 2 3; do
    # A slow answer is measured, not dropped: wrk's own timeout is 2 s.
    out=$(wrk -t2 -c16 -d"${secs}s" --timeout 60s --latency "$@")
    [ -n "${BENCH_RAW:-}" ] && echo "$out" >>"$BENCH_RAW"
    p50s+="$(awk '/^ +50%/{print $2}' <<<"$out" | to_ms)"$'\n'
    p99s+="$(awk '/^ +99%/{print $2}' <<<"$out" | to_ms)"$'\n'
    rpss+="$(awk '/^Requests\/sec/{print $2}' <<<"$out")"$'\n'
    if grep -qE "Non-2xx|Socket errors" <<<"$out"; then errors=$((errors + 1)); fi
  done
  printf '| %-44s | %8s ms | %8s ms | %9s |\n' "$name" \
    "$(median <<<"${p50s%$'\n'}")" "$(median <<<"${p99s%$'\n'}")" "$(median <<<"${rpss%$'\n'}")"
  if [ "$errors" -gt 0 ]; then echo "  (some runs had errors or non-2xx answers)"; fi
}

cat >"$work/feedback.lua" <<LUA
local ids = {$ids}
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $liaison"
wrk.body = '{"progress_text":"本周完成项目现场核查,形成问题清单并逐项整改。","percent":60}'
request = function()
  n = n + 1
  return wrk.format(nil, "/api/v1/matters/" .. ids[(n % #ids) + 1] .. "/feedback")
end
LUA

echo "Luoshi at $scale scale on $backend: ${gen:-the data already in place}"
echo "16 connections, ${secs}s per run, $(nproc) cores; medians of 3 runs"
printf '| %-44s | %11s | %11s | %9s |\n' "call" "p50" "p99" "req/s"
printf '|%s|%s|%s|%s|\n' "----------------------------------------------" "-------------" "-------------" "-----------"
auth=(-H "Authorization: Bearer $root")
run "GET /matters?light=red&unit_id=U&limit=50" "${auth[@]}" "$base/matters?light=red&unit_id=$unit&limit=50"
run "GET /matters?limit=50 (supervisor)" "${auth[@]}" "$base/matters?limit=50"
run "GET /matters/{id}" "${auth[@]}" "$base/matters/$detail"
run "POST /matters/{id}/feedback" -s "$work/feedback.lua" "http://127.0.0.1:$port"
# Last: slow dashboards still being computed would hold up whatever ran after them. One
# request alone first, the median of three: what one person waits.
alone=$(for _ in 1 2 3; do curl -s -o /dev/null -w '%{time_total}\n' "${auth[@]}" "$base/dashboard"; done |
  median | awk '{printf "%.1f", $1 * 1000}')
printf '| %-44s | %8s ms | %11s | %9s |\n' "GET /dashboard (root), one request alone" "$alone" "" ""
run "GET /dashboard (root)" "${auth[@]}" "$base/dashboard"
kill $server; wait $server 2>/dev/null || true; server=""

# Peak memory (resident set, kB) from GNU time where it is installed.
peak() { # output file, command…
  local out=$1; shift
  if [ -x /usr/bin/time ]; then /usr/bin/time -f '%M' -o "$out" "$@"; else echo "?" >"$out"; "$@"; fi
}
start=$(date +%s.%N)
sweep=$(peak "$work/sweep.mem" "$bin" sweep "${where[@]}" --clock "$clock")
sweep_secs=$(python3 -c "print(round($(date +%s.%N) - $start, 2))")
# The next working morning: every light whose window ended overnight is worked out again.
start=$(date +%s.%N)
next=$(peak "$work/next.mem" "$bin" sweep "${where[@]}" --clock "2026-07-01T09:00:00+08:00")
next_secs=$(python3 -c "print(round($(date +%s.%N) - $start, 2))")
echo
echo "| gen ($scale)                                  | ${gen_secs} s |"
mb() { awk '{ if ($1 ~ /^[0-9]+$/) printf "%.0f MB", $1 / 1024; else print "?" }' "$1"; }
echo "| luoshi sweep, same day                        | ${sweep_secs} s | peak $(mb "$work/sweep.mem") |"
echo "| luoshi sweep, next morning                    | ${next_secs} s | peak $(mb "$work/next.mem") |"
echo "sweep: $sweep"
echo "next morning: $next"
