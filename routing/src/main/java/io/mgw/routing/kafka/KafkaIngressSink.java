package io.mgw.routing.kafka;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.mgw.core.concurrent.Deadlines;
import io.mgw.core.model.Message;
import io.mgw.core.spi.IngressSink;
import io.mgw.core.spi.TemporaryFailureException;
import io.mgw.core.wire.WireFormat;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The durable ingress queue: writes each accepted message to {@code gw.ingress} (key = destination address, so order
 * per destination holds) with {@code acks=all}, and completes the caller's stage from the send callback
 * (ARCHITECTURE.md §2 promise 1, §6).
 *
 * <p>Threading: {@link #accept} never blocks. {@code KafkaProducer.send} can block (metadata wait, full buffer), so
 * sends run on one dedicated sender thread fed by a bounded queue; a full queue, a send error or a send that has not
 * been acknowledged within {@code timeout} completes the stage with {@link TemporaryFailureException}. Stage
 * callbacks run on the producer's I/O thread or the sender thread: callers must not block in them.
 */
public final class KafkaIngressSink implements IngressSink, AutoCloseable {

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final Duration timeout;
    private final ThreadPoolExecutor sender;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Counter accepted;
    private final Counter failed;
    private final Counter unknown;
    private final java.util.function.Consumer<Message> onMaybeWritten;
    private volatile boolean closed;

    /**
     * @param producer the shared producer (acks=all, idempotent)
     * @param meters   metrics: gateway.ingress.inflight (gauge), gateway.ingress.message.accepted/failed, and of the
     *                 failed, gateway.ingress.message.unknown: those that failed on a timeout, whose record may have
     *                 been written all the same (a produce request sent and not answered) and then is delivered
     * @param timeout  bound on one accept, from call to ack (e.g. 16 s: a little over delivery.timeout.ms)
     * @param queueCapacity most messages waiting for the sender thread (e.g. 50,000)
     * @param onMaybeWritten called with each message whose accept failed but may have been written all the same
     *                 ({@link #mayHaveBeenWritten}), before its stage fails; on the thread that failed it, so it must
     *                 not block
     */
    public KafkaIngressSink(Producer<String, byte[]> producer, MeterRegistry meters, Duration timeout,
            int queueCapacity, java.util.function.Consumer<Message> onMaybeWritten) {
        this.producer = requireNonNull(producer, "producer");
        this.topic = Topics.INGRESS;
        this.timeout = requireNonNull(timeout, "timeout");
        this.onMaybeWritten = requireNonNull(onMaybeWritten, "onMaybeWritten");
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity: " + queueCapacity + " (expected: > 0)");
        }
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queueCapacity),
                r -> {
                    Thread t = new Thread(r, "mgw-ingress-sender");
                    t.setDaemon(true);
                    return t;
                });
        Gauge.builder("gateway.ingress.inflight", inFlight, AtomicInteger::get)
                .description("messages handed to the ingress queue and not yet acknowledged by Kafka")
                .register(meters);
        this.accepted = meters.counter("gateway.ingress.message.accepted");
        this.failed = meters.counter("gateway.ingress.message.failed");
        this.unknown = meters.counter("gateway.ingress.message.unknown");
    }

    /** Messages accepted and not yet acknowledged or failed. */
    public int inFlight() {
        return inFlight.get();
    }

    /**
     * Writes the message to {@code gw.ingress}. The stage completes once Kafka acknowledged it with {@code acks=all},
     * or fails with {@link TemporaryFailureException} (closed, overloaded, broker unreachable, timeout).
     */
    @Override
    public CompletionStage<Void> accept(Message message) {
        requireNonNull(message, "message");
        CompletableFuture<Void> result = new CompletableFuture<>();
        if (closed) {
            failed.increment();
            result.completeExceptionally(new TemporaryFailureException("ingress: closed"));
            return result;
        }
        byte[] value;
        try {
            value = WireFormat.encodeMessage(message);
        } catch (RuntimeException e) {
            failed.increment();
            result.completeExceptionally(e);
            return result;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        inFlight.incrementAndGet();
        CompletableFuture<Void> bounded = Deadlines.orTimeout(result, timeout);
        CompletableFuture<Void> out = bounded.handle((v, e) -> {
            inFlight.decrementAndGet();
            if (e == null) {
                accepted.increment();
                return null;
            }
            failed.increment();
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                    ? e.getCause() : e;
            if (mayHaveBeenWritten(cause)) {
                unknown.increment();
                try {
                    onMaybeWritten.accept(message);
                } catch (RuntimeException x) {
                    cause.addSuppressed(x);
                }
            }
            if (cause instanceof TemporaryFailureException t) {
                throw t;
            }
            throw new TemporaryFailureException("ingress: " + cause, cause);
        });
        ProducerRecord<String, byte[]> record =
                new ProducerRecord<>(topic, message.destination().value(), value);
        try {
            sender.execute(() -> send(record, result, deadline));
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new TemporaryFailureException("ingress: queue full"));
        }
        return out;
    }

    /**
     * Whether a failed accept may still have reached the topic: the producer gave up on a timeout (its request may have
     * been written and the answer lost; Kafka cannot tell), or our own bound ran out while the send was under way.
     * Refusals and sends never made are not.
     */
    static boolean mayHaveBeenWritten(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.TimeoutException
                    || t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private void send(ProducerRecord<String, byte[]> record, CompletableFuture<Void> result, long deadline) {
        if (result.isDone()) {
            return;
        }
        if (System.nanoTime() > deadline) {
            result.completeExceptionally(new TemporaryFailureException("ingress: timed out before send"));
            return;
        }
        try {
            producer.send(record, (md, e) -> {
                if (e == null) {
                    result.complete(null);
                } else {
                    result.completeExceptionally(new TemporaryFailureException("ingress: " + e, e));
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(new TemporaryFailureException("ingress: " + e, e));
        }
    }

    /** Stops taking messages; queued ones are still sent. Does not close the shared producer. */
    @Override
    public void close() {
        closed = true;
        sender.shutdown();
        try {
            sender.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
