package io.inferencegw.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.inferencegw.gateway.config.BatchingConfig;
import io.inferencegw.gateway.config.ConfigLoader;
import io.inferencegw.gateway.config.GatewayConfig;
import io.inferencegw.gateway.config.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServingConfigTest {

  @Test
  void theGatewayReadsTheDefaultPlacementAndOneReplicaOnAllCores(@TempDir Path dir)
      throws Exception {
    Path plugins = Files.createDirectory(dir.resolve("plugins"));
    Path weights = Files.write(dir.resolve("resnet50.safetensors"), new byte[8]);

    GatewayConfig config = ConfigLoader.load(
        ServingConfig.write(dir, plugins, "resnet", "resnet50", weights), plugins);

    ModelConfig defaults = config.models().get(0);
    ModelConfig one = config.models().get(1);
    assertEquals("resnet50", defaults.name());
    assertEquals(ModelConfig.defaultInstances(List.of("cpu")), defaults.instances());
    assertEquals(0, defaults.intraOpThreads(), "the gateway's default: the cores split");
    assertEquals(BatchingConfig.DEFAULT, defaults.batching());
    assertEquals("resnet50" + ServingConfig.ONE_REPLICA_SUFFIX, one.name());
    assertEquals(1, one.instances());
    assertEquals(Runtime.getRuntime().availableProcessors(), one.cpuThreadsPerReplica());
    assertEquals(BatchingConfig.DEFAULT, one.batching());
  }
}
