#!/usr/bin/python3
# Managed by ts-play (role monitoring, lab only): receives Alertmanager webhook posts and
# appends each payload, with the time it arrived, as one JSON line to the log file, so tests
# can see which alerts were delivered and when they resolved.
import argparse
import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("--listen", default="0.0.0.0")
parser.add_argument("--port", type=int, default=9099)
parser.add_argument("--log", required=True)
args = parser.parse_args()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        try:
            payload = json.loads(body)
        except ValueError:
            self.send_response(400)
            self.end_headers()
            return
        line = json.dumps({"received": time.time(), "path": self.path, "payload": payload}, sort_keys=True)
        with open(args.log, "a", encoding="utf-8") as f:
            f.write(line + "\n")
        self.send_response(200)
        self.end_headers()

    def log_message(self, *a):
        pass


ThreadingHTTPServer((args.listen, args.port), Handler).serve_forever()
