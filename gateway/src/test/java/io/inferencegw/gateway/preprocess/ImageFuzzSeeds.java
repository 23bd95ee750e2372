package io.inferencegw.gateway.preprocess;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Small, valid images for the decoder fuzz test, written by the JDK's own writers in the colour
 * types and bit depths that reach different decoder paths: PNG gray/RGB/palette/gray-alpha/RGBA
 * at 1, 4, 8 and 16 bits, interlaced; baseline, progressive and gray JPEG; BMP at 1, 4, 8, 16
 * and 24 bits, RLE-compressed and top-down.
 */
final class ImageFuzzSeeds {

  private ImageFuzzSeeds() {}

  static List<byte[]> png() {
    List<byte[]> seeds = new ArrayList<>();
    seeds.add(write(filled(new BufferedImage(12, 9, BufferedImage.TYPE_INT_RGB)), "png", null));
    seeds.add(write(filled(new BufferedImage(9, 7, BufferedImage.TYPE_INT_ARGB)), "png", null));
    seeds.add(write(filled(new BufferedImage(10, 6, BufferedImage.TYPE_BYTE_GRAY)), "png", null));
    seeds.add(write(filled(new BufferedImage(7, 5, BufferedImage.TYPE_USHORT_GRAY)), "png", null));
    seeds.add(write(filled(component(ColorSpace.CS_sRGB, false, DataBuffer.TYPE_USHORT, 6, 5)),
        "png", null));
    seeds.add(write(filled(component(ColorSpace.CS_sRGB, true, DataBuffer.TYPE_USHORT, 5, 4)),
        "png", null));
    seeds.add(write(filled(component(ColorSpace.CS_GRAY, true, DataBuffer.TYPE_BYTE, 8, 3)),
        "png", null));
    seeds.add(write(filled(new BufferedImage(11, 8, BufferedImage.TYPE_BYTE_INDEXED)), "png",
        null));
    seeds.add(write(filled(new BufferedImage(13, 4, BufferedImage.TYPE_BYTE_BINARY,
        palette(4))), "png", null));
    seeds.add(write(filled(new BufferedImage(17, 5, BufferedImage.TYPE_BYTE_BINARY)), "png",
        null));
    seeds.add(write(filled(new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB)), "png",
        ImageWriteParam.MODE_DEFAULT));
    return seeds;
  }

  static List<byte[]> jpeg() {
    List<byte[]> seeds = new ArrayList<>();
    seeds.add(write(filled(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB)), "jpeg", null));
    seeds.add(write(filled(new BufferedImage(9, 7, BufferedImage.TYPE_INT_RGB)), "jpeg", null));
    seeds.add(write(filled(new BufferedImage(16, 8, BufferedImage.TYPE_BYTE_GRAY)), "jpeg",
        null));
    seeds.add(write(filled(new BufferedImage(12, 12, BufferedImage.TYPE_INT_RGB)), "jpeg",
        ImageWriteParam.MODE_DEFAULT));
    return seeds;
  }

  static List<byte[]> bmp() {
    List<byte[]> seeds = new ArrayList<>();
    seeds.add(write(filled(new BufferedImage(7, 5, BufferedImage.TYPE_3BYTE_BGR)), "bmp", null));
    seeds.add(write(filled(new BufferedImage(9, 6, BufferedImage.TYPE_BYTE_INDEXED)), "bmp",
        null));
    seeds.add(write(filled(new BufferedImage(11, 3, BufferedImage.TYPE_BYTE_BINARY,
        palette(4))), "bmp", null));
    seeds.add(write(filled(new BufferedImage(13, 4, BufferedImage.TYPE_BYTE_BINARY)), "bmp",
        null));
    seeds.add(write(filled(new BufferedImage(6, 6, BufferedImage.TYPE_USHORT_565_RGB)), "bmp",
        null));
    seeds.add(bmpWith(filled(new BufferedImage(10, 4, BufferedImage.TYPE_BYTE_INDEXED)),
        "BI_RLE8", false));
    seeds.add(bmpWith(filled(new BufferedImage(10, 4, BufferedImage.TYPE_BYTE_BINARY,
        palette(4))), "BI_RLE4", false));
    seeds.add(bmpWith(filled(new BufferedImage(5, 5, BufferedImage.TYPE_3BYTE_BGR)), "BI_RGB",
        true));
    return seeds;
  }

  private static BufferedImage component(int space, boolean alpha, int type, int w, int h) {
    ColorModel cm = new ComponentColorModel(ColorSpace.getInstance(space), alpha, false,
        alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, type);
    WritableRaster raster = cm.createCompatibleWritableRaster(w, h);
    return new BufferedImage(cm, raster, false, null);
  }

  private static IndexColorModel palette(int bits) {
    int size = 1 << bits;
    byte[] r = new byte[size];
    byte[] g = new byte[size];
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      r[i] = (byte) (i * 255 / (size - 1));
      g[i] = (byte) (255 - i * 17);
      b[i] = (byte) (i * 61);
    }
    return new IndexColorModel(bits, size, r, g, b);
  }

  /** Every sample of every band set from a fixed random source. */
  private static BufferedImage filled(BufferedImage image) {
    WritableRaster raster = image.getRaster();
    Random random = new Random(image.getWidth() * 31L + image.getType());
    for (int band = 0; band < raster.getNumBands(); band++) {
      int max = (1 << raster.getSampleModel().getSampleSize(band)) - 1;
      for (int y = 0; y < raster.getHeight(); y++) {
        for (int x = 0; x < raster.getWidth(); x++) {
          raster.setSample(x, y, band, random.nextInt(max + 1));
        }
      }
    }
    return image;
  }

  /** Written with the format's writer; {@code progressive} is a progressive mode or null. */
  private static byte[] write(BufferedImage image, String format, Integer progressive) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    if (progressive != null) {
      param.setProgressiveMode(progressive);
    }
    return written(writer, image, param);
  }

  private static byte[] bmpWith(BufferedImage image, String compression, boolean topDown) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("bmp").next();
    javax.imageio.plugins.bmp.BMPImageWriteParam param =
        (javax.imageio.plugins.bmp.BMPImageWriteParam) writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionType(compression);
    param.setTopDown(topDown);
    return written(writer, image, param);
  }

  private static byte[] written(ImageWriter writer, BufferedImage image, ImageWriteParam param) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(stream);
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }
}
