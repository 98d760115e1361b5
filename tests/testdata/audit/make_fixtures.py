#!/usr/bin/env python3
"""Writes the recorded-log fixtures of `slo-autoscaler audit` (tests/testdata/audit/).

The records follow CONTRACTS.md §4 plus the keys listed in controller/record/decision_json.h,
with the capacity models' numbers worked out here (Little's law, backlog drain, Erlang-C), so a
test can check the audit's explanations against known values. Deterministic: run it again and
the files come out byte for byte the same.

Scenario (2026-11-23, from 10:30:00Z, one reconcile pass every 15 s, 40 passes):
  serving/chat   load ramps 12 -> 84 -> 15 req/s; scales up, hits maxReplicas 6, holds on missing
                 metrics, scale-down stabilised; someone scales it by hand at pass 20 (a gap).
  serving/code   spec.dryRun: changes decided, never applied.
  serving/embed  no scale-down window: flaps 2 <-> 3.
Controller replica controller-0 (0.1.0, abc1234) writes passes 0-14 to controller-0.log (spdlog
text lines and other JSON records between the decisions, its last line cut mid-write);
controller-1 (0.1.1, def5678) takes over and writes passes 15-39 to controller-1.log as
`kubectl logs --timestamps` prints them. rotated/ holds the chat decisions split in two files
that overlap by one line.
"""
import json
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
T0_S = 1795429800  # 2026-11-23T10:30:00Z


def ts(t_s):
    whole = int(t_s)
    ms = int(round((t_s - whole) * 1000))
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + ".%03dZ" % ms


def fmt(v):
    if abs(v - round(v)) < 1e-9:
        return str(int(round(v)))
    return ("%.3g" % v) if abs(v) < 10 else ("%.1f" % v).rstrip("0").rstrip(".")


def erlang_c(c, a):
    # Probability of waiting in M/M/c with offered load a (Erlangs), c servers.
    if a >= c:
        return 1.0
    term, total = 1.0, 1.0
    for k in range(1, c):
        term *= a / k
        total += term
    term *= a / c
    top = term * c / (c - a)
    return top / (total + top)


def erlang_servers(lam, w, budget, pct):
    a = lam * w
    mu = 1.0 / w
    allowed = 1 - pct / 100.0
    c = max(1, int(math.floor(a)) + 1)
    while True:
        pw = erlang_c(c, a)
        tail = pw * math.exp(-(c * mu - lam) * budget)
        if tail <= allowed:
            return c, a, pw, tail, allowed
        c += 1


SLO = {"latencyThresholdSeconds": 1.0, "latencyPercentile": 99.0, "latencyMetric": "ttft",
       "targetUtilization": 0.9}
CONC = 16


def models(lam, q, w, prefill, max_r):
    out = []
    if lam is None or w is None:
        for name in ("littlesLaw", "backlog", "erlangC"):
            missing = ["arrivalRateRps"] if lam is None else []
            if w is None:
                missing.append("serviceTimeSeconds")
            if name == "backlog" and q is None:
                missing.append("queueDepth")
            out.append({"name": name, "replicas": None, "detail": {}, "missingInputs": missing,
                        "note": ""})
        return out, None
    busy = lam * w
    per = CONC * SLO["targetUtilization"]
    r1 = max(1, math.ceil(busy / per - 1e-9))
    out.append({"name": "littlesLaw", "replicas": r1,
                "detail": {"busySlots": round(busy, 4), "slotsPerReplica": per},
                "missingInputs": [],
                "note": "%s req/s × %s s = %s busy slots; at %d%% of 16 slots: %d replicas"
                        % (fmt(lam), fmt(w), fmt(busy), SLO["targetUtilization"] * 100, r1)})
    budget = SLO["latencyThresholdSeconds"] - prefill
    drain = q * w / budget if q else 0.0
    r2 = max(1, math.ceil((busy + drain) / CONC - 1e-9))
    out.append({"name": "backlog", "replicas": r2,
                "detail": {"busySlots": round(busy, 4), "waitBudgetSeconds": round(budget, 4),
                           "drainSlots": round(drain, 4)},
                "missingInputs": [],
                "note": "%s queued drain within %s s: %s + %s slots = %d replicas"
                        % (fmt(q), fmt(budget), fmt(busy), fmt(drain), r2)})
    c, a, pw, tail, allowed = erlang_servers(lam, w, budget, SLO["latencyPercentile"])
    r3 = max(1, math.ceil(c / CONC))
    out.append({"name": "erlangC", "replicas": r3,
                "detail": {"offeredLoadErlangs": round(a, 4), "waitBudgetSeconds": round(budget, 4),
                           "servers": c, "waitProbability": round(pw, 6),
                           "tailProbability": round(tail, 6), "tailAllowed": round(allowed, 4),
                           "serviceTimeScv": 1, "scvFactor": 1},
                "missingInputs": [],
                "note": "Erlang-C needs %d slots (%d replicas) for p99 TTFT <= 1 s at %s Erlangs"
                        % (c, r3, fmt(a))})
    best = max(out, key=lambda m: m["replicas"])
    return out, best


