#!/usr/bin/env python3
"""A simulated vLLM fleet for the end-to-end test: the load is real-time, the servers are not.

Requests arrive as a Poisson process at a rate set through a control endpoint, wait in one FIFO
queue and are served by `replicas x concurrency` slots, where `replicas` is the Deployment's
status.readyReplicas polled from the (test) Kubernetes API server. Service times are fixed or
exponential. So the loop is closed: too few replicas and the queue grows.

It serves, on one port:
  GET  /metrics   Prometheus text format with vLLM's metric names and a model_name label:
                  vllm:num_requests_running, vllm:num_requests_waiting (gauges),
                  vllm:request_success_total (counter), and the histograms
                  vllm:request_inference_time_seconds, vllm:request_prefill_time_seconds,
                  vllm:request_queue_time_seconds, vllm:time_to_first_token_seconds,
                  vllm:e2e_request_latency_seconds.
  GET  /control   the state as JSON: rate, replicas, queue, running, completed.
  POST /control   {"rate": 8.0} and/or {"serviceTime": 1.0}: change the load now.

Usage: fake_vllm.py --port 0 --apiserver http://127.0.0.1:P --namespace serving
                    --deployment vllm-chat --model-name chat --rate 8 --service-time 1.0
                    --service-dist exp --concurrency 4 --seed 1 [--token T]
Prints "listening on <port>" once bound. Runs until SIGTERM. Standard library only.
"""
import argparse
import heapq
import http.server
import json
import random
import signal
import sys
import threading
import time
import urllib.request

BUCKETS = [0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 7.5, 10.0, 15.0, 20.0,
           30.0, 60.0]
PREFILL_SHARE = 0.1  # the part of the service that is prefill (inside TTFT)


class Histogram:
    def __init__(self):
        self.counts = [0] * len(BUCKETS)
        self.total = 0
        self.sum = 0.0

    def observe(self, v):
        for i, le in enumerate(BUCKETS):
            if v <= le:
                self.counts[i] += 1
        self.total += 1
        self.sum += v

    def render(self, name, labels):
        out = [f"# HELP {name} Histogram.", f"# TYPE {name} histogram"]
        for le, c in zip(BUCKETS, self.counts):
            out.append(f'{name}_bucket{{{labels},le="{le}"}} {c}')
        out.append(f'{name}_bucket{{{labels},le="+Inf"}} {self.total}')
        out.append(f"{name}_sum{{{labels}}} {self.sum}")
        out.append(f"{name}_count{{{labels}}} {self.total}")
        return out


class Fleet:
    """The queueing simulation, advanced in real time by its own thread."""

    def __init__(self, args):
        self.lock = threading.Lock()
        self.rng = random.Random(args.seed)
        self.rate = args.rate
        self.service_time = args.service_time
        self.dist = args.service_dist
        self.concurrency = args.concurrency
        self.replicas = 0
        self.queue = []  # arrival times, FIFO
        self.in_service = []  # heap of (finish_t, arrival_t, start_t, service_s)
        self.completed = 0
        self.next_arrival = None
        self.hist = {n: Histogram() for n in ("inference", "prefill", "queue", "ttft", "e2e")}
        self.stop = threading.Event()

    def _sample_service(self):
        if self.dist == "exp":
            return self.rng.expovariate(1.0 / self.service_time)
        return self.service_time

    def _schedule_arrival(self, now):
        self.next_arrival = now + self.rng.expovariate(self.rate) if self.rate > 0 else None

    def set_load(self, rate=None, service_time=None):
        with self.lock:
            now = time.monotonic()
            if rate is not None:
                self.rate = float(rate)
                self._schedule_arrival(now)
            if service_time is not None:
                self.service_time = float(service_time)

    def set_replicas(self, n):
        with self.lock:
            self.replicas = max(0, int(n))
            self._dispatch(time.monotonic())

    def _dispatch(self, now):
        slots = self.replicas * self.concurrency
        while self.queue and len(self.in_service) < slots:
            arrival = self.queue.pop(0)
            s = self._sample_service()
            heapq.heappush(self.in_service, (now + s, arrival, now, s))

    def _complete(self, item):
        finish, arrival, start, s = item
        wait = start - arrival
        prefill = PREFILL_SHARE * s
        self.hist["inference"].observe(s)
        self.hist["prefill"].observe(prefill)
        self.hist["queue"].observe(wait)
        self.hist["ttft"].observe(wait + prefill)
        self.hist["e2e"].observe(finish - arrival)
        self.completed += 1

    def run(self):
        with self.lock:
            self._schedule_arrival(time.monotonic())
        while not self.stop.is_set():
            with self.lock:
                now = time.monotonic()
                # Process events in time order up to now.
                while True:
                    t_arr = self.next_arrival if self.next_arrival is not None else float("inf")
                    t_fin = self.in_service[0][0] if self.in_service else float("inf")
                    t = min(t_arr, t_fin)
                    if t > now:
                        break
                    if t_fin <= t_arr:
                        self._complete(heapq.heappop(self.in_service))
                        self._dispatch(t_fin)
                    else:
                        self.queue.append(t_arr)
                        self._schedule_arrival(t_arr)
                        self._dispatch(t_arr)
                t_arr = self.next_arrival if self.next_arrival is not None else float("inf")
                t_fin = self.in_service[0][0] if self.in_service else float("inf")
                wake = min(t_arr, t_fin, now + 0.05) - now
            self.stop.wait(max(0.0, wake))

    def state(self):
        with self.lock:
            return {"rate": self.rate, "serviceTime": self.service_time,
                    "replicas": self.replicas, "queue": len(self.queue),
                    "running": len(self.in_service), "completed": self.completed}

    def render(self, model):
        labels = f'model_name="{model}"'
        with self.lock:
            out = [
                "# HELP vllm:num_requests_running Number of requests in model execution batches.",
                "# TYPE vllm:num_requests_running gauge",
                f"vllm:num_requests_running{{{labels}}} {len(self.in_service)}",
                "# HELP vllm:num_requests_waiting Number of requests waiting to be processed.",
                "# TYPE vllm:num_requests_waiting gauge",
                f"vllm:num_requests_waiting{{{labels}}} {len(self.queue)}",
                "# HELP vllm:request_success_total Count of successfully processed requests.",
                "# TYPE vllm:request_success_total counter",
                f'vllm:request_success_total{{finished_reason="stop",{labels}}} {self.completed}',
            ]
            for key, name in (("inference", "vllm:request_inference_time_seconds"),
                              ("prefill", "vllm:request_prefill_time_seconds"),
                              ("queue", "vllm:request_queue_time_seconds"),
                              ("ttft", "vllm:time_to_first_token_seconds"),
                              ("e2e", "vllm:e2e_request_latency_seconds")):
                out += self.hist[key].render(name, labels)
        return "\n".join(out) + "\n"


