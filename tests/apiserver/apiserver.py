#!/usr/bin/env python3
"""A test Kubernetes API server (Python standard library only) for the controller tests, the
end-to-end tests and the kubectl proof tests. See README.md ("The test Kubernetes API server").

    python3 tests/apiserver/apiserver.py [--host 127.0.0.1] [--port 0] [--token TOKEN]
        [--forbid VERB:RESOURCE ...] [--ready-file PATH] [--tls-cert F --tls-key F]
        [--bookmark-interval S] [--history N] [--ready-delay S] [--user NAME]
        [--namespace NS ...] [--controllers LIST] [--verbose]

The first line on stdout is `listening on http://HOST:PORT` (https with TLS), flushed; the
server then runs until SIGTERM or SIGINT and exits 0.
"""

import argparse
import os
import signal
import socket
import ssl
import sys
import threading
from http.server import ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from api import Api  # noqa: E402
from controllers import ReplicaController  # noqa: E402
from handler import Handler  # noqa: E402
from resources import Registry  # noqa: E402
from store import Store  # noqa: E402
from testctl import TestControl  # noqa: E402

DEFAULT_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    ssl_context = None

    def finish_request(self, request, client_address):
        if self.ssl_context is None:
            return super().finish_request(request, client_address)
        try:
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return None
        try:
            return super().finish_request(tls, client_address)
        finally:
            try:
                tls.close()
            except OSError:
                pass

    def handle_error(self, request, client_address):
        # Client disconnects are routine for a test server; keep stderr readable.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, ssl.SSLError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def parse_args(argv):
    p = argparse.ArgumentParser(description="Test Kubernetes API server (see "
                                "README.md, 'The test Kubernetes API server')")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port; 0 lets the OS choose (default)")
    p.add_argument("--token", help="require `Authorization: Bearer TOKEN` on API requests")
    p.add_argument("--forbid", nargs="*", action="extend", default=[], metavar="VERB:RESOURCE",
                   help="answer 403 for this verb on this resource, e.g. "
                        "patch:deployments/scale (repeatable; '*' is a wildcard)")
    p.add_argument("--user", default="system:serviceaccount:default:default",
                   help="the user named in 403 messages")
    p.add_argument("--ready-file", help="write the URL to this file once listening")
    p.add_argument("--tls-cert", help="PEM certificate: serve HTTPS")
    p.add_argument("--tls-key", help="PEM private key for --tls-cert")
    p.add_argument("--bookmark-interval", type=float, default=1.0, metavar="S",
                   help="seconds between watch BOOKMARK events (default 1)")
    p.add_argument("--history", type=int, default=1000, metavar="N",
                   help="watch events kept; older resourceVersions get 410 (default 1000)")
    p.add_argument("--ready-delay", type=float, default=0.0, metavar="S",
                   help="seconds before controlled replicas become ready (default 0)")
    p.add_argument("--controllers", default="deployments,machinedeployments,machinepools",
                   help="resources whose status follows spec.replicas ('' for none)")
    p.add_argument("--namespace", nargs="*", action="extend", default=[], metavar="NS",
                   help="extra namespaces to create at start (default, kube-system, "
                        "kube-public and kube-node-lease always exist)")
    p.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = p.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        p.error("--tls-cert and --tls-key go together")
    if args.history < 1:
        p.error("--history must be >= 1")
    if args.bookmark_interval <= 0:
        p.error("--bookmark-interval must be > 0")
    return args


def build(args):
    registry = Registry()
    store = Store(registry, history=args.history)
    ctl = TestControl(token=args.token, forbid=args.forbid, user=args.user)
    ns_def = registry.get("", "namespaces")
    for ns in list(DEFAULT_NAMESPACES) + [n for n in args.namespace if n not in
                                          DEFAULT_NAMESPACES]:
        store.create(ns_def, {"apiVersion": "v1", "kind": "Namespace",
                              "metadata": {"name": ns}, "spec": {"finalizers": ["kubernetes"]},
                              "status": {"phase": "Active"}})
    resources = [r.strip() for r in args.controllers.split(",") if r.strip()]
    controller = ReplicaController(store, resources, args.ready_delay)
    return registry, store, ctl, controller


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    registry, store, ctl, controller = build(args)
    if ":" in args.host:
        Server.address_family = socket.AF_INET6
    try:
        server = Server((args.host, args.port), Handler)
    except (OSError, ValueError) as e:
        print(f"apiserver: cannot listen on {args.host}:{args.port}: {e}", file=sys.stderr)
        return 1
    scheme = "http"
    if args.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        try:
            ctx.load_cert_chain(args.tls_cert, args.tls_key)
        except (OSError, ssl.SSLError) as e:
            print(f"apiserver: cannot load --tls-cert/--tls-key: {e}", file=sys.stderr)
            return 1
        server.ssl_context = ctx
        scheme = "https"
    host, port = server.server_address[:2]
    host = f"[{host}]" if ":" in host else host
    url = f"{scheme}://{host}:{port}"
    server.api = Api(registry, store, ctl, server_address=f"{host}:{port}")
    server.api.bookmark_interval_s = args.bookmark_interval
    server.ctl = ctl
    server.stopping = threading.Event()
    server.verbose = args.verbose

    def stop(signum, frame):
        server.stopping.set()
        store.close()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"listening on {url}", flush=True)
    if args.ready_file:
        tmp = args.ready_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(url + "\n")
        os.replace(tmp, args.ready_file)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.stopping.set()
        controller.stop()
        store.close()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
