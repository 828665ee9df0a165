package io.mgw.bench.smpp;

/**
 * When each submit is meant to start in an open-loop run: slot {@code i} is due {@code i / rate} seconds after
 * the start, rounded down to a multiple of the tick, whatever happened to earlier slots.
 *
 * <p>Latency is measured from this intended start, not from the moment the tool managed to send, so a slow
 * server (a full window, a stalled socket) shows up as latency instead of silently lowering the offered rate
 * ("coordinated omission"). The tick lets the sender wake once per tick and send that tick's slots together
 * (at 10,000/s and a 1 ms tick: 10 submits every millisecond) instead of waking 10,000 times a second; since
 * the intended start is the tick itself, the grouping adds no latency to the measurement. All times are
 * {@link System#nanoTime()}-style nanoseconds.
 */
public final class OpenLoopSchedule {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final long startNanos;
  private final long rate;
  private final long tickNanos;

  /**
   * @param startNanos intended start of slot 0
   * @param rate slots per second (> 0)
   * @param tickNanos granularity of intended starts (>= 1; 1 means exact spacing)
   */
  public OpenLoopSchedule(long startNanos, long rate, long tickNanos) {
    if (rate <= 0) {
      throw new IllegalArgumentException("rate: " + rate + " (expected: > 0)");
    }
    if (tickNanos <= 0) {
      throw new IllegalArgumentException("tickNanos: " + tickNanos + " (expected: > 0)");
    }
    this.startNanos = startNanos;
    this.rate = rate;
    this.tickNanos = tickNanos;
  }

  /** Intended start of slot {@code i} (i >= 0), exact to the nanosecond without accumulated rounding. */
  public long intendedNanos(long i) {
    if (i < 0) {
      throw new IllegalArgumentException("slot: " + i + " (expected: >= 0)");
    }
    long exact = (i / rate) * NANOS_PER_SECOND + (i % rate) * NANOS_PER_SECOND / rate;
    return startNanos + (exact / tickNanos) * tickNanos;
  }

  /** The number of slots whose intended start lies before {@code nanos} (so are due at that time). */
  public long slotsDueBefore(long nanos) {
    long elapsed = nanos - startNanos;
    if (elapsed <= 0) {
      return 0;
    }
    // a slot's rounded start is before `elapsed` iff its exact offset is before the first tick boundary
    // at or after `elapsed`
    return exactSlotsBefore(ceilDiv(elapsed, tickNanos) * tickNanos);
  }

  /** Slots whose exact offset is below {@code elapsed}: ceil(elapsed * rate / 1e9) without overflow. */
  private long exactSlotsBefore(long elapsed) {
    long whole = elapsed / NANOS_PER_SECOND;
    long rest = elapsed % NANOS_PER_SECOND;
    return whole * rate + (rest * rate + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND;
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
