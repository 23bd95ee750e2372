package io.inferencegw.gateway.stream;

import io.inferencegw.plugin.api.data.FashionMnist;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Frames as clients send them, made from Fashion-MNIST test images. */
final class TestFrames {

  private TestFrames() {}

  /** Image {@code i} as a grayscale JPEG of the highest quality. */
  static byte[] jpeg(FashionMnist data, int i) throws IOException {
    BufferedImage img = new BufferedImage(data.cols(), data.rows(), BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setDataElements(0, 0, data.cols(), data.rows(), data.image(i));
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(stream);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(1.0f);
      writer.write(null, new IIOImage(img, null, null), param);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  /** Grayscale pixels as RGB HWC, each value repeated: what a raw RGB client would send. */
  static byte[] rgb(byte[] gray) {
    byte[] out = new byte[gray.length * 3];
    for (int i = 0; i < gray.length; i++) {
      out[3 * i] = gray[i];
      out[3 * i + 1] = gray[i];
      out[3 * i + 2] = gray[i];
    }
    return out;
  }
}
