package io.mgw.smpp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SegmentRateLimiterTest {

    private static final long MS = 1_000_000L;
    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);

    @Test
    void unlimitedNeverWaits() {
        var l = new SegmentRateLimiter(0, 0.1, now::get);
        for (int i = 0; i < 1000; i++) {
            assertThat(l.reserve(5)).isZero();
        }
    }

    @Test
    void pacesSegmentsEvenly() {
        var l = new SegmentRateLimiter(100, 0, now::get); // one segment per 10 ms
        assertThat(l.reserve(1)).isZero();
        assertThat(l.reserve(1)).isEqualTo(10 * MS);
        assertThat(l.reserve(1)).isEqualTo(20 * MS);
    }

    @Test
    void multiSegmentMessageCountsEverySegment() {
        var l = new SegmentRateLimiter(100, 0, now::get);
        assertThat(l.reserve(3)).isEqualTo(20 * MS);
        assertThat(l.reserve(1)).isEqualTo(30 * MS);
    }

    @Test
    void idleTimeAllowsOnlyTheConfiguredBurst() {
        var l = new SegmentRateLimiter(100, 0.05, now::get); // 5 segments of burst
        now.addAndGet(10_000 * MS);
        for (int i = 0; i < 6; i++) {
            assertThat(l.reserve(1)).isZero();
        }
        assertThat(l.reserve(1)).isPositive();
    }

    @Test
    void rateShareChangesThePace() {
        var l = new SegmentRateLimiter(100, 0, now::get);
        l.setRate(50);
        l.reserve(1);
        assertThat(l.reserve(1)).isEqualTo(20 * MS);
        assertThat(l.effectiveRate()).isEqualTo(50);
    }

    @Test
    void throttlingHalvesTheRateAndItRecoversWithoutThrottling() {
        var l = new SegmentRateLimiter(100, 0, now::get);
        l.onThrottled();
        assertThat(l.effectiveRate()).isEqualTo(50);
        l.onThrottled();
        assertThat(l.effectiveRate()).isEqualTo(25);
        now.addAndGet(1000 * MS);
        assertThat(l.factor()).isEqualTo(0.25 * 1.25);
        now.addAndGet(60_000 * MS);
        assertThat(l.factor()).isEqualTo(1.0);
    }

    @Test
    void throttlingNeverGoesBelowFivePercent() {
        var l = new SegmentRateLimiter(100, 0, now::get);
        for (int i = 0; i < 20; i++) {
            l.onThrottled();
        }
        assertThat(l.factor()).isEqualTo(0.05);
    }

    @Test
    void negativeRateIsRefused() {
        assertThatThrownBy(() -> new SegmentRateLimiter(-1, 0, now::get))
                .hasMessage("ratePerSecond: -1.0 (expected: >= 0)");
        var l = new SegmentRateLimiter(1, 0, now::get);
        assertThatThrownBy(() -> l.setRate(-2)).hasMessage("ratePerSecond: -2.0 (expected: >= 0)");
    }
}
