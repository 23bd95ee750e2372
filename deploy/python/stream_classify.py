#!/usr/bin/python3
"""Stream images as video frames to a running gateway over its WebSocket endpoint.

Needs only the websockets package (Debian: python3-websockets). Every frame gets one JSON
reply, in order; with --policy latest a frame still waiting when a newer one arrives is
answered "skipped".

    python3 deploy/python/stream_classify.py deploy/samples/*.png
"""
import argparse
import asyncio
import json
import sys
import time

try:
    import websockets
except ImportError as missing:
    sys.exit(f"stream_classify.py: {missing}: install Debian's python3-websockets"
             f" (apt-get install python3-websockets) and run this script with /usr/bin/python3"
             f" (this is {sys.executable})")


async def stream(args):
    uri = (f"ws://{args.target}/v1/models/{args.model}/stream"
           f"?policy={args.policy}&top_k={args.top_k}")
    frames = []
    for path in args.images:
        with open(path, "rb") as f:
            frames.append((path, f.read()))
    failures = 0
    async with websockets.connect(uri, max_size=None) as ws:
        sent_at = []

        async def send_all():
            for _, data in frames:
                sent_at.append(time.monotonic())
                await ws.send(data)

        sender = asyncio.create_task(send_all())
        for seq in range(len(frames)):
            reply = json.loads(await ws.recv())
            if "control" in reply:
                continue
            assert reply["seq"] == seq, f"reply {reply['seq']} out of order, expected {seq}"
            latency_ms = 1000 * (time.monotonic() - sent_at[seq])
            path = frames[seq][0]
            if reply["status"] == "ok":
                top = "  ".join(f"{p['label']} ({p['index']}) {p['score']:.3f}"
                                for p in reply["predictions"])
                print(f"{path}: {top}  [seq {seq}, batch {reply['batch_size']}, "
                      f"{latency_ms:.1f} ms]")
            elif reply["status"] == "skipped":
                print(f"{path}: skipped ({reply['reason']})  [seq {seq}]")
            else:
                failures += 1
                print(f"{path}: {reply['code']}: {reply['message']}  [seq {seq}]")
        await sender
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("images", nargs="+")
    parser.add_argument("--model", default="fashion-lenet")
    parser.add_argument("--target", default="localhost:8080")
    parser.add_argument("--policy", choices=["latest", "all"], default="all")
    parser.add_argument("--top-k", type=int, default=3)
    args = parser.parse_args()
    return 1 if asyncio.run(stream(args)) else 0


if __name__ == "__main__":
    sys.exit(main())
