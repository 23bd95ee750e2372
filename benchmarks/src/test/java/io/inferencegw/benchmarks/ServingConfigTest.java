package io.inferencegw.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.inferencegw.gateway.config.BatchingConfig;
import io.inferencegw.gateway.config.ConfigLoader;
import io.inferencegw.gateway.config.GatewayConfig;
import io.inferencegw.gateway.config.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServingConfigTest {

  @Test
  void theGatewayReadsOneDefaultReplicaAndTwoReplicasOnHalfTheCores(@TempDir Path dir)
      throws Exception {
    Path plugins = Files.createDirectory(dir.resolve("plugins"));
    Path weights = Files.write(dir.resolve("resnet50.safetensors"), new byte[8]);

    GatewayConfig config = ConfigLoader.load(
        ServingConfig.write(dir, plugins, "resnet", "resnet50", weights, 4), plugins);

    ModelConfig one = config.models().get(0);
    ModelConfig two = config.models().get(1);
    assertEquals("resnet50", one.name());
    assertEquals(1, one.instances());
    assertEquals(0, one.intraOpThreads(), "the gateway's default: all cores");
    assertEquals(BatchingConfig.DEFAULT, one.batching());
    assertEquals("resnet50" + ServingConfig.TWO_REPLICAS_SUFFIX, two.name());
    assertEquals(2, two.instances());
    assertEquals(2, two.intraOpThreads());
    assertEquals(BatchingConfig.DEFAULT, two.batching());
  }
}
