package io.mgw.bench.smpp;

/**
 * An open-loop schedule in two phases: the warm-up at its own rate, then the measured window at the run's rate.
 * Slots are numbered across both phases; the measured phase's first slot is due exactly when the window opens.
 * All times are {@link System#nanoTime()}-style nanoseconds.
 */
public final class WarmupSchedule {

  private final OpenLoopSchedule warmup;
  private final OpenLoopSchedule measured;
  private final long measureStartNanos;
  private final long warmupSlots;

  /**
   * @param startNanos intended start of the first warm-up slot
   * @param measureStartNanos when the measured window opens (>= startNanos)
   * @param warmupRate slots per second before it (> 0)
   * @param rate slots per second from it on (> 0)
   * @param tickNanos granularity of intended starts
   */
  public WarmupSchedule(long startNanos, long measureStartNanos, long warmupRate, long rate, long tickNanos) {
    if (measureStartNanos < startNanos) {
      throw new IllegalArgumentException("measureStartNanos: " + measureStartNanos + " (expected: >= "
          + startNanos + ")");
    }
    this.warmup = new OpenLoopSchedule(startNanos, warmupRate, tickNanos);
    this.measured = new OpenLoopSchedule(measureStartNanos, rate, tickNanos);
    this.measureStartNanos = measureStartNanos;
    this.warmupSlots = warmup.slotsDueBefore(measureStartNanos);
  }

  /** The number of slots in the warm-up. */
  public long warmupSlots() {
    return warmupSlots;
  }

  /** Intended start of slot {@code i} (i >= 0). */
  public long intendedNanos(long i) {
    return i < warmupSlots ? warmup.intendedNanos(i) : measured.intendedNanos(i - warmupSlots);
  }

  /** The number of slots whose intended start lies before {@code nanos}. */
  public long slotsDueBefore(long nanos) {
    return nanos <= measureStartNanos
        ? Math.min(warmupSlots, warmup.slotsDueBefore(nanos))
        : warmupSlots + measured.slotsDueBefore(nanos);
  }
}
