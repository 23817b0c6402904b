#!/usr/bin/env bash
# Times `luoshi import` of a 10,000-row task table into the demo city: reading and checking every
# row (--dry-run) and the whole import (one transaction). The table is written as CSV and, when
# LibreOffice is installed, converted to .xlsx so that the spreadsheet reader is timed too.
# Each is run three times on a fresh copy of the database; the table shows the medians.
# Usage: bench/import.sh [rows, default 10000].
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-10000}
cargo build --release --quiet
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
clock=2026-06-30T09:00:00+08:00
./target/release/luoshi demo --data "$work/demo" --addr 127.0.0.1:0 --clock "$clock" >"$work/out.log" 2>&1 &
server=$!
until grep -q "http://" "$work/out.log"; do sleep 0.1; done
kill $server; wait $server 2>/dev/null || true

python3 - "$rows" "$work/tasks.csv" <<'PY'
import csv, random, sys
rows, out = int(sys.argv[1]), sys.argv[2]
random.seed(7)
units = ["市发改委", "市财政局", "市住建局", "市自然资源规划局", "市生态环境局", "市教育局",
         "市卫健委", "市交通运输局", "市民政局", "市农业农村局", "市商务局", "市科技局"]
deadlines = ["2026年6月底前", "9月30日前", "年底前", "三季度末", "8月中旬", "持续推进", "每季度"]
with open(out, "w", encoding="utf-8-sig", newline="") as f:
    w = csv.writer(f)
    w.writerow(["2026年重点工作任务分解表"])
    w.writerow(["序号", "工作任务", "牵头单位", "配合单位", "完成时限"])
    for i in range(1, rows + 1):
        lead, *co = random.sample(units, random.randint(1, 3))
        w.writerow([i, f"第{i}项重点工作:推进城市更新和老旧小区改造,完成年度目标", lead, "、".join(co),
                    random.choice(deadlines)])
PY
files=("$work/tasks.csv")
if command -v libreoffice >/dev/null; then
  (cd "$work" && libreoffice --headless --infilter="CSV:44,34,76,1" \
    --convert-to 'xlsx:Calc MS Excel 2007 XML' tasks.csv >/dev/null 2>&1) || true
  [ -s "$work/tasks.xlsx" ] && files+=("$work/tasks.xlsx")
fi

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
seconds() {
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null || { echo "failed: $*" >&2; exit 1; }
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}

printf '| %-28s | %10s |\n' "import of $rows rows" "median s"
printf '|%s|%s|\n' "------------------------------" "------------"
for file in "${files[@]}"; do
  for mode in dry-run import; do
    times=""
    for _ in 1 2 3; do
      rm -rf "$work/db" && cp -r "$work/demo" "$work/db"
      if [ "$mode" = dry-run ]; then
        times+="$(seconds ./target/release/luoshi import "$file" --data "$work/db" --clock "$clock" --dry-run --json)"$'\n'
      else
        times+="$(seconds ./target/release/luoshi import "$file" --data "$work/db" --clock "$clock" --partial)"$'\n'
      fi
    done
    printf '| %-28s | %10.2f |\n' "$(basename "$file") $mode" "$(median <<<"$times")"
  done
done
