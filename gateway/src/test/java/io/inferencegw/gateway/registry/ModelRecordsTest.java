package io.inferencegw.gateway.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.config.BatchingConfig;
import io.inferencegw.gateway.config.ModelConfig;
import io.inferencegw.gateway.config.ResourceRef;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelRecordsTest {

  private static ModelConfig config(String name, String family) {
    return new ModelConfig(name, family, "v", ResourceRef.file(Path.of("w.safetensors")),
        Optional.empty(), List.of("cpu"), 1, BatchingConfig.DEFAULT);
  }

  @Test
  void versionsCountUpAndSurviveAnUnload() {
    ModelRecords records = new ModelRecords();
    ModelConfig m = config("m", "resnet");
    assertEquals("1", records.nextVersion(m));
    assertEquals("2", records.nextVersion(m));
    records.forgetStanding("m");
    assertEquals("3", records.nextVersion(m));
    assertEquals(Optional.of(m), records.lastConfig("m"));
  }

  @Test
  void aModelThatWaitsAndThenFailsHasOneIndexRowAndStillWaits() {
    ModelRecords records = new ModelRecords();
    ModelConfig m = config("m", "resnet");
    records.waitForPlugin(m);
    records.failed(m, "weights do not fit");
    List<ModelStatus> rows = records.unserved(name -> false);
    assertEquals(1, rows.size(), "one row per model: " + rows);
    assertEquals(ModelState.FAILED, rows.get(0).state());
    assertEquals("weights do not fit", rows.get(0).reason());
    // a plugin providing the family still gets to try again
    assertEquals(List.of(m), records.waitingFor(Set.of("resnet")));
    assertEquals(List.of(), records.waitingFor(Set.of("vgg")));
  }

  @Test
  void waitingAgainHidesAnEarlierFailure() {
    ModelRecords records = new ModelRecords();
    ModelConfig m = config("m", "resnet");
    records.failed(m, "bad weights");
    records.waitForPlugin(m);
    List<ModelStatus> rows = records.unserved(name -> false);
    assertEquals(ModelState.UNAVAILABLE, rows.get(0).state());
    assertTrue(rows.get(0).reason().contains("waiting for a plugin that provides family 'resnet'"));
  }

  @Test
  void servingClearsTheStandingAndServedModelsHaveNoExtraRow() {
    ModelRecords records = new ModelRecords();
    ModelConfig m = config("m", "resnet");
    records.failed(m, "bad weights");
    assertTrue(records.hasStanding("m"));
    assertEquals(List.of(), records.unserved(name -> name.equals("m")),
        "a served version has its own row");
    records.served("m");
    assertFalse(records.hasStanding("m"));
    assertEquals(List.of(), records.unserved(name -> false));
    assertFalse(records.forgetStanding("m"), "nothing to forget");
    records.waitForPlugin(m);
    assertTrue(records.forgetStanding("m"));
    assertEquals(List.of(), records.waitingFor(Set.of("resnet")));
  }
}
