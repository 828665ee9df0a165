package io.mgw.bench.smpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WarmupScheduleTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void theWarmupRunsAtItsRateAndTheWindowOpensOnTime() {
    // 2 s warm-up at 10/s, then 100/s
    WarmupSchedule s = new WarmupSchedule(0, 2 * SECOND, 10, 100, 1);

    assertThat(s.warmupSlots()).isEqualTo(20);
    assertThat(s.intendedNanos(0)).isZero();
    assertThat(s.intendedNanos(1)).isEqualTo(SECOND / 10);
    assertThat(s.intendedNanos(19)).isEqualTo(19 * SECOND / 10);
    assertThat(s.intendedNanos(20)).isEqualTo(2 * SECOND);
    assertThat(s.intendedNanos(21)).isEqualTo(2 * SECOND + SECOND / 100);
    assertThat(s.intendedNanos(120)).isEqualTo(3 * SECOND);
  }

  @Test
  void slotsDueBeforeCountsBothPhases() {
    WarmupSchedule s = new WarmupSchedule(0, 2 * SECOND, 10, 100, 1);

    assertThat(s.slotsDueBefore(0)).isZero();
    assertThat(s.slotsDueBefore(1)).isEqualTo(1);
    assertThat(s.slotsDueBefore(2 * SECOND)).isEqualTo(20);
    assertThat(s.slotsDueBefore(2 * SECOND + 1)).isEqualTo(21);
    assertThat(s.slotsDueBefore(3 * SECOND)).isEqualTo(120);
    for (long i = 0; i < 300; i++) {
      long t = s.intendedNanos(i);
      assertThat(s.slotsDueBefore(t)).as("slot %d", i).isEqualTo(i);
      assertThat(s.slotsDueBefore(t + 1)).as("slot %d", i).isEqualTo(i + 1);
    }
  }

  @Test
  void withoutAWarmupTheMeasuredRateStartsAtOnce() {
    WarmupSchedule s = new WarmupSchedule(5, 5, 10, 100, 1);

    assertThat(s.warmupSlots()).isZero();
    assertThat(s.intendedNanos(0)).isEqualTo(5);
    assertThat(s.intendedNanos(100)).isEqualTo(5 + SECOND);
  }

  @Test
  void theWindowCannotOpenBeforeTheStart() {
    assertThatThrownBy(() -> new WarmupSchedule(10, 9, 1, 1, 1)).hasMessageStartingWith("measureStartNanos: 9");
  }
}
