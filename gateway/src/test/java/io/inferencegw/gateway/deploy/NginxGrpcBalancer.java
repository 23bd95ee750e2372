package io.inferencegw.gateway.deploy;

import io.inferencegw.plugin.api.testing.Await;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Debian's nginx balancing gRPC over h2c across gateways, in the foreground with its own prefix:
 * a stand-in for a Service with readiness. A call that finds its gateway gone (connection
 * refused, reset, 502/503) goes to the next one: gRPC calls are POSTs, hence non_idempotent.
 *
 * <p>Like the endpoints of a Service, the upstream list changes before a gateway is stopped:
 * {@link #remove} takes it out (the Kubernetes endpoint removal that runs while the pod's preStop
 * sleeps) and returns once no nginx worker can send it a call any more; {@link #add} puts it back
 * once it is ready. nginx fails a call whose upstream answers GOAWAY before the response headers
 * instead of retrying it, so a gateway must not get a SIGTERM while nginx still routes to it.
 */
final class NginxGrpcBalancer implements AutoCloseable {

  static final File NGINX = new File("/usr/sbin/nginx");

  private final Path prefix;
  private final int port;
  private final List<Integer> upstreams;
  private final Set<Integer> routed;
  private final Path conf;
  private final Process process;

  NginxGrpcBalancer(Path prefix, int port, List<Integer> upstreams) throws Exception {
    this.prefix = prefix;
    this.port = port;
    this.upstreams = List.copyOf(upstreams);
    this.routed = new LinkedHashSet<>(upstreams);
    this.conf = prefix.resolve("nginx.conf");
    writeConfig();
    process = new ProcessBuilder(NGINX.getPath(), "-p", prefix.toString(), "-c", conf.toString())
        .redirectErrorStream(true).redirectOutput(prefix.resolve("stdout.log").toFile()).start();
  }

  /**
   * Stops routing calls to the gateway on this port: returns once the workers that had it in
   * their upstream list have answered their calls and exited.
   */
  void remove(int upstream) throws Exception {
    if (!routed.remove(upstream)) {
      throw new IllegalArgumentException("port " + upstream + " is not routed");
    }
    reload();
  }

  /** Routes calls to the gateway on this port again. */
  void add(int upstream) throws Exception {
    if (!upstreams.contains(upstream) || !routed.add(upstream)) {
      throw new IllegalArgumentException("port " + upstream + " is not a removed upstream");
    }
    reload();
  }

  /**
   * Rewrites the config and reloads: the master starts workers with the new upstream list, and
   * the old ones stop taking calls, finish those they have, and exit. Waiting for them to exit is
   * what makes the change complete (bounded: worker_shutdown_timeout closes stragglers).
   */
  private void reload() throws Exception {
    List<ProcessHandle> oldWorkers = process.children().toList();
    writeConfig();
    Process signal = new ProcessBuilder(NGINX.getPath(), "-p", prefix.toString(), "-c",
        conf.toString(), "-s", "reload").redirectErrorStream(true).start();
    String out = new String(signal.getInputStream().readAllBytes());
    if (!signal.waitFor(10, TimeUnit.SECONDS) || signal.exitValue() != 0) {
      throw new AssertionError("nginx -s reload failed: " + out + errorLog());
    }
    try {
      Await.until("nginx's old workers to exit",
          () -> oldWorkers.stream().noneMatch(ProcessHandle::isAlive));
    } catch (AssertionError stillThere) {
      throw new AssertionError(stillThere.getMessage() + ": " + errorLog(), stillThere);
    }
  }

  private void writeConfig() throws Exception {
    String servers = routed.stream()
        .map(p -> "    server 127.0.0.1:" + p + " max_fails=0;")
        .collect(Collectors.joining("\n"));
    String text = """
        daemon off;
        worker_processes 1;
        # An old worker still holding a client connection after a reload is closed after this.
        worker_shutdown_timeout 20s;
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
    Files.writeString(conf, text);
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
