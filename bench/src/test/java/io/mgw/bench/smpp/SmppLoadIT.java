package io.mgw.bench.smpp;

import static org.assertj.core.api.Assertions.assertThat;

import io.mgw.bench.smpp.LoadConfig.Transport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs the load tool for a few seconds against an in-test jSMPP server ({@link TestSmsc}) and checks that its
 * counts add up with what the server saw.
 */
class SmppLoadIT {

  private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  @BeforeAll
  static void quiet() {
    QuietLogging.apply();
  }

  private static LoadConfig config(TestSmsc smsc, Transport transport, String... extra) {
    String[] base = {"--transport", flag(transport), "--port", String.valueOf(smsc.port()), "--system-id", "it",
        "--password", "pw",
        "--binds", "2", "--window", "10", "--rate", "400", "--duration", "2s", "--warmup", "500ms",
        "--wait-receipts", "10s"};
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return LoadConfig.parse(all);
  }

  private static String flag(Transport transport) {
    return transport.name().toLowerCase(Locale.ROOT);
  }

  private static void assertCountsAddUp(LoadReport r) {
    System.out.print(r.toText());
    long responses = r.responses().values().stream().mapToLong(Long::longValue).sum();
    long errors = r.errors().values().stream().mapToLong(Long::longValue).sum();
    assertThat(responses + r.timeouts() + errors).isEqualTo(r.submitted());
    assertThat(r.responses().getOrDefault("ROK", 0L)).isEqualTo(r.accepted());
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void transceiverRunSendsAtTheRateAndMatchesEveryReceipt(Transport transport) throws Exception {
    try (TestSmsc smsc = TestSmsc.start("pw")) {
      LoadConfig cfg = config(smsc, transport, "--duration", "3s");
      LoadReport r = new LoadRun(cfg, QUIET).run();

      assertCountsAddUp(r);
      assertThat(r.timeouts()).isZero();
      assertThat(r.errors()).isEmpty();
      assertThat(r.notSent()).isZero();
      assertThat(r.accepted()).isEqualTo(smsc.accepted()).isEqualTo(r.submitted());
      // 3.5 s at 400/s, of which 3 s measured
      assertThat(r.submitted()).isBetween(1_390L, 1_400L);
      assertThat(r.submittedMeasured()).isBetween(1_195L, 1_200L);
      // accepted/s counts responses by arrival, so a stall of the machine can shift a few across the edges
      assertThat(r.acceptedPerSecond()).isBetween(360.0, 440.0);
      assertThat(r.perSecondSeries()).hasSize(3);
      assertThat(r.perSecond().total()).isEqualTo(Math.round(r.acceptedPerSecond() * 3));
      assertThat(r.submitLatency().count()).isEqualTo(r.submittedMeasured());
      assertThat(r.submitLatency().p99()).isPositive().isLessThan(1_000.0);

      ReceiptTracker.Snapshot rc = r.receipts().orElseThrow();
      assertThat(rc.accepted()).isEqualTo(r.accepted());
      assertThat(rc.matched()).isEqualTo(r.accepted());
      assertThat(rc.received()).isEqualTo(smsc.receiptsSent());
      assertThat(rc.missing()).isZero();
      assertThat(rc.duplicates()).isZero();
      assertThat(rc.unknownReceipts()).isZero();
      assertThat(rc.byStat()).containsEntry("DELIVRD", r.accepted());
      assertThat(rc.latency().count()).isEqualTo(r.submittedMeasured());
      assertThat(r.passed()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void receiverModeTakesReceiptsOnSeparateReceiverBinds(Transport transport) throws Exception {
    try (TestSmsc smsc = TestSmsc.start("pw")) {
      LoadReport r = new LoadRun(config(smsc, transport, "--receiver", "receiver", "--rx-binds", "1"), QUIET).run();

      assertCountsAddUp(r);
      assertThat(smsc.receiptsFailed()).isZero();
      assertThat(r.receipts().orElseThrow().matched()).isEqualTo(r.accepted()).isPositive();
      assertThat(r.exitCode()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void throttledSubmitsAreCountedByStatusAndNotAwaited(Transport transport) throws Exception {
    try (TestSmsc smsc = new TestSmsc("pw", 0, 5, 0, 0, 16, 0)) {
      LoadReport r = new LoadRun(config(smsc, transport), QUIET).run();

      assertCountsAddUp(r);
      assertThat(r.responses().get("THROTTLED")).isEqualTo(smsc.throttled()).isPositive();
      assertThat(r.responses().get("ROK")).isEqualTo(smsc.accepted());
      assertThat(r.submitted()).isEqualTo(smsc.accepted() + smsc.throttled());
      assertThat(r.receipts().orElseThrow().missing()).isZero();
      assertThat(r.exitCode()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void missingReceiptsFailTheRunWithExitCodeOne(Transport transport, @TempDir Path dir) throws Exception {
    try (TestSmsc smsc = new TestSmsc("pw", 0, 0, 7, 0, 16, 0)) {
      Path json = dir.resolve("out.json");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int code = SmppLoad.run(new String[] {"--transport", flag(transport), "--port", String.valueOf(smsc.port()),
          "--password", "pw",
          "--binds", "1", "--window", "5", "--rate", "300", "--duration", "1s", "--warmup", "0s",
          "--wait-receipts", "1s", "--json", json.toString()},
          new PrintStream(out, true, StandardCharsets.UTF_8), QUIET);

      assertThat(code).isEqualTo(1);
      String text = out.toString(StandardCharsets.UTF_8);
      assertThat(text).contains("RESULT: FAIL (receipts missing)")
          .contains("missing " + smsc.receiptsDropped() + ",");
      assertThat(smsc.receiptsDropped()).isPositive();
      assertThat(Files.readString(json)).contains("\"missing\": " + smsc.receiptsDropped())
          .contains("\"passed\": false");
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void duplicateReceiptsAreCounted(Transport transport) throws Exception {
    try (TestSmsc smsc = new TestSmsc("pw", 0, 0, 0, 4, 16, 0)) {
      LoadReport r = new LoadRun(config(smsc, transport, "--duration", "1s"), QUIET).run();
      ReceiptTracker.Snapshot rc = r.receipts().orElseThrow();
      // the server sends every 4th receipt twice; the last few copies may come after the tool has left
      assertThat(rc.missing()).isZero();
      assertThat(rc.matched()).isEqualTo(r.accepted());
      assertThat(rc.received()).isEqualTo(rc.matched() + rc.duplicates());
      assertThat(rc.duplicates()).isBetween(smsc.accepted() / 4 - 16, smsc.accepted() / 4);
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void wrongPasswordEndsWithExitCodeTwo(Transport transport) throws Exception {
    try (TestSmsc smsc = TestSmsc.start("pw")) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = SmppLoad.run(new String[] {"--transport", flag(transport), "--port", String.valueOf(smsc.port()),
          "--password", "nope",
          "--duration", "1s"}, QUIET, new PrintStream(err, true, StandardCharsets.UTF_8));

      assertThat(code).isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot bind").doesNotContain("nope");
    }
  }

  @Test
  void badFlagEndsWithExitCodeTwoAndUsage() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = SmppLoad.run(new String[] {"--window", "0"}, QUIET, new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("window: 0 (expected: > 0)").contains("usage:");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void unlimitedRateFillsTheWindows(Transport transport) throws Exception {
    try (TestSmsc smsc = TestSmsc.start("pw")) {
      LoadReport r =
          new LoadRun(config(smsc, transport, "--rate", "0", "--duration", "1s", "--warmup", "0s"), QUIET).run();
      assertCountsAddUp(r);
      assertThat(r.accepted()).isEqualTo(smsc.accepted()).isGreaterThan(400);
      assertThat(r.windowWaits()).isPositive();
      assertThat(r.receipts().orElseThrow().missing()).isZero();
    }
  }
}
