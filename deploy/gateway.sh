#!/bin/sh
# Starts the gateway with bounded JVM memory; arguments go to the gateway (--config, --port, ...).
#
#   GATEWAY_HEAP           Java heap (-Xmx), default 1g. It holds queued inputs (at most a
#                          quarter of it, see README "Limits"), decoded images and buffers;
#                          network weights and activations live outside it, in LibTorch.
#                          A percentage (25%) is that share of the memory the JVM sees: in a
#                          container, of its memory limit (the container images use 25%).
#   GATEWAY_DIRECT_MEMORY  Netty's direct buffers (-XX:MaxDirectMemorySize), default 256m.
#   GATEWAY_JAR            the gateway jar, default gateway/target/gateway.jar of this checkout.
#   GATEWAY_CLASSPATH      instead of a jar: a classpath (or @file naming one) and GATEWAY_MAIN,
#                          the main class; the container image starts the gateway this way.
#   JAVA_OPTS              more JVM options, appended.
#   MALLOC_ARENA_MAX       glibc's malloc arenas, default 2 (see below).
#
# JavaCPP's own check of the process size (maxPhysicalBytes, by default twice the heap) is turned
# off: the weights of a large model alone exceed it, and the container's memory limit is the
# bound that matters for native memory (README "Memory").
#
# LibTorch's tensors and OpenCV's images come from malloc. glibc gives threads that allocate at
# once arenas of their own, up to 8 per core the machine has (not per core the container may
# use), and keeps what is freed in each for reuse by that arena only. The gateway allocates on
# many pooled threads (replicas, decoders, profiling, plugin loads), so each arena ends up
# holding a few MiB of free memory: RSS grows with every new arena, by 50-80 MiB on 2 cores
# over the first 20 hot reloads of a plugin. Two arenas keep that flat.
set -eu
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
here=$(cd "$(dirname "$0")" && pwd)
if [ -n "${GATEWAY_CLASSPATH:-}" ]; then
  set -- -cp "$GATEWAY_CLASSPATH" "${GATEWAY_MAIN:-io.inferencegw.gateway.cli.GatewayMain}" "$@"
else
  set -- -jar "${GATEWAY_JAR:-$here/../gateway/target/gateway.jar}" "$@"
fi
heap=${GATEWAY_HEAP:-1g}
case "$heap" in
  *%) heap="-XX:MaxRAMPercentage=${heap%\%}" ;;
  *) heap="-Xmx$heap" ;;
esac
# JAVA_OPTS is split on spaces on purpose: it holds several options.
# shellcheck disable=SC2086
exec java "$heap" -XX:MaxDirectMemorySize="${GATEWAY_DIRECT_MEMORY:-256m}" \
  -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 \
  ${JAVA_OPTS:-} "$@"
