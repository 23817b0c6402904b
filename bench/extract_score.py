"""Scores `luoshi import --dry-run --json` output against hand-written truth files; see extract.sh."""
import difflib, json, os, re, sys

truth_dir, out_dir = sys.argv[1], sys.argv[2]


def plain(s):
    return re.sub(r"[\s,,。;;::、()()“”\"'《》]", "", s or "")


def phrase(s):
    """A deadline phrase without the words around the date: 于6月底前完成 → 6月底."""
    s = plain(s)
    s = re.sub(r"^(并于|于|在|力争|确保)", "", s)
    return re.sub(r"(之前|以前|前|完成|办结|完工)+$", "", s)


def names(v):
    return sorted(plain(n) for n in v)


def score(truth, rows):
    pairs, used = [], set()
    for t in truth:
        best, best_ratio = None, 0.6
        for i, r in enumerate(rows):
            if i in used:
                continue
            ratio = difflib.SequenceMatcher(None, plain(t["title"]), plain(r["title"])).ratio()
            if ratio >= best_ratio:
                best, best_ratio = i, ratio
        if best is not None:
            used.add(best)
            pairs.append((t, rows[best]))
    fields = {
        "lead": sum(names(t["lead_units"]) == names(r["lead_units"]) for t, r in pairs),
        "co": sum(names(t["co_units"]) == names(r["co_units"]) for t, r in pairs),
        "deadline": sum(phrase(t["deadline"]) == phrase(r["deadline_text"]) for t, r in pairs),
    }
    return len(pairs), fields


def ratio(a, b):
    return a / b if b else 1.0


total = {"truth": 0, "rows": 0, "matched": 0, "lead": 0, "co": 0, "deadline": 0}
print(f"| {'document':<24} | truth | rows | recall | precision | lead | co | deadline |")
print(f"|{'-' * 26}|-------|------|--------|-----------|------|----|----------|")
for name in sorted(f[: -len(".truth.json")] for f in os.listdir(truth_dir) if f.endswith(".truth.json")):
    truth = json.load(open(os.path.join(truth_dir, name + ".truth.json")))
    try:
        rows = json.load(open(os.path.join(out_dir, name + ".json")))["rows"]
    except (OSError, ValueError):
        rows = []
    matched, fields = score(truth, rows)
    for k, v in (("truth", len(truth)), ("rows", len(rows)), ("matched", matched), *fields.items()):
        total[k] += v
    print(
        f"| {name:<24} | {len(truth):>5} | {len(rows):>4} | {ratio(matched, len(truth)):>6.2f} "
        f"| {ratio(matched, len(rows)):>9.2f} | {ratio(fields['lead'], matched):>4.2f} "
        f"| {ratio(fields['co'], matched):>4.2f} | {ratio(fields['deadline'], matched):>8.2f} |"
    )
m = total["matched"]
print(
    f"| {'overall':<24} | {total['truth']:>5} | {total['rows']:>4} | {ratio(m, total['truth']):>6.2f} "
    f"| {ratio(m, total['rows']):>9.2f} | {ratio(total['lead'], m):>4.2f} | {ratio(total['co'], m):>4.2f} "
    f"| {ratio(total['deadline'], m):>8.2f} |"
)
print(f"field accuracy (all three fields of a matched row): "
      f"{ratio(total['lead'] + total['co'] + total['deadline'], 3 * m):.2f}")
