package io.inferencegw.plugins.resnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.ModelFamily;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pf4j.Extension;

/** The plugin as the gateway sees it: one JAR whose extensions are three model families. */
class ResnetPluginTest {

  private static final List<ModelFamily> FAMILIES =
      List.of(new ResnetFamily(), new ResnextFamily(), new WideResnetFamily());

  @Test
  void everyFamilyIsAnIndexedPf4jExtension() throws IOException {
    List<String> indexed = new ArrayList<>();
    for (URL url : Collections.list(
        getClass().getClassLoader().getResources("META-INF/extensions.idx"))) {
      try (InputStream in = url.openStream()) {
        indexed.addAll(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
      }
    }
    for (ModelFamily f : FAMILIES) {
      assertTrue(f.getClass().isAnnotationPresent(Extension.class), f.getClass().getName());
      assertTrue(indexed.contains(f.getClass().getName()), indexed.toString());
    }
  }

  @Test
  void familiesKeepTheNamesModelConfigsUse() {
    // existing model configs name these families: they must not change
    assertEquals(List.of("resnet", "resnext", "wide_resnet"),
        FAMILIES.stream().map(ModelFamily::name).toList());
  }
}
