# The GPU image: the gateway with LibTorch's CUDA build, on NVIDIA's CUDA runtime with cuDNN,
# which that build loads at run time. org.bytedeco:pytorch 2.10.0-1.5.13 is built against
# CUDA 13.1 and cuDNN 9 (its org.bytedeco:cuda dependency, 13.1-9.19); the base must match.
# (The CPU image is built with Jib: mvn -Pimage, see README "Deploy".)
#
# From the repository root, where a registry is reachable:
#   mvn -B -Pgpu -DskipTests package
#   docker build -f deploy/docker/gpu.Dockerfile -t REGISTRY/inference-gateway:TAG-gpu .
ARG CUDA_IMAGE=nvidia/cuda:13.1.0-cudnn-runtime-ubuntu24.04
FROM ${CUDA_IMAGE}

RUN apt-get update \
    && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
    && rm -rf /var/lib/apt/lists/*

# The same layout as the CPU image: plugins and models beside the jar, so that without a config
# the gateway serves the bundled model; both are volumes an operator can replace.
WORKDIR /app
COPY gateway/target/gateway.jar /app/gateway.jar
COPY gateway/target/lib /app/lib
COPY gateway/target/plugins /app/plugins
COPY gateway/target/models /app/models
COPY deploy/gateway.sh /app/gateway.sh

# The heap is a share of the container's memory limit; LibTorch's natives unpack under /tmp,
# as the root filesystem may be read-only.
ENV GATEWAY_JAR=/app/gateway.jar \
    GATEWAY_HEAP=25% \
    JAVA_OPTS=-Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp
USER 65532:65532
EXPOSE 8080
VOLUME ["/app/plugins", "/app/models", "/tmp"]
ENTRYPOINT ["/app/gateway.sh"]
