package io.mgw.routing;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.mgw.core.log.LimitedLog;
import io.mgw.core.spi.SouthReceipt;
import io.mgw.core.wire.WireFormat;
import io.mgw.routing.internal.Commits;
import io.mgw.routing.internal.ConsumerStop;
import io.mgw.routing.internal.LagGauge;
import io.mgw.routing.internal.StallGuard;
import io.mgw.routing.kafka.KafkaClients;
import io.mgw.routing.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads delivery receipts from {@value Topics#REPORT} (consumer group of the same name) and hands each to the
 * receipt handler ({@link ReceiptProcessor#process}): correlation, history, report to the client.
 *
 * <p>Up to {@code maxInFlight} receipts are handled at once (the partitions are paused at that level). The offset of
 * a partition is committed up to the first receipt not yet handled, so a crash hands the unfinished ones to the next
 * owner again: at-least-once, with a repeated final receipt recognised as a duplicate by the handler. A receipt whose
 * handling fails (store or Kafka unavailable) is tried again after a backoff (100 ms doubling to 5 s), counted in
 * {@code gateway.receipt.retried}; it is never skipped. An undecodable record is logged, counted in
 * {@code gateway.receipt.malformed} and skipped. While the store refuses writes ({@link StoreWriteGate}) the
 * partitions are paused and failed receipts wait: none is handled until the store takes writes again.
 *
 * <p>Threading: one platform thread owns the consumer; the handler's stages complete on other threads, and this
 * thread only looks at them.
 */
final class ReportConsumer implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ReportConsumer.class);
    private final LimitedLog undecodableLog = LimitedLog.warn(log);
    private final LimitedLog notHandledLog = LimitedLog.warn(log);
    private static final long COMMIT_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** Failed tries of one receipt before it is logged at WARN (about 0.7 s of backoff). */
    private static final int WARN_AFTER_ATTEMPTS = 3;

    private final KafkaClients clients;
    private final String clientId;
    private final Function<SouthReceipt, CompletionStage<Void>> handler;
    private final int maxInFlight;
    private final Counter malformed;
    private final Counter retried;
    private final ConsumerStop stop;
    private final LagGauge lag;
    private final StoreWriteGate storeGate;
    private final Map<TopicPartition, ArrayDeque<Item>> inFlight = new HashMap<>();
    private final AtomicInteger inFlightCount = new AtomicInteger();
    private final Set<TopicPartition> paused = new HashSet<>();
    /** Items whose handling failed, added by their stage's callback (any thread), taken by this thread. */
    private final ConcurrentLinkedQueue<Item> failed = new ConcurrentLinkedQueue<>();
    /** Items read while the store refused writes, not started yet (this thread only). */
    private final List<Item> waiting = new ArrayList<>();
    /** Failed items waiting for their backoff to end (this thread only). */
    private final List<Item> backingOff = new ArrayList<>();
    /** Next offsets to commit, per partition: everything before them is handled. */
    private final Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();

    /** The gw.report partitions this consumer holds now (rebalance callbacks write it, other threads read it). */
    private volatile Set<Integer> owned = Set.of();
    /** Partitions of gw.report, known from the first assignment on (0 before). */
    private volatile int partitionCount;

    /** When the oldest receipt in hand was read (System.nanoTime), or {@link #NONE_IN_HAND}; this thread writes it. */
    private volatile long oldestReadAt = NONE_IN_HAND;
    private static final long NONE_IN_HAND = Long.MAX_VALUE;
    private volatile boolean running = true;
    private volatile long drainDeadline;
    private volatile Consumer<String, byte[]> consumer;
    private Thread thread;
    private long lastCommit = System.nanoTime();

    private static final class Item {
        /** When it was read (System.nanoTime). */
        final long readAt = System.nanoTime();
        final long offset;
        final SouthReceipt receipt; // null: undecodable, skipped
        CompletableFuture<Void> future;
        int attempts;
        long retryAt;
        /** Its partition was revoked or lost: a late failure is not retried here. */
        boolean dropped;

        Item(long offset, SouthReceipt receipt, CompletableFuture<Void> future) {
            this.offset = offset;
            this.receipt = receipt;
            this.future = future;
        }
    }

    ReportConsumer(KafkaClients clients, String clientId, Function<SouthReceipt, CompletionStage<Void>> handler,
            int maxInFlight, MeterRegistry meters, StoreWriteGate storeGate) {
        this.clients = requireNonNull(clients, "clients");
        this.clientId = requireNonNull(clientId, "clientId");
        this.handler = requireNonNull(handler, "handler");
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight: " + maxInFlight + " (expected: > 0)");
        }
        this.maxInFlight = maxInFlight;
        this.storeGate = requireNonNull(storeGate, "storeGate");
        this.malformed = meters.counter("gateway.receipt.malformed");
        this.retried = meters.counter("gateway.receipt.retried");
        this.stop = new ConsumerStop(meters, "receipts");
        this.lag = new LagGauge(meters, "gateway.receipt.lag", Tags.empty(),
                "receipts in gw.report on this node's partitions not handled yet (not fetched, or in hand)");
        Gauge.builder("gateway.receipt.inflight", inFlightCount, AtomicInteger::get)
                .description("receipts read from gw.report and not yet handled").register(meters);
        Gauge.builder("gateway.receipt.oldest.age", this, ReportConsumer::oldestInHandSeconds)
                .description("seconds since the oldest receipt in hand was read from gw.report (0: none in hand);"
                        + " grows without bound when one receipt's handling never ends, which holds its partition's"
                        + " commit")
                .baseUnit("seconds").register(meters);
    }

    /**
     * Whether this consumer holds the gw.report partition that a record with {@code key} goes to (the producer's
     * default partitioning: murmur2 of the key's bytes): the receipts of that key are this node's to handle, parked
     * ones included. False before the first assignment.
     */
    boolean owns(String key) {
        int n = partitionCount;
        return n > 0 && owned.contains(partitionFor(key, n));
    }

    /** The partition the producer's default partitioner picks for a string key among {@code partitions}. */
    static int partitionFor(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** Adds the partitions to those held, or takes them out (rebalance callbacks, on the consumer thread). */
    private void own(Collection<TopicPartition> partitions, boolean held) {
        Set<Integer> now = new HashSet<>(owned);
        for (TopicPartition tp : partitions) {
            if (held) {
                now.add(tp.partition());
            } else {
                now.remove(tp.partition());
            }
        }
        owned = Set.copyOf(now);
    }

    /** What stopped the consumer thread, if an unexpected error did. */
    Optional<String> stoppedBy() {
        return stop.cause();
    }

    void start() {
        thread = Thread.ofPlatform().name("mgw-receipts-in").daemon(true).start(this);
    }

    /** Stops reading, waits up to {@code timeout} for the receipts in hand, commits what is done, leaves the group. */
    void drain(Duration timeout) {
        if (thread == null) {
            return;
        }
        drainDeadline = System.nanoTime() + timeout.toNanos();
        running = false;
        Consumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(timeout.plusSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        Consumer<String, byte[]> c;
        try {
            c = clients.consumer(Topics.REPORT, clientId, 500);
        } catch (RuntimeException e) {
            log.error("Receipt consumer not started: {}", e.toString());
            return;
        }
        consumer = c;
        try {
            c.subscribe(List.of(Topics.REPORT), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    own(partitions, false);
                    // the receipts in hand on them are finished first (bounded), so that their next owner does not
                    // handle them again: each would be a second report to the client if its event is not written yet
                    awaitInHand(partitions);
                    commitDone(c, true);
                    forget(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    // nothing in hand for them yet
                    if (partitionCount == 0) {
                        partitionCount = c.partitionsFor(Topics.REPORT).size();
                    }
                    own(partitions, true);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    own(partitions, false);
                    forget(partitions);
                }
            });
            StallGuard stall = new StallGuard(clients.sessionTimeout());
            boolean held = !storeGate.open(System.nanoTime());
            while (running) {
                flowControl(c, held);
                try {
                    Duration wait = Duration.ofMillis(inFlightCount.get() > 0 ? 5 : 100);
                    ConsumerRecords<String, byte[]> records = c.poll(wait);
                    // asked again: what a poll that began before the store refused writes returns is held too
                    held = !storeGate.open(System.nanoTime());
                    if (stall.stillHolds(c)) {
                        for (ConsumerRecord<String, byte[]> r : records) {
                            add(r, held);
                        }
                    } else {
                        log.warn("Receipt consumer stood still past half its session timeout and its group left it "
                                + "out: {} receipts in hand and {} just read dropped, their partitions' owner "
                                + "handles them from the last commit", inFlightCount.get(), records.count());
                        forget(Set.copyOf(c.assignment())); // which it owns the rejoin tells (own() then)
                    }
                } catch (WakeupException e) {
                    // drain() asks us to look at the running flag
                }
                if (!held) {
                    startWaiting();
                    retryFailed();
                }
                settle();
                if (lag.due()) {
                    lag.update(c, inFlightCount.get());
                }
                if (System.nanoTime() - lastCommit >= COMMIT_EVERY_NANOS) {
                    commitDone(c, false);
                }
            }
            while (inFlightCount.get() > 0 && System.nanoTime() < drainDeadline) {
                if (storeGate.open(System.nanoTime())) {
                    startWaiting();
                }
                retryFailed();
                settle();
                Thread.sleep(5);
            }
            commitDone(c, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            stop.record(e);
            log.error("Receipt consumer stopped on an unexpected error", e);
        } finally {
            oldestReadAt = NONE_IN_HAND;
            try {
                c.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.warn("Closing the receipt consumer: {}", e.toString());
            }
        }
    }

    /** Longest wait for the receipts in hand on revoked partitions to finish. */
    static final Duration REVOKE_WAIT = Duration.ofSeconds(5);

    /** Waits, up to {@link #REVOKE_WAIT}, until no receipt of {@code partitions} is in hand (retrying failed ones). */
    private void awaitInHand(Collection<TopicPartition> partitions) {
        long deadline = System.nanoTime() + REVOKE_WAIT.toNanos();
        while (inHand(partitions) && System.nanoTime() - deadline < 0) {
            retryFailed();
            settle();
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        settle();
    }

    private boolean inHand(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            ArrayDeque<Item> q = inFlight.get(tp);
            if (q != null && !q.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Starts the receipts read while the store refused writes. */
    private void startWaiting() {
        for (Item it : waiting) {
            if (!it.dropped) {
                it.future = handle(it.receipt);
                watch(it);
            }
        }
        waiting.clear();
    }

    /** Takes a record in hand: handles it now, or, if {@code hold}, once the store takes writes ({@link #waiting}). */
    private void add(ConsumerRecord<String, byte[]> r, boolean hold) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        SouthReceipt receipt;
        try {
            receipt = WireFormat.decodeReceipt(r.value());
        } catch (RuntimeException e) {
            malformed.increment();
            undecodableLog.log("Skipping undecodable receipt {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                    e.toString());
            inFlight.computeIfAbsent(tp, k -> new ArrayDeque<>())
                    .add(new Item(r.offset(), null, CompletableFuture.completedFuture(null)));
            inFlightCount.incrementAndGet();
            return;
        }
        Item it;
        if (hold) {
            it = new Item(r.offset(), receipt, new CompletableFuture<>()); // not done: nothing past it is committed
            waiting.add(it);
        } else {
            it = new Item(r.offset(), receipt, handle(receipt));
            watch(it);
        }
        inFlight.computeIfAbsent(tp, k -> new ArrayDeque<>()).add(it);
        inFlightCount.incrementAndGet();
    }

    /** Queues the item for a retry if its current attempt fails. */
    private void watch(Item it) {
        it.future.whenComplete((v, e) -> {
            if (e != null) {
                failed.add(it);
            }
        });
    }

    private CompletableFuture<Void> handle(SouthReceipt receipt) {
        try {
            return handler.apply(receipt).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Starts again, after their backoff, the receipts whose handling failed. */
    private void retryFailed() {
        long now = System.nanoTime();
        for (Item it; (it = failed.poll()) != null; ) {
            if (it.dropped) {
                continue;
            }
            long backoff = Math.min(5_000, 100L << Math.min(it.attempts, 6));
            it.retryAt = now + TimeUnit.MILLISECONDS.toNanos(backoff);
            // a first failure or two is routine (the message's record not written yet); one that persists is not
            if (it.attempts == WARN_AFTER_ATTEMPTS) {
                notHandledLog.log("Receipt {}/{} not handled after {} tries, trying on: {}", it.receipt.connector(),
                        it.receipt.remoteId(), it.attempts + 1, cause(it.future));
            } else {
                log.debug("Receipt {}/{} not handled, trying again: {}", it.receipt.connector(),
                        it.receipt.remoteId(), cause(it.future));
            }
            backingOff.add(it);
        }
        for (Iterator<Item> i = backingOff.iterator(); i.hasNext(); ) {
            Item it = i.next();
            if (it.dropped) {
                i.remove();
            } else if (now - it.retryAt >= 0) {
                i.remove();
                it.attempts++;
                retried.increment();
                it.future = handle(it.receipt);
                watch(it);
            }
        }
    }

    private static String cause(CompletableFuture<Void> f) {
        try {
            f.join();
            return "";
        } catch (RuntimeException e) {
            return e.getCause() != null ? e.getCause().toString() : e.toString();
        }
    }

    /**
     * Removes the handled receipts at the head of each partition and notes the next offsets to commit; notes when
     * the oldest receipt still in hand was read (a partition's head is its oldest).
     */
    private void settle() {
        long oldest = NONE_IN_HAND;
        for (Map.Entry<TopicPartition, ArrayDeque<Item>> e : inFlight.entrySet()) {
            ArrayDeque<Item> q = e.getValue();
            long next = -1;
            while (!q.isEmpty() && q.peekFirst().future.isDone() && !q.peekFirst().future.isCompletedExceptionally()) {
                next = q.pollFirst().offset + 1;
                inFlightCount.decrementAndGet();
            }
            if (next >= 0) {
                toCommit.put(e.getKey(), new OffsetAndMetadata(next));
            }
            if (!q.isEmpty() && (oldest == NONE_IN_HAND || q.peekFirst().readAt - oldest < 0)) {
                oldest = q.peekFirst().readAt;
            }
        }
        oldestReadAt = oldest;
    }

    private double oldestInHandSeconds() {
        long at = oldestReadAt;
        return at == NONE_IN_HAND ? 0 : Math.max(0, System.nanoTime() - at) / 1e9;
    }

    private void commitDone(Consumer<String, byte[]> c, boolean sync) {
        lastCommit = System.nanoTime();
        settle();
        if (toCommit.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = Map.copyOf(toCommit);
        toCommit.clear();
        try {
            Commits.commit(c, offsets, sync, Duration.ofSeconds(10), (tp, o) -> { },
                    e -> {
                        // runs on this thread, inside a later poll or commit: try these offsets again next time
                        log.debug("Receipt offset commit failed, trying again: {}", e.toString());
                        offsets.forEach(toCommit::putIfAbsent);
                    });
        } catch (RuntimeException e) {
            log.warn("Receipt offset commit failed: {}", e.toString());
        }
    }

    private void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            toCommit.remove(tp);
            ArrayDeque<Item> q = inFlight.remove(tp);
            if (q != null) {
                q.forEach(it -> it.dropped = true);
                inFlightCount.addAndGet(-q.size());
            }
            paused.remove(tp);
        }
    }

    /** Pauses every assigned partition while {@code maxInFlight} receipts are in hand, resumes below. */
    /** Pauses every partition while {@code held} (the store refuses writes) or {@code maxInFlight} are in hand. */
    private void flowControl(Consumer<String, byte[]> c, boolean held) {
        if (held || inFlightCount.get() >= maxInFlight) {
            Set<TopicPartition> assigned = c.assignment();
            Set<TopicPartition> toPause = new HashSet<>(assigned);
            toPause.removeAll(paused);
            if (!toPause.isEmpty()) {
                c.pause(toPause);
                paused.addAll(toPause);
            }
        } else if (!paused.isEmpty()) {
            Set<TopicPartition> toResume = new HashSet<>(paused);
            toResume.retainAll(c.assignment());
            c.resume(toResume);
            paused.clear();
        }
    }
}
