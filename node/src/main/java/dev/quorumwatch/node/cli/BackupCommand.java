package dev.quorumwatch.node.cli;

import dev.quorumwatch.node.backup.BackupFiles;
import dev.quorumwatch.proto.BackupFile;
import dev.quorumwatch.proto.BackupRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "backup", mixinStandardHelpOptions = true,
    description = "Write the cluster's whole replicated state (targets, receivers, services, incidents, silences,"
        + " uptime, repairs, undelivered notifications) to FILE: a consistent snapshot at one log index, read"
        + " through the leader. Seed a new cluster from it with 'quorumwatch restore'.")
final class BackupCommand implements Callable<Integer> {
  @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "Where to write the backup.")
  Path out;

  @Mixin
  ClientOptions client;

  @Override
  public Integer call() throws IOException {
    BackupFile backup = client.call(stub -> stub.backup(BackupRequest.getDefaultInstance()));
    BackupFiles.write(out, backup);
    System.out.println("wrote " + out + ": " + BackupFiles.describe(backup));
    // Written all the same (a record of the state), but a scheduled backup must not pass
    // silently while it could not seed a new cluster.
    BackupFiles.tooLargeToRestore(backup).ifPresent(reason -> {
      throw new CliException(out + " cannot be restored: " + reason);
    });
    return 0;
  }
}
