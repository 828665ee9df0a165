package io.mgw.smpp.server;

import io.mgw.core.model.Message;
import io.mgw.core.spi.IngressSink;
import io.mgw.core.spi.TemporaryFailureException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** An ingress double: records accepted messages; completes at once, after a delay, on demand, or fails. */
final class TestIngress implements IngressSink, AutoCloseable {

    enum Mode { IMMEDIATE, DELAYED, MANUAL, FAIL }

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "test-ingress");
        t.setDaemon(true);
        return t;
    });
    final ConcurrentLinkedQueue<Message> received = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Message> durable = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();
    volatile Mode mode = Mode.IMMEDIATE;
    volatile Duration delay = Duration.ofMillis(3);
    /** False for load runs: do not keep messages. */
    volatile boolean keep = true;

    @Override
    public CompletionStage<Void> accept(Message message) {
        if (keep) {
            received.add(message);
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        Runnable ok = () -> {
            if (keep) {
                durable.add(message);
            }
            f.complete(null);
        };
        switch (mode) {
            case IMMEDIATE -> ok.run();
            case DELAYED -> timer.schedule(ok, delay.toNanos(), TimeUnit.NANOSECONDS);
            case MANUAL -> held.add(ok);
            case FAIL -> timer.execute(() -> f.completeExceptionally(new TemporaryFailureException("kafka down")));
        }
        return f;
    }

    /** Completes every held message (MANUAL mode). */
    void release() {
        Runnable r;
        while ((r = held.poll()) != null) {
            r.run();
        }
    }

    List<Message> durableList() {
        return List.copyOf(durable);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
