"""What the h2load benchmarks in this folder share: one gateway started on a config, and rounds
that measure each of several settings of a network at 1 and 32 callers, each round starting
with another setting, so that no setting always follows the same one."""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CALLERS = (1, 32)


def arguments(nets, seconds, warmup_seconds, port):
    """The options every benchmark here takes, with its own defaults."""
    p = argparse.ArgumentParser()
    p.add_argument("--nets", default=nets)
    p.add_argument("--seconds", type=int, default=seconds)
    p.add_argument("--warmup-seconds", type=int, default=warmup_seconds)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--port", type=int, default=port)
    return p.parse_args()


def write_config(folder, file_name, entries):
    """A gateway config of one model per entry (each a YAML flow mapping); returns its path."""
    path = os.path.join(folder, file_name)
    with open(path, "w") as f:
        f.write("models:\n" + "".join(f"  - {e}\n" for e in entries))
    return path


def wait_ready(port, proc, log=None):
    """Until the gateway process on port is ready; ends the benchmark if it exits (with the
    end of its log, when it writes one)."""
    for _ in range(1200):
        if proc.poll() is not None:
            if log:
                with open(log) as f:
                    sys.stderr.write(f.read()[-3000:])
            raise SystemExit("the gateway exited")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=1):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the gateway did not become ready")


def start_gateway(cfg, folder, port):
    """deploy/gateway.sh on cfg; returns once ready, after printing each replica's profile."""
    log_path = os.path.join(folder, "gateway.log")
    proc = subprocess.Popen(
        ["sh", os.path.join(ROOT, "deploy/gateway.sh"), "--config", cfg, "--port", str(port)],
        cwd=ROOT, env=dict(os.environ, GATEWAY_HEAP="2g"), stdout=open(log_path, "w"),
        stderr=subprocess.STDOUT)
    try:
        wait_ready(port, proc, log_path)
    except BaseException:
        stop_gateway(proc)
        raise
    with open(log_path) as f:
        for line in f:
            if "batch profile" in line:
                print(line.split(" - ", 1)[-1].strip())
    return proc


def stop_gateway(proc):
    proc.terminate()
    proc.wait(60)


def h2load(port, frame_file, callers, seconds, warmup):
    out = subprocess.run(
        ["h2load", "-c", str(callers), "-m", "1", "-D", str(seconds), "--warm-up-time",
         str(warmup), "-d", frame_file, "-H", "content-type: application/grpc",
         "-H", "te: trailers", f"http://127.0.0.1:{port}/gateway.v1.Classifier/Classify"],
        capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"finished in .*?, ([\d.]+) req/s", out).group(1))
    mean = re.search(r"time for request:\s+\S+\s+\S+\s+(\S+)", out).group(1)
    failed = int(re.search(r"(\d+) failed", out).group(1))
    return rps, to_ms(mean), failed


def to_ms(text):
    unit = re.sub(r"[\d.]", "", text)
    value = float(re.sub(r"[^\d.]", "", text))
    return value * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]


def measure(port, nets, settings, frames, rounds, seconds, warmup):
    """{(net, callers, setting): [(req/s, mean ms) per round]}; model names are net-setting."""
    results = {}
    for r in range(rounds):
        for net in nets:
            for callers in CALLERS:
                first = r % len(settings)
                for name in settings[first:] + settings[:first]:
                    model = f"{net}-{name}"
                    rps, mean, failed = h2load(port, frames[model], callers, seconds, warmup)
                    if failed:
                        raise SystemExit(f"{model}: {failed} calls failed")
                    results.setdefault((net, callers, name), []).append((rps, mean))
                    print(f"round {r + 1} {model:28s} callers {callers:2d}: "
                          f"{rps:8.1f} req/s, mean {mean:8.2f} ms", flush=True)
    return results


def run(cfg, folder, a, nets, settings, frames):
    """Starts the gateway on cfg, measures every setting, prints the medians over the rounds
    (req/s / mean latency) and the ratio of the "default" setting to each other one."""
    proc = start_gateway(cfg, folder, a.port)
    try:
        results = measure(a.port, nets, settings, frames, a.rounds, a.seconds, a.warmup_seconds)
    finally:
        stop_gateway(proc)
    others = [n for n in settings if n != "default"]
    print("\nmedian over rounds, req/s / mean latency; ratio: default / the other setting")
    print(f"{'network':20s} {'callers':>7s} " + " ".join(f"{n:>20s}" for n in settings) + " "
          + " ".join(f"{'vs ' + n:>12s}" for n in others))
    for net in nets:
        for callers in CALLERS:
            med = {n: (statistics.median(x[0] for x in results[(net, callers, n)]),
                       statistics.median(x[1] for x in results[(net, callers, n)]))
                   for n in settings}
            cells = " ".join(f"{med[n][0]:8.1f}/{med[n][1]:8.2f}ms" for n in settings)
            ratios = " ".join(f"{med['default'][0] / med[n][0]:12.2f}" for n in others)
            print(f"{net:20s} {callers:7d} {cells} {ratios}")
