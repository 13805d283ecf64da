#!/usr/bin/env python3
"""A small HTTP server that answers like an MLflow tracking server started with
--serve-artifacts (artifacts proxied to a local directory), for the mlflow-purge-artifacts tests.

  DELETE /api/2.0/mlflow-artifacts/artifacts/<path>  -> removes <root>/<path> (file or tree);
         200 {} also when nothing is there, as MLflow's LocalArtifactRepository.delete_artifacts
  GET    /api/2.0/mlflow-artifacts/artifacts?path=P  -> {"files": [{"path", "is_dir", "file_size"}]}
  anything else                                      -> 404 text/html, like Flask

Test knobs: --token T (require "Authorization: Bearer T", else 401 like an auth proxy);
--fail-prefix P (DELETE of a path starting with P answers 500 INTERNAL_ERROR);
--hang-file F (while F exists, a DELETE sleeps 60 s after deleting, before answering: a drainer
killed meanwhile has deleted but not recorded); --redirect-prefix P --redirect-to URL (DELETE of a
path starting with P answers 307 with Location: URL/<path>, as a hostile or misconfigured proxy
might); --log F (one line per request).
"""
import argparse
import json
import os
import shutil
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "/api/2.0/mlflow-artifacts/artifacts"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--token")
    ap.add_argument("--fail-prefix")
    ap.add_argument("--hang-file")
    ap.add_argument("--redirect-prefix")
    ap.add_argument("--redirect-to")
    ap.add_argument("--log")
    args = ap.parse_args()
    root = os.path.realpath(args.root)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):
            pass

        def note(self):
            # logged on arrival, so a request whose answer never left is in the log too
            if args.log:
                with open(args.log, "a") as f:
                    f.write("%s %s %s\n" % (self.command, self.path, self.headers.get("Authorization", "-")))

        def send(self, status, body, ctype="application/json"):
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def error(self, status, code, message):
            self.send(status, json.dumps({"error_code": code, "message": message}))

        def authorised(self):
            if args.token and self.headers.get("Authorization") != "Bearer " + args.token:
                self.send(401, "You are not authenticated.", "text/plain")
                return False
            return True

        def resolve(self, rel):
            rel = urllib.parse.unquote(rel).strip("/")
            if ".." in rel.split("/"):
                return None
            return os.path.join(root, rel), rel

        def do_DELETE(self):
            self.note()
            url = urllib.parse.urlsplit(self.path)
            if not url.path.startswith(PREFIX + "/"):
                return self.send(404, "<h1>Not Found</h1>", "text/html")
            if not self.authorised():
                return
            resolved = self.resolve(url.path[len(PREFIX) + 1:])
            if resolved is None:
                return self.error(400, "INVALID_PARAMETER_VALUE", "Invalid path")
            target, rel = resolved
            if args.redirect_prefix and rel.startswith(args.redirect_prefix):
                self.send_response(307)
                self.send_header("Location", args.redirect_to + PREFIX + "/" + rel)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if args.fail_prefix and rel.startswith(args.fail_prefix):
                return self.error(500, "INTERNAL_ERROR", "injected storage failure for " + rel)
            if os.path.isdir(target) and not os.path.islink(target):
                shutil.rmtree(target)
            elif os.path.lexists(target):
                os.unlink(target)
            if args.hang_file and os.path.exists(args.hang_file):
                time.sleep(60)
            self.send(200, "{}")

        def do_GET(self):
            self.note()
            url = urllib.parse.urlsplit(self.path)
            if url.path.rstrip("/") != PREFIX:
                return self.send(404, "<h1>Not Found</h1>", "text/html")
            if not self.authorised():
                return
            rel = urllib.parse.parse_qs(url.query).get("path", [""])[0]
            resolved = self.resolve(rel)
            if resolved is None:
                return self.error(400, "INVALID_PARAMETER_VALUE", "Invalid path")
            target, rel = resolved
            files = []
            if os.path.isdir(target):
                for name in sorted(os.listdir(target)):
                    full = os.path.join(target, name)
                    entry = {"path": name, "is_dir": os.path.isdir(full)}
                    if not entry["is_dir"]:
                        entry["file_size"] = os.path.getsize(full)
                    files.append(entry)
            self.send(200, json.dumps({"files": files} if files else {}))

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print("fake mlflow artifact server on port %d" % args.port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
