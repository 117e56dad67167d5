"""WSGI test app: / and /health answer at once, /slow?s=N answers after N seconds,
/hang never answers (it blocks its worker thread for an hour)."""
import time
from urllib.parse import parse_qs


def app(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if path == "/slow":
        time.sleep(float(query.get("s", ["1"])[0]))
    elif path == "/hang":
        time.sleep(3600)
    body = f"ok {path}\n".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


application = app
