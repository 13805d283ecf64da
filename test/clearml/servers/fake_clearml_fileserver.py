#!/usr/bin/env python3
"""A fake of the ClearML fileserver's HTTP API and of the API server's auth.login, for the
clearml-purge integration tests. Not ClearML code: written from the documented behaviour.

Fileserver (serves files below --root):
  GET /                     ping; 401 if a bearer token is given and unknown
  GET /<path>               download a file (404 for folders and missing paths)
  DELETE /<path>            delete one file (404 if missing or a folder)
  POST /delete_many         {"files": [...]}: delete files and folders (rmtree); refuses empty or "/"
                            paths; answers {"deleted": {in: path}, "errors": {reason: [in, ...]}} with
                            200 even when some paths failed; "Not found" for paths that do not exist
  Every call but GET / needs "Authorization: Bearer <token>" with a token from auth.login.
API server (second port):
  POST /auth.login          HTTP basic <access key>:<secret key> -> {"data": {"token": ...}}
Standard library only. Prints "PORT <fileserver port>" and "API_PORT <api port>" once listening.
"""
import argparse
import base64
import json
import os
import secrets
import shutil
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

TOKENS = set()


def safe_path(root, path):
    """werkzeug.safe_join's rule: no absolute paths, no '..' components."""
    path = unquote(path).lstrip("/")
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        return None
    return Path(root, *parts)


def make_fileserver(root):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def reply(self, status, body):
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def token(self):
            header = self.headers.get("Authorization", "")
            return header[len("Bearer "):] if header.startswith("Bearer ") else None

        def do_GET(self):
            path = urlsplit(self.path).path
            token = self.token()
            if path == "/":
                return self.reply(401 if token is not None and token not in TOKENS else 200, {"ok": True})
            if token not in TOKENS:
                return self.reply(401, {"error": "unauthorized"})
            target = safe_path(root, path)
            if target is None or not target.is_file():
                return self.reply(404, {"error": "Not found"})
            self.reply(200, target.read_bytes())

        def do_DELETE(self):
            if self.token() not in TOKENS:
                return self.reply(401, {"error": "unauthorized"})
            target = safe_path(root, urlsplit(self.path).path)
            if target is None or not target.is_file():
                return self.reply(404, {"error": "Not found"})
            target.unlink()
            self.reply(200, {"deleted": str(target)})

        def do_POST(self):
            if urlsplit(self.path).path != "/delete_many":
                return self.reply(404, {"error": "Not found"})
            if self.token() not in TOKENS:
                return self.reply(401, {"error": "unauthorized"})
            length = int(self.headers.get("Content-Length") or 0)
            files = json.loads(self.rfile.read(length) or b"{}").get("files", [])
            deleted, errors = {}, {}
            for file in files:
                target = safe_path(root, file)
                if target is None:
                    errors.setdefault("Empty path not allowed", []).append(file)
                elif not (target.exists() or target.is_symlink()):
                    errors.setdefault("Not found", []).append(file)
                elif target.is_symlink() or target.is_file():
                    target.unlink()
                    deleted[file] = str(target)
                elif target.is_dir():
                    shutil.rmtree(target)
                    deleted[file] = str(target)
                else:
                    errors.setdefault("Not a file or folder", []).append(file)
            self.reply(200, {"deleted": deleted, "errors": errors})

    return Handler


def make_apiserver(access_key, secret_key):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def reply(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            if urlsplit(self.path).path != "/auth.login":
                return self.reply(404, {"meta": {"result_code": 404, "result_msg": "Not found"}, "data": {}})
            expected = "Basic " + base64.b64encode(f"{access_key}:{secret_key}".encode()).decode()
            if self.headers.get("Authorization") != expected:
                return self.reply(401, {"meta": {"result_code": 401, "result_msg": "Unauthorized (invalid credentials)"},
                                        "data": {}})
            token = secrets.token_hex(24)
            TOKENS.add(token)
            self.reply(200, {"meta": {"result_code": 200, "result_msg": "OK"}, "data": {"token": token}})

        do_GET = do_POST

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", required=True)
    parser.add_argument("--access-key", default="test-access-key")
    parser.add_argument("--secret-key", default="test-secret-key")
    args = parser.parse_args()
    files = ThreadingHTTPServer(("127.0.0.1", 0), make_fileserver(os.path.abspath(args.root)))
    api = ThreadingHTTPServer(("127.0.0.1", 0), make_apiserver(args.access_key, args.secret_key))
    threading.Thread(target=api.serve_forever, daemon=True).start()
    print(f"PORT {files.server_address[1]}", flush=True)
    print(f"API_PORT {api.server_address[1]}", flush=True)
    try:
        files.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
