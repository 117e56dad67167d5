"""What differs between two single-platform images in OCI layouts: the config, and the files of each layer whose
bytes, mode, owner or time differ. image.sh prints it when two builds of one image differ, so that the cause of a
build that is not reproducible shows in the test's output.

usage: oci_diff.py LAYOUT_A LAYOUT_B
"""
import hashlib
import json
import sys
import tarfile


def manifest(layout):
    blob = lambda digest: f"{layout}/blobs/sha256/{digest.split(':')[1]}"
    index = json.load(open(f"{layout}/index.json"))
    found = json.load(open(blob(index["manifests"][0]["digest"])))
    return found, blob


def members(path):
    """Each file of a layer: its name, and a summary of its bytes and attributes."""
    with tarfile.open(path) as tar:
        return {m.name: (hashlib.sha256(tar.extractfile(m).read()).hexdigest() if m.isfile() else m.linkname,
                         m.mode, m.uid, m.gid, m.mtime) for m in tar.getmembers()}


def main(a, b):
    (ma, blob_a), (mb, blob_b) = manifest(a), manifest(b)
    if ma["config"]["digest"] != mb["config"]["digest"]:
        print("config differs:", open(blob_a(ma["config"]["digest"])).read(), open(blob_b(mb["config"]["digest"])).read())
    if len(ma["layers"]) != len(mb["layers"]):
        print(f"{len(ma['layers'])} layers against {len(mb['layers'])}")
        return
    for number, (la, lb) in enumerate(zip(ma["layers"], mb["layers"]), 1):
        if la["digest"] == lb["digest"]:
            continue
        fa, fb = members(blob_a(la["digest"])), members(blob_b(lb["digest"]))
        changed = sorted(name for name in fa.keys() | fb.keys() if fa.get(name) != fb.get(name))
        print(f"layer {number} differs ({la['size']} and {lb['size']} bytes): {', '.join(changed) or 'only its tar'}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: oci_diff.py LAYOUT_A LAYOUT_B")
    main(*sys.argv[1:])
