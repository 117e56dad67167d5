"""Joins single-platform images into one multi-platform image: an OCI image layout whose TAG is an image index.

usage: oci_index.py OUT TAG LAYOUT...

Each LAYOUT is an OCI image layout (build-webhook-image.sh's DIR/oci) whose TAG names one image; OUT gets their
blobs, shared ones once, and an index listing their manifests in the order given, each with the platform of its
config. The same layouts give the same index, byte for byte. `skopeo copy --all oci:OUT:TAG docker://...` pushes
all of it. Written here because the tools at hand do not make an index: skopeo copies one, jib-core writes one only
when it pushes to a registry from a multi-platform base, and podman's or buildah's `manifest` commands need a
containers storage.
"""
import hashlib
import json
import os
import shutil
import sys

INDEX = "application/vnd.oci.image.index.v1+json"
REF = "org.opencontainers.image.ref.name"


def blob(layout, digest):
    return os.path.join(layout, "blobs", "sha256", digest.split(":")[1])


def tagged(layout, tag):
    """The descriptor of the manifest TAG names in LAYOUT's index.json."""
    index = json.load(open(os.path.join(layout, "index.json")))
    found = [m for m in index["manifests"] if m.get("annotations", {}).get(REF) == tag]
    if len(found) != 1:
        sys.exit(f"oci_index.py: {layout} has no single image tagged {tag}")
    return found[0]


def copy_blob(layout, digest, out):
    target = blob(out, digest)
    if not os.path.exists(target):
        shutil.copyfile(blob(layout, digest), target)


def write_blob(out, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    with open(blob(out, digest), "wb") as f:
        f.write(data)
    return {"mediaType": INDEX, "digest": digest, "size": len(data)}


def main(out, tag, *layouts):
    if not layouts:
        sys.exit("usage: oci_index.py OUT TAG LAYOUT...")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.join(out, "blobs", "sha256"))
    entries = []
    for layout in layouts:
        descriptor = tagged(layout, tag)
        manifest = json.load(open(blob(layout, descriptor["digest"])))
        config = json.load(open(blob(layout, manifest["config"]["digest"])))
        for digest in [descriptor["digest"], manifest["config"]["digest"]] + [l["digest"] for l in manifest["layers"]]:
            copy_blob(layout, digest, out)
        platform = {"architecture": config["architecture"], "os": config["os"]}
        if config["architecture"] == "arm64":
            platform["variant"] = config.get("variant", "v8")  # what registries and runtimes expect for arm64
        entries.append({"mediaType": descriptor["mediaType"], "digest": descriptor["digest"],
                        "size": descriptor["size"], "platform": platform})
    platforms = [json.dumps(e["platform"], sort_keys=True) for e in entries]
    if len(set(platforms)) != len(platforms):
        sys.exit(f"oci_index.py: two images of one platform: {', '.join(platforms)}")
    index = write_blob(out, json.dumps({"schemaVersion": 2, "mediaType": INDEX, "manifests": entries},
                                       indent=2).encode())
    index["annotations"] = {REF: tag}
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "mediaType": INDEX, "manifests": [index]}, f, indent=2)
    with open(os.path.join(out, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    print(f"oci_index.py: OCI layout {out}:{tag}, index {index['digest']}")


if __name__ == "__main__":
    main(*sys.argv[1:])
