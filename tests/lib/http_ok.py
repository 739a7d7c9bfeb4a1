#!/usr/bin/env python3
"""An HTTP server for health-check tests: 200 "ok" to every GET.

    http_ok.py ADDRESS PORT

Single-threaded, so stopping the process (SIGSTOP) hangs it: the kernel
still accepts connections, no response comes.
"""
import http.server
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok\n")

    def log_message(self, *args):
        pass


http.server.HTTPServer((sys.argv[1], int(sys.argv[2])), Handler).serve_forever()
