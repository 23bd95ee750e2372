package io.inferencegw.gateway.deploy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Debian's nginx balancing gRPC over h2c across gateways, in the foreground with its own prefix:
 * a stand-in for a Service with readiness. A call that finds its gateway gone (connection
 * refused, reset, 502/503) goes to the next one: gRPC calls are POSTs, hence non_idempotent.
 */
final class NginxGrpcBalancer implements AutoCloseable {

  static final File NGINX = new File("/usr/sbin/nginx");

  private final Process process;
  private final Path prefix;

  NginxGrpcBalancer(Path prefix, int port, List<Integer> upstreams) throws Exception {
    this.prefix = prefix;
    String servers = upstreams.stream()
        .map(p -> "    server 127.0.0.1:" + p + " max_fails=0;")
        .collect(Collectors.joining("\n"));
    String conf = """
        daemon off;
        worker_processes 1;
        pid %1$s/nginx.pid;
        error_log %1$s/error.log warn;
        events { worker_connections 1024; }
        http {
          access_log off;
          client_body_temp_path %1$s/body;
          proxy_temp_path %1$s/proxy;
          fastcgi_temp_path %1$s/fastcgi;
          uwsgi_temp_path %1$s/uwsgi;
          scgi_temp_path %1$s/scgi;
          upstream gateways {
        %2$s
            keepalive 16;
            keepalive_requests 1000000;
          }
          server {
            listen 127.0.0.1:%3$d http2;
            # nginx ends a client connection after 1000 requests by default with GOAWAY, which
            # fails the calls racing it: not what a Service does.
            keepalive_requests 1000000;
            location / {
              grpc_pass grpc://gateways;
              grpc_next_upstream error timeout http_502 http_503 non_idempotent;
              grpc_next_upstream_tries 4;
              grpc_connect_timeout 2s;
            }
          }
        }
        """.formatted(prefix, servers, port);
    Path file = Files.writeString(prefix.resolve("nginx.conf"), conf);
    process = new ProcessBuilder(NGINX.getPath(), "-p", prefix.toString(), "-c", file.toString())
        .redirectErrorStream(true).redirectOutput(prefix.resolve("stdout.log").toFile()).start();
  }

  String errorLog() throws Exception {
    Path log = prefix.resolve("error.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    process.waitFor(10, TimeUnit.SECONDS);
    process.destroyForcibly();
  }
}
