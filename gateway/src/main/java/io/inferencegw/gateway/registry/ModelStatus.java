package io.inferencegw.gateway.registry;

/**
 * One row of the model repository index: a served version, a version being drained, or a
 * configured model that is not served (waiting for its plugin, or failed to load).
 */
public record ModelStatus(
    String name, String version, String family, String variant, String plugin, ModelState state,
    String reason) {}
