package dev.quorumwatch.node.cli;

import dev.quorumwatch.node.backup.BackupFiles;
import dev.quorumwatch.node.backup.RestoreSeed;
import dev.quorumwatch.node.config.ConfigException;
import dev.quorumwatch.node.config.NodeConfig;
import dev.quorumwatch.node.config.NodeConfigLoader;
import dev.quorumwatch.proto.BackupFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "restore", mixinStandardHelpOptions = true,
    description = "Seed a new node from a backup: checks FILE and places it in the node's (empty) data_dir. When the"
        + " node starts, it commits the backup through Raft, so the whole new cluster gets it; seeding every node"
        + " of the new cluster with the same file is fine. The new cluster keeps its own members.")
final class RestoreCommand implements Callable<Integer> {
  @Option(names = "--from", required = true, paramLabel = "FILE", description = "A file written by 'quorumwatch backup'.")
  Path from;

  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
      description = "The new node's node.yaml (its data_dir must be empty or missing).")
  Path config;

  @Override
  public Integer call() {
    try {
      NodeConfig node = NodeConfigLoader.load(config);
      BackupFile backup = BackupFiles.read(from, node.backupKey());
      if (node.backupKey().isEmpty() && !backup.getSignature().isEmpty()) {
        System.err.println("note: the backup is signed, but this node.yaml has no backup.hmac_key_file to check it with");
      }
      if (!backup.getClusterId().equals(node.clusterId())) {
        System.err.println("note: the backup is of cluster '" + backup.getClusterId() + "', this node's is '"
            + node.clusterId() + "'; restoring anyway");
      }
      Path seed = RestoreSeed.plant(node.dataDir(), backup);
      System.out.println("seeded " + seed + " with " + BackupFiles.describe(backup));
      System.out.println("start the node (quorumwatch node --config " + config + "); it restores once the cluster has a"
          + " leader and logs 'restore complete'");
      return 0;
    } catch (ConfigException | IOException e) {
      throw new CliException(e.getMessage());
    }
  }
}
