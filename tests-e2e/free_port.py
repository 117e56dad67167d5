"""A free TCP port on 127.0.0.1 for a server that another process binds a moment later.

It is taken below Linux's ephemeral range (32768 on): a port the kernel handed out as ephemeral
(a bind to port 0) can be taken again as the local port of any outgoing connection before the
server binds it ("Address already in use", seen once in CI). Run as a script, it prints one.
"""
import random
import socket


def free_port():
    for _ in range(100):
        port = random.randrange(20000, 32768)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise OSError("no free port between 20000 and 32767 on 127.0.0.1")


if __name__ == "__main__":
    print(free_port())
