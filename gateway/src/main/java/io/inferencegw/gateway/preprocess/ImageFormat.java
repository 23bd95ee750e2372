package io.inferencegw.gateway.preprocess;

import java.util.Optional;

/**
 * The encoded formats the API accepts, recognised by their magic bytes.
 *
 * <p>We sniff the signature ourselves instead of asking every registered ImageIO reader: that
 * would also accept GIF, TIFF and WBMP (whose reader claims almost any byte string), which the
 * API does not promise, and it costs a probe per installed plugin on every request.
 */
enum ImageFormat {
  JPEG("jpeg", new int[] {0xFF, 0xD8, 0xFF}),
  PNG("png", new int[] {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}),
  BMP("bmp", new int[] {'B', 'M'});

  private final String imageIoName;
  private final int[] magic;

  ImageFormat(String imageIoName, int[] magic) {
    this.imageIoName = imageIoName;
    this.magic = magic;
  }

  /** The format name ImageIO registers its reader under. */
  String imageIoName() {
    return imageIoName;
  }

  /** The format whose signature starts {@code data}, if any. */
  static Optional<ImageFormat> sniff(byte[] data) {
    for (ImageFormat format : values()) {
      if (format.matches(data)) {
        return Optional.of(format);
      }
    }
    return Optional.empty();
  }

  private boolean matches(byte[] data) {
    if (data.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((data[i] & 0xFF) != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
