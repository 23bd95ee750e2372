package io.inferencegw.gateway.preprocess;

import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An {@code ImageInputStream} that reads a byte array in place.
 *
 * <p>{@code ImageIO.createImageInputStream} would wrap the request bytes in a file cache (with
 * the default {@code ImageIO.setUseCache(true)}: a temporary file per request) or a memory cache
 * that copies them block by block. The whole image is already in memory, so neither is needed.
 */
final class ByteArrayImageInputStream extends ImageInputStreamImpl {

  private final byte[] data;

  ByteArrayImageInputStream(byte[] data) {
    this.data = data;
  }

  @Override
  public int read() {
    bitOffset = 0;
    if (streamPos >= data.length) {
      return -1;
    }
    return data[(int) streamPos++] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (off < 0 || len < 0 || off + len > b.length || off + len < 0) {
      throw new IndexOutOfBoundsException("off " + off + ", len " + len + ", array " + b.length);
    }
    bitOffset = 0;
    if (len == 0) {
      return 0;
    }
    long left = data.length - streamPos;
    if (left <= 0) {
      return -1;
    }
    int n = (int) Math.min(len, left);
    System.arraycopy(data, (int) streamPos, b, off, n);
    streamPos += n;
    return n;
  }

  @Override
  public long length() {
    return data.length;
  }
}
