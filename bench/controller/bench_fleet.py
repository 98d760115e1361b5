#!/usr/bin/env python3
"""Helpers for bench/controller_bench.sh. Standard library only.

  bench_fleet.py seed --apiserver URL --namespace NS --count N
      Creates N Deployments (bench-0 ... bench-N-1, 2 replicas) and N InferenceAutoscalers
      targeting them, each selecting model_name="model-<i>" (vllm preset). The CRD must be
      installed already.
  bench_fleet.py export --port 0 --count N
      A Prometheus exporter with vLLM-format series for model_name="model-0" ... "model-<N-1>":
      every model completes 5 req/s (counter grows with time), 2 waiting, 8 running, 1.0 s mean
      service time. Prints "listening on <port>".
"""
import argparse
import http.server
import json
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

BUCKETS = [0.25, 0.5, 1.0, 2.0, 5.0, 10.0]


def post(url, obj):
    req = urllib.request.Request(url, data=json.dumps(obj).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def seed(args):
    deploy_url = f"{args.apiserver}/apis/apps/v1/namespaces/{args.namespace}/deployments"
    ia_url = (f"{args.apiserver}/apis/slo-autoscaler.io/v1alpha1/namespaces/{args.namespace}"
              "/inferenceautoscalers")

    def one(i):
        name = f"bench-{i}"
        d = {"apiVersion": "apps/v1", "kind": "Deployment",
             "metadata": {"name": name, "namespace": args.namespace},
             "spec": {"replicas": 2, "selector": {"matchLabels": {"app": name}},
                      "template": {"metadata": {"labels": {"app": name}},
                                   "spec": {"containers": [{"name": "vllm", "image": "vllm"}]}}}}
        ia = {"apiVersion": "slo-autoscaler.io/v1alpha1", "kind": "InferenceAutoscaler",
              "metadata": {"name": name, "namespace": args.namespace},
              "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment",
                                          "name": name},
                       "minReplicas": 1, "maxReplicas": 20,
                       "slo": {"latencyThresholdSeconds": 2.0},
                       "capacity": {"concurrencyPerReplica": 8, "serviceTimeSeconds": 1.0},
                       "metrics": {"preset": "vllm", "labelSelector": {"model_name": f"model-{i}"}}}}
        return post(deploy_url, d), post(ia_url, ia)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(one, range(args.count)))
    bad = [r for r in results if r != (201, 201)]
    if bad:
        print(f"seed: {len(bad)} creations failed, e.g. {bad[0]}", file=sys.stderr)
        return 1
    print(f"seeded {args.count} deployments and inferenceautoscalers in {args.namespace}")
    return 0


def export(args):
    start = time.monotonic()

    def render():
        elapsed = time.monotonic() - start
        done = int(5 * elapsed)
        out = ["# TYPE vllm:num_requests_running gauge", "# TYPE vllm:num_requests_waiting gauge",
               "# TYPE vllm:request_success_total counter"]
        hists = ("vllm:request_inference_time_seconds", "vllm:request_prefill_time_seconds",
                 "vllm:request_queue_time_seconds", "vllm:time_to_first_token_seconds",
                 "vllm:e2e_request_latency_seconds")
        values = (1.0, 0.1, 0.2, 0.3, 1.2)
        for i in range(args.count):
            lab = f'model_name="model-{i}"'
            out.append(f"vllm:num_requests_running{{{lab}}} 8")
            out.append(f"vllm:num_requests_waiting{{{lab}}} 2")
            out.append(f'vllm:request_success_total{{{lab}}} {done}')
            for name, v in zip(hists, values):
                for le in BUCKETS:
                    out.append(f'{name}_bucket{{{lab},le="{le}"}} {done if v <= le else 0}')
                out.append(f'{name}_bucket{{{lab},le="+Inf"}} {done}')
                out.append(f"{name}_sum{{{lab}}} {v * done}")
                out.append(f"{name}_count{{{lab}}} {done}")
        return "\n".join(out) + "\n"

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = render().encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"listening on {server.server_address[1]}", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("seed")
    s.add_argument("--apiserver", required=True)
    s.add_argument("--namespace", default="bench")
    s.add_argument("--count", type=int, default=1000)
    e = sub.add_parser("export")
    e.add_argument("--port", type=int, default=0)
    e.add_argument("--count", type=int, default=1000)
    args = p.parse_args()
    return seed(args) if args.cmd == "seed" else export(args)


if __name__ == "__main__":
    sys.exit(main())
