package io.inferencegw.plugins.inception;

import static io.inferencegw.plugins.inception.Shapes.assertMaps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import io.inferencegw.plugin.api.parity.ReferenceStructure;
import io.inferencegw.plugins.inception.resnetv2.Block17;
import io.inferencegw.plugins.inception.resnetv2.Block35;
import io.inferencegw.plugins.inception.resnetv2.Block8;
import io.inferencegw.plugins.inception.resnetv2.Mixed5b;
import io.inferencegw.plugins.inception.resnetv2.Mixed6a;
import io.inferencegw.plugins.inception.resnetv2.Mixed7a;
import io.inferencegw.plugins.inception.resnetv2.ScaledResidualBlock;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every Inception-ResNet-v2 block against the paper (Szegedy et al. 2016: the residual blocks of
 * figures 16, 17 and 19 with the scaled residuals of section 3.3, reductions of figures 7 and
 * 18) in the channel widths of the TensorFlow-slim release timm follows (35x35x320,
 * 17x17x1088, 8x8x2080), and against timm: each block's parameter count equals that of timm's
 * module of the same name in the committed timm structure.
 */
class InceptionResnetV2BlocksTest {

  private static ReferenceStructure timm;

  @BeforeAll
  static void readTimm() throws Exception {
    timm = TimmStructureTest.timmStructure(InceptionFamily.INCEPTION_RESNET_V2);
  }

  private static void assertBlock(Module block, String... timmPrefixes) {
    Shapes.assertParametersAsTimm(timm, block, timmPrefixes);
  }

  @Test
  void stemTakes299x299x3To71x71x192() {
    BasicConv2d c1a = new BasicConv2d(3, 32, 3, 2, 0);
    BasicConv2d c2a = new BasicConv2d(32, 32, 3);
    BasicConv2d c2b = new BasicConv2d(32, 64, 3, 1, 1);
    BasicConv2d c3b = new BasicConv2d(64, 80, 1);
    BasicConv2d c4a = new BasicConv2d(80, 192, 3);
    assertBlock(c1a, "conv2d_1a");
    assertBlock(c2a, "conv2d_2a");
    assertBlock(c2b, "conv2d_2b");
    assertBlock(c3b, "conv2d_3b");
    assertBlock(c4a, "conv2d_4a");
    assertMaps(c1a, 3, 299, 32, 149);
    assertMaps(c2a, 32, 149, 32, 147);
    assertMaps(c2b, 32, 147, 64, 147);
    assertMaps(c3b, 64, 73, 80, 73); // after maxpool_3a
    assertMaps(c4a, 80, 73, 192, 71);
  }

  @Test
  void mixed5bTakes35x35x192To35x35x320() {
    Mixed5b block = new Mixed5b();
    assertBlock(block, "mixed_5b");
    assertMaps(block, 192, 35, 320, 35);
  }

  @Test
  void block35Keeps35x35x320() {
    Block35 block = new Block35(0.17);
    assertBlock(block, Shapes.indexed("repeat", 10));
    assertMaps(block, 320, 35, 320, 35);
  }

  @Test
  void mixed6aTakes35x35x320To17x17x1088() {
    Mixed6a block = new Mixed6a();
    assertBlock(block, "mixed_6a");
    assertMaps(block, 320, 35, 1088, 17);
  }

  @Test
  void block17Keeps17x17x1088() {
    Block17 block = new Block17(0.1);
    assertBlock(block, Shapes.indexed("repeat_1", 20));
    assertMaps(block, 1088, 17, 1088, 17);
  }

  @Test
  void mixed7aTakes17x17x1088To8x8x2080() {
    Mixed7a block = new Mixed7a();
    assertBlock(block, "mixed_7a");
    assertMaps(block, 1088, 17, 2080, 8);
  }

  @Test
  void block8Keeps8x8x2080() {
    Block8 block = new Block8(0.2, false);
    assertBlock(block, Shapes.indexed("repeat_2", 9));
    assertBlock(block, "block8");
    assertMaps(block, 2080, 8, 2080, 8);
  }

  @Test
  void headIsA1x1ConvolutionTo1536AndTheClassifier() {
    BasicConv2d conv = new BasicConv2d(2080, 1536, 1);
    assertBlock(conv, "conv2d_7b");
    assertMaps(conv, 2080, 8, 1536, 8);
    assertEquals(1536L * 1000 + 1000, TimmStructureTest.timmParameters(timm, "classif"));
  }

  @Test
  void residualIsTheScaledProjectionOfTheBranchesAddedToTheInput() {
    torch.manual_seed(1);
    for (boolean noRelu : new boolean[] {false, true}) {
      try (Block8 block = new Block8(0.2, noRelu);
          PointerScope scope = new PointerScope();
          InferenceMode guard = new InferenceMode()) {
        block.eval();
        Tensor x = torch.randn(2, 2080, 8, 8);
        // relu(conv2d(cat(branch0(x), branch1(x))) * 0.2 + x), from the parts
        Tensor projected = block.conv2d().forward(block.concatenate(x));
        Tensor expected = projected.mul(new Scalar(0.2)).add(x);
        if (!noRelu) {
          expected = expected.relu();
        }
        Tensor y = block.forward(x);
        assertTrue(torch.equal(expected, y), "noRelu=" + noRelu);
        assertEquals(noRelu, y.min().item_double() < 0, "negative values only without ReLU");
      }
    }
  }

  @Test
  void withAZeroProjectionABlockIsReluOfItsInputOrTheIdentity() {
    assertZeroProjection(new Block35(0.17), 320, 35, true);
    assertZeroProjection(new Block17(0.1), 1088, 17, true);
    assertZeroProjection(new Block8(0.2, false), 2080, 8, true);
    assertZeroProjection(new Block8(1.0, true), 2080, 8, false);
  }

  private static void assertZeroProjection(
      ScaledResidualBlock block, int channels, int size, boolean relu) {
    try (block;
        PointerScope scope = new PointerScope();
        NoGradGuard noGrad = new NoGradGuard()) {
      block.eval();
      block.conv2d().weight().zero_();
      block.conv2d().bias().zero_();
      Tensor x = torch.randn(1, channels, size, size);
      assertTrue(torch.equal(relu ? x.relu() : x, block.forward(x)),
          block.getClass().getSimpleName());
    }
  }
}
