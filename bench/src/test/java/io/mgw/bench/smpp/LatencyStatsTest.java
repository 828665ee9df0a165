package io.mgw.bench.smpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mgw.bench.smpp.LatencyStats.Percentiles;
import org.junit.jupiter.api.Test;

class LatencyStatsTest {

  @Test
  void percentilesOfOneToThousandMilliseconds() {
    LatencyStats s = new LatencyStats();
    for (int ms = 1; ms <= 1000; ms++) {
      s.recordNanos(ms * 1_000_000L);
    }
    Percentiles p = s.snapshot();
    assertThat(p.count()).isEqualTo(1000);
    assertThat(p.p50()).isCloseTo(500, within(1.0));
    assertThat(p.p90()).isCloseTo(900, within(1.0));
    assertThat(p.p99()).isCloseTo(990, within(1.0));
    assertThat(p.p999()).isCloseTo(999, within(1.0));
    assertThat(p.max()).isCloseTo(1000, within(1.0));
    assertThat(p.mean()).isCloseTo(500.5, within(1.0));
  }

  @Test
  void keepsMicrosecondResolution() {
    LatencyStats s = new LatencyStats();
    s.recordNanos(1_234_000);
    assertThat(s.snapshot().max()).isEqualTo(1.234);
  }

  @Test
  void oneSlowOutlierShowsInTheTailOnly() {
    LatencyStats s = new LatencyStats();
    for (int i = 0; i < 9_999; i++) {
      s.recordNanos(2_000_000);
    }
    s.recordNanos(5_000_000_000L);
    Percentiles p = s.snapshot();
    assertThat(p.p99()).isCloseTo(2.0, within(0.01));
    assertThat(p.max()).isCloseTo(5000, within(5.0));
  }

  @Test
  void negativeValuesCountAsZero() {
    LatencyStats s = new LatencyStats();
    s.recordNanos(-5_000_000);
    assertThat(s.snapshot().max()).isZero();
    assertThat(s.snapshot().count()).isEqualTo(1);
  }

  @Test
  void hugeValuesAreClampedToAnHour() {
    LatencyStats s = new LatencyStats();
    s.recordNanos(Long.MAX_VALUE);
    assertThat(s.snapshot().max()).isCloseTo(3_600_000, within(3_600.0));
  }

  @Test
  void emptyIsAllZero() {
    assertThat(new LatencyStats().snapshot()).isEqualTo(Percentiles.EMPTY);
  }
}
