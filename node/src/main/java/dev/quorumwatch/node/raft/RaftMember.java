package dev.quorumwatch.node.raft;

/** A voting member of the Raft group as its configuration lists it: id and peer address. */
public record RaftMember(String id, String raft) {}
