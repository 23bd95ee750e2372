package io.inferencegw.gateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.e2e.TestGateways;
import io.inferencegw.gateway.e2e.TestPorts;
import io.inferencegw.plugin.api.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a gateway started with the bundled config prints before it listens: one line per plugin
 * JAR (the gateway's own), a few about the model, none of PF4J's INFO steps.
 */
class StartupLogEndToEndTest {

  @Test
  void startUpPrintsOneLinePerPluginBeforeListening() throws Exception {
    List<String> pluginIds;
    try (Stream<Path> jars = Files.list(TestGateways.PLUGINS)) {
      pluginIds = jars.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("plugin-") && n.endsWith(".jar"))
          .map(n -> n.substring("plugin-".length(), n.length() - ".jar".length()))
          .sorted().toList();
    }
    assertTrue(pluginIds.size() > 10, "the build's plugins: " + pluginIds);
    int port = TestPorts.free();
    try (GatewayProcess gateway = new GatewayProcess(null, port)) {
      gateway.start();
      // The port answers before the log line that says so has come through the pipe.
      String log = Await.value("the log line saying the gateway listens", gateway::log,
          text -> text.contains("listening on port " + port));
      int listening = log.indexOf("listening on port " + port);
      List<String> before = log.substring(0, listening).lines().toList();
      assertTrue(before.stream().noneMatch(l -> l.contains(" INFO org.pf4j.")),
          "PF4J's INFO lines are not shown:\n" + log);
      for (String id : pluginIds) {
        // "[thread] INFO ...PluginRegistry - plugin lenet@1.0.0 active, families [lenet]"
        long lines = before.stream().filter(l -> l.contains(" - plugin " + id + "@")).count();
        assertEquals(1, lines, "one line for plugin " + id + ":\n" + log);
      }
      // the plugins' lines, and a handful about the bundled model and its worker
      assertTrue(before.size() <= pluginIds.size() + 8,
          before.size() + " lines before listening:\n" + log);
      gateway.stop();
    }
  }
}
