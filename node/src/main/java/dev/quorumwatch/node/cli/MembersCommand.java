package dev.quorumwatch.node.cli;

import dev.quorumwatch.proto.AddMemberRequest;
import dev.quorumwatch.proto.ListMembersRequest;
import dev.quorumwatch.proto.MemberStatus;
import dev.quorumwatch.proto.MembersResponse;
import dev.quorumwatch.proto.RemoveMemberRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "members", mixinStandardHelpOptions = true,
    description = "List, add or remove the cluster's voting members (Raft configuration changes). To replace a dead"
        + " node: start the new one with an empty data_dir, 'members add' it, then 'members remove' the dead one"
        + " (docs/operations.md).",
    subcommands = {MembersCommand.List.class, MembersCommand.Add.class, MembersCommand.Remove.class})
final class MembersCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static void print(MembersResponse r, boolean json) {
    if (json) {
      System.out.println(Json.members(r));
      return;
    }
    System.out.printf("quorum %d of %d%n", r.getQuorum(), r.getMembersCount());
    System.out.printf("%-16s %-16s %-22s %-22s %-9s %s%n", "MEMBER", "REGION", "RAFT", "API", "ROLE", "FRESH");
    for (MemberStatus m : r.getMembersList()) {
      System.out.printf("%-16s %-16s %-22s %-22s %-9s %s%n", m.getId(), m.getRegion(),
          m.getRaft().isEmpty() ? "-" : m.getRaft(), m.getApi(), m.getRole(), m.getFresh() ? "yes" : "no");
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "The voting members, their addresses and freshness.")
  static final class List implements Callable<Integer> {
    @Option(names = "--json", description = "Print one JSON document.")
    boolean json;

    @Mixin
    ClientOptions client;

    @Override
    public Integer call() {
      print(client.call(stub -> stub.listMembers(ListMembersRequest.getDefaultInstance())), json);
      return 0;
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Add a voting member. Start the new node first (empty data_dir; its node.yaml peers list the current"
          + " members and itself): it catches up on the state before it counts toward the majority.")
  static final class Add implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ID", description = "The new node's node.id.")
    String id;

    @Option(names = "--region", paramLabel = "REGION", description = "Its region (default: the id).")
    String region = "";

    @Option(names = "--raft", required = true, paramLabel = "HOST:PORT", description = "Where its peers reach it.")
    String raftAddress;

    @Option(names = "--api", required = true, paramLabel = "HOST:PORT", description = "Its client API address.")
    String api;

    @Option(names = "--json", description = "Print one JSON document.")
    boolean json;

    @Mixin
    ClientOptions client;

    @Override
    public Integer call() {
      print(client.callLong(stub -> stub.addMember(AddMemberRequest.newBuilder().setId(id).setRegion(region)
          .setRaft(raftAddress).setApi(api).build())), json);
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Remove a voting member (a dead one too); a 'majority' quorum follows the new member count.")
  static final class Remove implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ID", description = "The member's node.id.")
    String id;

    @Option(names = "--json", description = "Print one JSON document.")
    boolean json;

    @Mixin
    ClientOptions client;

    @Override
    public Integer call() {
      print(client.callLong(stub -> stub.removeMember(RemoveMemberRequest.newBuilder().setId(id).build())), json);
      return 0;
    }
  }
}
