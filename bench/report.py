#!/usr/bin/env python3
"""Turns bench/run.sh's result lines into the markdown report (stdout).

Result lines: "system mode conns rps p50_ms p99_ms p999_ms errors rss_mb".
"""

import argparse
import datetime
import os
import platform

ROUTES = [
    ("live", "GET /health/live (ceiling)", None),
    ("feed", "GET /v1/feed?limit=10", "feed"),
    ("wall", "GET /v1/riders/{id}/wall?limit=10", None),
    ("suggestions", "GET /v1/me/suggestions?limit=10", "suggestions"),
    ("post", "GET /v1/posts/{id}", None),
    ("like", "PUT/DELETE /v1/posts/{id}/like", "post_like"),
    ("create", "POST /v1/posts (durable)", "post"),
    ("mix", "mix: 90% reads, 10% writes", None),
]


def parse(path):
    rows = {}
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) != 9:
                continue
            system, mode, conns = p[0], p[1], int(p[2])
            rps, p50, p99, p999 = (float(x) for x in p[3:7])
            rows[(system, mode, conns)] = dict(
                rps=rps, p50=p50, p99=p99, p999=p999, errors=int(float(p[7])), rss=p[8])
    return rows


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown cpu"


def fmt(v, digits=0):
    return f"{v:,.{digits}f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    for name in ["scale", "secs", "pinned", "gen-secs", "import-secs", "import-rels",
                 "import-line", "first-ready", "restart-ready", "restart-rss", "peak-rss", "read-rss",
                 "late-ready", "late-rss", "late-posts",
                 "visibility"]:
        ap.add_argument("--" + name, default="")
    a = ap.parse_args()
    rows = parse(a.results)
    ceiling = rows.get(("pillion", "live", 40), {}).get("rps")

    print(f"## Scale {a.scale} — {datetime.date.today().isoformat()}")
    print()
    pin = ("server (Pillion or PostgreSQL) on core 0, load generator on core 1"
           if a.pinned == "1" else "no CPU pinning")
    print(f"{os.cpu_count()} cores ({cpu_model()}); {pin}; {a.secs} s per run; "
          f"40 connections unless noted.")
    print()
    print(f"- generate: {a.gen_secs} s; import: {a.import_secs} s, "
          f"**{fmt(float(a.import_rels or 0))} relationships/s**")
    print(f"  (`{a.import_line.strip()}`)")
    print(f"- first start to ready: {a.first_ready} s; **restart to ready: {a.restart_ready} s** "
          f"(RSS after it {a.restart_rss} MB); **peak RSS through the read routes: {a.read_rss} MB**")
    print(f"- after the write runs (network grown to {a.late_posts} posts): peak RSS {a.peak_rss} MB; "
          f"restart to ready {a.late_ready} s, RSS after it {a.late_rss} MB")
    print(f"- new post in every friend's feed (up to 50 friends read per post, under the mix load): "
          f"{a.visibility}")
    print()
    print("| route | req/s | vs ceiling | vs PostgreSQL | p50 ms | p99 ms | p99.9 ms | errors | RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for mode, name, pg_script in ROUTES:
        r = rows.get(("pillion", mode, 40))
        if not r:
            continue
        vs_ceiling = f"{r['rps'] / ceiling:.2f}" if ceiling else "-"
        pg = rows.get(("postgres", pg_script, 40)) if pg_script else None
        vs_pg = f"{r['rps'] / pg['rps']:.1f}x" if pg and pg["rps"] else "-"
        print(f"| {name} | {fmt(r['rps'])} | {vs_ceiling} | {vs_pg} | {r['p50']:.2f} | "
              f"{r['p99']:.2f} | {r['p999']:.2f} | {r['errors']} | {r['rss']} |")
    pg_rows = [(k[1], v) for k, v in rows.items() if k[0] == "postgres"]
    if pg_rows:
        print()
        print("PostgreSQL 15, same data, `pgbench -M prepared -c 40` (bench/pg/):")
        print()
        print("| script | tx/s | p50 ms | p99 ms | p99.9 ms | errors |")
        print("|---|---:|---:|---:|---:|---:|")
        for script, r in pg_rows:
            print(f"| {script} | {fmt(r['rps'])} | {r['p50']:.2f} | {r['p99']:.2f} | "
                  f"{r['p999']:.2f} | {r['errors']} |")
    curve = sorted({k[2] for k in rows if k[0] == "pillion" and k[1] in ("feed", "mix")})
    if len(curve) > 1:
        print()
        print("Latency curve (Pillion):")
        print()
        print("| connections | feed req/s | feed p50 | feed p99 | feed p99.9 | mix req/s | mix p50 | mix p99 | mix p99.9 |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for c in curve:
            f = rows.get(("pillion", "feed", c))
            m = rows.get(("pillion", "mix", c))
            cell = lambda r: (f"{fmt(r['rps'])} | {r['p50']:.2f} | {r['p99']:.2f} | {r['p999']:.2f}"
                              if r else "- | - | - | -")
            print(f"| {c} | {cell(f)} | {cell(m)} |")


if __name__ == "__main__":
    main()
