package io.mgw.bench.smpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mgw.bench.smpp.LoadConfig.ReceiverMode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoadConfigTest {

  @Test
  void defaultsMatchTheDocumentedBenchmark() {
    LoadConfig c = LoadConfig.parse();
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(2775);
    assertThat(c.systemId()).isEqualTo("demo");
    assertThat(c.binds()).isEqualTo(4);
    assertThat(c.window()).isEqualTo(50);
    assertThat(c.rate()).isEqualTo(10_000);
    assertThat(c.duration()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.warmup()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.mix().toString()).isEqualTo("gsm:80,ucs2:10,long:10");
    assertThat(c.destPrefix()).isEqualTo("4479");
    assertThat(c.dests()).isEqualTo(100_000);
    assertThat(c.registeredDelivery()).isEqualTo(1);
    assertThat(c.waitReceipts()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.receiver()).isEqualTo(ReceiverMode.TRANSCEIVER);
    assertThat(c.rxBinds()).isEqualTo(4);
    assertThat(c.json()).isEmpty();
    assertThat(c.waitsForReceipts()).isTrue();
  }

  @Test
  void parsesEveryFlagInBothSpellings() {
    LoadConfig c = LoadConfig.parse("--host", "10.0.0.1", "--port=2776", "--system-id", "acme",
        "--password", "s3cret", "--binds", "2", "--window", "10", "--rate", "0", "--duration", "1500ms",
        "--warmup", "0", "--mix", "ucs2:1", "--dest-prefix", "33", "--dests", "7", "--registered-delivery",
        "0", "--wait-receipts", "2m", "--receiver", "receiver", "--rx-binds", "3", "--json", "out.json",
        "--response-timeout", "5s", "--source-addr", "ACME");
    assertThat(c.host()).isEqualTo("10.0.0.1");
    assertThat(c.port()).isEqualTo(2776);
    assertThat(c.password()).isEqualTo("s3cret");
    assertThat(c.rate()).isZero();
    assertThat(c.duration()).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.warmup()).isZero();
    assertThat(c.waitReceipts()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.receiver()).isEqualTo(ReceiverMode.RECEIVER);
    assertThat(c.rxBinds()).isEqualTo(3);
    assertThat(c.json()).contains("out.json");
    assertThat(c.responseTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.sourceAddr()).isEqualTo("ACME");
    assertThat(c.requestsReceipts()).isFalse();
    assertThat(c.waitsForReceipts()).isFalse();
  }

  @Test
  void theTransportIsNettyUnlessTlsNeedsJsmpp() {
    assertThat(LoadConfig.parse().transport()).isEqualTo(LoadConfig.Transport.NETTY);
    assertThat(LoadConfig.parse("--transport", "jsmpp").transport()).isEqualTo(LoadConfig.Transport.JSMPP);
    assertThatThrownBy(() -> LoadConfig.parse("--transport", "mina"))
        .hasMessage("transport: mina (expected: netty or jsmpp)");
    assertThatThrownBy(() -> LoadConfig.parse("--tls-trust-store", "t.p12"))
        .hasMessage("tls-trust-store: TLS only with --transport jsmpp");
    assertThat(LoadConfig.parse("--tls-trust-store", "t.p12", "--transport", "jsmpp").tlsTrustStore())
        .contains("t.p12");
  }

  @Test
  void rxBindsDefaultToBinds() {
    assertThat(LoadConfig.parse("--binds", "6").rxBinds()).isEqualTo(6);
  }

  @Test
  void theWarmupRateDefaultsToTheRate() {
    assertThat(LoadConfig.parse("--rate", "700").warmupRate()).isEqualTo(700);
    assertThat(LoadConfig.parse("--rate", "700", "--warmup-rate", "200").warmupRate()).isEqualTo(200);
    assertThat(LoadConfig.parse("--rate", "0").warmupRate()).isZero();
  }

  @Test
  void aWarmupRateNeedsAPacedRun() {
    assertThatThrownBy(() -> LoadConfig.parse("--rate", "0", "--warmup-rate", "5"))
        .hasMessage("warmup-rate: 5 (expected: 0 with --rate 0)");
    assertThatThrownBy(() -> LoadConfig.parse("--warmup-rate", "0"))
        .hasMessage("warmup-rate: 0 (expected: > 0)");
  }

  @Test
  void zeroWaitMeansReceiptsAreNotWaitedFor() {
    LoadConfig c = LoadConfig.parse("--wait-receipts", "0s");
    assertThat(c.requestsReceipts()).isTrue();
    assertThat(c.waitsForReceipts()).isFalse();
  }

  @Test
  void rejectsUnknownFlag() {
    assertThatThrownBy(() -> LoadConfig.parse("--speed", "3")).hasMessage("unknown flag: --speed");
  }

  @Test
  void rejectsFlagWithoutValue() {
    assertThatThrownBy(() -> LoadConfig.parse("--rate")).hasMessage("--rate: missing value");
  }

  @Test
  void rejectsBareArgument() {
    assertThatThrownBy(() -> LoadConfig.parse("rate")).hasMessageContaining("expected: --flag value");
  }

  @Test
  void rejectsNonNumericRate() {
    assertThatThrownBy(() -> LoadConfig.parse("--rate", "fast")).hasMessage("rate: fast (expected: an integer)");
  }

  @Test
  void rejectsZeroWindow() {
    assertThatThrownBy(() -> LoadConfig.parse("--window", "0")).hasMessage("window: 0 (expected: > 0)");
  }

  @Test
  void rejectsNegativeRate() {
    assertThatThrownBy(() -> LoadConfig.parse("--rate", "-1")).hasMessage("rate: -1 (expected: >= 0)");
  }

  @Test
  void rejectsZeroDuration() {
    assertThatThrownBy(() -> LoadConfig.parse("--duration", "0s")).hasMessageStartingWith("duration:");
  }

  @Test
  void rejectsBadDurationSyntax() {
    assertThatThrownBy(() -> LoadConfig.parse("--duration", "ten seconds"))
        .hasMessageContaining("expected: a duration");
  }

  @Test
  void rejectsNonDigitPrefix() {
    assertThatThrownBy(() -> LoadConfig.parse("--dest-prefix", "+44")).hasMessageContaining("expected: digits");
  }

  @Test
  void rejectsUnknownReceiverMode() {
    assertThatThrownBy(() -> LoadConfig.parse("--receiver", "both"))
        .hasMessage("receiver: both (expected: transceiver or receiver)");
  }

  @Test
  void rejectsPortOutOfRange() {
    assertThatThrownBy(() -> LoadConfig.parse("--port", "70000")).hasMessageStartingWith("port: 70000");
  }

  @Test
  void neverPrintsThePassword() {
    LoadConfig c = LoadConfig.parse("--password", "topsecret");
    assertThat(c.toString()).doesNotContain("topsecret");
    assertThat(LoadConfig.usage()).doesNotContain("topsecret").contains("--rate 10000");
  }
}