def record(t_s, ns, name, deploy, inputs, mods, binding, current, recommended, desired, reason,
           message, limits, actuated, dry_run, instance, version, commit, ready):
    return {
        "ts": ts(t_s), "type": "ScalingDecision", "source": "controller",
        "autoscaler": {"namespace": ns, "name": name, "uid": "uid-" + name, "generation": 3},
        "target": {"apiVersion": "apps/v1", "kind": "Deployment", "name": deploy},
        "inputs": dict(inputs, readyReplicas=ready),
        "models": mods,
        "bindingModel": binding,
        "currentReplicas": current, "recommendedReplicas": recommended,
        "desiredReplicas": desired, "reason": reason, "message": message, "limits": limits,
        "overload": None, "slo": SLO, "dryRun": dry_run, "actuated": actuated,
        "nodePool": None,
        "controller": {"version": version, "commit": commit, "instance": instance},
    }


CHAT_RATE = [12, 12, 15, 24, 37.2, 48, 60, 72, 78, 84, 84, 84, None, None, 78, 66, 54, 42, 30,
             24, 18, 15, 15, 15, 15, 15, 15, 15, 15, 15] + [15] * 10
CHAT_QUEUE = [0, 0, 1, 2, 3, 6, 9, 12, 10, 14, 18, 20, None, None, 12, 6, 3, 1, 0, 0, 0, 0, 0,
              0, 0, 0, 0, 0, 0, 0] + [0] * 10


