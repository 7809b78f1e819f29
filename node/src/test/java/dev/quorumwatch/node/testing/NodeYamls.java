package dev.quorumwatch.node.testing;

/** node.yaml texts for tests that parse a configuration without running a node. */
public final class NodeYamls {
  /** The smallest valid node.yaml: one node, every optional key left out; ends inside {@code cluster}. */
  public static final String ONE_NODE = """
      node:
        id: us-west
        data_dir: ./data
        listen: {raft: 127.0.0.1:9101, api: 127.0.0.1:9201, http: 127.0.0.1:9301}
      cluster:
        id: demo
        peers:
          - {id: us-west, raft: 127.0.0.1:9101, api: 127.0.0.1:9201}
      """;

  private NodeYamls() {}
}
