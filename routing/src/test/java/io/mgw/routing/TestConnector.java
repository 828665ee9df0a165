package io.mgw.routing;

import io.mgw.core.model.Content;
import io.mgw.core.model.Message;
import io.mgw.core.spi.OutboundConnector;
import io.mgw.core.spi.SubmitOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A test double of an outbound connector: answers per a replaceable behaviour (default: accept after 1 ms with
 * remote id "&lt;id&gt;-&lt;n&gt;"), records every submit and every acceptance in order, per destination, and the most
 * submits it ever saw in flight for one destination.
 */
final class TestConnector implements OutboundConnector {

    private static final Executor LATER = CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS);

    final String id;
    volatile boolean available = true;
    volatile double rateShare;
    /**
     * Thrown by {@link #setRateShare} when set (a RuntimeException or an Error): a connector bug that escapes into the
     * egress's consumer thread.
     */
    volatile Throwable rateShareFailure;
    volatile Function<Message, CompletionStage<SubmitOutcome>> behaviour;
    final List<Message> submits = java.util.Collections.synchronizedList(new ArrayList<>());
    final List<Message> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
    final Map<String, List<String>> acceptedTextByDest = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> inFlightByDest = new ConcurrentHashMap<>();
    final AtomicInteger maxInFlightPerDest = new AtomicInteger();
    private final AtomicInteger remoteIds = new AtomicInteger();
    volatile boolean closed;

    /** A copy of {@link #accepted}, safe to iterate while submits complete on other threads. */
    List<Message> acceptedSnapshot() {
        synchronized (accepted) {
            return List.copyOf(accepted);
        }
    }

    /** A copy of {@link #submits}, safe to iterate while submits arrive on other threads. */
    List<Message> submitsSnapshot() {
        synchronized (submits) {
            return List.copyOf(submits);
        }
    }

    TestConnector(String id) {
        this.id = id;
        this.behaviour = m -> CompletableFuture.supplyAsync(() -> accept(), LATER);
    }

    /** An Accepted outcome with a fresh remote id. */
    SubmitOutcome.Accepted accept() {
        return new SubmitOutcome.Accepted(List.of(id + "-" + remoteIds.incrementAndGet()));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public void start() {}

    @Override
    public CompletionStage<SubmitOutcome> submit(Message m) {
        submits.add(m);
        String dest = m.destination().value();
        int now = inFlightByDest.computeIfAbsent(dest, k -> new AtomicInteger()).incrementAndGet();
        maxInFlightPerDest.accumulateAndGet(now, Math::max);
        return behaviour.apply(m).whenComplete((o, e) -> {
            inFlightByDest.get(dest).decrementAndGet();
            if (o instanceof SubmitOutcome.Accepted) {
                accepted.add(m);
                acceptedTextByDest.computeIfAbsent(dest, k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                        .add(((Content.Text) m.content()).text());
            }
        });
    }

    @Override
    public int segmentsFor(Message message) {
        return 1;
    }

    @Override
    public boolean isAvailable() {
        return available;
    }

    @Override
    public void setRateShare(double share) {
        Throwable failure = rateShareFailure;
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error r) {
            throw r;
        }
        rateShare = share;
    }

    @Override
    public void close() {
        closed = true;
    }
}
