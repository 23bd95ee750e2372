package io.inferencegw.plugins.regnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.inferencegw.plugins.regnet.BlockParams.DesignSpace;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The generator against torchvision 0.14's {@code BlockParams.from_init_params} for every
 * variant: per-stage widths, depths and group widths as torchvision computes them (printed once
 * with {@code /usr/bin/python3}: {@code p = BlockParams.from_init_params(...);
 * p.widths, p.depths, p.group_widths}).
 */
class BlockParamsTest {

  /** variant -> widths, depths, group widths. */
  static final Map<String, List<List<Integer>>> TORCHVISION = Map.ofEntries(
      Map.entry("regnet_x_400mf", List.of(List.of(32, 64, 160, 400), List.of(1, 2, 7, 12),
          List.of(16, 16, 16, 16))),
      Map.entry("regnet_x_800mf", List.of(List.of(64, 128, 288, 672), List.of(1, 3, 7, 5),
          List.of(16, 16, 16, 16))),
      Map.entry("regnet_x_1_6gf", List.of(List.of(72, 168, 408, 912), List.of(2, 4, 10, 2),
          List.of(24, 24, 24, 24))),
      Map.entry("regnet_x_3_2gf", List.of(List.of(96, 192, 432, 1008), List.of(2, 6, 15, 2),
          List.of(48, 48, 48, 48))),
      Map.entry("regnet_x_8gf", List.of(List.of(80, 240, 720, 1920), List.of(2, 5, 15, 1),
          List.of(80, 120, 120, 120))),
      Map.entry("regnet_x_16gf", List.of(List.of(256, 512, 896, 2048), List.of(2, 6, 13, 1),
          List.of(128, 128, 128, 128))),
      Map.entry("regnet_x_32gf", List.of(List.of(336, 672, 1344, 2520), List.of(2, 7, 13, 1),
          List.of(168, 168, 168, 168))),
      Map.entry("regnet_y_400mf", List.of(List.of(48, 104, 208, 440), List.of(1, 3, 6, 6),
          List.of(8, 8, 8, 8))),
      Map.entry("regnet_y_800mf", List.of(List.of(64, 144, 320, 784), List.of(1, 3, 8, 2),
          List.of(16, 16, 16, 16))),
      Map.entry("regnet_y_1_6gf", List.of(List.of(48, 120, 336, 888), List.of(2, 6, 17, 2),
          List.of(24, 24, 24, 24))),
      Map.entry("regnet_y_3_2gf", List.of(List.of(72, 216, 576, 1512), List.of(2, 5, 13, 1),
          List.of(24, 24, 24, 24))),
      Map.entry("regnet_y_8gf", List.of(List.of(224, 448, 896, 2016), List.of(2, 4, 10, 1),
          List.of(56, 56, 56, 56))),
      Map.entry("regnet_y_16gf", List.of(List.of(224, 448, 1232, 3024), List.of(2, 4, 11, 1),
          List.of(112, 112, 112, 112))),
      Map.entry("regnet_y_32gf", List.of(List.of(232, 696, 1392, 3712), List.of(2, 5, 12, 1),
          List.of(232, 232, 232, 232))),
      Map.entry("regnet_y_128gf", List.of(List.of(528, 1056, 2904, 7392), List.of(2, 7, 17, 1),
          List.of(264, 264, 264, 264))));

  @Test
  void generatedStagesAreTorchvisions() {
    List<RegnetFamily.Config> configs = new RegnetFamily().configs();
    assertEquals(configs.size(), TORCHVISION.size());
    for (RegnetFamily.Config c : configs) {
      BlockParams p = c.blockParams();
      List<List<Integer>> expected = TORCHVISION.get(c.name());
      assertEquals(expected.get(0), p.widths(), c.name() + " widths");
      assertEquals(expected.get(1), p.depths(), c.name() + " depths");
      assertEquals(expected.get(2), p.groupWidths(), c.name() + " group widths");
      assertEquals(c.name().startsWith("regnet_y") ? 0.25 : 0.0, p.seRatio(), c.name());
      assertEquals(c.design().depth(), p.depths().stream().mapToInt(Integer::intValue).sum(),
          c.name() + ": the stages hold all blocks");
    }
  }

  @Test
  void groupWidthIsCappedByTheBottleneckWidth() {
    // regnet_x_8gf: stage 1 is 80 wide, narrower than the group width 120
    BlockParams p = new RegnetFamily().config("regnet_x_8gf").blockParams();
    assertEquals(80, p.groupWidths().get(0));
    assertEquals(80, p.widths().get(0));
  }

  @Test
  void invalidDesignSpacesAreRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> DesignSpace.x(10, 20, 10, 2, 8).blockParams()); // w_0 not a multiple of 8
    assertThrows(IllegalArgumentException.class,
        () -> DesignSpace.x(10, 24, 10, 1.0, 8).blockParams()); // w_m must exceed 1
    assertThrows(IllegalArgumentException.class,
        () -> DesignSpace.x(10, 24, -1, 2, 8).blockParams());
  }
}