def chat_decisions():
    out = []
    current = 1
    max_r, min_r = 6, 1
    history = []  # (t, recommendation) for the 300 s scale-down window
    for i, lam in enumerate(CHAT_RATE):
        t = T0_S + 15 * i + 0.123
        if i == 20:
            current += 1  # someone ran `kubectl scale` by hand between passes 19 and 20
        q = CHAT_QUEUE[i]
        w = 1.1 if lam is not None else None
        inputs = {"arrivalRateRps": lam, "queueDepth": q,
                  "inFlight": None if lam is None else round(lam * 1.1 * 0.95, 1),
                  "serviceTimeSeconds": w, "latencySeconds": None if lam is None else
                  round(0.4 + 0.06 * (q or 0), 2),
                  "sampleAgeSeconds": None if lam is None else 6.0,
                  "serviceTimeScv": None, "prefillTimeSeconds": 0.11}
        mods, best = models(lam, q, w, 0.11, max_r)
        limits = []
        if best is None:
            recommended, desired, reason = None, current, "MetricsMissing"
            binding = None
            limits = ["missingDataHold"]
            message = ("hold at %d replicas: arrivalRateRps and serviceTimeSeconds are missing; "
                       "never scale down on missing data" % current)
        else:
            binding = best["name"]
            recommended = best["replicas"]
            history.append((t, recommended))
            window = [r for (tt, r) in history if t - tt <= 300]
            stabilized = max(window)
            desired = recommended
            reason = "Steady"
            if current > max_r and recommended >= max_r:
                desired, reason, limits = max_r, "AtMaxReplicas", ["maxReplicas"]
            elif recommended > current:
                desired, reason = recommended, "ScaleUp"
                if recommended > max_r:
                    desired, reason = max_r, "AtMaxReplicas"
                    limits = ["maxReplicas"]
            elif recommended < current:
                desired = min(current, stabilized, max_r)
                if desired == current and desired > recommended:
                    reason, limits = "ScaleDownStabilized", ["scaleDownStabilization"]
                elif desired == max_r and stabilized > max_r:
                    reason, limits = "AtMaxReplicas", ["maxReplicas"]
                else:
                    reason = "ScaleDown"
            elif recommended == max_r:
                reason, limits = "AtMaxReplicas", ["maxReplicas"]
            message = {
                "ScaleUp": "scale up %d → %d: %s" % (current, desired, best["note"]),
                "AtMaxReplicas": "%s asks for %d replicas (%d with the scale-down window); clamped "
                                 "to maxReplicas %d" % (best["name"], recommended, stabilized,
                                                        max_r),
                "ScaleDown": "scale down %d → %d%s: %s" % (
                    current, desired, "" if desired == recommended else
                    " (highest recommendation in the 300 s scale-down window)", best["note"]),
                "ScaleDownStabilized": "recommendation %d, but the highest recommendation in "
                                       "the 300 s scale-down window is %d: hold at %d"
                                       % (recommended, stabilized, desired),
                "Steady": "steady at %d replicas: %s" % (current, best["note"]),
            }[reason]
        instance, version, commit = (("controller-0", "0.1.0", "abc1234") if i < 15 else
                                     ("controller-1", "0.1.1", "def5678"))
        rec = record(t, "serving", "chat", "vllm-chat", inputs, mods, binding, current,
                     recommended, desired, reason, message, limits, desired != current, False,
                     instance, version, commit, ready=current)
        out.append((i, rec))
        current = desired
    return out


def code_decisions():
    out = []
    for i in range(40):
        t = T0_S + 15 * i + 0.456
        lam = 2.0 if i < 10 else 6.0
        mods, best = models(lam, 0, 2.4, 0.2, 4)
        desired = best["replicas"]
        reason = "DryRun" if desired != 2 else "Steady"
        message = ("dry run: would scale 2 → %d (%s); spec.dryRun is true" % (desired, best["note"])
                   if reason == "DryRun" else "steady at 2 replicas: " + best["note"])
        instance, version, commit = (("controller-0", "0.1.0", "abc1234") if i < 15 else
                                     ("controller-1", "0.1.1", "def5678"))
        inputs = {"arrivalRateRps": lam, "queueDepth": 0, "inFlight": round(lam * 2.4, 1),
                  "serviceTimeSeconds": 2.4, "latencySeconds": 0.9, "sampleAgeSeconds": 5.0,
                  "serviceTimeScv": None, "prefillTimeSeconds": 0.2}
        rec = record(t, "serving", "code", "vllm-code", inputs, mods, best["name"], 2,
                     best["replicas"], desired, reason, message, [], False, True, instance,
                     version, commit, ready=2)
        out.append((i, rec))
    return out


EMBED_RATE = [20] * 10 + [20, 20, 40, 20, 40, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20,
              20, 20, 20, 20, 20, 20, 20, 20, 20, 20]


