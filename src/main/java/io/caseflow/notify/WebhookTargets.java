package io.caseflow.notify;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where webhooks may be sent: guards against server-side request forgery, where a tenant admin
 * points a webhook at the management port, a cloud metadata service or the database host. A target
 * is refused when its host resolves to any address that is not public, unless the host, or a
 * network holding the address, is listed as an allowed private target. Hosts written as numbers in
 * forms other clients read differently ({@code 2130706433}, {@code 0177.0.0.1}) are refused
 * outright.
 *
 * <p>The check runs at registration and again for every connection a delivery opens, on the address
 * the connection then uses ({@link #address}), so a DNS answer cannot change between the check and
 * the connect.
 */
public final class WebhookTargets {

  /** Resolves a host name to its addresses: the system's resolver, or a test's. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  /** A target that may not be connected to, and why. */
  public static final class Refused extends Exception {
    Refused(String reason) {
      super(reason);
    }
  }

  private static final List<Network> NOT_PUBLIC =
      Network.all(
          "0.0.0.0/8",
          "10.0.0.0/8",
          "100.64.0.0/10",
          "127.0.0.0/8",
          "169.254.0.0/16",
          "172.16.0.0/12",
          "192.0.0.0/24",
          "192.0.2.0/24",
          "192.168.0.0/16",
          "198.18.0.0/15",
          "198.51.100.0/24",
          "203.0.113.0/24",
          "224.0.0.0/4",
          "240.0.0.0/4",
          "::/128",
          "::1/128",
          "64:ff9b::/96",
          "100::/64",
          "2001:db8::/32",
          "2002::/16",
          "fc00::/7",
          "fe80::/10",
          "ff00::/8");
  private static final Pattern NUMERIC_HOST = Pattern.compile("[0-9a-fA-FxX.]+");
  private static final Pattern DOTTED_QUAD =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

  private final boolean allowHttp;
  private final Set<String> allowedHosts;
  private final List<Network> allowedNetworks;
  private final Resolver resolver;

  public WebhookTargets(boolean allowHttp, List<String> allowedPrivateTargets, Resolver resolver) {
    this.allowHttp = allowHttp;
    this.allowedHosts =
        allowedPrivateTargets.stream()
            .filter(target -> !target.contains("/"))
            .map(host -> host.toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
    this.allowedNetworks =
        allowedPrivateTargets.stream()
            .filter(target -> target.contains("/"))
            .map(Network::parse)
            .toList();
    this.resolver = resolver;
  }

  public static WebhookTargets of(WebhookSettings settings) {
    return new WebhookTargets(
        settings.allowHttp(), settings.allowedPrivateTargets(), InetAddress::getAllByName);
  }

  /** Why {@code url} may not be a webhook target, or empty when it may. Resolves: blocking. */
  public Optional<String> refusal(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return Optional.of("is not a URL");
    }
    Optional<String> scheme = schemeRefusal(uri);
    if (scheme.isPresent()) {
      return scheme;
    }
    try {
      address(uri.getHost(), 443);
      return Optional.empty();
    } catch (Refused e) {
      return Optional.of(e.getMessage());
    }
  }

  /** Why the URL's scheme or host may not be a target's, without resolving anything; or empty. */
  public Optional<String> schemeRefusal(URI uri) {
    if (!"https".equals(uri.getScheme()) && !("http".equals(uri.getScheme()) && allowHttp)) {
      return Optional.of(allowHttp ? "must be an http or https URL" : "must be an https URL");
    }
    if (uri.getHost() == null) {
      return Optional.of("names no host");
    }
    return Optional.empty();
  }

  /**
   * The address to connect to for {@code host}, checked.
   *
   * @throws Refused when the host does not resolve, or resolves to an address not allowed
   */
  public InetSocketAddress address(String host, int port) throws Refused {
    String name = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (NUMERIC_HOST.matcher(name).matches()
        && !DOTTED_QUAD.matcher(name).matches()
        && name.chars().anyMatch(Character::isDigit)
        && !name.contains(":")) {
      throw new Refused("host '" + host + "' is a number in a form clients read differently");
    }
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(name);
    } catch (UnknownHostException e) {
      throw new Refused("host '" + host + "' does not resolve");
    }
    if (addresses.length == 0) {
      throw new Refused("host '" + host + "' does not resolve");
    }
    boolean hostAllowed = allowedHosts.contains(name.toLowerCase(Locale.ROOT));
    for (InetAddress address : addresses) {
      if (!hostAllowed
          && NOT_PUBLIC.stream().anyMatch(network -> network.contains(address))
          && allowedNetworks.stream().noneMatch(network -> network.contains(address))) {
        throw new Refused(
            "host '"
                + host
                + "' resolves to "
                + address.getHostAddress()
                + ", not a public address");
      }
    }
    return new InetSocketAddress(addresses[0], port);
  }

  /** An IPv4 or IPv6 network in CIDR notation. */
  private record Network(BigInteger prefix, int bits, int length) {

    static List<Network> all(String... cidrs) {
      List<Network> networks = new ArrayList<>();
      for (String cidr : cidrs) {
        networks.add(parse(cidr));
      }
      return List.copyOf(networks);
    }

    static Network parse(String cidr) {
      int slash = cidr.indexOf('/');
      try {
        byte[] address = InetAddress.getByName(cidr.substring(0, slash)).getAddress();
        int bits = Integer.parseInt(cidr.substring(slash + 1));
        if (bits < 0 || bits > address.length * 8) {
          throw new IllegalArgumentException("not a network: " + cidr);
        }
        return new Network(top(address, bits), bits, address.length);
      } catch (UnknownHostException | NumberFormatException e) {
        throw new IllegalArgumentException("not a network: " + cidr, e);
      }
    }

    boolean contains(InetAddress address) {
      byte[] bytes = address.getAddress();
      return bytes.length == length && top(bytes, bits).equals(prefix);
    }

    private static BigInteger top(byte[] address, int bits) {
      return new BigInteger(1, address).shiftRight(address.length * 8 - bits);
    }
  }
}
