#!/bin/sh
# Memory soak: starts the gateway (deploy/gateway.sh, so with its heap bounds) on the bundled
# Fashion-MNIST LeNet, sends REQUESTS gRPC Classify calls (a 28x28 PNG each) with h2load at
# CONCURRENCY streams, and prints the gateway's resident set size every INTERVAL seconds, so
# that a plateau (or growth) shows. Needs Debian's nghttp2-client (h2load).
#
#   deploy/bench/rss_soak.sh [REQUESTS] [CONCURRENCY]     defaults: 1000000 32
set -eu
requests=${1:-1000000}
concurrency=${2:-32}
port=${PORT:-18090}
interval=${INTERVAL:-10}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'kill "$gw" 2>/dev/null || true; rm -rf "$work"' EXIT

# One framed gRPC message: ClassifyRequest{model: "fashion-lenet", image: a PNG}.
PYTHONPATH="$here" /usr/bin/python3 -c '
import sys
from raw_grpc import classify_request, framed
png = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(framed(classify_request(png)))
' "$here/../samples/sneaker.png" "$work/request.bin"

"$here/../gateway.sh" --port "$port" >"$work/gateway.log" 2>&1 &
gw=$!
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
  sleep 1
done
rss() { awk '/VmRSS/ {print $2 / 1024}' "/proc/$gw/status"; }
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
echo "gateway pid $gw ready, RSS $(rss) MiB; sending $requests calls at concurrency $concurrency"
clients=$(( concurrency < 4 ? concurrency : 4 ))
h2load -n "$requests" -c "$clients" -m $(( concurrency / clients )) -d "$work/request.bin" \
  -H 'content-type: application/grpc' -H 'te: trailers' \
  "http://127.0.0.1:$port/gateway.v1.Classifier/Classify" >"$work/h2load.txt" 2>&1 &
load=$!
start=$(date +%s)
while kill -0 "$load" 2>/dev/null; do
  sleep "$interval"
  echo "t=$(( $(date +%s) - start ))s RSS $(rss) MiB"
done
wait "$load" || true
grep -E "^finished|^requests:|^status codes:" "$work/h2load.txt"
echo "after the load: RSS $(rss) MiB"
