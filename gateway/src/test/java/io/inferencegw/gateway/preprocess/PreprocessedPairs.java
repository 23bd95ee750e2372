package io.inferencegw.gateway.preprocess;

import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.ColorMode;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Writes the network inputs of both preprocessing paths for each image given (decoder and resize
 * as each mode of a served model has them), for comparing
 * what a network answers to each (gateway/src/test/python/scaled_decoding_agreement.py):
 * {@code NAME.exact.f32} and {@code NAME.fast.f32}, float32 little-endian [3, 224, 224] with
 * ImageNet's resize 256, crop 224, bilinear; and one line per image in {@code images.tsv}.
 *
 * <p>Usage: {@code PreprocessedPairs OUT_DIR IMAGE...} (test classpath).
 */
public final class PreprocessedPairs {

  private PreprocessedPairs() {}

  public static void main(String[] args) throws IOException {
    torch.set_num_threads(1);
    Path out = Path.of(args[0]);
    Files.createDirectories(out);
    PreprocessSpec spec = PreprocessSpec.imagenet(256, 224, Interpolation.BILINEAR);
    ImageDecoder exact = new ImageDecoder();
    FastImageDecoder fast = new FastImageDecoder(exact, spec.resizeShorter());
    ImagePreprocessor exactPreprocessor = new ImagePreprocessor(spec);
    ImagePreprocessor fastPreprocessor = new ImagePreprocessor(spec, true);
    StringBuilder index = new StringBuilder("name\twidth\theight\tfast_width\tfast_height\n");
    for (int i = 1; i < args.length; i++) {
      Path file = Path.of(args[i]);
      byte[] encoded = Files.readAllBytes(file);
      DecodedImage full = exact.decode(encoded, ColorMode.RGB);
      DecodedImage reduced = fast.decode(encoded, ColorMode.RGB);
      String name = file.getFileName().toString();
      write(out.resolve(name + ".exact.f32"), exactPreprocessor, full);
      write(out.resolve(name + ".fast.f32"), fastPreprocessor, reduced);
      index.append(String.format(Locale.ROOT, "%s\t%d\t%d\t%d\t%d%n", name, full.width(),
          full.height(), reduced.width(), reduced.height()));
    }
    Files.writeString(out.resolve("images.tsv"), index);
  }

  private static void write(Path file, ImagePreprocessor preprocessor, DecodedImage image)
      throws IOException {
    try (PointerScope scope = new PointerScope()) {
      Tensor values = torch.empty(preprocessor.inputShape());
      preprocessor.preprocess(image, values);
      float[] floats = new float[(int) values.numel()];
      new FloatPointer(values.data_ptr()).get(floats);
      ByteBuffer bytes = ByteBuffer.allocate(floats.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      bytes.asFloatBuffer().put(floats);
      Files.write(file, bytes.array());
    }
  }
}
