package dev.quorumwatch.node.bench;

/** What the outage benchmarks (detect, leader-kill) take: cluster size, outages, probe timing, seed. */
public record OutageBenchOptions(int nodes, int incidents, long intervalMs, int threshold, long seed, boolean keep) {}
