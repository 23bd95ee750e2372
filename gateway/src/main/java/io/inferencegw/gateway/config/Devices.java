package io.inferencegw.gateway.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Device strings as LibTorch spells them: {@code cpu}, {@code cuda:0}, {@code cuda:1}, ... */
public final class Devices {
  /** Largest CUDA device index accepted; no node has more GPUs than this. */
  public static final int MAX_CUDA_INDEX = 63;

  private static final Pattern DEVICE = Pattern.compile("cpu|cuda:(\\d{1,2})");

  private Devices() {}

  public static boolean isValid(String device) {
    if (device == null) {
      return false;
    }
    Matcher m = DEVICE.matcher(device);
    return m.matches() && (m.group(1) == null || Integer.parseInt(m.group(1)) <= MAX_CUDA_INDEX);
  }
}
