package io.mgw.bench.smpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PerSecondCounterTest {

  private static final long S = 1_000_000_000L;

  @Test
  void countsIntoTheSecondOfTheEvent() {
    PerSecondCounter c = new PerSecondCounter(100, 3);
    c.increment(100);
    c.increment(100 + S - 1);
    c.increment(100 + S);
    c.increment(100 + 2 * S + 5);
    assertThat(c.series()).containsExactly(2, 1, 1);
  }

  @Test
  void ignoresEventsOutsideTheWindow() {
    PerSecondCounter c = new PerSecondCounter(100, 2);
    c.increment(99);
    c.increment(100 + 2 * S);
    assertThat(c.series()).containsExactly(0, 0);
  }

  @Test
  void summaryShowsTheSlowestSecond() {
    PerSecondCounter.Summary s = PerSecondCounter.summarise(new long[] {10_000, 10_050, 4_000, 9_990, 10_010});
    assertThat(s.total()).isEqualTo(44_050);
    assertThat(s.min()).isEqualTo(4_000);
    assertThat(s.median()).isEqualTo(10_000);
    assertThat(s.max()).isEqualTo(10_050);
  }

  @Test
  void medianOfAnEvenCountIsTheLowerMiddle() {
    assertThat(PerSecondCounter.summarise(new long[] {4, 1, 3, 2}).median()).isEqualTo(2);
  }

  @Test
  void rejectsEmptyWindow() {
    assertThatThrownBy(() -> new PerSecondCounter(0, 0)).hasMessage("seconds: 0 (expected: > 0)");
  }
}
