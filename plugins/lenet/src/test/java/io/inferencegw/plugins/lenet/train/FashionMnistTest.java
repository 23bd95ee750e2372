package io.inferencegw.plugins.lenet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.inferencegw.plugin.api.testing.Prerequisites;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

  @Test
  void testSplitHasTenThousandImagesAThousandPerClass() throws IOException {
    Path dir = FashionMnist.defaultDir();
    Prerequisites.require(FashionMnist.isInstalled(dir), "Fashion-MNIST in " + dir,
        "dataset-fashion-mnist");
    FashionMnist test = FashionMnist.test(dir);
    assertEquals(10_000, test.count());
    assertEquals(28, test.rows());
    assertEquals(28, test.cols());
    assertEquals(10_000 * 784, test.pixels().length);
    int[] perClass = new int[10];
    for (byte label : test.labels()) {
      perClass[label]++;
    }
    for (int c = 0; c < 10; c++) {
      assertEquals(1000, perClass[c], FashionMnist.LABELS.get(c));
    }
  }

  @Test
  void missingFilesAreReportedWithTheDirectory(@TempDir Path empty) {
    assertFalse(FashionMnist.isInstalled(empty));
    IOException e = assertThrows(IOException.class, () -> FashionMnist.test(empty));
    assertEquals(true, e.getMessage().contains(empty.toString()), e.getMessage());
  }
}
