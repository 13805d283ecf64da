#!/usr/bin/env python3
"""A fake of the few Elasticsearch REST calls clearml-purge makes, for its integration tests.

Not Elasticsearch: an in-memory dict of indices answering with the response shapes of 7.17 or 8.17
(chosen with --major). It implements: GET /, PUT /<index>, POST|PUT /<index>/_doc[/<id>],
POST /<index>/_refresh, GET /_cat/indices[/<patterns>], DELETE /<names>, POST /<index>/_search
(with ?scroll), POST /_search/scroll, DELETE /_search/scroll. Like 8.x (action.destructive_requires_name
defaults to true there) it refuses DELETE with wildcards or _all when --major 8; 7.x accepts them.
Optional HTTP basic auth (--user/--password) and TLS (--cert/--key) as with xpack security on.

Test-only extras under /_fake/: GET /_fake/requests (every request line seen, for assertions such
as "no wildcard DELETE was ever sent"). Standard library only. Prints "PORT <n>" once listening.
"""
import argparse
import base64
import fnmatch
import json
import ssl
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

VERSIONS = {"7": "7.17.26", "8": "8.17.0"}


class State:
    def __init__(self, major):
        self.major = major
        self.indices = {}  # name -> {"docs": {id: source}, "uuid": str}
        self.scrolls = {}  # scroll id -> remaining hits
        self.requests = []
        self.lock = threading.Lock()


def error_body(status, etype, reason, index=None):
    cause = {"type": etype, "reason": reason}
    if index is not None:
        cause.update({"index": index, "resource.type": "index_or_alias", "resource.id": index})
    return status, {"error": {"root_cause": [cause], **cause}, "status": status}


