#!/usr/bin/python3
"""SIGTERM under load: starts the gateway (deploy/gateway.sh, bundled LeNet), sends CALLS
concurrent gRPC Classify calls on one channel, sends SIGTERM once ANSWERED of them are answered,
and counts every call's status. Calls the gateway admitted must all be OK; calls that the client
had not yet started when GOAWAY came are refused by the client (UNAVAILABLE), never computed.

    /usr/bin/python3 deploy/bench/sigterm_probe.py [CALLS] [ANSWERED]     defaults: 1000 100

Needs Debian's python3-grpcio. No generated stubs: the request is encoded by hand.
"""
import collections
import os
import signal
import subprocess
import sys
import threading
import time

import grpc

from raw_grpc import classify_request
from served_rounds import wait_ready

HERE = os.path.dirname(os.path.abspath(__file__))
PORT = int(os.environ.get("PORT", "18092"))


def main():
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    answered_before_term = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    samples = sorted(os.path.join(HERE, "..", "samples", f)
                     for f in os.listdir(os.path.join(HERE, "..", "samples")))
    requests = [classify_request(open(p, "rb").read()) for p in samples]
    gateway = subprocess.Popen([os.path.join(HERE, "..", "gateway.sh"), "--port", str(PORT)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(PORT, gateway)
        channel = grpc.insecure_channel(f"127.0.0.1:{PORT}")
        classify = channel.unary_unary("/gateway.v1.Classifier/Classify",
                                       request_serializer=None, response_deserializer=None)
        statuses = collections.Counter()
        answered = threading.Semaphore(0)
        lock = threading.Lock()

        def done(future):
            code = future.code()
            detail = "" if code == grpc.StatusCode.OK else f" ({(future.details() or '')[:60]})"
            with lock:
                statuses[(code.name if code else "NONE") + detail] += 1
            answered.release()

        futures = []
        for i in range(calls):
            f = classify.future(requests[i % len(requests)], timeout=60)
            f.add_done_callback(done)
            futures.append(f)
        for _ in range(answered_before_term):
            answered.acquire()
        term_at = time.monotonic()
        gateway.send_signal(signal.SIGTERM)
        for f in futures:
            try:
                f.result()
            except grpc.RpcError:
                pass
        exit_code = gateway.wait(timeout=120)
        print(f"{calls} calls, SIGTERM after {answered_before_term} answers; statuses:")
        for status, count in sorted(statuses.items()):
            print(f"  {count:5d}  {status}")
        print(f"gateway exited with {exit_code}, {time.monotonic() - term_at:.1f} s after SIGTERM")
    finally:
        if gateway.poll() is None:
            gateway.kill()


if __name__ == "__main__":
    main()
