"""WSGI test app with no route at /: every path but /health answers 404 at once, as an API that
serves only /api/... does. A liveness check must count the 404 as a worker's answer."""


def app(environ, start_response):
    found = environ.get("PATH_INFO", "/") == "/health"
    body = b"ok\n" if found else b"not found\n"
    start_response("200 OK" if found else "404 Not Found",
                   [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