def make_handler(state, user, password):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):  # quiet: the test output is the driver's
            pass

        def send_json(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-elastic-product", "Elasticsearch")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def read_body(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if not raw:
                return {}
            return json.loads(raw)

        def authorised(self):
            if not user:
                return True
            header = self.headers.get("Authorization", "")
            expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
            return header == expected

        def handle_any(self):
            url = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
            parts = [unquote(p) for p in url.path.split("/") if p]
            with state.lock:
                state.requests.append(f"{self.command} {self.path}")
            if parts[:1] == ["_fake"]:
                return self.send_json(200, {"requests": state.requests})
            if not self.authorised():
                status, body = error_body(401, "security_exception", "missing authentication credentials for REST request")
                return self.send_json(status, body)
            try:
                body = self.read_body() if self.command in ("POST", "PUT", "DELETE") else {}
            except ValueError:
                return self.send_json(*error_body(400, "parse_exception", "request body is not JSON"))
            with state.lock:
                status, response = self.route(parts, query, body)
            self.send_json(status, response)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any

        # --- routing -------------------------------------------------------------------------
        def route(self, parts, query, body):
            method = self.command
            if not parts:
                return 200, {
                    "name": "fake-es", "cluster_name": "clearml-purge-tests", "cluster_uuid": "fake",
                    "version": {"number": VERSIONS[state.major], "build_flavor": "default"},
                    "tagline": "You Know, for Search"}
            if parts[0] == "_cat" and parts[1:2] == ["indices"] and method == "GET":
                return self.cat_indices(parts[2] if len(parts) > 2 else "*")
            if parts[0] == "_search" and parts[1:2] == ["scroll"]:
                return self.scroll(method, body)
            if len(parts) == 1 and method == "PUT":
                name = parts[0]
                if name in state.indices:
                    return error_body(400, "resource_already_exists_exception", f"index [{name}] already exists", name)
                state.indices[name] = {"docs": {}, "uuid": uuid.uuid4().hex}
                return 200, {"acknowledged": True, "shards_acknowledged": True, "index": name}
            if len(parts) == 1 and method == "DELETE":
                return self.delete_indices(parts[0], query)
            if len(parts) >= 2 and parts[1] == "_doc" and method in ("POST", "PUT"):
                index = state.indices.setdefault(parts[0], {"docs": {}, "uuid": uuid.uuid4().hex})
                doc_id = parts[2] if len(parts) > 2 else uuid.uuid4().hex
                index["docs"][doc_id] = body
                return 201, {"_index": parts[0], "_id": doc_id, "result": "created", "_version": 1}
            if parts[-1] == "_refresh" and len(parts) <= 2:
                return 200, {"_shards": {"total": 1, "successful": 1, "failed": 0}}
            if len(parts) == 2 and parts[1] == "_search" and method in ("POST", "GET"):
                return self.search(parts[0], query, body)
            return error_body(400, "illegal_argument_exception", f"fake: unsupported {method} /{'/'.join(parts)}")

        def expand(self, expression, allow_missing):
            names = []
            for item in expression.split(","):
                if "*" in item or item == "_all":
                    pattern = "*" if item == "_all" else item
                    names += [n for n in sorted(state.indices) if fnmatch.fnmatchcase(n, pattern)]
                elif item in state.indices:
                    names.append(item)
                elif not allow_missing:
                    return None, item
            return sorted(set(names)), None

        def cat_indices(self, expression):
            names, missing = self.expand(expression, allow_missing=False)
            if names is None:
                return error_body(404, "index_not_found_exception", f"no such index [{missing}]", missing)
            rows = []
            for name in names:
                docs = state.indices[name]["docs"]
                size = sum(len(json.dumps(d)) for d in docs.values())
                rows.append({"index": name, "docs.count": str(len(docs)), "store.size": f"{size}b"})
            return 200, rows

        def delete_indices(self, expression, query):
            wildcard = any("*" in item or item == "_all" for item in expression.split(","))
            if wildcard and state.major == "8":
                return error_body(400, "illegal_argument_exception",
                                  "Wildcard expressions or all indices are not allowed")
            allow_missing = query.get("ignore_unavailable") == "true"
            names, missing = self.expand(expression, allow_missing)
            if names is None:
                return error_body(404, "index_not_found_exception", f"no such index [{missing}]", missing)
            for name in names:
                del state.indices[name]
            return 200, {"acknowledged": True}

        def hits(self, index_name, docs, source_filter):
            out = []
            for doc_id, source in sorted(docs.items()):
                if isinstance(source_filter, list):
                    source = {k: v for k, v in source.items() if k in source_filter}
                out.append({"_index": index_name, "_id": doc_id, "_score": None, "_source": source})
            return out

        def search(self, index_name, query, body):
            if index_name not in state.indices:
                return error_body(404, "index_not_found_exception", f"no such index [{index_name}]", index_name)
            size = int(body.get("size", 10))
            all_hits = self.hits(index_name, state.indices[index_name]["docs"], body.get("_source"))
            page, rest = all_hits[:size], all_hits[size:]
            response = {"took": 1, "timed_out": False,
                        "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
                        "hits": {"total": {"value": len(all_hits), "relation": "eq"}, "max_score": None, "hits": page}}
            if "scroll" in query:
                scroll_id = base64.b64encode(uuid.uuid4().bytes).decode()
                state.scrolls[scroll_id] = (rest, size)
                response["_scroll_id"] = scroll_id
            return 200, response

        def scroll(self, method, body):
            if method == "DELETE":
                ids = body.get("scroll_id", [])
                ids = ids if isinstance(ids, list) else [ids]
                freed = sum(1 for i in ids if state.scrolls.pop(i, None) is not None)
                return 200, {"succeeded": True, "num_freed": freed}
            scroll_id = body.get("scroll_id")
            if scroll_id not in state.scrolls:
                return error_body(404, "search_context_missing_exception", "No search context found")
            rest, size = state.scrolls[scroll_id]
            page, rest = rest[:size], rest[size:]
            state.scrolls[scroll_id] = (rest, size)
            return 200, {"_scroll_id": scroll_id, "took": 1, "timed_out": False,
                         "hits": {"total": {"value": len(page), "relation": "eq"}, "max_score": None, "hits": page}}

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--major", choices=["7", "8"], default="8")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--user", default="")
    parser.add_argument("--password", default="")
    parser.add_argument("--cert", help="PEM certificate: serve https")
    parser.add_argument("--key", help="PEM private key for --cert")
    args = parser.parse_args()
    state = State(args.major)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(state, args.user, args.password))
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(f"PORT {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