def embed_decisions():
    out = []
    current = 2
    for i, lam in enumerate(EMBED_RATE):
        t = T0_S + 15 * i + 0.789
        w = 0.2
        mods, best = models(lam, 0, w, 0.02, 6)
        mods = [m for m in mods if m["name"] == "littlesLaw"]
        best = mods[0]
        rec_r = max(2, math.ceil(lam * w / 2.0))  # utilisation of 2 slots per replica
        best["replicas"] = rec_r
        best["note"] = "%s req/s × 0.2 s = %s busy slots; at 2 slots per replica: %d replicas" % (
            fmt(lam), fmt(lam * w), rec_r)
        desired = rec_r
        reason = "ScaleUp" if desired > current else "ScaleDown" if desired < current else "Steady"
        message = ("%s %d → %d: %s" % ("scale up" if reason == "ScaleUp" else "scale down",
                                         current, desired, best["note"])
                   if reason != "Steady" else "steady at %d replicas" % current)
        instance, version, commit = (("controller-0", "0.1.0", "abc1234") if i < 15 else
                                     ("controller-1", "0.1.1", "def5678"))
        inputs = {"arrivalRateRps": lam, "queueDepth": 0, "inFlight": lam * w,
                  "serviceTimeSeconds": w, "latencySeconds": 0.05, "sampleAgeSeconds": 4.0,
                  "serviceTimeScv": None, "prefillTimeSeconds": 0.02}
        rec = record(t, "serving", "embed", "tei-embed", inputs, mods, "littlesLaw", current,
                     rec_r, desired, reason, message, [], desired != current, False, instance,
                     version, commit, ready=current)
        out.append((i, rec))
        current = desired
    return out


def line(rec):
    return json.dumps(rec, ensure_ascii=False, separators=(",", ":"))


def main():
    per_pass = {}
    for fn in (chat_decisions, code_decisions, embed_decisions):
        for i, rec in fn():
            per_pass.setdefault(i, []).append(rec)
    # controller-0.log: passes 0-14 with the noise a container log has.
    lines = ["[2026-11-23 10:29:58.001] [info] slo-autoscaler 0.1.0 (commit abc1234) starting",
             "[2026-11-23 10:29:59.500] [info] acquired leader lease slo-autoscaler-leader",
             ""]
    for i in range(15):
        t = T0_S + 15 * i
        lines.append("[%s] [info] reconcile pass %d: 3 autoscalers" % (
            ts(t).replace("T", " ").rstrip("Z"), i))
        for rec in per_pass[i]:
            lines.append(line(rec))
        lines.append(line({"ts": ts(t + 0.9), "type": "ReconcilePass", "pass": i,
                           "durationSeconds": 0.84, "autoscalers": 3}))
        if i == 7:
            lines.append("[%s] [warning] prometheus query slow: 2.3 s" %
                         ts(t + 1).replace("T", " ").rstrip("Z"))
    lines.append("[2026-11-23 10:33:46.000] [info] lost leader lease; shutting down")
    with open(os.path.join(HERE, "controller-0.log"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
        # The pod was killed mid-write: the last line is cut and has no newline.
        f.write(line(per_pass[14][0])[:150])
    # controller-1.log: passes 15-39 as `kubectl logs --timestamps` prints them.
    lines = []
    for i in range(15, 40):
        for j, rec in enumerate(per_pass[i]):
            lines.append("%s %s" % (ts(T0_S + 15 * i + 0.2 + j * 0.001).replace(".", ".", 1)
                                    .replace("Z", "456789Z"), line(rec)))
    with open(os.path.join(HERE, "controller-1.log"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    # rotated/: the chat decisions in two files overlapping by one line.
    chat = [line(rec) for i in range(40) for rec in per_pass[i]
            if rec["autoscaler"]["name"] == "chat"]
    os.makedirs(os.path.join(HERE, "rotated"), exist_ok=True)
    with open(os.path.join(HERE, "rotated", "ctl.log.1"), "w", encoding="utf-8") as f:
        f.write("\n".join(chat[:21]) + "\n")
    with open(os.path.join(HERE, "rotated", "ctl.log"), "w", encoding="utf-8") as f:
        f.write("\n".join(chat[20:]) + "\n")


if __name__ == "__main__":
    main()
