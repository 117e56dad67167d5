"""A local image registry on loopback (Debian's docker-registry) and images pushed to it with
skopeo. The images hold only a config, with ENTRYPOINT/CMD/STOPSIGNAL/WorkingDir: the files
come from this machine, as in the pod runner."""
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import time
import urllib.request

from admission import free_port

MANIFEST = "application/vnd.oci.image.manifest.v1+json"


class Registry:
    """``docker-registry serve`` on 127.0.0.1:<free port>, storage in a temp dir."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="e2e-registry-")
        self.host = f"127.0.0.1:{free_port()}"
        self.process = None

    def __enter__(self):
        config = os.path.join(self.dir, "config.yml")
        with open(config, "w") as f:
            f.write(f"version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n"
                    f"    rootdirectory: {self.dir}/data\nhttp:\n  addr: {self.host}\n")
        self.process = subprocess.Popen(["docker-registry", "serve", config],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True)
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"http://{self.host}/v2/", timeout=1).close()
                return self
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.__exit__()
                    raise RuntimeError("docker-registry did not start")
                time.sleep(0.2)

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def push(self, name, config):
        """Pushes an image whose config is ``config`` (Entrypoint, Cmd, …); returns its
        reference ``host:port/name:1``."""
        layout = tempfile.mkdtemp(prefix="e2e-oci-", dir=self.dir)
        _write_layout(layout, config)
        ref = f"{self.host}/{name}:1"
        subprocess.run(["skopeo", "--insecure-policy", "copy", "--quiet",
                        "--dest-tls-verify=false", f"oci:{layout}:1", f"docker://{ref}"],
                       check=True, capture_output=True)
        return ref


def _blob(layout, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    with open(os.path.join(layout, "blobs", "sha256", digest[7:]), "wb") as f:
        f.write(data)
    return digest


def _write_layout(layout, config):
    os.makedirs(os.path.join(layout, "blobs", "sha256"))
    tar = io.BytesIO()
    tarfile.open(fileobj=tar, mode="w").close()
    layer = gzip.compress(tar.getvalue(), mtime=0)
    image_config = json.dumps({
        "architecture": "amd64", "os": "linux", "config": config,
        "rootfs": {"type": "layers",
                   "diff_ids": ["sha256:" + hashlib.sha256(tar.getvalue()).hexdigest()]},
    }).encode()
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": _blob(layout, image_config), "size": len(image_config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": _blob(layout, layer), "size": len(layer)}],
    }).encode()
    index = {"schemaVersion": 2, "manifests": [{
        "mediaType": MANIFEST, "digest": _blob(layout, manifest), "size": len(manifest),
        "annotations": {"org.opencontainers.image.ref.name": "1"}}]}
    with open(os.path.join(layout, "index.json"), "w") as f:
        json.dump(index, f)
    with open(os.path.join(layout, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
