#!/usr/bin/env python3
"""Turns bench/cypher/run.sh's result lines into the markdown report (stdout).

    report.py RESULTS NOTES --secs S --pinned 0|1 --conns C --riders N --friendships M --import-line L

RESULTS lines: "round system query rps p50_ms p99_ms p999_ms errors rows bytes" ('-' if unknown).
NOTES lines: free text about the systems, "mean_rows Q1 Q2", "check ..." lines from check.py.
"""

import argparse
import collections
import datetime
import platform

SYSTEMS = [
    # (system, query suffix, label, is the reference the ratio is taken against)
    ("pillion", "", "Pillion, `POST /v1/cypher` (HTTP, JSON)", False),
    ("postgres", "", "PostgreSQL, plain join (`q1.sql` / `q2.sql`)", True),
    ("postgres", "_recursive", "PostgreSQL, `WITH RECURSIVE` (`q*_recursive.sql`)", True),
    ("falkordb", "", "FalkorDB, same rows (`r1 <> r2`)", True),
    ("falkordb", "_collect", "FalkorDB, Q2 tuned: a's friends collected, `NOT c IN fs`", True),
    ("falkordb", "_literal", "FalkorDB, the query as written (other rows, see README)", True),
]
QUERIES = [("q1", "Q1 friends of friends"), ("q2", "Q2 friends of friends who are not friends")]


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown cpu"


def times(r):
    """A ratio as text: one decimal from 1 up, two below (0.06x: the reference is 16x faster)."""
    return f"{r:.1f}x" if r >= 1 else f"{r:.2f}x"


def num(x):
    return None if x == "-" else float(x)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("notes")
    for name in ["secs", "pinned", "conns", "riders", "friendships", "import-line"]:
        ap.add_argument("--" + name, default="")
    a = ap.parse_args()

    runs = {}
    rounds = []
    with open(a.results) as f:
        for line in f:
            p = line.split()
            if len(p) != 10:
                continue
            r = int(p[0])
            if r not in rounds:
                rounds.append(r)
            runs[(r, p[1], p[2])] = dict(
                rps=float(p[3]), p50=float(p[4]), p99=float(p[5]), p999=float(p[6]),
                errors=int(float(p[7])), rows=num(p[8]), bytes=num(p[9]))
    notes = open(a.notes).read().splitlines()
    mean_rows = {}
    checks, about = [], []
    for n in notes:
        if n.startswith("mean_rows "):
            q1, q2 = n.split()[1:3]
            mean_rows = {"q1": q1, "q2": q2}
        elif n.startswith("check"):
            checks.append(n)
        else:
            about.append(n)

    cores = "Pillion, PostgreSQL and FalkorDB each on core 0, the load generator on core 1" \
        if a.pinned == "1" else "no pinning"
    out = []
    w = out.append
    w("# Cypher benchmark, scale 1")
    w("")
    w(f"`bench/cypher/run.sh --secs {a.secs}`, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC. "
      f"2 cores ({cpu_model()}); {cores} (nice -20 as root); {a.conns} connections; "
      f"{a.secs} s per run; every request asks about a random one of the {int(a.riders):,} riders "
      f"({int(a.friendships):,} friendships). The machine is shared: read the ratios within a "
      f"round; the rounds ran one after the other, each system on Q1, then each on Q2.")
    w("")
    for n in about:
        w(f"- {n}")
    if a.import_line:
        w(f"- Pillion import: `{a.import_line}`")
    if mean_rows:
        w(f"- Rows per answer, mean over all riders (exact, from PostgreSQL): "
          f"**Q1 {mean_rows['q1']}**, **Q2 {mean_rows['q2']}**")
    w("")
    if checks:
        w("Same answers (`check.py`: each query as benchmarked, compared as multisets of returned "
          "rider ids, for the 5 riders with the most friends and random ones):")
        w("")
        w("```")
        out.extend(checks)
        w("```")
        w("")

    for r in rounds:
        w(f"## Round {r}")
        w("")
        w("| query | system | req/s | p50 ms | p99 ms | p99.9 ms | errors | rows/answer | KB/answer | Pillion's req/s ÷ this |")
        w("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for q, qlabel in QUERIES:
            base = runs.get((r, "pillion", q))
            for system, suffix, label, ref in SYSTEMS:
                x = runs.get((r, system, q + suffix))
                if not x:
                    continue
                ratio = f"**{times(base['rps'] / x['rps'])}**" if ref and base and x["rps"] > 0 else "-"
                rows = f"{x['rows']:,.0f}" if x["rows"] is not None else \
                    (mean_rows.get(q, "-") + "*" if mean_rows else "-")
                kb = f"{x['bytes'] / 1024:,.0f}" if x["bytes"] is not None else "-"
                w(f"| {qlabel if system == 'pillion' else ''} | {label} | {x['rps']:,.0f} | "
                  f"{x['p50']:.2f} | {x['p99']:.2f} | {x['p999']:.2f} | {x['errors']} | {rows} | {kb} | {ratio} |")
        w("")
    w("rows/answer: measured from the replies for FalkorDB; * = the exact mean over all riders "
      "(wrk and pgbench do not count rows; check.py shows each system answers the same rows). "
      "KB/answer: Pillion's HTTP response, headers included.")
    w("")

    # Ratios in one place.
    w("## Ratios per round")
    w("")
    w("Throughput: Pillion's req/s ÷ the reference's (above 1: Pillion serves more). "
      "p99: the reference's p99 ÷ Pillion's (above 1: Pillion's tail is shorter).")
    w("")
    w("| query | reference | " + " | ".join(f"round {r} req/s | round {r} p99" for r in rounds) + " |")
    w("|---|---|" + "---:|---:|" * len(rounds))
    for q, qlabel in QUERIES:
        for system, suffix, label, ref in SYSTEMS:
            if not ref:
                continue
            cells = []
            for r in rounds:
                base, x = runs.get((r, "pillion", q)), runs.get((r, system, q + suffix))
                ok = base and x and x["rps"] > 0 and base["p99"] > 0
                cells.append(times(base["rps"] / x["rps"]) if ok else "-")
                cells.append(times(x["p99"] / base["p99"]) if ok else "-")
            if any(c != "-" for c in cells):
                w(f"| {qlabel} | {label} | " + " | ".join(cells) + " |")
    w("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
