"""Start the test API server as a subprocess and talk to it (for Python tests).

Example:
    with ApiServer("--token", "t") as srv:
        code, headers, body = srv.request("GET", "/api/v1/namespaces", token="t")
        for event in srv.watch("/api/v1/namespaces?watch=1&timeoutSeconds=1", token="t"):
            ...

The server is started on port 0; its URL is read from the first stdout line within a
deadline; stop() (or leaving the `with`) sends SIGTERM and kills it if it does not exit.
"""

import http.client
import json
import os
import select
import ssl
import subprocess
import sys
import urllib.parse

SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "apiserver.py")


class ApiServer:
    def __init__(self, *args, start_timeout_s=30.0):
        self.args = list(args)
        self.start_timeout_s = start_timeout_s
        self.proc = None
        self.url = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        self.proc = subprocess.Popen([sys.executable, SERVER, "--port", "0"] + self.args,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # The server prints this line first, flushed; wait for it with a deadline.
        ready, _, _ = select.select([self.proc.stdout], [], [], self.start_timeout_s)
        line = self.proc.stdout.readline() if ready else ""
        if not line.startswith("listening on "):
            self.stop()
            raise RuntimeError(f"apiserver did not start within {self.start_timeout_s} s: "
                               f"{line!r}")
        self.url = line.split()[-1]
        parsed = urllib.parse.urlsplit(self.url)
        self.host, self.port = parsed.hostname, parsed.port
        return self.url

    def stop(self):
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for f in (self.proc.stdout, self.proc.stderr):
            if f:
                f.close()
        rc, self.proc = self.proc.returncode, None
        return rc

    def connection(self, timeout_s=10):
        if self.url.startswith("https://"):
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE  # test servers use throw-away certificates
            return http.client.HTTPSConnection(self.host, self.port, timeout=timeout_s,
                                               context=ctx)
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout_s)

    def request(self, method, path, body=None, content_type=None, token=None, accept=None,
                timeout_s=10, raw=False):
        """(status, headers dict (lower-case names, repeated values joined by ', '), body);
        the body is parsed JSON unless raw=True or it is not JSON."""
        conn = self.connection(timeout_s)
        headers = {}
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            headers["Content-Type"] = content_type or "application/json"
        elif content_type:
            headers["Content-Type"] = content_type
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if accept:
            headers["Accept"] = accept
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            hdrs = {}
            for k, v in resp.getheaders():
                hdrs[k.lower()] = f"{hdrs[k.lower()]}, {v}" if k.lower() in hdrs else v
            if raw:
                return resp.status, hdrs, data
            try:
                return resp.status, hdrs, json.loads(data) if data else None
            except ValueError:
                return resp.status, hdrs, data
        finally:
            conn.close()

    def watch(self, path, token=None, accept=None, timeout_s=10, max_events=None):
        """Yield parsed watch events until the stream ends (or max_events were read)."""
        conn = self.connection(timeout_s)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if accept:
            headers["Accept"] = accept
        try:
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            if resp.status != 200:
                raise RuntimeError(f"watch {path}: HTTP {resp.status}: {resp.read()!r}")
            n = 0
            while max_events is None or n < max_events:
                line = resp.readline()
                if not line:
                    return
                n += 1
                yield json.loads(line)
        finally:
            conn.close()
