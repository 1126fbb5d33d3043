#!/usr/bin/env python3
"""Turn `jailnet show SITE --json` into what the kernel should hold once the
site is up, one "NAMESPACE ..." line each, sorted, for tests/up.test:

  addr:   NS LINK ADDRESS/LEN  (servers and jails; hosts as NS - ADDRESS/LEN)
  master: NS LINK BRIDGE
  route:  NS GATEWAY           (default routes)

Written from the model itself, not from the plan, so the test compares the
kernel with `show`.  Linux keeps no address on a bridge member: the one
FreeBSD puts on a member goes on its bridge, as `up -n` notes.
"""
import json
import sys


def main():
    what, site_json = sys.argv[1], sys.argv[2]
    with open(site_json) as f:
        site = json.load(f)
    name = site["site"]
    out = []
    for srv in site["servers"]:
        sns = "%s-%s" % (name, srv["name"])
        for i in srv["interfaces"]:
            ns = sns if i["jail"] is None else "%s-%s" % (sns, i["jail"])
            if what == "addr":
                link = i["bridge"] or i["name"]
                out += ["%s %s %s" % (ns, link, a) for a in i["addresses"]]
            elif what == "master" and i["bridge"] is not None:
                out.append("%s %s %s" % (ns, i["name"], i["bridge"]))
        if what == "route" and srv["defaultrouter"]:
            out.append("%s %s" % (sns, srv["defaultrouter"]))
        for j in srv["jails"]:
            if what == "route" and j["defaultrouter"]:
                out.append("%s-%s %s" % (sns, j["name"], j["defaultrouter"]))
    for h in site["world"]["hosts"]:
        ns = "%s-host-%s" % (name, h["name"])
        if what == "addr":
            out.append("%s - %s" % (ns, h["address"]))
        elif what == "route" and h["gateway"]:
            out.append("%s %s" % (ns, h["gateway"]))
    print("\n".join(sorted(out)))


if __name__ == "__main__":
    main()
