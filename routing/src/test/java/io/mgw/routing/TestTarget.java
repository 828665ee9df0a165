package io.mgw.routing;

import io.mgw.core.spi.ClientDelivery;
import io.mgw.core.spi.ClientDeliveryTarget;
import io.mgw.core.spi.DeliveryResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test double of a client receiver with a window: answers DELIVERED at once while {@code answering}, otherwise
 * never answers (a hung client), so its window fills and it stops being ready.
 */
final class TestTarget implements ClientDeliveryTarget {

    final String name;
    final int window;
    volatile boolean answering = true;
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final List<ClientDelivery> delivered = java.util.Collections.synchronizedList(new ArrayList<>());
    final List<ClientDelivery> received = java.util.Collections.synchronizedList(new ArrayList<>());

    TestTarget(String name, int window) {
        this.name = name;
        this.window = window;
    }

    @Override
    public String describe() {
        return "test:" + name;
    }

    @Override
    public boolean isReady() {
        return inFlight.get() < window;
    }

    @Override
    public CompletionStage<DeliveryResult> deliver(ClientDelivery d) {
        received.add(d);
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        if (!answering) {
            return new CompletableFuture<>();
        }
        inFlight.decrementAndGet();
        delivered.add(d);
        return CompletableFuture.completedFuture(DeliveryResult.DELIVERED);
    }

    List<ClientDelivery.Report> reports() {
        synchronized (delivered) {
            return delivered.stream().filter(d -> d instanceof ClientDelivery.Report)
                    .map(d -> (ClientDelivery.Report) d).toList();
        }
    }
}
