package io.inferencegw.gateway.config;

/**
 * A file name that leads outside the model repository ({@code ..}, an absolute path elsewhere, or
 * a symbolic link whose target lies outside). The management API answers it with 403: the
 * request is understood but names something the caller may not have.
 */
public class OutsideRepositoryException extends ConfigException {
  public OutsideRepositoryException(String message) {
    super(message);
  }
}
