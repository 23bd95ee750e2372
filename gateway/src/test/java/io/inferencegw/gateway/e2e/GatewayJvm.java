package io.inferencegw.gateway.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command line of a gateway in a JVM of its own, on the test classpath: this JDK's java, the
 * JVM options the test JVMs run with (the parent pom's {@code argLine}, passed on by surefire as
 * {@code test.jvmOptions}: the same short-lived-JVM trade of compiler and collector), the
 * caller's options, then the gateway's main class and its arguments.
 */
public final class GatewayJvm {

  private GatewayJvm() {}

  public static List<String> command(String heap, String... gatewayArgs) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Arrays.stream(System.getProperty("test.jvmOptions", "").trim().split("\\s+"))
        .filter(option -> !option.isEmpty())
        .forEach(cmd::add);
    cmd.addAll(List.of(heap, "-cp", System.getProperty("java.class.path"),
        "io.inferencegw.gateway.cli.GatewayMain"));
    cmd.addAll(List.of(gatewayArgs));
    return cmd;
  }
}
