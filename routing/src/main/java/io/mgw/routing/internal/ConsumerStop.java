package io.mgw.routing.internal;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;

/**
 * What ended a consumer thread that should have run until the node drained: an unexpected error, which nothing in
 * the node recovers from (its partitions stand still until the node restarts and their next owner reads them from
 * the last commit). The node's liveness and readiness report it ({@code RoutingEngine.stoppedConsumers}), so that
 * the operator or an orchestrator restarts the node instead of it standing still looking healthy; counted in
 * {@code gateway.routing.consumer.stopped} (tag {@code consumer}).
 */
public final class ConsumerStop {

    private final String consumer;
    private final Counter stopped;
    private volatile String cause;

    /** @param consumer which consumer, as the readiness detail and the metric tag name it (e.g. "egress smsc-a") */
    public ConsumerStop(MeterRegistry meters, String consumer) {
        this.consumer = requireNonNull(consumer, "consumer");
        this.stopped = meters.counter("gateway.routing.consumer.stopped", "consumer", consumer);
    }

    /** Records that the thread ends because of {@code error} (the first one is kept). */
    public void record(Throwable error) {
        record("", error);
    }

    /** As {@link #record(Throwable)}, saying which of the consumer's threads ({@code which}, e.g. an account). */
    public void record(String which, Throwable error) {
        if (cause == null) {
            Throwable root = error;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            cause = consumer + (which.isEmpty() ? "" : " (" + which + ")") + ": " + error
                    + (root == error ? "" : ", caused by " + root);
        }
        stopped.increment();
    }

    /** The consumer and the error that stopped it, if it stopped so. */
    public Optional<String> cause() {
        return Optional.ofNullable(cause);
    }
}
