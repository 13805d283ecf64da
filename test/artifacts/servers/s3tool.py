#!/usr/bin/env python3
"""Test helper for the S3 server (s3rver): put objects and list keys, over plain HTTP.

  s3tool.py ENDPOINT put BUCKET KEY [KEY ...]        (or keys from stdin with '-')
  s3tool.py ENDPOINT list BUCKET [PREFIX]            one key per line, all pages
"""
import http.client
import re
import sys
import urllib.parse
import xml.sax.saxutils


def main():
    endpoint, command, bucket = sys.argv[1], sys.argv[2], sys.argv[3]
    url = urllib.parse.urlsplit(endpoint)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    if command == "put":
        keys = sys.argv[4:]
        if keys == ["-"]:
            keys = [line.rstrip("\n") for line in sys.stdin if line.strip()]
        for key in keys:
            body = ("content of " + key).encode()
            conn.request("PUT", "/%s/%s" % (bucket, urllib.parse.quote(key)), body,
                         {"Content-Length": str(len(body))})
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                sys.exit("PUT %s: HTTP %d" % (key, resp.status))
    elif command == "list":
        prefix = sys.argv[4] if len(sys.argv) > 4 else ""
        token = None
        while True:
            q = {"list-type": "2", "prefix": prefix}
            if token:
                q["continuation-token"] = token
            conn.request("GET", "/%s/?%s" % (bucket, urllib.parse.urlencode(q)))
            resp = conn.getresponse()
            body = resp.read().decode()
            if resp.status != 200:
                sys.exit("list: HTTP %d %s" % (resp.status, body))
            for key in re.findall(r"<Key>(.*?)</Key>", body):
                print(xml.sax.saxutils.unescape(key, {"&quot;": '"', "&apos;": "'"}))
            m = re.search(r"<NextContinuationToken>(.*?)</NextContinuationToken>", body)
            if "<IsTruncated>true</IsTruncated>" not in body or not m:
                break
            token = xml.sax.saxutils.unescape(m.group(1))
    else:
        sys.exit("unknown command " + command)


if __name__ == "__main__":
    main()
