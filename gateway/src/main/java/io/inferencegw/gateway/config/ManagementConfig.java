package io.inferencegw.gateway.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Who may call the management API (it changes what runs). With a bearer token configured
 * (config key {@code management.token}, or the environment variable
 * {@value #TOKEN_ENV}), every call must present it. Without one, only clients from
 * {@code management.trusted_networks} may call (default: loopback).
 *
 * @param token the bearer token, if any
 * @param trustedNetworks CIDR blocks allowed without a token
 */
public record ManagementConfig(Optional<String> token, List<String> trustedNetworks) {

  public static final String TOKEN_ENV = "GATEWAY_MANAGEMENT_TOKEN";
  public static final List<String> LOOPBACK = List.of("127.0.0.0/8", "::1/128");

  public ManagementConfig {
    trustedNetworks = List.copyOf(trustedNetworks);
    for (String cidr : trustedNetworks) {
      parse(cidr);
    }
  }

  /** The default: token from the environment if set, else loopback only. */
  public static ManagementConfig fromEnvironment() {
    return new ManagementConfig(envToken(), LOOPBACK);
  }

  static Optional<String> envToken() {
    return Optional.ofNullable(System.getenv(TOKEN_ENV)).filter(t -> !t.isBlank());
  }

  /** Whether a client address falls in one of the trusted networks. */
  public boolean isTrusted(String address) {
    InetAddress client;
    try {
      client = InetAddress.getByName(address);
    } catch (UnknownHostException e) {
      return false;
    }
    for (String cidr : trustedNetworks) {
      Cidr block = parse(cidr);
      if (block.contains(client)) {
        return true;
      }
    }
    return false;
  }

  private record Cidr(byte[] network, int prefix) {
    boolean contains(InetAddress address) {
      byte[] a = address.getAddress();
      if (a.length != network.length) {
        return false;
      }
      for (int bit = 0; bit < prefix; bit++) {
        int mask = 0x80 >>> (bit % 8);
        if ((a[bit / 8] & mask) != (network[bit / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }

  private static Cidr parse(String cidr) {
    String[] parts = cidr.split("/", 2);
    try {
      // Only literal addresses: getByName on a literal does no lookup.
      if (!parts[0].matches("[0-9.]+|[0-9a-fA-F:]+")) {
        throw new UnknownHostException(parts[0]);
      }
      byte[] net = InetAddress.getByName(parts[0]).getAddress();
      int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : net.length * 8;
      if (prefix < 0 || prefix > net.length * 8) {
        throw new NumberFormatException();
      }
      return new Cidr(net, prefix);
    } catch (UnknownHostException | NumberFormatException e) {
      throw new ConfigException("management.trusted_networks: '" + cidr + "' is not a CIDR block"
          + " such as 127.0.0.0/8");
    }
  }
}
