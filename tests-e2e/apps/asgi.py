"""ASGI test app for gunicorn's uvicorn workers: / and /health answer at once; /hang blocks the
worker's event loop for an hour (a synchronous call in async code), so that worker answers
nothing more."""
import time


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    if scope["path"] == "/hang":
        time.sleep(3600)
    body = f"ok {scope['path']}\n".encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
