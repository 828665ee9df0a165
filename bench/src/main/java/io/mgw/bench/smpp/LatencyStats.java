package io.mgw.bench.smpp;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * A thread-safe latency histogram recording nanoseconds at microsecond resolution (HdrHistogram, 3
 * significant digits, up to one hour; longer values are clamped to one hour and negative ones to zero).
 */
public final class LatencyStats {

  private static final long MAX_MICROS = 3_600_000_000L;

  private final ConcurrentHistogram histogram = new ConcurrentHistogram(MAX_MICROS, 3);

  /** Records one latency given in nanoseconds. */
  public void recordNanos(long nanos) {
    long micros = Math.min(Math.max(nanos / 1_000, 0), MAX_MICROS);
    histogram.recordValue(micros);
  }

  /** Percentiles of everything recorded so far. */
  public Percentiles snapshot() {
    Histogram h = histogram.copy();
    if (h.getTotalCount() == 0) {
      return Percentiles.EMPTY;
    }
    return new Percentiles(h.getTotalCount(),
        ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
        ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), h.getMean() / 1000.0);
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }

  /**
   * Latency percentiles in milliseconds (microsecond resolution).
   *
   * @param count number of values recorded
   * @param p50 median
   * @param p90 90th percentile
   * @param p99 99th percentile
   * @param p999 99.9th percentile
   * @param max largest value
   * @param mean arithmetic mean
   */
  public record Percentiles(long count, double p50, double p90, double p99, double p999, double max, double mean) {
    /** No values recorded. */
    public static final Percentiles EMPTY = new Percentiles(0, 0, 0, 0, 0, 0, 0);
  }
}
