package io.inferencegw.gateway.config;

import java.util.regex.Pattern;

/** Device strings as LibTorch spells them: {@code cpu}, {@code cuda:0}, {@code cuda:1}, ... */
public final class Devices {
  private static final Pattern DEVICE = Pattern.compile("cpu|cuda:\\d+");

  private Devices() {}

  public static boolean isValid(String device) {
    return device != null && DEVICE.matcher(device).matches();
  }
}
