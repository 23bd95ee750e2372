package io.inferencegw.benchmarks;

import io.vertx.core.json.JsonObject;

/** Bare forward passes at one batch size: images per second from the median pass time. */
record ForwardRate(int batchSize, double imagesPerSecond, int passes) {

  /** The line a forward process prints for each batch size; the benchmark reads it back. */
  static final String RESULT_PREFIX = "FORWARD_RATE ";

  String toLine() {
    return RESULT_PREFIX + new JsonObject().put("batch", batchSize)
        .put("images_per_second", imagesPerSecond).put("passes", passes).encode();
  }

  static ForwardRate fromLine(String line) {
    JsonObject json = new JsonObject(line.substring(RESULT_PREFIX.length()));
    return new ForwardRate(json.getInteger("batch"), json.getDouble("images_per_second"),
        json.getInteger("passes"));
  }
}
