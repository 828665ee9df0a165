package io.mgw.bench.smpp;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Command-line SMPP load tool: binds to an SMPP server (the gateway, or any SMSC), sends {@code submit_sm}
 * open-loop at a target rate with a message mix, waits for the delivery receipts, and reports throughput,
 * latency percentiles and receipt accounting as text (stdout) and optionally JSON.
 *
 * <p>Flags are listed by {@code --help} (see {@link LoadConfig#parse}). Exit codes: 0 when the run passed
 * (something was accepted and, when waiting for receipts, every accepted submit got its receipt), 1 when it
 * did not, 2 on bad flags or a failed bind.
 */
public final class SmppLoad {

  private SmppLoad() {}

  /** Runs the tool and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the tool without exiting the JVM.
   *
   * @param args command-line flags
   * @param out where the summary goes
   * @param err where progress and errors go
   * @return the exit code (0 passed, 1 failed, 2 bad flags or bind failure)
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    QuietLogging.apply();
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      out.print(LoadConfig.usage());
      return 0;
    }
    LoadConfig cfg;
    try {
      cfg = LoadConfig.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("SmppLoad: " + e.getMessage());
      err.print(LoadConfig.usage());
      return 2;
    }
    LoadReport report;
    try {
      report = new LoadRun(cfg, err).run();
    } catch (IOException e) {
      err.println("SmppLoad: cannot bind to " + cfg.host() + ":" + cfg.port() + ": " + e.getMessage());
      return 2;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("SmppLoad: interrupted");
      return 1;
    }
    out.print(report.toText());
    if (cfg.json().isPresent()) {
      Path path = Path.of(cfg.json().get());
      try {
        Files.writeString(path, report.toJson(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        err.println("SmppLoad: cannot write " + path + ": " + e.getMessage());
        return 1;
      }
    }
    return report.exitCode();
  }
}