def poll_replicas(fleet, args):
    """Follows the Deployment's status.readyReplicas (absent = 0, as the API omits zeros)."""
    url = (f"{args.apiserver}/apis/apps/v1/namespaces/{args.namespace}"
           f"/deployments/{args.deployment}")
    headers = {"Authorization": f"Bearer {args.token}"} if args.token else {}
    while not fleet.stop.is_set():
        try:
            req = urllib.request.Request(url, headers=headers)
            with urllib.request.urlopen(req, timeout=5) as r:
                obj = json.load(r)
            fleet.set_replicas(obj.get("status", {}).get("readyReplicas", 0))
        except Exception as e:  # keep the last count while the API server is unreachable
            print(f"fake_vllm: reading the deployment failed: {e}", file=sys.stderr, flush=True)
        fleet.stop.wait(args.poll_interval)


def make_handler(fleet, args):
    class Handler(http.server.BaseHTTPRequestHandler):
        def _send(self, code, body, ctype):
            data = body.encode()
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path.startswith("/metrics"):
                self._send(200, fleet.render(args.model_name), "text/plain; version=0.0.4")
            elif self.path.startswith("/control"):
                self._send(200, json.dumps(fleet.state()), "application/json")
            else:
                self._send(404, "not found\n", "text/plain")

        def do_POST(self):
            if not self.path.startswith("/control"):
                self._send(404, "not found\n", "text/plain")
                return
            n = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(n) or b"{}")
                fleet.set_load(body.get("rate"), body.get("serviceTime"))
            except (ValueError, TypeError, AttributeError) as e:
                self._send(400, f"bad control body: {e}\n", "text/plain")
                return
            self._send(200, json.dumps(fleet.state()), "application/json")

        def log_message(self, *a):
            pass

    return Handler


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--apiserver", required=True)
    p.add_argument("--token", default="")
    p.add_argument("--namespace", default="default")
    p.add_argument("--deployment", required=True)
    p.add_argument("--model-name", default="chat")
    p.add_argument("--rate", type=float, default=1.0, help="arrivals per second")
    p.add_argument("--service-time", type=float, default=1.0, help="mean service time, s")
    p.add_argument("--service-dist", choices=["fixed", "exp"], default="exp")
    p.add_argument("--concurrency", type=int, default=4, help="slots per replica")
    p.add_argument("--poll-interval", type=float, default=0.5)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()

    fleet = Fleet(args)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(fleet, args))
    server.daemon_threads = True
    threading.Thread(target=fleet.run, daemon=True).start()
    threading.Thread(target=poll_replicas, args=(fleet, args), daemon=True).start()

    def on_term(*_):
        fleet.stop.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    print(f"listening on {server.server_address[1]}", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
