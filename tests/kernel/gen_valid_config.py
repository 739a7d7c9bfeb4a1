#!/usr/bin/env python3
"""Writes random lvsnft configs that `lvsnft validate` must accept.

    gen_valid_config.py SEED COUNT OUTDIR

Writes OUTDIR/cfg-N.json for N in 0..COUNT-1, drawn from SEED. Names,
interfaces, modes, schedulers, ports, ranges, persistence, weights and both
address families vary; interface names use odd bytes Linux and nft accept
(non-ASCII, '#', ';', '{', '$', quotes other than '"', leading '-').
Prints the interface names the configs use, one a line, so the caller can
create them.
"""
import json
import random
import sys

IFACES = ["w\u00ebb", "eth-0.1", "a#b", "x;y", "br{0}", "v$1", "i'f",
          "\u00fcn\u00ef", "-lead", "UP_9", "\u6f22\u5b57", "dot.dot"]
PRIMES = [3, 7, 13, 31, 61, 251, 509, 1021, 4093]
HASH = ["sh", "dh", "mh"]
ALL_SCHED = ["rr", "wrr", "random", "sh", "dh", "mh"]


def name(r, used):
    while True:
        head = r.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        tail = "".join(r.choice("abcXYZ019_") for _ in range(r.randint(0, 47)))
        if head + tail not in used:
            used.add(head + tail)
            return head + tail


class Addrs:
    """Distinct usable addresses of both families."""

    def __init__(self):
        self.n = 0

    def take(self, v6):
        self.n += 1
        hi, lo = divmod(self.n, 250)
        if v6:
            return "2001:db8:%x::%x" % (hi, lo + 1)
        return "10.%d.%d.%d" % (hi // 250, hi % 250, lo + 1)


def ports(r):
    items = []
    base = r.randint(1, 60000)
    for _ in range(r.randint(1, 3)):
        kind = r.random()
        if kind < 0.4:
            items.append(base)
        elif kind < 0.7:
            items.append(str(base))
        else:
            last = base + r.randint(0, 500)
            items.append("%d-%d" % (base, last))
            base = last
        base += r.randint(1, 100)
        if base > 65000:
            break
    return items[0] if len(items) == 1 and r.random() < 0.5 else items


def service(r, used, addrs, flow_table):
    mode = r.choice(["nat", "dr", "tun", "fullnat"])
    v6 = mode != "tun" and r.random() < 0.4
    svc = {"name": name(r, used), "vip": addrs.take(v6),
           "protocol": r.choice(["tcp", "udp", "sctp"]), "ports": ports(r),
           "mode": mode}
    stateless = mode in ("dr", "tun")
    sched = r.choice(HASH if stateless else ALL_SCHED)
    svc["scheduler"] = sched
    reals = []
    for _ in range(r.randint(0, 5)):
        rs = {"address": addrs.take(v6)}
        if not stateless and r.random() < 0.3:
            rs["port"] = r.randint(1, 65535)
        if r.random() < 0.5:
            rs["weight"] = r.randint(0, 65535)
        if r.random() < 0.3:
            rs["state"] = r.choice(["up", "drain", "down"])
        reals.append(rs)
    svc["real_servers"] = reals
    if sched == "mh":
        svc["mh_table_size"] = r.choice([p for p in PRIMES if p >= len(reals)])
        svc["mh_port"] = r.random() < 0.5
    if r.random() < 0.3 and (flow_table or not stateless):
        svc["persistence"] = {"timeout": r.randint(1, 86400),
                              "netmask": r.randint(0, 128 if v6 else 32)}
    return svc


def config(r):
    used, addrs = set(), Addrs()
    flow_table = r.choice([0, 1024, 262144])
    director = {"interface": r.choice(IFACES),
                "manage_vips": r.random() < 0.5,
                "flow_table_size": flow_table}
    services = [service(r, used, addrs, flow_table)
                for _ in range(r.randint(1, 4))]
    if any(s["mode"] == "fullnat" for s in services):
        director["local_addresses"] = [addrs.take(False), addrs.take(True)]
    return {"version": 1, "director": director, "services": services}


def main():
    seed, count, outdir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    r = random.Random(seed)
    for i in range(count):
        with open("%s/cfg-%d.json" % (outdir, i), "w", encoding="utf-8") as f:
            json.dump(config(r), f, ensure_ascii=r.random() < 0.5, indent=1)
    print("\n".join(IFACES))


if __name__ == "__main__":
    main()
