"""A plain Python HTTP server that never waits for children it did not start.
GET /spawn?n=N double-forks N short-lived helpers: each intermediate child is reaped by
the server, each grandchild is orphaned, re-parented to PID 1, and exits at once."""
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse


def spawn_orphan():
    child = os.fork()
    if child == 0:
        if os.fork() == 0:
            os.execv("/bin/sleep", ["sleep", "0.2"])
        os._exit(0)
    os.waitpid(child, 0)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/spawn":
            for _ in range(int(parse_qs(url.query).get("n", ["1"])[0])):
                spawn_orphan()
        body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        sys.stderr.write(fmt % args + "\n")


if __name__ == "__main__":
    HTTPServer(("0.0.0.0", int(sys.argv[1])), Handler).serve_forever()
