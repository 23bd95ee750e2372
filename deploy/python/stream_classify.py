#!/usr/bin/python3
"""Stream images as video frames to a running gateway over its WebSocket endpoint.

Needs only the websockets package (Debian's python3-websockets, run with /usr/bin/python3).
Every frame gets one JSON reply, in order. The policy is the server's default, latest, unless
--policy says otherwise: with latest (live video) a frame still waiting in the model queue when
a newer one arrives is answered "skipped"; with all (recorded video) every frame is computed.

    /usr/bin/python3 deploy/python/stream_classify.py deploy/samples/*.png
    /usr/bin/python3 deploy/python/stream_classify.py --policy all deploy/samples/*.png

Exit code 0 when every frame was answered ok or skipped; 1 when a frame failed, the gateway
refused the stream (unknown model or version, model not ready, bad parameter: its message is
printed) or could not be reached.
"""
import argparse
import asyncio
import json
import sys
import time
from urllib.parse import quote, urlencode

try:
    import websockets
except ImportError as missing:
    sys.exit(f"stream_classify.py: {missing}: install Debian's python3-websockets"
             f" (apt-get install python3-websockets) and run this script with /usr/bin/python3"
             f" (this is {sys.executable})")

# A refusal's body is a small JSON object; never read more than this of it.
MAX_REFUSAL_BODY = 64 * 1024


class Refused(Exception):
    """The gateway answered the WebSocket handshake with an HTTP error."""

    def __init__(self, status, body):
        super().__init__(status)
        self.status = status
        self.body = body or b""

    def describe(self):
        """The server's {"code", "message"} as "CODE: message", else the status and body."""
        try:
            reply = json.loads(self.body)
            return f"{reply['code']}: {reply['message']} (HTTP {self.status})"
        except (ValueError, TypeError, KeyError):
            text = self.body.decode("utf-8", "replace").strip()
            return f"HTTP {self.status}" + (f": {text}" if text else "")


def connect_options():
    """Options of websockets.connect. Releases before 14 (Debian's 10.4 among them) drop the
    body of a refused handshake; a client protocol that reads it keeps the server's message."""
    if websockets.connect.__module__ != "websockets.legacy.client":
        return {}  # newer releases keep the body on InvalidStatus.response
    from websockets.legacy.client import WebSocketClientProtocol

    class KeepsRefusalBody(WebSocketClientProtocol):
        async def read_http_response(self):
            status, headers = await super().read_http_response()
            if status != 101:
                body = b""
                try:
                    length = min(int(headers.get("Content-Length") or 0), MAX_REFUSAL_BODY)
                    body = await self.reader.readexactly(length) if length > 0 else b""
                except (ValueError, asyncio.IncompleteReadError):
                    pass
                raise Refused(status, body)
            return status, headers

    return {"create_protocol": KeepsRefusalBody}


class Unreachable(Exception):
    """The gateway could not be connected to."""


async def open_stream(uri, target):
    try:
        return await websockets.connect(uri, max_size=None, **connect_options())
    except websockets.exceptions.InvalidStatus as e:  # newer releases
        raise Refused(e.response.status_code, e.response.body) from None
    except OSError as e:
        raise Unreachable(f"cannot connect to the gateway at {target}: {e.strerror or e}") from None


async def stream(args, frames):
    query = {"top_k": args.top_k}
    if args.policy:
        query["policy"] = args.policy  # without it the server's default, latest, applies
    uri = f"ws://{args.target}/v1/models/{quote(args.model, safe='')}/stream?{urlencode(query)}"
    failures = 0
    ws = await open_stream(uri, args.target)
    try:
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
    finally:
        await ws.close()
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("images", nargs="+")
    parser.add_argument("--model", default="fashion-lenet")
    parser.add_argument("--target", default="localhost:8080")
    parser.add_argument("--policy", choices=["latest", "all"],
                        help="latest (the server's default): a waiting frame is skipped when a"
                             " newer one arrives; all: every frame is computed")
    parser.add_argument("--top-k", type=int, default=3)
    args = parser.parse_args()
    frames = []
    for path in args.images:
        try:
            with open(path, "rb") as f:
                frames.append((path, f.read()))
        except OSError as e:
            print(f"stream_classify.py: cannot read {path}: {e.strerror or e}", file=sys.stderr)
            return 1
    try:
        return 1 if asyncio.run(stream(args, frames)) else 0
    except Refused as e:
        print(f"stream_classify.py: stream to model {args.model!r} refused: {e.describe()}",
              file=sys.stderr)
    except Unreachable as e:
        print(f"stream_classify.py: {e}", file=sys.stderr)
    except websockets.exceptions.ConnectionClosed as e:
        print(f"stream_classify.py: the gateway closed the stream: {e}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
