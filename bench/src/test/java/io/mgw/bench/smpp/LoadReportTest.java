package io.mgw.bench.smpp;

import static org.assertj.core.api.Assertions.assertThat;

import io.mgw.bench.smpp.LatencyStats.Percentiles;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoadReportTest {

  private static ReceiptTracker.Snapshot receipts(long accepted, long missing) {
    return new ReceiptTracker.Snapshot(accepted, accepted - missing, accepted - missing, missing, 0, 0, 0,
        Map.of("DELIVRD", accepted - missing), Percentiles.EMPTY);
  }

  private static LoadReport report(LoadConfig cfg, long accepted, Optional<ReceiptTracker.Snapshot> r) {
    return new LoadReport(cfg, Instant.parse("2026-11-23T09:00:00Z"), 12.0, accepted + 5, accepted, 0,
        Map.of("ROK", accepted, "THROTTLED", 5L), 0, Map.of(), accepted,
        new PerSecondCounter.Summary(accepted, 90, 100, 110), new long[] {90, 100, 110},
        new Percentiles(accepted, 1.5, 2, 3, 4, 5, 1.7), new double[] {2.5, 3.5}, Percentiles.EMPTY,
        Percentiles.EMPTY, 0, r, 250, 0, 0, 0.5);
  }

  @Test
  void passesWhenEveryAcceptedSubmitGotItsReceipt() {
    LoadReport r = report(LoadConfig.parse("--duration", "3s"), 300, Optional.of(receipts(300, 0)));
    assertThat(r.passed()).isTrue();
    assertThat(r.exitCode()).isZero();
    assertThat(r.acceptedPerSecond()).isEqualTo(100.0);
    assertThat(r.toText()).contains("RESULT: PASS").contains("THROTTLED=5").contains("p99 3.000")
        .contains("p99 by 10 s of the measured window              2.5 3.5");
  }

  @Test
  void failsWhenAReceiptIsMissing() {
    LoadReport r = report(LoadConfig.parse("--duration", "3s"), 300, Optional.of(receipts(300, 1)));
    assertThat(r.passed()).isFalse();
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.toText()).contains("RESULT: FAIL (receipts missing)").contains("missing 1");
  }

  @Test
  void failsWhenNothingWasAccepted() {
    LoadReport r = report(LoadConfig.parse("--registered-delivery", "0"), 0, Optional.empty());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.toText()).contains("nothing accepted");
  }

  @Test
  void missingReceiptsDoNotFailARunThatDidNotWaitForThem() {
    LoadReport r = report(LoadConfig.parse("--wait-receipts", "0"), 300, Optional.of(receipts(300, 300)));
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void jsonCarriesTheFiguresAndNotThePassword() {
    LoadReport r = report(LoadConfig.parse("--duration", "3s", "--password", "pw-secret"), 300,
        Optional.of(receipts(300, 0)));
    String json = r.toJson();
    assertThat(json).contains("\"acceptedPerSecond\": 100.000")
        .contains("\"perSecondSeries\": [90,100,110]")
        .contains("\"p99\": 3.000")
        .contains("\"missing\": 0")
        .contains("\"THROTTLED\": 5")
        .contains("\"passed\": true")
        .doesNotContain("pw-secret");
  }

  @Test
  void jsonEscapesStrings() {
    assertThat(Json.write(Map.of("k", "a\"b\\c\n\u0001"))).contains("\"a\\\"b\\\\c\\n\\u0001\"");
  }

  @Test
  void statusNamesAreReadable() {
    assertThat(LoadRun.statusName(0)).isEqualTo("ROK");
    assertThat(LoadRun.statusName(0x58)).isEqualTo("THROTTLED");
    assertThat(LoadRun.statusName(0x14)).isEqualTo("MSGQFUL");
    assertThat(LoadRun.statusName(0x400)).isEqualTo("0x00000400");
  }
}
