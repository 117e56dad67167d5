"""Pods as users write them, generated from the servers of the catalog crossed with the ways a
command is written and the annotations and fields the fixes read. Deterministic (seeded), so a
rejected pod can be found again by its name."""
import random

SERVERS = {
    "gunicorn": "gunicorn app:app -w {w} -b 0.0.0.0:{port}",
    "python-m-gunicorn": "python -m gunicorn app:app --workers {w} --bind 0.0.0.0:{port} --graceful-timeout 20",
    "uvicorn": "uvicorn main:app --workers {w} --host 0.0.0.0 --port {port}",
    "hypercorn": "hypercorn -w {w} -b 0.0.0.0:{port} app:app",
    "granian": "granian --interface asgi --workers {w} --port {port} main:app",
    "uwsgi": "uwsgi --http :{port} --module app:app --processes {w}",
    "celery": "celery -A proj worker -l INFO --concurrency {w}",
    "rq": "rq worker high default",
    "puma": "puma -w {w} -p {port}",
    "unicorn": "unicorn -c config/unicorn.rb -p {port}",
    "php-fpm": "php-fpm -F",
    "nginx": "nginx -g 'daemon off;'",
    "httpd": "httpd-foreground",
    "pm2-runtime": "pm2-runtime app.js -i {w}",
    "huey": "huey_consumer tasks.huey -w {w}",
}
FORMS = ["exec", "command-args", "sh-c", "sh-c-cd", "bash-c-exec", "sh-c-migrate", "sh-c-env"]
ANNOTATIONS = [
    {}, {"pid1.io/health-path": "/healthz"}, {"pid1.io/drain-seconds": "10"},
    {"pid1.io/graceful-seconds": "45"}, {"pid1.io/init": "shim"}, {"pid1.io/fixes": "exec,init,pidns"},
    {"pid1.io/health-path": "/ready", "pid1.io/init": "shim", "pid1.io/drain-seconds": "2"},
    {"pid1.io/fixes": "exec,init,signal,probes,prestop"},
]


def argv(words):
    """The command line split as a user would write it in exec form."""
    out, quoted = [], None
    for word in words.split(" "):
        if quoted is not None:
            quoted += " " + word
            if word.endswith("'"):
                out.append(quoted.strip("'"))
                quoted = None
        elif word.startswith("'") and not word.endswith("'"):
            quoted = word
        else:
            out.append(word.strip("'"))
    return out


def command(form, line):
    if form == "exec":
        return {"command": argv(line)}
    if form == "command-args":
        words = argv(line)
        return {"command": words[:1], "args": words[1:]}
    if form == "sh-c":
        return {"command": ["sh", "-c", line]}
    if form == "sh-c-cd":
        return {"command": ["/bin/sh", "-c", f"cd /srv/app && {line}"]}
    if form == "bash-c-exec":
        return {"command": ["bash", "-c", f"exec {line}"]}
    if form == "sh-c-migrate":
        return {"command": ["sh", "-c", f"python manage.py migrate --noinput && {line}"]}
    return {"command": ["sh", "-c", line.replace("{port}", "$PORT")],
            "env": [{"name": "PORT", "value": "{port}"}]}


def container(rng, server, form, port):
    line = SERVERS[server]
    c = {"name": "app", "image": f"registry.example/{server}:{rng.randint(1, 9)}.0"}
    c.update(command(form, line))
    w = str(rng.randint(1, 8))
    for key in ("command", "args"):
        if key in c:
            c[key] = [s.replace("{w}", w).replace("{port}", str(port)) for s in c[key]]
    for e in c.get("env", []):
        e["value"] = str(port)
    if rng.random() < 0.7:
        c["ports"] = [{"containerPort": port, "name": "http"} if rng.random() < 0.5 else {"containerPort": port}]
    probe = rng.choice([None, "tcp", "http", "exec"])
    if probe == "tcp":
        c["livenessProbe"] = {"tcpSocket": {"port": port}, "periodSeconds": 10}
    elif probe == "http":
        c["readinessProbe"] = {"httpGet": {"path": "/health", "port": port}}
    elif probe == "exec":
        c["livenessProbe"] = {"exec": {"command": ["true"]}}
    if rng.random() < 0.2:
        c["lifecycle"] = {"preStop": {"exec": {"command": ["sleep", "3"]}}}
    if rng.random() < 0.4:
        c["securityContext"] = {"runAsNonRoot": True, "runAsUser": 10001, "allowPrivilegeEscalation": False,
                                "readOnlyRootFilesystem": rng.random() < 0.5,
                                "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"}}
    if rng.random() < 0.5:
        c["resources"] = {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}}
    return c


def pods(count, seed=19):
    rng = random.Random(seed)
    combos = [(s, f) for s in SERVERS for f in FORMS]
    result = []
    for i in range(count):
        server, form = combos[i % len(combos)]
        port = rng.choice([8000, 8080, 3000, 9000, 5000])
        spec = {"containers": [container(rng, server, form, port)]}
        if rng.random() < 0.25:
            spec["containers"].append({"name": "redis", "image": "redis:7", "command": ["redis-server"]})
        grace = rng.choice([None, None, 10, 30, 120])
        if grace is not None:
            spec["terminationGracePeriodSeconds"] = grace
        if rng.random() < 0.2:
            spec["volumes"] = [{"name": "data", "emptyDir": {}}]
            spec["containers"][0]["volumeMounts"] = [{"name": "data", "mountPath": "/data"}]
        if rng.random() < 0.15:
            spec["securityContext"] = {"runAsNonRoot": True, "runAsUser": 1000, "fsGroup": 1000}
        result.append({"apiVersion": "v1", "kind": "Pod",
                       "metadata": {"name": f"gen-{i:04d}-{server}-{form}", "labels": {"app": server},
                                    "annotations": dict(rng.choice(ANNOTATIONS))},
                       "spec": spec})
    return result
