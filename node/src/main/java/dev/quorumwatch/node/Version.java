package dev.quorumwatch.node;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version this build carries (from the Maven project version). */
public final class Version {
  private static final String VERSION = load();

  private Version() {}

  public static String current() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = Version.class.getResourceAsStream("/quorumwatch-version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }
}
