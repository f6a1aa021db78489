#!/usr/bin/env python3
"""Seeds a running Pillion server through its HTTP API for the smoke benchmark.

Signs up RIDERS riders, makes each befriend a few others (friend_request + accept through
/v1/batch), has each follow a few interests and write POSTS posts, and writes one bearer token
per line to TOKENS_FILE. Deterministic (seeded). Standard library only.
"""
import json
import random
import sys
import urllib.request

base, riders, posts, tokens_file = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = random.Random(42)
INTERESTS = ["BMW R 1200 GS/Adventure", "Ténéré 700", "track days", "Alps", "camping"]


def call(method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    with urllib.request.urlopen(req) as res:
        raw = res.read()
        return json.loads(raw) if raw else None


ids, toks = [], []
for n in range(riders):
    r = call("POST", "/v1/riders", {"handle": f"rider{n}", "name": f"Rider {n}", "password": "benchmark-pw"})
    ids.append(r["rider"]["id"])
    toks.append(r["token"])

# Each rider asks ~4 others; they accept in one batch each.
asks = {}
for i in range(riders):
    for j in rng.sample(range(riders), 4):
        if j != i and (j, i) not in asks:
            asks[(i, j)] = True
by_from = {}
for (i, j) in asks:
    by_from.setdefault(i, []).append(j)
for i, targets in by_from.items():
    call("POST", "/v1/batch", {"ops": [{"op": "friend_request", "rider_id": ids[j]} for j in targets]}, toks[i])
by_to = {}
for (i, j) in asks:
    by_to.setdefault(j, []).append(i)
for j, senders in by_to.items():
    call("POST", "/v1/batch", {"ops": [{"op": "accept", "rider_id": ids[i]} for i in senders]}, toks[j])

for i in range(riders):
    for name in rng.sample(INTERESTS, 2):
        call("POST", "/v1/interests/" + urllib.request.quote(name, safe="") + "/follow", None, toks[i])
    ops = [{"op": "post", "body": f"ride report {k} by rider {i}",
            "visibility": rng.choice(["friends", "public"]),
            "interests": rng.sample(INTERESTS, 1)} for k in range(posts)]
    call("POST", "/v1/batch", {"ops": ops}, toks[i])

with open(tokens_file, "w") as f:
    f.write("\n".join(toks) + "\n")
print(f"seeded {riders} riders, {len(asks)} friendships, {riders * posts} posts", file=sys.stderr)
