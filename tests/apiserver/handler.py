"""The HTTP layer: one handler thread per connection (ThreadingHTTPServer), HTTP/1.1 keep-alive,
chunked transfer encoding for watch streams, request logging, fault injection, bearer-token
authentication, and the unauthenticated /_test/ control API.

Order for an API request: log entry -> injected fault (if any) -> Authorization check (401)
-> health/openapi paths -> resource API (403 for --forbid rules, then the operation).
Every failure is answered with a meta/v1 Status; an unexpected exception becomes a 500
InternalError Status (and a traceback on stderr), never a crash.
"""

import base64
import json
import select
import socket
import ssl
import struct
import sys
import time
import traceback
import urllib.parse
from http.server import BaseHTTPRequestHandler

import errors
import openapi
from api import Request, Response
from watch import WatchStream

MAX_LOGGED_BODY = 64 * 1024
PUBLIC_PATHS = ("/healthz", "/readyz", "/livez", "/version")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "slo-test-apiserver/1.0"

    # Set by the server: .api, .ctl, .stopping, .verbose
    def log_message(self, fmt, *args):
        if getattr(self.server, "verbose", False):
            sys.stderr.write("apiserver: " + (fmt % args) + "\n")

    def do_GET(self):
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    # -- plumbing -----------------------------------------------------------------------------
    def _read_body(self):
        if (self.headers.get("Transfer-Encoding") or "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _log(self, status):
        """Append this API request to the request log, once, BEFORE its answer is sent: a
        client that got the answer and then reads /_test/requests must find it there."""
        entry = getattr(self, "_entry", None)
        if entry is not None:
            self._entry = None
            entry["status"] = status
            self.server.ctl.log_request(entry)

    def _send_json(self, code, obj, headers=None):
        body = (json.dumps(obj, separators=(",", ":")) + "\n").encode()
        self._log(code)
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache, private")
        for k, v in (headers or {}).items():
            for item in (v if isinstance(v, list) else [v]):
                self.send_header(k, item)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return code

    def _send_text(self, code, text):
        body = text.encode()
        self._log(code)
        self.send_response(code)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return code

    def _send_error(self, e):
        return self._send_json(e.code, e.status(), e.headers)

    def _close_hard(self, reset):
        self.close_connection = True
        try:
            if reset:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
            else:
                self.connection.shutdown(socket.SHUT_RDWR)
            self.connection.close()
        except OSError:
            pass

    # -- dispatch -----------------------------------------------------------------------------
    def _dispatch(self):
        self._entry = None
        url = urllib.parse.urlsplit(self.path)
        path = url.path or "/"
        query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query,
                                                            keep_blank_values=True).items()}
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self._send_error(errors.bad_request("could not read the request body"))
            self.close_connection = True
            return
        if path.startswith("/_test/") or path == "/_test":
            try:
                self._control(path, body)
            except OSError:
                self.close_connection = True
            except Exception as e:  # noqa: BLE001 - never let a request crash the server
                traceback.print_exc(file=sys.stderr)
                self._send_json(500, {"error": repr(e)})
            return
        entry = {"method": self.command, "path": path, "query": url.query,
                 "contentType": self.headers.get("Content-Type") or "",
                 "accept": self.headers.get("Accept") or "",
                 "userAgent": self.headers.get("User-Agent") or "",
                 "time": time.time()}
        self._entry = entry
        if body:
            entry.update(_loggable_body(body[:MAX_LOGGED_BODY], entry["contentType"]))
        try:
            self._serve(path, query, body, entry)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True
        except Exception as e:  # noqa: BLE001 - never let a request crash the server
            traceback.print_exc(file=sys.stderr)
            try:
                self._send_error(errors.internal_error(repr(e)))
            except OSError:
                self.close_connection = True
        finally:
            self._log(0)  # no answer was sent (reset, hang, broken connection)

    def _serve(self, path, query, body, entry):
        ctl = self.server.ctl
        fault = ctl.take_fault(self.command, path)
        if fault is not None:
            entry["fault"] = fault.action
            return self._fault(fault, path)
        # Like a real cluster's system:public-info-viewer role, health and version need no
        # token (a wrong one still gets 401, as authentication fails before authorization).
        header = self.headers.get("Authorization")
        public = path in PUBLIC_PATHS and not header
        if not public and not ctl.check_token(header):
            return self._send_error(errors.unauthorized())
        if path in ("/healthz", "/readyz", "/livez"):
            return self._send_text(200, "ok")
        if path.startswith("/openapi/"):
            code, doc = openapi.handle(self.server.api.registry, path)
            if doc is None:
                return self._send_error(errors.path_not_found(path))
            return self._send_json(code, doc)
        req = Request(self.command, path, query, self.headers, body)
        try:
            resp = self.server.api.handle(req)
        except errors.ApiError as e:
            return self._send_error(e)
        if isinstance(resp, WatchStream):
            return self._stream(resp)
        assert isinstance(resp, Response)
        return self._send_json(resp.code, resp.obj, resp.headers)

    def _fault(self, fault, path):
        a = fault.action
        if a in ("reset", "hang"):
            self._log(0)
        if a == "reset":
            self._close_hard(reset=True)
            return 0
        if a == "hang":
            self.server.stopping.wait(fault.hang_s)
            self._close_hard(reset=False)
            return 0
        err = {"409": lambda: errors.conflict(*_group_resource_name(path)),
               "429": lambda: errors.too_many_requests(fault.retry_after_s),
               "500": lambda: errors.internal_error(),
               "503": lambda: errors.service_unavailable(fault.retry_after_s)}[a]()
        return self._send_error(err)

    def _stream(self, stream):
        self._log(200)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache, private")
        self.end_headers()
        self.wfile.flush()

        def write(data):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()

        def alive():
            # A watch with nothing to send would otherwise notice a gone client only at
            # timeoutSeconds. TLS sockets cannot peek; there bookmarks/events detect it.
            sock = self.connection
            if isinstance(sock, ssl.SSLSocket):
                return True
            try:
                readable, _, _ = select.select([sock], [], [], 0)
                return not readable or sock.recv(1, socket.MSG_PEEK) != b""
            except OSError:
                return False

        try:
            stream.run(write, self.server.stopping, alive)
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True
        except OSError:
            self.close_connection = True
        if self.server.stopping.is_set():
            self.close_connection = True
        return 200

    # -- /_test control API -------------------------------------------------------------------
    def _control(self, path, body):
        ctl, store = self.server.ctl, self.server.api.store
        m = self.command
        try:
            data = json.loads(body.decode() or "null") if body else None
        except ValueError as e:
            self._send_json(400, {"error": f"invalid JSON: {e}"})
            return
        try:
            if path == "/_test/faults" and m == "POST":
                specs = data if isinstance(data, list) else [data]
                added = [ctl.add_fault(s) for s in specs]
                self._send_json(201, {"added": added, "faults": ctl.faults()})
            elif path == "/_test/faults" and m == "GET":
                self._send_json(200, {"faults": ctl.faults()})
            elif path == "/_test/faults" and m == "DELETE":
                ctl.clear_faults()
                self._send_json(200, {"faults": []})
            elif path == "/_test/requests" and m == "GET":
                self._send_json(200, {"requests": ctl.requests()})
            elif path == "/_test/requests" and m == "DELETE":
                ctl.clear_requests()
                self._send_json(200, {"requests": []})
            elif path == "/_test/compact" and m == "POST":
                store.compact()
                self._send_json(200, {"compactedResourceVersion": str(store.current_rv())})
            elif path == "/_test/forbid" and m in ("POST", "PUT"):
                rules = (data or {}).get("rules", []) if isinstance(data, dict) else data
                ctl.set_forbid(rules or [])
                self._send_json(200, {"rules": sorted(f"{v}:{r}" for v, r in ctl.forbid)})
            elif path == "/_test/token" and m in ("POST", "PUT"):
                token = data.get("token") if isinstance(data, dict) else data
                if token is not None and not isinstance(token, str):
                    raise ValueError("token must be a string or null")
                ctl.token = token or None
                self._send_json(200, {"token": ctl.token})
            else:
                self._send_json(404, {"error": f"no control endpoint {m} {path}"})
        except (ValueError, TypeError, AttributeError) as e:
            self._send_json(400, {"error": str(e)})


def _group_resource_name(path):
    """(group, resource, name) named by an API path, best effort, for injected Status bodies."""
    parts = [p for p in path.split("/") if p]
    if parts[:2] == ["api", "v1"]:
        group, rest = "", parts[2:]
    elif parts[:1] == ["apis"] and len(parts) >= 3:
        group, rest = parts[1], parts[3:]
    else:
        return "", "resource", path
    if len(rest) >= 3 and rest[0] == "namespaces":
        rest = rest[2:]
    return group, (rest[0] if rest else "resource"), (rest[1] if len(rest) > 1 else "")


def _loggable_body(raw, content_type):
    """{"body": text} for text bodies; base64 plus "bodyEncoding" for binary ones (protobuf)."""
    if "protobuf" not in content_type and "cbor" not in content_type:
        try:
            return {"body": raw.decode("utf-8")}
        except UnicodeDecodeError:
            pass
    return {"body": base64.b64encode(raw).decode(), "bodyEncoding": "base64"}
