package io.inferencegw.gateway.config;

/** Turns a file name given for a config key ({@code weights}, {@code labels}) into a resource. */
@FunctionalInterface
public interface FileResolver {
  ResourceRef resolve(String key, String name);
}
