package io.inferencegw.gateway.preprocess;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR_RGB;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_GRAYSCALE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_GRAYSCALE_2;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_GRAYSCALE_4;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_GRAYSCALE_8;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decodes a JPEG with libjpeg-turbo (inside OpenCV's imgcodecs) at full size or at 1/2, 1/4 or
 * 1/8 scale, where the reduction happens in the inverse DCT, so a reduced image costs a
 * fraction of a full one.
 *
 * <p>Callers hand over only bytes whose frame header has already been checked against the pixel
 * limit and whose structure {@link JpegLayout} has read to the end: the native decoder is never
 * the first to look at a request. The result is still compared with the size the header
 * declared, so that a disagreement between the two readers cannot pass unnoticed.
 *
 * <p>EXIF orientation is ignored, as PIL and the exact decoder ignore it. Native memory (the
 * copied input and the decoded image) is freed before {@link #decode} returns.
 */
final class NativeJpegDecoder {

  private NativeJpegDecoder() {}

  /** Loads the native libraries now, so that the first request does not pay for it. */
  static void load() {
    org.bytedeco.javacpp.Loader.load(opencv_imgcodecs.class);
  }

  /**
   * @param jpeg a whole JPEG file, checked as described above
   * @param denominator 1, 2, 4 or 8
   * @param gray decode to one channel (for 1-component JPEGs) instead of RGB
   * @param width width declared in the frame header
   * @param height height declared in the frame header
   * @throws io.inferencegw.gateway.core.GatewayException INVALID_ARGUMENT when libjpeg refuses
   *     the data or produces another size than declared
   */
  static DecodedImage decode(byte[] jpeg, int denominator, boolean gray, long width, long height) {
    int expectedWidth = (int) JpegScale.scaledLength(width, denominator);
    int expectedHeight = (int) JpegScale.scaledLength(height, denominator);
    int channels = gray ? 1 : 3;
    try (PointerScope scope = new PointerScope()) {
      BytePointer data = new BytePointer(jpeg);
      Mat encoded = new Mat(1, jpeg.length, CV_8UC1, data);
      Mat image;
      try {
        image = opencv_imgcodecs.imdecode(encoded, flags(denominator, gray));
      } catch (RuntimeException e) {
        // JavaCPP turns a cv::Exception (libjpeg's fatal errors among them) into this.
        throw ImageDecoder.corrupt("the JPEG decoder refused the data");
      }
      if (image == null || image.empty()) {
        throw ImageDecoder.corrupt("the JPEG decoder refused the data");
      }
      if (image.cols() != expectedWidth || image.rows() != expectedHeight
          || image.channels() != channels || image.elemSize1() != 1 || !image.isContinuous()) {
        throw ImageDecoder.corrupt("decoded " + image.cols() + "x" + image.rows() + "x"
            + image.channels() + ", the header declares " + expectedWidth + "x" + expectedHeight
            + "x" + channels + " at 1/" + denominator + " scale");
      }
      byte[] pixels = new byte[expectedWidth * expectedHeight * channels];
      image.data().capacity(pixels.length).get(pixels);
      return new DecodedImage(expectedWidth, expectedHeight, channels, pixels);
    }
  }

  /**
   * imdecode's flags: the REDUCED_GRAYSCALE constants carry only the scale, and COLOR_RGB turns
   * them into RGB output (REDUCED_COLOR would add COLOR_BGR, which OpenCV refuses beside RGB).
   */
  private static int flags(int denominator, boolean gray) {
    int reduced = switch (denominator) {
      case 1 -> IMREAD_GRAYSCALE;
      case 2 -> IMREAD_REDUCED_GRAYSCALE_2;
      case 4 -> IMREAD_REDUCED_GRAYSCALE_4;
      case 8 -> IMREAD_REDUCED_GRAYSCALE_8;
      default -> throw new IllegalArgumentException("denominator " + denominator);
    };
    return (gray ? reduced : reduced | IMREAD_COLOR_RGB) | IMREAD_IGNORE_ORIENTATION;
  }
}
