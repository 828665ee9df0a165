package io.mgw.bench.smpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OpenLoopScheduleTest {

  @Test
  void slotsAreSpacedByTheInverseRate() {
    OpenLoopSchedule s = new OpenLoopSchedule(1_000, 10_000, 1);
    assertThat(s.intendedNanos(0)).isEqualTo(1_000);
    assertThat(s.intendedNanos(1)).isEqualTo(1_000 + 100_000);
    assertThat(s.intendedNanos(10_000)).isEqualTo(1_000 + 1_000_000_000L);
  }

  @Test
  void noDriftWhenTheIntervalIsNotWholeNanoseconds() {
    OpenLoopSchedule s = new OpenLoopSchedule(0, 3, 1);
    assertThat(s.intendedNanos(1)).isEqualTo(333_333_333L);
    assertThat(s.intendedNanos(2)).isEqualTo(666_666_666L);
    assertThat(s.intendedNanos(3)).isEqualTo(1_000_000_000L);
    assertThat(s.intendedNanos(3 * 3600)).isEqualTo(3600 * 1_000_000_000L);
  }

  @Test
  void slotsDueBeforeIsTheCountOfEarlierIntendedStarts() {
    for (long rate : new long[] {1, 3, 7, 1000, 9999, 10_000, 123_457}) {
      OpenLoopSchedule s = new OpenLoopSchedule(500, rate, 1);
      for (long i = 0; i < 2000; i++) {
        long t = s.intendedNanos(i);
        assertThat(s.slotsDueBefore(t)).as("rate %d slot %d", rate, i).isEqualTo(i);
        assertThat(s.slotsDueBefore(t + 1)).as("rate %d slot %d", rate, i).isEqualTo(i + 1);
      }
    }
  }

  @Test
  void nothingIsDueBeforeTheStart() {
    OpenLoopSchedule s = new OpenLoopSchedule(1_000_000, 10, 1_000_000);
    assertThat(s.slotsDueBefore(0)).isZero();
    assertThat(s.slotsDueBefore(1_000_000)).isZero();
  }

  @Test
  void aMinuteAtTenThousandPerSecondIsSixHundredThousandSlots() {
    OpenLoopSchedule s = new OpenLoopSchedule(42, 10_000, 1_000_000);
    assertThat(s.slotsDueBefore(42 + 60_000_000_000L)).isEqualTo(600_000);
  }

  @Test
  void ticksGroupSlotsAtTheTickTheyFallIn() {
    OpenLoopSchedule s = new OpenLoopSchedule(0, 10_000, 1_000_000);
    for (int i = 0; i < 10; i++) {
      assertThat(s.intendedNanos(i)).as("slot %d", i).isEqualTo(0);
    }
    for (int i = 10; i < 20; i++) {
      assertThat(s.intendedNanos(i)).as("slot %d", i).isEqualTo(1_000_000);
    }
    assertThat(s.intendedNanos(20)).isEqualTo(2_000_000);
    assertThat(s.intendedNanos(10_000)).isEqualTo(1_000_000_000L);
  }

  @Test
  void slotsDueBeforeMatchesACountWithTicks() {
    for (long[] p : new long[][] {{3, 1_000_000}, {10_000, 1_000_000}, {7_777, 250_000}, {1, 7}}) {
      OpenLoopSchedule s = new OpenLoopSchedule(100, p[0], p[1]);
      long[] starts = new long[6000];
      for (int i = 0; i < starts.length; i++) {
        starts[i] = s.intendedNanos(i);
      }
      for (int i = 0; i < starts.length / 2; i++) {
        for (long t : new long[] {starts[i] - 1, starts[i], starts[i] + 1}) {
          long expected = 0;
          while (expected < starts.length && starts[(int) expected] < t) {
            expected++;
          }
          assertThat(s.slotsDueBefore(t)).as("rate %d tick %d t %d", p[0], p[1], t).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void rejectsZeroTick() {
    assertThatThrownBy(() -> new OpenLoopSchedule(0, 1, 0)).hasMessage("tickNanos: 0 (expected: > 0)");
  }

  @Test
  void rejectsZeroRate() {
    assertThatThrownBy(() -> new OpenLoopSchedule(0, 0, 1)).hasMessage("rate: 0 (expected: > 0)");
  }

  @Test
  void rejectsNegativeSlot() {
    assertThatThrownBy(() -> new OpenLoopSchedule(0, 1, 1).intendedNanos(-1)).hasMessageStartingWith("slot: -1");
  }
}
