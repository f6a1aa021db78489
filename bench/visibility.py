#!/usr/bin/env python3
"""How long until a new post is in every friend's feed.

Usage: visibility.py URL TOKENS_FILE POSTS [MAX_FRIENDS]

TOKENS_FILE holds "<rider id> <token>" lines for (ideally) every rider. For POSTS authors picked at
random among riders with at least one friend, the script reads the author's friends, creates a
post, and then reads the first feed page of every friend (up to MAX_FRIENDS, default 50, picked at
random) on 8 connections at once, again and again until the post is on it. A friend's latency runs
from the moment the POST was sent to the moment a feed page holding the post came back, so it is an
upper bound that includes the time to read the feeds. Prints one RESULT line with p50/p99/max of
"the last friend saw it" per post, and of every friend's latency.
"""

import http.client
import json
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

TIMEOUT_S = 5.0

local = threading.local()


def conn(host, port):
    c = getattr(local, "conn", None)
    if c is None:
        c = http.client.HTTPConnection(host, port, timeout=10)
        local.conn = c
    return c


def call(host, port, method, path, token, body=None):
    headers = {"Authorization": "Bearer " + token}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    for attempt in range(2):
        c = conn(host, port)
        try:
            c.request(method, path, body=data, headers=headers)
            r = c.getresponse()
            payload = r.read()
            return r.status, (json.loads(payload) if payload else None)
        except (http.client.HTTPException, ConnectionError, OSError):
            local.conn = None
            if attempt == 1:
                raise
    raise RuntimeError("unreachable")


def friends_of(host, port, rider, token):
    out, cursor = [], None
    while True:
        path = f"/v1/riders/{rider}/friends?limit=100"
        if cursor:
            path += "&cursor=" + cursor
        status, page = call(host, port, "GET", path, token)
        if status != 200:
            raise SystemExit(f"friends of {rider}: HTTP {status} {page}")
        out.extend(item["id"] for item in page["items"])
        cursor = page.get("next_cursor")
        if not cursor:
            return out


def wait_visible(host, port, token, post_id, sent):
    while True:
        status, page = call(host, port, "GET", "/v1/feed?limit=10", token)
        now = time.perf_counter()
        if status == 200 and any(p["id"] == post_id for p in page["items"]):
            return now - sent
        if now - sent > TIMEOUT_S:
            return None


def pct(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q / 100 * (len(s) - 1))))]


def main():
    url, tokens_file, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    max_friends = int(sys.argv[4]) if len(sys.argv) > 4 else 50
    u = urlparse(url)
    host, port = u.hostname, u.port
    tokens = {}
    with open(tokens_file) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2:
                tokens[int(parts[0])] = parts[1]
    rng = random.Random(7)
    riders = sorted(tokens)
    per_post, per_friend, missing, done = [], [], 0, 0
    with ThreadPoolExecutor(max_workers=8) as pool:
        while done < n:
            author = rng.choice(riders)
            friends = [f for f in friends_of(host, port, author, tokens[author]) if f in tokens]
            if not friends:
                continue
            if len(friends) > max_friends:
                friends = rng.sample(friends, max_friends)
            sent = time.perf_counter()
            status, post = call(host, port, "POST", "/v1/posts", tokens[author],
                                {"body": f"visibility probe {done}", "visibility": "friends"})
            if status != 201:
                raise SystemExit(f"create post: HTTP {status} {post}")
            lat = list(pool.map(
                lambda fr: wait_visible(host, port, tokens[fr], post["id"], sent), friends))
            seen = [x for x in lat if x is not None]
            missing += len(lat) - len(seen)
            per_friend.extend(seen)
            if seen:
                per_post.append(max(seen))
            done += 1
    ms = lambda v: v * 1000
    print(
        "RESULT posts=%d friend_reads=%d missing=%d all_p50_ms=%.2f all_p99_ms=%.2f all_max_ms=%.2f "
        "friend_p50_ms=%.2f friend_p99_ms=%.2f"
        % (len(per_post), len(per_friend), missing,
           ms(pct(per_post, 50)), ms(pct(per_post, 99)), ms(max(per_post)),
           ms(pct(per_friend, 50)), ms(pct(per_friend, 99))))


if __name__ == "__main__":
    main()
