#!/usr/bin/env python3
"""A tiny Prometheus exporter serving vLLM-format metrics whose counters grow with time.

Used as a scrape target by tests/support/prometheus_fixture.h. The numbers are a steady fleet:
  - vllm:request_success_total grows by --rate per second,
  - vllm:num_requests_waiting = --waiting, vllm:num_requests_running = --running (constant),
  - vllm:request_inference_time_seconds: every completed request took --service-time seconds,
  - vllm:request_prefill_time_seconds: --prefill-time seconds each,
  - vllm:time_to_first_token_seconds / vllm:request_queue_time_seconds /
    vllm:e2e_request_latency_seconds: --ttft, --queue-time and --e2e seconds each.
So a query over any window sees: completion rate = rate, backlog growth = 0, mean service
time = service-time, queue = waiting, in flight = running.

Usage: static_exporter.py --port 0 --model-name llama [--rate 5 --waiting 3 ...]
Prints "listening on <port>" once the socket is bound. Standard library only.
"""
import argparse
import http.server
import sys
import time

BUCKETS = [0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0]


def histogram(name, labels, value, count):
    lines = [f"# HELP {name} Histogram.", f"# TYPE {name} histogram"]
    for le in BUCKETS:
        c = count if value <= le else 0.0
        lines.append(f'{name}_bucket{{{labels},le="{le}"}} {c}')
    lines.append(f'{name}_bucket{{{labels},le="+Inf"}} {count}')
    lines.append(f"{name}_sum{{{labels}}} {value * count}")
    lines.append(f"{name}_count{{{labels}}} {count}")
    return lines


def render(args, elapsed_s):
    labels = f'model_name="{args.model_name}"'
    count = float(int(args.rate * elapsed_s))  # completed requests so far (whole requests)
    lines = [
        "# HELP vllm:num_requests_running Number of requests in model execution batches.",
        "# TYPE vllm:num_requests_running gauge",
        f"vllm:num_requests_running{{{labels}}} {args.running}",
        "# HELP vllm:num_requests_waiting Number of requests waiting to be processed.",
        "# TYPE vllm:num_requests_waiting gauge",
        f"vllm:num_requests_waiting{{{labels}}} {args.waiting}",
        "# HELP vllm:request_success_total Count of successfully processed requests.",
        "# TYPE vllm:request_success_total counter",
        f'vllm:request_success_total{{finished_reason="stop",{labels}}} {count}',
    ]
    lines += histogram("vllm:request_inference_time_seconds", labels, args.service_time, count)
    lines += histogram("vllm:request_prefill_time_seconds", labels, args.prefill_time, count)
    lines += histogram("vllm:request_queue_time_seconds", labels, args.queue_time, count)
    lines += histogram("vllm:time_to_first_token_seconds", labels, args.ttft, count)
    lines += histogram("vllm:e2e_request_latency_seconds", labels, args.e2e, count)
    return "\n".join(lines) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--model-name", default="llama")
    p.add_argument("--rate", type=float, default=5.0)
    p.add_argument("--waiting", type=float, default=3.0)
    p.add_argument("--running", type=float, default=8.0)
    p.add_argument("--service-time", type=float, default=1.6)
    p.add_argument("--prefill-time", type=float, default=0.2)
    p.add_argument("--queue-time", type=float, default=0.3)
    p.add_argument("--ttft", type=float, default=0.5)
    p.add_argument("--e2e", type=float, default=1.9)
    args = p.parse_args()
    start = time.monotonic() - 60.0  # as if it had been serving for a minute

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.split("?")[0] != "/metrics":
                self.send_error(404)
                return
            body = render(args, time.monotonic() - start).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *unused):
            pass

    server = http.server.ThreadingHTTPServer((args.host, args.port), Handler)
    print(f"listening on {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
