package io.inferencegw.plugins.inception;

import static io.inferencegw.plugins.inception.Shapes.assertMaps;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import io.inferencegw.plugin.api.parity.ReferenceStructure;
import io.inferencegw.plugins.inception.v4.InceptionA;
import io.inferencegw.plugins.inception.v4.InceptionB;
import io.inferencegw.plugins.inception.v4.InceptionC;
import io.inferencegw.plugins.inception.v4.Mixed3a;
import io.inferencegw.plugins.inception.v4.Mixed4a;
import io.inferencegw.plugins.inception.v4.Mixed5a;
import io.inferencegw.plugins.inception.v4.ReductionA;
import io.inferencegw.plugins.inception.v4.ReductionB;
import org.bytedeco.pytorch.Module;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every Inception-v4 block against the paper (Szegedy et al. 2016): the grid sizes and depths of
 * figures 3 (stem: 299x299x3 to 35x35x384) and 9 (4 x Inception-A on 35x35x384, Reduction-A to
 * 17x17x1024, 7 x Inception-B, Reduction-B to 8x8x1536, 3 x Inception-C), and against timm:
 * each block's parameter count equals that of timm's block at the same {@code features} index
 * in the committed timm structure.
 */
class InceptionV4BlocksTest {

  private static ReferenceStructure timm;

  @BeforeAll
  static void readTimm() throws Exception {
    timm = TimmStructureTest.timmStructure(InceptionFamily.INCEPTION_V4);
  }

  private static void assertBlock(Module block, String... timmPrefixes) {
    Shapes.assertParametersAsTimm(timm, block, timmPrefixes);
  }

  @Test
  void stemConvolutionsTake299x299x3To147x147x64() {
    BasicConv2d c0 = new BasicConv2d(3, 32, 3, 2, 0);
    BasicConv2d c1 = new BasicConv2d(32, 32, 3);
    BasicConv2d c2 = new BasicConv2d(32, 64, 3, 1, 1);
    assertBlock(c0, "features.0");
    assertBlock(c1, "features.1");
    assertBlock(c2, "features.2");
    assertMaps(c0, 3, 299, 32, 149);
    assertMaps(c1, 32, 149, 32, 147);
    assertMaps(c2, 32, 147, 64, 147);
  }

  @Test
  void mixed3aTakes147x147x64To73x73x160() {
    Mixed3a block = new Mixed3a();
    assertBlock(block, "features.3");
    assertMaps(block, 64, 147, 160, 73);
  }

  @Test
  void mixed4aTakes73x73x160To71x71x192() {
    Mixed4a block = new Mixed4a();
    assertBlock(block, "features.4");
    assertMaps(block, 160, 73, 192, 71);
  }

  @Test
  void mixed5aTakes71x71x192To35x35x384() {
    Mixed5a block = new Mixed5a();
    assertBlock(block, "features.5");
    assertMaps(block, 192, 71, 384, 35);
  }

  @Test
  void inceptionAKeeps35x35x384() {
    InceptionA block = new InceptionA();
    assertBlock(block, "features.6", "features.7", "features.8", "features.9"); // 4 x A
    assertMaps(block, 384, 35, 384, 35);
  }

  @Test
  void reductionATakes35x35x384To17x17x1024() {
    ReductionA block = new ReductionA();
    assertBlock(block, "features.10");
    assertMaps(block, 384, 35, 1024, 17);
  }

  @Test
  void inceptionBKeeps17x17x1024() {
    InceptionB block = new InceptionB();
    assertBlock(block, "features.11", "features.12", "features.13", "features.14",
        "features.15", "features.16", "features.17");
    assertMaps(block, 1024, 17, 1024, 17);
  }

  @Test
  void reductionBTakes17x17x1024To8x8x1536() {
    ReductionB block = new ReductionB();
    assertBlock(block, "features.18");
    assertMaps(block, 1024, 17, 1536, 8);
  }

  @Test
  void inceptionCKeeps8x8x1536() {
    InceptionC block = new InceptionC();
    assertBlock(block, "features.19", "features.20", "features.21");
    assertMaps(block, 1536, 8, 1536, 8);
  }

  @Test
  void timmHasNoOtherBlocks() {
    assertEquals(22, timm.stateDict().stream().map(e -> e.key())
        .filter(k -> k.startsWith("features.")).map(k -> k.split("\\.")[1]).distinct().count());
    assertEquals(TimmStructureTest.timmParameters(timm, "last_linear"), 1536L * 1000 + 1000);
  }
}
