package dev.quorumwatch.bench;

import dev.quorumwatch.harness.cluster.ClusterNetwork;

/**
 * What the outage benchmarks (detect, leader-kill) take: cluster size, outages, probe timing,
 * seed, the network between the nodes; {@code freezeMs} &gt; 0: leader-kill freezes the leader
 * (SIGSTOP) that long instead of killing it.
 */
public record OutageBenchOptions(int nodes, int incidents, long intervalMs, int threshold, long seed, boolean keep,
    long freezeMs, ClusterNetwork network) {}
