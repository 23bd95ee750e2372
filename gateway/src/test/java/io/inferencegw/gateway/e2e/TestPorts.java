package io.inferencegw.gateway.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for servers that a test has to name before they start: a gateway, nginx or Prometheus
 * in a process of its own, or a port where nothing may listen. (In-process gateways take port 0
 * and report the port they got.)
 *
 * <p>A port that the operating system once handed out for port 0 and that was closed again can
 * be handed out next to any other socket, a client's included, before the process it was meant
 * for binds it. So these ports come from below the ephemeral range (Linux's
 * {@code ip_local_port_range}, 32768-60999 by default), which port 0 and clients' connections
 * never get; each of the module's test JVMs ({@code -Dtest.forkNumber}, surefire's fork number)
 * has a slice of its own, so that test JVMs running side by side never pick the same port; and
 * within a JVM no port is handed out twice. The port is free when it is handed out.
 */
public final class TestPorts {

  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  /** Width of one JVM's slice, and the number of slices below the ephemeral range. */
  private static final int SLICE = 2000;
  private static final int SLICES = 4;

  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private TestPorts() {}

  /** A port that is free now and that this JVM has not handed out before. */
  public static synchronized int free() throws IOException {
    int first = sliceStart();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = first + ThreadLocalRandom.current().nextInt(SLICE);
      if (!HANDED_OUT.contains(port) && isFree(port)) {
        HANDED_OUT.add(port);
        return port;
      }
    }
    throw new IOException("no free port in " + first + "-" + (first + SLICE - 1));
  }

  /** {@code n} distinct ports, each as {@link #free()} gives it. */
  public static synchronized int[] free(int n) throws IOException {
    int[] ports = new int[n];
    for (int i = 0; i < n; i++) {
      ports[i] = free();
    }
    return ports;
  }

  /** The first port of this JVM's slice, below the ephemeral range. */
  static int sliceStart() {
    int ephemeralLow = 32768;
    try {
      // readAllLines, not readString: /proc files report a size of 0
      ephemeralLow = Integer.parseInt(
          Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException noProcFile) {
      // not Linux, or no /proc: Linux's default
    }
    int fork;
    try {
      fork = Integer.parseInt(System.getProperty("test.forkNumber", "1"));
    } catch (NumberFormatException notForked) {
      fork = 1;
    }
    int below = Math.max(1024, ephemeralLow - SLICES * SLICE);
    return below + Math.floorMod(fork - 1, SLICES) * SLICE;
  }

  private static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket(port)) {
      return true;
    } catch (IOException inUse) {
      return false;
    }
  }
}
