#!/usr/bin/env python3
"""uplink-web for `make demo`: a stand-in for the app's gunicorn.

Answers what examples/uplink-2.0.yaml's http checks ask on 127.0.0.1:8000
(/, /health/, /health/live/, /health/ready/, /api/); every request is logged
to stdout (the unit's journal) and to /var/log/uplink/access.log, as
gunicorn's access log would be.
"""
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOG_DIR = "/var/log/uplink"
PAGES = {
    "/": ("text/html", "<!doctype html><title>Uplink</title><h1>Uplink</h1>\n"),
    "/health/": ("application/json", {"status": "healthy", "database": "ok", "cache": "ok", "huey": "ok"}),
    "/health/live/": ("application/json", {"status": "alive"}),
    "/health/ready/": ("application/json", {"status": "ready"}),
    "/api/": ("application/json", {"orders": "/api/orders/", "products": "/api/products/"}),
}


def append(name, line):
    try:
        with open(f"{LOG_DIR}/{name}", "a", encoding="utf-8") as f:
            f.write(line + "\n")
    except OSError:
        pass  # a missing log directory must not take the site down


class Handler(BaseHTTPRequestHandler):
    server_version = "uplink-demo"
    sys_version = ""

    def do_GET(self):
        page = PAGES.get(self.path)
        if page is None:
            self.send_error(404)
            return
        ctype, body = page
        data = (body if isinstance(body, str) else json.dumps(body) + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        line = '%s - - [%s] %s' % (self.client_address[0], time.strftime("%d/%b/%Y:%H:%M:%S %z"), fmt % args)
        print(line, flush=True)
        append("access.log", line)


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    server = ThreadingHTTPServer((host, port), Handler)
    stamp = time.strftime("%Y-%m-%d %H:%M:%S %z")
    for msg in (f"Listening at: http://{host}:{port}", "Using worker: sync (opsdeck demo stand-in)"):
        print(f"[INFO] {msg}", flush=True)
        append("gunicorn_error.log", f"[{stamp}] [INFO] {msg}")
    server.serve_forever()


if __name__ == "__main__":
    main()
