#!/usr/bin/env python3
"""Do Pillion, PostgreSQL and FalkorDB give the same answers to the benchmark's queries?

    check.py --url URL --token-file FILE --db DBNAME [--falkordb-port P] [--sample N] [--seed S]

For a sample of riders (the 5 with the most friends, then random ones), runs each query as the
benchmark runs it — Pillion's POST /v1/cypher with the contract's text, bench/cypher/q1.sql and
q2.sql through psql, falkordb.py's queries — and compares the answers as multisets of the
returned riders' ids (one entry per row, so a missing or extra path shows). Prints one line per
query and system, and every mismatch; exits 3 if there was one.
"""

import argparse
import collections
import json
import os
import random
import subprocess
import sys
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import falkordb  # noqa: E402  (the sibling falkordb.py)

CONTRACT = {
    "q1": "MATCH (a:Rider)-[:IS_FRIEND]-(b:Rider)-[:IS_FRIEND]-(c:Rider) WHERE id(a)=$id RETURN c",
    "q2": "MATCH (a:Rider)-[:IS_FRIEND]-(b:Rider)-[:IS_FRIEND]-(c:Rider) WHERE id(a)=$id"
          " AND NOT (a:Rider)-[:IS_FRIEND]-(c:Rider) RETURN c",
}


def psql(db, sql):
    return subprocess.run(["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql],
                          check=True, capture_output=True, text=True).stdout


def pillion(url, token, query, rid):
    body = json.dumps({"query": CONTRACT[query], "params": {"id": rid}}).encode()
    req = urllib.request.Request(url + "/v1/cypher", data=body, method="POST", headers={
        "Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        answer = json.load(r)
    return [row[0]["id"] for row in answer["rows"]]


def postgres(db, query, idx):
    # The pgbench script as it is, less its \set line, with :i given to psql.
    with open(os.path.join(HERE, query + ".sql")) as f:
        sql = "".join(line for line in f if not line.startswith("\\set"))
    out = subprocess.run(["psql", "-X", "-At", "-F", "|", "-v", "ON_ERROR_STOP=1", "-v", f"i={idx}",
                          "-d", db], input=sql, check=True, capture_output=True, text=True).stdout
    return [int(line.split("|", 1)[0]) for line in out.splitlines() if line]


def falkor(port, query, rid):
    c = falkordb.Conn(port)
    reply = c.call("GRAPH.RO_QUERY", falkordb.GRAPH, f"CYPHER id={rid} {falkordb.QUERIES[query]}")
    return [dict(node[2][1])["id"] for (node,) in reply[1]]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--token-file", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--falkordb-port", type=int)
    ap.add_argument("--sample", type=int, default=100)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    for k, v in (("PGHOST", "127.0.0.1"), ("PGPORT", "5432"), ("PGUSER", "postgres")):
        os.environ.setdefault(k, v)
    with open(args.token_file) as f:
        token = f.readline().strip()

    idx_of = {}
    for line in psql(args.db, "SELECT rider_id, idx FROM bench_riders").splitlines():
        rid, idx = line.split("|")
        idx_of[int(rid)] = int(idx)
    top = [int(x) for x in psql(args.db, "SELECT rider_id FROM friends GROUP BY rider_id "
                                         "ORDER BY count(*) DESC, rider_id LIMIT 5").split()]
    rest = sorted(set(idx_of) - set(top))
    sample = top + random.Random(args.seed).sample(rest, max(0, min(args.sample - 5, len(rest))))

    bad = 0
    for query in ("q1", "q2"):
        rows = collections.Counter()
        for rid in sample:
            want = collections.Counter(postgres(args.db, query, idx_of[rid]))
            rows["postgres"] += sum(want.values())
            got = {"pillion": collections.Counter(pillion(args.url, token, query, rid))}
            if args.falkordb_port:
                for fq in [query] + (["q2_collect"] if query == "q2" else []):
                    name = "falkordb" + ("" if fq == query else f" ({fq})")
                    got[name] = collections.Counter(falkor(args.falkordb_port, fq, rid))
            for system, answer in got.items():
                rows[system] += sum(answer.values())
                if answer != want:
                    bad += 1
                    if bad <= 10:
                        print(f"MISMATCH {query} rider {rid}: {system} {sum(answer.values())} rows, "
                              f"postgres {sum(want.values())}; only {system}: "
                              f"{list((answer - want).elements())[:5]}, only postgres: "
                              f"{list((want - answer).elements())[:5]}")
        for system, n in rows.items():
            print(f"check {query} {system}: {len(sample)} riders, {n} rows, "
                  f"{n / len(sample):.1f} rows per answer")
    if bad:
        print(f"check: {bad} mismatched answers")
        sys.exit(3)
    print(f"check: OK, the same rows from every system for {len(sample)} riders and both queries")


if __name__ == "__main__":
    main()
