package io.mgw.routing.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: attempt n waits a random time in [base*2^(n-1)/2, base*2^(n-1)], capped.
 *
 * @param base first delay
 * @param cap  largest delay
 */
public record Backoff(Duration base, Duration cap) {

    /** The delay before retry number {@code attempt} (1-based). */
    public Duration delay(int attempt) {
        long baseMs = Math.max(1, base.toMillis());
        int shift = Math.min(30, Math.max(0, attempt - 1));
        long max = Math.min(cap.toMillis(), baseMs << shift);
        long min = max / 2;
        return Duration.ofMillis(min + ThreadLocalRandom.current().nextLong(max - min + 1));
    }
}
