#!/usr/bin/env bash
# Installs what the tests need (Debian packages; as root, or through sudo) and runs the whole
# test suite. README's test command, and what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."

# python3-torchvision: the reference oracle for parity tests; libopenblas0-pthread: the BLAS
# Debian's torch then uses (with the reference BLAS it gets otherwise, its linear layers are ten
# to forty times slower: the ViT-B/16 reference alone took a minute); dataset-fashion-mnist:
# training and end-to-end test data; python3-grpcio: the Python client tests; python3-grpc-tools
# and grpc-proto: the test whose Python client uses stubs generated (grpc_tools.protoc) from our
# .proto files and from grpc-proto's standard health.proto; chromium: the browser test of the
# stream demo page (driven over the DevTools protocol, so no chromium-driver is needed);
# python3-websockets: the Python streaming example test; prometheus: promtool checks the /metrics
# text and one test scrapes the gateway with a real Prometheus server; nginx: the rolling-restart
# test (a gRPC balancer in front of two gateways); npm (only where no npm is installed yet):
# installs buf, whose `buf curl` calls the gateway through gRPC reflection; curl: README's REST
# examples are run as written; systemd: systemd-analyze verifies the systemd unit.
# Where CI=true (as CI runners set it), a test whose prerequisite is missing fails, saying what to
# install; elsewhere it is skipped.
packages=(python3-torchvision libopenblas0-pthread python3-grpcio python3-grpc-tools grpc-proto
  python3-websockets dataset-fashion-mnist chromium prometheus nginx curl systemd)
if ! command -v npm >/dev/null; then
  packages+=(npm)
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
if ! buf --version 2>/dev/null | grep -qx 1.75.0; then
  $sudo npm install -g --silent @bufbuild/buf@1.75.0
fi

mvn -B verify "$@"
