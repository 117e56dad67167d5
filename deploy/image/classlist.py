"""Puts a class list of a training run (-XX:DumpLoadedClassList) into one order, so that the CDS dump made from
it is the same byte for byte whatever order the run's threads loaded the classes in.

usage: classlist.py IN OUT

The JVM dumps an archive in the order of its class list, and a class list is in the order the classes were loaded:
the start's threads race, and so do the lines. Here every class line gets a new id in an order fixed by the names
alone (a class after its superclass and interfaces, which the list names by id, else by name and then by jar), and
the other lines (@lambda-proxy, @lambda-form-invoker, @cp) follow, sorted, without repeats.
"""
import heapq
import sys


def parse(line):
    """A class line as (name, id, super id, interface ids, source), the ids as the list wrote them."""
    words = line.split()
    fields = {"id:": None, "super:": None, "interfaces:": [], "source:": ""}
    key = None
    for word in words[1:]:
        if word in fields:
            key = word
        elif key == "interfaces:":
            fields[key].append(word)
        elif key:
            fields[key] = word
    return words[0], fields["id:"], fields["super:"], fields["interfaces:"], fields["source:"]


def main(source, target):
    classes, others = [], set()
    for line in open(source):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@"):
            others.add(line)
        else:
            classes.append(parse(line))
    by_id = {c[1]: c for c in classes}
    needs = {c[1]: {d for d in [c[2], *c[3]] if d in by_id} for c in classes}
    waiting = {}
    for cid, deps in needs.items():
        for dep in deps:
            waiting.setdefault(dep, []).append(cid)
    ready = [(c[4] != "", c[0], c[4], c[1]) for c in classes if not needs[c[1]]]
    heapq.heapify(ready)
    new_id = {}
    with open(target, "w") as out:
        while ready:
            _, name, src, cid = heapq.heappop(ready)
            new_id[cid] = str(len(new_id))
            line = f"{name} id: {new_id[cid]}"
            _, _, sup, interfaces, _ = by_id[cid]
            if src:
                line += f" super: {new_id[sup]}"
                if interfaces:
                    line += " interfaces: " + " ".join(new_id[i] for i in interfaces)
                line += f" source: {src}"
            out.write(line + "\n")
            for other in waiting.get(cid, []):
                needs[other].discard(cid)
                if not needs[other]:
                    c = by_id[other]
                    heapq.heappush(ready, (c[4] != "", c[0], c[4], c[1]))
        for line in sorted(others):
            out.write(line + "\n")
    if len(new_id) != len(classes):
        sys.exit(f"classlist.py: {len(classes) - len(new_id)} classes name a superclass or interface not in the list")


if __name__ == "__main__":
    main(*sys.argv[1:])
