package io.mgw.bench.smpp;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts events per whole second of a fixed window, to show whether a rate was sustained (every second)
 * rather than only reached on average. Events outside {@code [startNanos, startNanos + seconds)} are
 * ignored. Thread-safe.
 */
public final class PerSecondCounter {

  private final long startNanos;
  private final AtomicLongArray buckets;

  /**
   * @param startNanos start of the window ({@link System#nanoTime()} scale)
   * @param seconds whole seconds in the window (> 0)
   */
  public PerSecondCounter(long startNanos, int seconds) {
    if (seconds <= 0) {
      throw new IllegalArgumentException("seconds: " + seconds + " (expected: > 0)");
    }
    this.startNanos = startNanos;
    this.buckets = new AtomicLongArray(seconds);
  }

  /** Counts one event that happened at {@code nanos}. */
  public void increment(long nanos) {
    long offset = nanos - startNanos;
    if (offset < 0) {
      return;
    }
    long second = offset / 1_000_000_000L;
    if (second < buckets.length()) {
      buckets.incrementAndGet((int) second);
    }
  }

  /** Events per second, one entry per second of the window. */
  public long[] series() {
    long[] out = new long[buckets.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = buckets.get(i);
    }
    return out;
  }

  /**
   * Summary of a per-second series: total, minimum, median and maximum second.
   *
   * @param total events over the window
   * @param min the slowest second
   * @param median the median second (lower median for an even count)
   * @param max the fastest second
   */
  public record Summary(long total, long min, long median, long max) {}

  /** Summarises {@link #series()}. */
  public Summary summary() {
    return summarise(series());
  }

  static Summary summarise(long[] series) {
    if (series.length == 0) {
      return new Summary(0, 0, 0, 0);
    }
    long[] sorted = series.clone();
    Arrays.sort(sorted);
    long total = 0;
    for (long x : sorted) {
      total += x;
    }
    return new Summary(total, sorted[0], sorted[(sorted.length - 1) / 2], sorted[sorted.length - 1]);
  }
}
