package io.mgw.bench.smpp;

/**
 * When each submit is meant to start in an open-loop run: slot {@code i} starts at
 * {@code start + i / rate} seconds, whatever happened to earlier slots.
 *
 * <p>Latency is measured from this intended start, not from the moment the tool managed to send, so a
 * slow server (a full window, a stalled socket) shows up as latency instead of silently lowering the
 * offered rate ("coordinated omission"). All times are {@link System#nanoTime()}-style nanoseconds.
 */
public final class OpenLoopSchedule {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final long startNanos;
  private final long rate;

  /**
   * @param startNanos intended start of slot 0
   * @param rate slots per second (> 0)
   */
  public OpenLoopSchedule(long startNanos, long rate) {
    if (rate <= 0) {
      throw new IllegalArgumentException("rate: " + rate + " (expected: > 0)");
    }
    this.startNanos = startNanos;
    this.rate = rate;
  }

  /** Intended start of slot {@code i} (i >= 0), exact to the nanosecond without accumulated rounding. */
  public long intendedNanos(long i) {
    if (i < 0) {
      throw new IllegalArgumentException("slot: " + i + " (expected: >= 0)");
    }
    long whole = i / rate;
    long rest = i % rate;
    return startNanos + whole * NANOS_PER_SECOND + rest * NANOS_PER_SECOND / rate;
  }

  /** The number of slots whose intended start lies before {@code nanos} (so are due at that time). */
  public long slotsDueBefore(long nanos) {
    long elapsed = nanos - startNanos;
    if (elapsed <= 0) {
      return 0;
    }
    long whole = elapsed / NANOS_PER_SECOND;
    long rest = elapsed % NANOS_PER_SECOND;
    // smallest i with intendedNanos(i) >= nanos, i.e. ceil(elapsed * rate / 1e9) without overflow
    long n = whole * rate + (rest * rate + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND;
    return n;
  }
}
