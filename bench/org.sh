#!/usr/bin/env bash
# Times `luoshi org import` of a generated province's contact list — 3,000 units (the province,
# 16 cities, their counties, departments and towns) and 30,000 people — into an empty data
# directory: reading and checking every row (--dry-run), and the whole import with its one-time
# passwords. Each is run three times on a fresh directory; the table shows the medians of the
# elapsed time and of the peak memory (/usr/bin/time).
# Usage: bench/org.sh [units, default 3000] [people per unit, default 10].
set -euo pipefail
cd "$(dirname "$0")/.."
units=${1:-3000}
per=${2:-10}
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$units" "$per" "$work/通讯录.csv" <<'PY'
import csv, random, sys
units, per, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
random.seed(11)
surnames = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红"
departments = ["发展和改革委员会", "财政局", "教育局", "住房和城乡建设局", "交通运输局", "农业农村局",
               "生态环境局", "卫生健康委员会", "民政局", "商务局", "科学技术局", "水利局"]
rows = []  # (name, parent, short)
rows.append(("云岭省人民政府", "", "省政府"))
for d in departments:
    rows.append((f"云岭省{d}", "云岭省人民政府", ""))
c = 0
while len(rows) < units:
    c += 1
    city = f"第{c}市人民政府"
    rows.append((city, "云岭省人民政府", f"第{c}市"))
    for d in departments:
        rows.append((f"第{c}市{d}", city, ""))
    for k in range(1, 9):
        county = f"第{c}市第{k}县人民政府"
        rows.append((county, city, ""))
        for d in departments[:8]:
            rows.append((f"第{c}市第{k}县{d}", county, ""))
        for t in range(1, 11):
            rows.append((f"第{c}市第{k}县第{t}镇人民政府", county, ""))
rows = rows[:units]
with open(out, "w", encoding="utf-8-sig", newline="") as f:
    w = csv.writer(f)
    w.writerow(["单位名称", "上级单位", "简称", "姓名", "职务", "手机号码"])
    n = 0
    for name, parent, short in rows:
        for _ in range(per):
            n += 1
            person = random.choice(surnames) + random.choice(given) + random.choice(given)
            w.writerow([name, parent, short, person, "联络员", f"13{n:09d}"])
PY

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '| %-34s | %10s | %12s |\n' "org import, $units units × $per people" "median s" "median MB"
printf '|%s|%s|%s|\n' "------------------------------------" "------------" "--------------"
for mode in dry-run import; do
  secs=""; mem=""
  for _ in 1 2 3; do
    rm -rf "$work/office" "$work/pw.xlsx"
    args=(org import "$work/通讯录.csv" --data "$work/office" --passwords "$work/pw.xlsx" --json)
    [ "$mode" = dry-run ] && args+=(--dry-run)
    /usr/bin/time -f '%e %M' -o "$work/time" ./target/release/luoshi "${args[@]}" >/dev/null 2>"$work/err" \
      || { cat "$work/err" >&2; exit 1; }
    read -r s kb <"$work/time"
    secs+="$s"$'\n'; mem+="$((kb / 1024))"$'\n'
  done
  printf '| %-34s | %10.2f | %12s |\n' "$mode" "$(median <<<"$secs")" "$(median <<<"$mem")"
done
