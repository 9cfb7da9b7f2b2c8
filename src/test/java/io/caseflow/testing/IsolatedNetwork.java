package io.caseflow.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * Nodes on a network of their own: each in a network namespace with one link to a bridge, whose
 * address (the gateway) is this test's own machine, where the database and the test run. A node can
 * then be cut off from the other nodes while it still reaches the database and the test still
 * reaches it, as when a switch between racks fails.
 *
 * <p>A cut is made of neighbour entries: the cut node and every other node each believe the other's
 * address belongs to a hardware address nothing has, so their packets to each other are dropped on
 * the wire, in both directions, silently, with no error a socket could see. Healing deletes the
 * entries and the nodes find each other again (ARP). Needs root ({@code ip netns}); everything is
 * removed on close.
 */
public final class IsolatedNetwork implements AutoCloseable {

  /** A locally administered hardware address no interface here has. */
  private static final String NOWHERE = "02:00:00:00:00:01";

  private static final AtomicInteger NETWORKS = new AtomicInteger();

  private final String bridge;
  private final String subnet;
  private final List<String> namespaces = new ArrayList<>();

  private IsolatedNetwork(String name, String subnet) {
    this.bridge = "cfb" + name;
    this.subnet = subnet;
  }

  /** A bridge and {@code size} namespaces on it, each with an address of its own. */
  public static IsolatedNetwork create(int size) {
    RootCommands.requireRoot("puts nodes in network namespaces of their own (ip netns)");
    long pid = ProcessHandle.current().pid();
    int serial = NETWORKS.incrementAndGet();
    // names of interfaces are at most 15 characters; the subnet differs between forks and runs
    String name = pid + "x" + serial;
    String subnet =
        "10." + (100 + Integer.getInteger("test.fork", 0)) + "." + ((pid + serial) % 250);
    IsolatedNetwork network = new IsolatedNetwork(name, subnet);
    try {
      // nf_call_iptables 0: the machine's firewall rules for forwarded packets (a Docker host's
      // FORWARD policy DROP) do not apply to this bridge's traffic
      RootCommands.run(
          "ip", "link", "add", network.bridge, "type", "bridge", "nf_call_iptables", "0");
      RootCommands.run("ip", "addr", "add", network.gateway() + "/24", "dev", network.bridge);
      RootCommands.run("ip", "link", "set", network.bridge, "up");
      for (int i = 0; i < size; i++) {
        String namespace = "caseflow-" + name + "-" + i;
        String link = "cfv" + name + "n" + i;
        RootCommands.run("ip", "netns", "add", namespace);
        network.namespaces.add(namespace);
        RootCommands.run(
            "ip", "link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", namespace);
        RootCommands.run("ip", "link", "set", link, "master", network.bridge, "up");
        RootCommands.run(
            "ip", "-n", namespace, "addr", "add", network.address(i) + "/24", "dev", "eth0");
        RootCommands.run("ip", "-n", namespace, "link", "set", "eth0", "up");
        RootCommands.run("ip", "-n", namespace, "link", "set", "lo", "up");
      }
      return network;
    } catch (RuntimeException e) {
      try {
        network.close();
      } catch (RuntimeException partlyMade) {
        e.addSuppressed(partlyMade);
      }
      throw e;
    }
  }

  /** This machine's address on the network: where the nodes reach the database. */
  public String gateway() {
    return subnet + ".1";
  }

  /** The network's addresses, as PostgreSQL's {@code pg_hba.conf} names clients. */
  public String clients() {
    return subnet + ".0/24";
  }

  public NodeHost node(int index) {
    return new NodeHost(address(index), List.of("ip", "netns", "exec", namespaces.get(index)));
  }

  public List<NodeHost> nodes() {
    return IntStream.range(0, namespaces.size()).mapToObj(this::node).toList();
  }

  /**
   * Node {@code index} and every other node stop hearing each other; both still reach the gateway.
   */
  public void cutOff(int index) {
    betweenItAndEveryOther(index, "replace");
  }

  /** Undoes {@link #cutOff}. */
  public void heal(int index) {
    betweenItAndEveryOther(index, "del");
  }

  private void betweenItAndEveryOther(int index, String verb) {
    for (int other = 0; other < namespaces.size(); other++) {
      if (other != index) {
        neighbour(verb, index, other);
        neighbour(verb, other, index);
      }
    }
  }

  /** In {@code from}'s namespace, points {@code to}'s address nowhere, or forgets that again. */
  private void neighbour(String verb, int from, int to) {
    List<String> command =
        new ArrayList<>(List.of("ip", "-n", namespaces.get(from), "neigh", verb, address(to)));
    if (verb.equals("replace")) {
      command.addAll(List.of("lladdr", NOWHERE, "nud", "permanent"));
    }
    command.addAll(List.of("dev", "eth0"));
    RootCommands.run(command.toArray(String[]::new));
  }

  private String address(int index) {
    return subnet + "." + (11 + index);
  }

  /** Deletes the namespaces (and with them their links) and the bridge. Stop the nodes first. */
  @Override
  public void close() {
    List<RuntimeException> failures = new ArrayList<>();
    for (String namespace : namespaces) {
      try {
        RootCommands.run("ip", "netns", "del", namespace);
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    try {
      RootCommands.run("ip", "link", "del", bridge);
    } catch (RuntimeException e) {
      failures.add(e);
    }
    if (!failures.isEmpty()) {
      IllegalStateException failure = new IllegalStateException("network not removed");
      failures.forEach(failure::addSuppressed);
      throw failure;
    }
  }
}
