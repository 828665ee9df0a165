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
 * its last fetches, no request to the broker) plus those fetched and not yet finished. The consumer's own thread
 * updates it when {@link #due} says so, once a second. A NOC watches these to see which stage of the pipeline falls
 * behind.
 */
public final class LagGauge {

    private static final long EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final AtomicLong lag = new AtomicLong();
    private final MeterRegistry meters;
    private final Gauge gauge;
    private long next = System.nanoTime();

    public LagGauge(MeterRegistry meters, String name, Tags tags, String description) {
        this.meters = meters;
        this.gauge = Gauge.builder(name, lag, AtomicLong::get).tags(tags).description(description)
                .baseUnit("records").register(meters);
    }

    /** Whether a second has passed since the last {@link #update} (the consumer's thread only). */
    public boolean due() {
        return System.nanoTime() - next >= 0;
    }

    /** Sets the gauge from the consumer's lag and {@code inHand}, its records fetched and not finished. */
    public void update(Consumer<?, ?> consumer, long inHand) {
        next = System.nanoTime() + EVERY_NANOS;
        long total = inHand;
        for (TopicPartition tp : consumer.assignment()) {
            total += consumer.currentLag(tp).orElse(0);
        }
        lag.set(total);
    }

    /** Sets the gauge to 0: the consumer stopped (its partitions are another consumer's now, or nobody's). */
    public void reset() {
        lag.set(0);
        next = System.nanoTime();
    }

    /**
     * Takes the gauge out of the registry, for a consumer that is replaced by another of the same name and tags (a
     * registry keeps the first gauge of a name and tags, so the new one's would not show).
     */
    public void remove() {
        meters.remove(gauge);
    }
}
