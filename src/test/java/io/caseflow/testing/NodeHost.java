package io.caseflow.testing;

import java.util.List;

/**
 * Where a service process runs: the address it binds (HTTP, management, remoting) and is reached
 * at, and the command that places a process there ({@code ip netns exec …}; none on the loopback).
 */
public record NodeHost(String address, List<String> launcher) {

  public static final NodeHost LOOPBACK = new NodeHost("127.0.0.1", List.of());

  public NodeHost {
    launcher = List.copyOf(launcher);
  }
}
