package io.inferencegw.plugins.inception;

import static io.inferencegw.plugins.inception.Shapes.assertMaps;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.inferencegw.plugins.inception.v3.InceptionA;
import io.inferencegw.plugins.inception.v3.InceptionAux;
import io.inferencegw.plugins.inception.v3.InceptionB;
import io.inferencegw.plugins.inception.v3.InceptionC;
import io.inferencegw.plugins.inception.v3.InceptionD;
import io.inferencegw.plugins.inception.v3.InceptionE;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/**
 * Every Inception v3 block on its grid, with the sizes of the paper's table 1 (Szegedy et al.
 * 2015) and torchvision's comments: 35x35x288 after the 5x-blocks, 17x17x768, 8x8x1280,
 * 8x8x2048.
 */
class InceptionV3BlocksTest {

  @Test
  void inceptionAKeeps35x35AndAddsThePoolFeatures() {
    assertMaps(new InceptionA(192, 32), 192, 35, 256, 35);
    assertMaps(new InceptionA(256, 64), 256, 35, 288, 35);
    assertMaps(new InceptionA(288, 64), 288, 35, 288, 35);
  }

  @Test
  void inceptionBReduces35x35x288To17x17x768() {
    assertMaps(new InceptionB(288), 288, 35, 768, 17);
  }

  @Test
  void inceptionCKeeps17x17x768ForEveryC7() {
    for (int c7 : new int[] {128, 160, 192}) {
      assertMaps(new InceptionC(768, c7), 768, 17, 768, 17);
    }
  }

  @Test
  void inceptionDReduces17x17x768To8x8x1280() {
    assertMaps(new InceptionD(768), 768, 17, 1280, 8);
  }

  @Test
  void inceptionEMaps8x8x1280And8x8x2048To8x8x2048() {
    assertMaps(new InceptionE(1280), 1280, 8, 2048, 8);
    assertMaps(new InceptionE(2048), 2048, 8, 2048, 8);
  }

  @Test
  void auxiliaryHeadMaps17x17x768ToLogits() {
    try (InceptionAux aux = new InceptionAux(768, 10);
        PointerScope scope = new PointerScope();
        InferenceMode guard = new InferenceMode()) {
      aux.eval();
      assertEquals(List.of(2L, 10L), Shapes.shape(aux.forward(torch.randn(2, 768, 17, 17))));
    }
  }
}
