package io.inferencegw.gateway.management;

import io.inferencegw.gateway.config.ManagementConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may change what runs: with a configured token, callers presenting it as
 * {@code Authorization: Bearer <token>} (HTTP header or gRPC metadata); without one, callers
 * from the trusted networks (loopback by default). One rule for every transport.
 */
public final class ManagementAccess {

  private final ManagementConfig rules;

  public ManagementAccess(ManagementConfig rules) {
    this.rules = rules;
  }

  /**
   * @param clientAddress the caller's IP address
   * @param authorization its {@code Authorization} header, or null
   * @throws RepositoryRefusal UNAUTHENTICATED or FORBIDDEN when the call is not allowed
   */
  public void check(String clientAddress, String authorization) {
    if (rules.token().isPresent()) {
      String credentials = bearerCredentials(authorization);
      if (credentials == null) {
        throw new RepositoryRefusal(RepositoryRefusal.Kind.UNAUTHENTICATED,
            "the management API needs 'Authorization: Bearer <token>'");
      }
      byte[] given = credentials.getBytes(StandardCharsets.UTF_8);
      byte[] expected = rules.token().get().getBytes(StandardCharsets.UTF_8);
      if (!MessageDigest.isEqual(given, expected)) {
        throw new RepositoryRefusal(RepositoryRefusal.Kind.FORBIDDEN, "wrong management token");
      }
      return;
    }
    if (!rules.isTrusted(clientAddress)) {
      throw new RepositoryRefusal(RepositoryRefusal.Kind.FORBIDDEN,
          "the management API is open to " + rules.trustedNetworks()
              + " only (set a token to allow other clients)");
    }
  }

  /**
   * The token of an {@code Authorization: Bearer <token>} header, or null. The scheme name is
   * case-insensitive (RFC 7235 section 2.1): {@code bearer} and {@code BEARER} are the same.
   */
  static String bearerCredentials(String header) {
    if (header == null) {
      return null;
    }
    String value = header.strip();
    int space = value.indexOf(' ');
    if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Bearer")) {
      return null;
    }
    String token = value.substring(space + 1).strip();
    return token.isEmpty() ? null : token;
  }
}
