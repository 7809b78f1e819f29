package dev.quorumwatch.harness.faults;

import java.util.List;

/**
 * What a fault-injection run came to: the broken promises (empty when it kept every one),
 * elections during it (term increase), each owed page's delay after its outage began, and how
 * many of the violations a stall of the machine may explain.
 */
public record Judgement(List<String> violations, int leaderChanges, List<Long> pageDelaysMs, int besideStalls) {}
