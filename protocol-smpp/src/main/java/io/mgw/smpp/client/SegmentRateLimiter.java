package io.mgw.smpp.client;

import java.util.function.LongSupplier;

/**
 * Paces submit_sm to this node's share of a connector's contracted rate, counted in segments, and slows down when
 * the SMSC throttles (PROTOCOLS.md §1.8, RELIABILITY.md B.4 item 4).
 *
 * <p>Generic cell rate algorithm: each segment moves a "theoretical arrival time" forward by 1/rate; a caller learns
 * how long to wait before its segments may go, and waits on its own (virtual) thread, never on a shared one. Up to
 * {@code burst} seconds of unused rate may be spent at once. Written here rather than taken from Resilience4j's
 * RateLimiter because that one refills in whole periods (bursty at period edges) and cannot express fractional
 * rates, which a node's share of a small contract often is.
 *
 * <p>Adaptive part: {@link #onThrottled()} halves the effective rate (down to 5% of the configured one); every
 * second without throttling gives back 25%, up to the configured rate.
 *
 * <p>Thread-safe.
 */
final class SegmentRateLimiter {

    private static final double MIN_FACTOR = 0.05;
    private static final long SECOND = 1_000_000_000L;

    private final LongSupplier nanoClock;
    private final double burstSeconds;
    private double configuredRate; // segments per second; 0 = unlimited
    private double factor = 1.0;
    private long lastThrottle = Long.MIN_VALUE / 2;
    private long lastRecovery;
    private long tat; // theoretical arrival time, nanos

    /**
     * @param ratePerSecond segments per second; 0 for no limit
     * @param burstSeconds  how much unused rate may be spent at once, in seconds of rate
     * @param nanoClock     a monotonic clock in nanoseconds ({@code System::nanoTime})
     */
    SegmentRateLimiter(double ratePerSecond, double burstSeconds, LongSupplier nanoClock) {
        if (ratePerSecond < 0) {
            throw new IllegalArgumentException("ratePerSecond: " + ratePerSecond + " (expected: >= 0)");
        }
        this.configuredRate = ratePerSecond;
        this.burstSeconds = burstSeconds;
        this.nanoClock = nanoClock;
        this.tat = nanoClock.getAsLong();
        this.lastRecovery = tat;
    }

    /** Changes the configured rate (e.g. when this node's partition share changes); 0 for no limit. */
    synchronized void setRate(double ratePerSecond) {
        if (ratePerSecond < 0) {
            throw new IllegalArgumentException("ratePerSecond: " + ratePerSecond + " (expected: >= 0)");
        }
        configuredRate = ratePerSecond;
    }

    /** The rate in force now, after adaptive slow-down; 0 = no limit. */
    synchronized double effectiveRate() {
        recover(nanoClock.getAsLong());
        return configuredRate * factor;
    }

    /**
     * Reserves {@code segments} and tells how long the caller must wait before sending them.
     *
     * @return nanoseconds to wait, 0 if they may go now
     */
    synchronized long reserve(int segments) {
        long now = nanoClock.getAsLong();
        recover(now);
        double rate = configuredRate * factor;
        if (rate <= 0) {
            return 0;
        }
        long interval = (long) (SECOND / rate);
        long earliest = now - (long) (burstSeconds * SECOND);
        long start = Math.max(tat, earliest);
        tat = start + interval * segments;
        // the first of these segments may go at 'start'; pace by when the last one is due minus one interval
        long due = tat - interval;
        return Math.max(0, due - now);
    }

    /** The SMSC said ESME_RTHROTTLED / ESME_RMSGQFUL: halve the rate. */
    synchronized void onThrottled() {
        long now = nanoClock.getAsLong();
        lastThrottle = now;
        lastRecovery = now;
        factor = Math.max(MIN_FACTOR, factor / 2);
    }

    /** The adaptive factor now, 0.05..1 (for metrics and tests). */
    synchronized double factor() {
        recover(nanoClock.getAsLong());
        return factor;
    }

    private void recover(long now) {
        if (factor >= 1.0) {
            return;
        }
        while (now - lastRecovery >= SECOND && now - lastThrottle >= SECOND && factor < 1.0) {
            factor = Math.min(1.0, factor * 1.25);
            lastRecovery += SECOND;
        }
    }
}
