#!/usr/bin/env python3
"""Summarise bench/run.sh results: medians and bests per strategy, ratios against the floor (sql/floor-<version>.sql).

Two ratios: of the medians, and of the best repetitions. On a shared machine interference only
ever adds time, so the best of N is the estimate of a strategy's own cost that other work
disturbs least; the median says how a typical call went on this machine at this time. Where the
bound is missed, the verdict also says whether it holds with the +10 ms allowance FINDINGS F7
proposes for purges whose floor is a few milliseconds."""
import collections
import statistics
import sys

results, scenarios, machine, command = sys.argv[1:5]
rows = collections.defaultdict(list)
order = []
for line in open(results):
    sc, v, rep, strat, status, ms, n, stm, fkq, hwm, priv, sig = line.rstrip("\n").split("\t")
    key = (sc, v)
    if key not in order:
        order.append(key)
    rows[key, strat].append(dict(status=status, ms=float(ms), rows=int(n), stm=int(stm), fkq=int(fkq),
                                 hwm=int(hwm), priv=int(priv), sig=sig))
meta = {}
for line in open(scenarios):
    sc, v, kind, target, size, m = line.rstrip("\n").split("\t")
    meta[sc, v] = (kind, target, size, m)

describe = {
    "A": "one deleted experiment of 200 runs x 1,000 metrics",
    "B": "every deleted experiment (10% of runs) via mlflow_purge_deleted()",
    "B+ix": "B with the indexes the preflight rule recommends (runs.experiment_id, ...)",
    "C": "one deleted run with 1,000,000 metrics",
    "D": "one deleted run (1,000 metrics) from B's database",
    "E": "B's shape without the run_uuid indexes (pre-1.25 / botched upgrade)",
    "E+ix": "E with the indexes the preflight rule recommends (run_uuid ones included)",
}
print()
print(f"Machine: {machine}")
print(f"Command: {command}")
print()
for (sc, v) in order:
    kind, target, size, m = meta.get((sc, v), ("?", "?", "?", ""))
    print(f"  {sc:5} MLflow {v:6} {describe.get(sc, '')}; database {size}: {m}")
print()
BASE = "floor"
STRATEGIES = ["extension", "ext-nobook", "floor", "cascade-temp", "per-run"]
hdr = f"| {'scenario':8} | {'MLflow':6} | {'strategy':12} | {'median ms':>10} | {'x floor':>7} | {'best ms':>10} | {'best x floor':>12} | {'rows purged':>11} | {'statements':>10} | {'FK-trigger queries':>18} | {'peak RSS MB':>11} | {'private MB':>10} | reps |"
print(hdr)
print("|" + "|".join("-" * (len(c)) for c in hdr.split("|")[1:-1]) + "|")
verdicts = []
for (sc, v) in order:
    base = rows.get(((sc, v), BASE))
    base_ms = statistics.median(r["ms"] for r in base) if base else None
    base_best = min(r["ms"] for r in base) if base else None
    sigs = {}
    present = {k[1] for k in rows if k[0] == (sc, v)}
    for strat in STRATEGIES + sorted(present - set(STRATEGIES)):
        rs = rows.get(((sc, v), strat))
        if not rs:
            continue
        ms = statistics.median(r["ms"] for r in rs)
        best = min(r["ms"] for r in rs)
        timed_out = any(r["status"] != "ok" for r in rs)
        ratio = f"{ms / base_ms:.2f}" if base_ms else "-"
        best_ratio = f"{best / base_best:.2f}" if base_best else "-"
        if timed_out:
            ratio = ">" + ratio
            best_ratio = ">" + best_ratio
        ms_s = (">" if timed_out else "") + f"{ms:,.1f}"
        best_s = (">" if timed_out else "") + f"{best:,.1f}"
        last = rs[-1]
        sigs[strat] = {r["sig"] for r in rs if r["status"] == "ok"}
        print(f"| {sc:8} | {v:6} | {strat:12} | {ms_s:>10} | {ratio:>7} | {best_s:>10} | {best_ratio:>12} | {last['rows']:>11,} | {last['stm']:>10,} | "
              f"{last['fkq']:>18,} | {max(r['hwm'] for r in rs):>11} | {max(r['priv'] for r in rs):>10} | {len(rs):>4} |")
        if strat in ("extension", "ext-nobook") and base_ms:
            verdicts.append((sc, v, strat, ms / base_ms, best / base_best, base_ms))
    all_sigs = set().union(*sigs.values()) if sigs else set()
    if len(all_sigs) > 1:
        print(f"| {sc:8} | {v:6} | WARNING: the strategies did not delete the same rows per table: "
              + " / ".join(f"{k}: {sorted(s)}" for k, s in sigs.items()))
print()
print("Ratio to the floor, of the medians / of the best repetitions (bound: extension <= 1.10 x floor")
print("in A-C where the floor takes >= 100 ms; below that the fixed cost of one call in a fresh connection")
print("counts (<= 5 ms, bench/live-primary.py prints it on its own line); ext-nobook = the same build")
print("without its audit row and artifact outbox, for reference):")
for sc, v, strat, ratio, best_ratio, base_ms in verdicts:
    bound = sc in ("A", "B", "C") and strat == "extension"
    if bound and base_ms < 100:
        mark = "(floor %.1f ms < 100 ms: not bound; the fixed cost of a call counts)" % base_ms
        print(f"  {sc:5} MLflow {v:6} {strat:10} {ratio:5.2f} / {best_ratio:4.2f}  {mark}")
        continue
    if not bound:
        mark = "(not bound)"
    elif ratio <= 1.10 and best_ratio <= 1.10:
        mark = "holds"
    elif best_ratio <= 1.10 or ratio <= 1.10:
        mark = "holds on one of the two: within this run's noise"
    else:
        mark = "MISSED"
    print(f"  {sc:5} MLflow {v:6} {strat:10} {ratio:5.2f} / {best_ratio:4.2f}  {mark}")
print()
print("statements = SQL statements the server executed for the strategy, nested ones (the extension's SPI")
print("statements) included, PostgreSQL's own foreign-key trigger queries excluded and counted apart")
print("(pg_stat_statements, track = all, utility statements such as BEGIN/COMMIT not counted).")
print("peak RSS = VmHWM of the backend (includes shared buffers it touched); private = VmHWM - RssShmem.")
