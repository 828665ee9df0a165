package io.mgw.core.concurrent;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Timeouts for the futures the message path starts by the thousand a second: an ingress write awaiting Kafka's ack,
 * a deliver_sm awaiting its response, an inbound PDU awaiting the store.
 *
 * <p>{@link CompletableFuture#orTimeout} schedules a task per future on a delay scheduler and cancels it when the
 * future completes; on JDK 25 each of the two is handed to the common pool's scheduler thread, which is woken if it
 * sleeps, and in the node that thread was switched in and out more often than any other. Here a registration is an append to a lock-free queue and a
 * completion is nothing at all: one thread looks at the queues every {@value #TICK_MS} ms, drops the futures that
 * completed and fails the ones whose time is up. Futures with the same timeout are registered in the order their
 * deadlines come, so each timeout has its own queue and the look stops at the first future still running in time.
 *
 * <p>A timeout fires up to one tick late, never early. The expired future is failed with a {@link TimeoutException}
 * on the common pool, not on the ticking thread, so its dependent actions cannot hold up the other timeouts.
 */
public final class Deadlines {

    /** How often the queues are looked at, and so how late a timeout may fire at most. */
    static final long TICK_MS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(Deadlines.class);
    private static final Map<Long, Queue<Entry>> QUEUES = new ConcurrentHashMap<>();
    private static final Executor EXPIRE = ForkJoinPool.commonPool();

    static {
        Thread.ofPlatform().name("mgw-deadlines").daemon(true).start(Deadlines::tickForever);
    }

    private Deadlines() {}

    /**
     * Fails {@code future} with a {@link TimeoutException} if it has not completed within {@code timeout}, like
     * {@link CompletableFuture#orTimeout}.
     *
     * @return {@code future} itself
     */
    public static <T> CompletableFuture<T> orTimeout(CompletableFuture<T> future, Duration timeout) {
        requireNonNull(future, "future");
        long nanos = requireNonNull(timeout, "timeout").toNanos();
        if (nanos <= 0) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: positive)");
        }
        if (!future.isDone()) {
            QUEUES.computeIfAbsent(nanos, n -> new ConcurrentLinkedQueue<>())
                    .add(new Entry(future, System.nanoTime() + nanos));
        }
        return future;
    }

    /** Futures registered and not yet dropped (completed ones are dropped at the next tick); for tests. */
    public static int pending() {
        int n = 0;
        for (Queue<Entry> q : QUEUES.values()) {
            n += q.size();
        }
        return n;
    }

    private static void tickForever() {
        while (true) {
            LockSupport.parkNanos(TICK_MS * 1_000_000);
            long now = System.nanoTime();
            for (Queue<Entry> q : QUEUES.values()) {
                try {
                    expire(q, now);
                } catch (RuntimeException | Error e) {
                    // the one thread all timeouts rely on must not end; the entry stays and is looked at next tick
                    LOG.warn("Deadlines: a tick failed", e);
                }
            }
        }
    }

    private static void expire(Queue<Entry> q, long now) {
        Entry e;
        while ((e = q.peek()) != null) {
            if (!e.future.isDone() && now - e.deadline < 0) {
                // the earliest deadline of this queue is still ahead (all behind it are later, or at most a few
                // microseconds earlier where two threads raced to append): nothing more to do in this queue
                return;
            }
            q.poll();
            if (!e.future.isDone()) {
                CompletableFuture<?> f = e.future;
                EXPIRE.execute(() -> f.completeExceptionally(new TimeoutException()));
            }
        }
    }

    private record Entry(CompletableFuture<?> future, long deadline) {}
}
