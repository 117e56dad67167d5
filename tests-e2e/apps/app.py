"""WSGI test app: / and /health answer at once, /slow?s=N answers after N seconds,
/hang never answers (it blocks its worker thread for an hour), /db?s=N asks the database
behind DB_PORT (a proxy) for a query of N seconds and answers 502 when the connection is lost."""
import os
import socket
import time
from urllib.parse import parse_qs


def db_query(seconds):
    """One query through the database proxy on 127.0.0.1:$DB_PORT; None when it answered."""
    try:
        with socket.create_connection(("127.0.0.1", int(os.environ.get("DB_PORT", "6432"))), 5) as s:
            s.settimeout(seconds + 10)
            s.sendall(f"SLEEP {seconds}\n".encode())
            reply = s.makefile().readline()
        return None if reply == "OK\n" else f"connection lost (read {reply!r})"
    except OSError as e:
        return type(e).__name__


def app(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if path == "/slow":
        time.sleep(float(query.get("s", ["1"])[0]))
    elif path == "/hang":
        time.sleep(3600)
    elif path == "/db":
        problem = db_query(float(query.get("s", ["1"])[0]))
        if problem:
            body = f"db: {problem}\n".encode()
            start_response("502 Bad Gateway",
                           [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
            return [body]
    body = f"ok {path}\n".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


application = app
