"""A small log shipper, the part of fluent-bit's tail input that matters here: it follows SOURCE
(polling, as tail does on file systems without inotify) and forwards each new line to SINK (the
log store), one write per line. On SIGTERM it reads SOURCE to its end, forwards what is left and
exits 0, as fluent-bit does within its grace period. Usage: shipper.py SOURCE SINK [POLL_SECONDS]"""
import os
import signal
import sys
import time

source, sink = sys.argv[1], sys.argv[2]
poll = float(sys.argv[3]) if len(sys.argv) > 3 else 2.0
stopping = False


def stop(*_):
    global stopping
    stopping = True


signal.signal(signal.SIGTERM, stop)
offset = 0
with open(sink, "a") as out:
    while True:
        last_round = stopping
        if os.path.exists(source):
            with open(source) as f:
                f.seek(offset)
                for line in f:
                    if not line.endswith("\n"):
                        break
                    out.write(line)
                    out.flush()
                    offset += len(line.encode())
        if last_round:
            print(f"shipper: stopped, {offset} bytes shipped", flush=True)
            sys.exit(0)
        time.sleep(poll)
