package io.mgw.core.log;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * One log line that a peer, an outage or bad data can make the node write once per message: at most {@code burst}
 * lines per {@code window}, the rest suppressed and counted. The first line written after some were suppressed says
 * how many, so nothing goes unreported; the events themselves are counted in their metrics in any case. At 10,000
 * messages a second a per-message line would otherwise fill the disk and the log shippers while the NOC looks for the
 * one line that matters.
 *
 * <p>Keep one instance per call site (a field next to the counter of the same event). Thread-safe and lock-free; at
 * a window's edge two threads may each let one line more through, which does not matter here.
 */
public final class LimitedLog {

    /** What most call sites use: ten lines a minute. */
    public static final int DEFAULT_BURST = 10;

    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);

    private final Logger log;
    private final Level level;
    private final int burst;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private final AtomicLong windowStart;
    private final AtomicInteger written = new AtomicInteger();
    private final AtomicLong suppressed = new AtomicLong();

    private LimitedLog(Logger log, Level level, int burst, Duration window, LongSupplier nanoTime) {
        this.log = requireNonNull(log, "log");
        this.level = requireNonNull(level, "level");
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1: " + burst);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive: " + window);
        }
        this.burst = burst;
        this.windowNanos = window.toNanos();
        this.nanoTime = requireNonNull(nanoTime, "nanoTime");
        this.windowStart = new AtomicLong(nanoTime.getAsLong());
    }

    /** WARN lines, {@link #DEFAULT_BURST} per {@link #DEFAULT_WINDOW}. */
    public static LimitedLog warn(Logger log) {
        return new LimitedLog(log, Level.WARN, DEFAULT_BURST, DEFAULT_WINDOW, System::nanoTime);
    }

    /** ERROR lines, {@link #DEFAULT_BURST} per {@link #DEFAULT_WINDOW}. */
    public static LimitedLog error(Logger log) {
        return new LimitedLog(log, Level.ERROR, DEFAULT_BURST, DEFAULT_WINDOW, System::nanoTime);
    }

    /** For tests and special sites: any level, burst, window and clock ({@code System::nanoTime} in the node). */
    public static LimitedLog of(Logger log, Level level, int burst, Duration window, LongSupplier nanoTime) {
        return new LimitedLog(log, level, burst, window, nanoTime);
    }

    /**
     * Writes the line (SLF4J format; a {@link Throwable} as the last argument is logged with its stack trace, as
     * SLF4J does) unless this window's lines are used up. Returns whether it was written.
     */
    public boolean log(String format, Object... args) {
        if (!log.isEnabledForLevel(level)) {
            return false;
        }
        long now = nanoTime.getAsLong();
        long start = windowStart.get();
        if (now - start >= windowNanos && windowStart.compareAndSet(start, now)) {
            written.set(0);
        }
        if (written.incrementAndGet() > burst) {
            suppressed.incrementAndGet();
            return false;
        }
        long skipped = suppressed.getAndSet(0);
        if (skipped == 0) {
            log.atLevel(level).log(format, args);
        } else {
            log.atLevel(level).log(format + " ({} more such lines suppressed before this one)",
                    withCount(args, skipped));
        }
        return true;
    }

    /** Lines suppressed and not yet reported by a written line. */
    public long suppressed() {
        return suppressed.get();
    }

    /** The count goes after the format's own arguments, before a trailing throwable (SLF4J's convention). */
    private static Object[] withCount(Object[] args, long count) {
        int n = args.length;
        Object[] out = Arrays.copyOf(args, n + 1);
        if (n > 0 && args[n - 1] instanceof Throwable t) {
            out[n - 1] = count;
            out[n] = t;
        } else {
            out[n] = count;
        }
        return out;
    }
}
