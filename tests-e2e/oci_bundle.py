"""Makes an OCI runtime bundle of the webhook's image that runs as deploy/base/deployment.yaml runs it.

usage: oci_bundle.py LAYOUT TAG BUNDLE TMP PORT MANAGEMENT_PORT ARGS_JSON [JAVA_OPTIONS] [ENV_JSON]

The image's layers are unpacked in order into BUNDLE/rootfs (once; an image "from scratch" has no deletions to
apply) and BUNDLE/config.json (from `crun spec`) gets the image's command with ARGS_JSON, its working directory, the
pod's user, no capabilities, no new privileges, a read-only root, TMP as the writable /tmp (the emptyDir), the
Deployment's environment with JAVA_OPTIONS after its JVM options, and the host's network (the caller talks to
127.0.0.1). The Secret's TLS files are not here: the webhook makes its self-signed files in /tmp instead. ENV_JSON,
an object, sets variables last (the pid1-shim sidecar's own JAVA_TOOL_OPTIONS and PID1_SHIM_CONFIG). ARGS_JSON is a
list (the arguments after the image's entrypoint) or, as a container of a pod spec, {"command": [...], "args": [...]}
(the pid1-shim sidecar's command replaces the entrypoint). EMULATOR in the environment, a path inside the container
(qemu-user-static in TMP), runs the command through it: an image of another CPU.
"""
import json
import os
import subprocess
import sys

import yaml

CAPABILITY_SETS = ("bounding", "effective", "inheritable", "permitted", "ambient")


def blob(layout, digest):
    return os.path.join(layout, "blobs", "sha256", digest.split(":")[1])


def image_manifest(layout, tag):
    index = json.load(open(os.path.join(layout, "index.json")))
    manifest = next(m for m in index["manifests"]
                    if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag)
    return json.load(open(blob(layout, manifest["digest"])))


def unpack(layout, manifest, rootfs):
    """The image's layers, in order, into ROOTFS, once."""
    if not os.path.isdir(rootfs):
        os.makedirs(rootfs)
        for layer in manifest["layers"]:
            subprocess.run(["tar", "-xzf", blob(layout, layer["digest"]), "-C", rootfs, "--warning=no-unknown-keyword"],
                           check=True)


def main(layout, tag, bundle, tmp, port, management_port, args, java_options="", env_json="{}"):
    manifest = image_manifest(layout, tag)
    image = json.load(open(blob(layout, manifest["config"]["digest"])))["config"]
    unpack(layout, manifest, os.path.join(bundle, "rootfs"))
    config = os.path.join(bundle, "config.json")
    if os.path.exists(config):
        os.remove(config)
    subprocess.run(["crun", "spec"], cwd=bundle, check=True)
    spec = json.load(open(config))

    here = os.path.dirname(os.path.abspath(__file__))
    deployment = yaml.safe_load(open(os.path.join(here, "..", "deploy", "base", "deployment.yaml")))
    pod = deployment["spec"]["template"]["spec"]
    container = pod["containers"][0]
    env = dict(e.split("=", 1) for e in image.get("Env", []))
    env.update({e["name"]: e["value"] for e in container["env"]})
    del env["PID1_TLS_CERT_FILE"], env["PID1_TLS_KEY_FILE"]
    env.update(PID1_WEBHOOK_PORT=port, PID1_MANAGEMENT_PORT=management_port, PID1_LISTEN_HOST="127.0.0.1")
    env["JAVA_TOOL_OPTIONS"] = (env["JAVA_TOOL_OPTIONS"] + " " + java_options).strip()
    env.update(json.loads(env_json))

    if image["User"] != "65532:65532":
        sys.exit(f"oci_bundle.py: the image runs as {image['User']}, not 65532:65532")
    process = spec["process"]
    args = json.loads(args)
    argv = args["command"] + args["args"] if isinstance(args, dict) else image["Entrypoint"] + args
    emulator = [os.environ["EMULATOR"]] if os.environ.get("EMULATOR") else []
    process.update(terminal=False, args=emulator + argv, cwd=image["WorkingDir"],
                   env=[f"{k}={v}" for k, v in env.items()], noNewPrivileges=True,
                   user={"uid": pod["securityContext"]["runAsUser"], "gid": pod["securityContext"]["runAsGroup"]},
                   capabilities={name: [] for name in CAPABILITY_SETS})
    spec["root"]["readonly"] = container["securityContext"]["readOnlyRootFilesystem"]
    spec["mounts"].append({"destination": "/tmp", "type": "bind", "source": tmp, "options": ["rbind", "rw"]})
    spec["linux"]["namespaces"] = [n for n in spec["linux"]["namespaces"] if n["type"] != "network"]
    json.dump(spec, open(config, "w"), indent=1)


if __name__ == "__main__":
    main(*sys.argv[1:])
