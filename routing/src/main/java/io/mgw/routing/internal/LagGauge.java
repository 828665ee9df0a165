package io.mgw.routing.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a consumer is behind, as a gauge: records of its partitions not yet fetched (what the consumer knows from
 * its last fetches, no request to the broker) plus those fetched and not yet finished. Updated by the consumer's own
 * thread at most once a second. A NOC watches these to see which stage of the pipeline falls behind.
 */
public final class LagGauge {

    private static final long EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final AtomicLong lag = new AtomicLong();
    private long next = System.nanoTime();

    public LagGauge(MeterRegistry meters, String name, Tags tags, String description) {
        Gauge.builder(name, lag, AtomicLong::get).tags(tags).description(description).baseUnit("records")
                .register(meters);
    }

    /** Sets the gauge to 0: the consumer stopped (its partitions are another consumer's now, or nobody's). */
    public void reset() {
        lag.set(0);
        next = System.nanoTime();
    }

    /** On the consumer's thread: updates the gauge if a second has passed ({@code inHand}: fetched, unfinished). */
    public void update(Consumer<?, ?> consumer, long inHand) {
        long now = System.nanoTime();
        if (now - next < 0) {
            return;
        }
        next = now + EVERY_NANOS;
        long total = inHand;
        for (TopicPartition tp : consumer.assignment()) {
            total += consumer.currentLag(tp).orElse(0);
        }
        lag.set(total);
    }
}
