#!/usr/bin/python3
"""Heavy images beside light ones: sends HEAVY 6000x6000 16-bit RGBA PNGs (legal: under the
40-megapixel limit) to the bundled LeNet and, while they are in flight, LIGHT 28x28 PNGs one
after another; prints the light calls' latencies and when the heavy ones were answered.

    /usr/bin/python3 deploy/bench/heavy_images_probe.py [PORT] [HEAVY] [LIGHT]   defaults: 8080 20 50

Start the gateway first (deploy/gateway.sh). Needs Debian's python3-grpcio and python3-numpy.
"""
import os
import struct
import sys
import threading
import time
import zlib

import grpc
import numpy as np

from raw_grpc import classify_request

HERE = os.path.dirname(os.path.abspath(__file__))


def chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def rgba16_png(size):
    """A smooth 16-bit RGBA image: large in pixels, small in bytes."""
    ramp = (np.arange(size, dtype=np.uint32) * 65535 // size).astype(">u2")
    row = np.zeros((size, 4), dtype=">u2")
    row[:, 0] = ramp
    row[:, 1] = ramp[::-1]
    row[:, 2] = 30000
    row[:, 3] = 65535
    # the first row as is, every other row with PNG's Up filter: all zeros, which deflate packs
    # to almost nothing
    raw = b"\x00" + row.tobytes() + (b"\x02" + bytes(row.nbytes)) * (size - 1)
    ihdr = struct.pack(">IIBBBBB", size, size, 16, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 6))
            + chunk(b"IEND", b""))


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
    heavy_count = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    light_count = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    heavy = classify_request(rgba16_png(6000))
    light = classify_request(open(os.path.join(HERE, "..", "samples", "sneaker.png"), "rb").read())
    channel = grpc.insecure_channel(f"127.0.0.1:{port}",
                                    options=[("grpc.max_send_message_length", 64 << 20)])
    classify = channel.unary_unary("/gateway.v1.Classifier/Classify",
                                   request_serializer=None, response_deserializer=None)
    classify(light, timeout=30)  # warm
    start = time.monotonic()
    heavy_done = []
    lock = threading.Lock()

    def heavy_answered(future):
        with lock:
            heavy_done.append((time.monotonic() - start, future.code().name))

    futures = [classify.future(heavy, timeout=300) for _ in range(heavy_count)]
    for f in futures:
        f.add_done_callback(heavy_answered)
    latencies = []
    for _ in range(light_count):
        t = time.monotonic()
        classify(light, timeout=300)
        latencies.append((time.monotonic() - t) * 1000)
    light_end = time.monotonic() - start
    for f in futures:
        try:
            f.result()
        except grpc.RpcError:
            pass
    latencies.sort()
    print(f"{heavy_count} heavy images ({len(heavy) >> 10} KiB each) and {light_count} light "
          f"ones sent one after another beside them")
    print(f"light: p50 {latencies[len(latencies) // 2]:.1f} ms, max {latencies[-1]:.1f} ms, "
          f"all {light_count} done after {light_end:.2f} s")
    times = sorted(t for t, _ in heavy_done)
    codes = sorted({c for _, c in heavy_done})
    print(f"heavy: first answered after {times[0]:.2f} s, last after {times[-1]:.2f} s, "
          f"statuses {codes}")


if __name__ == "__main__":
    main()
