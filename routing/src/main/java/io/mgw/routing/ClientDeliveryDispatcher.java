package io.mgw.routing;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.mgw.core.concurrent.Deadlines;
import io.mgw.core.log.LimitedLog;
import io.mgw.core.model.EventType;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.spi.ClientDelivery;
import io.mgw.core.spi.ClientDeliveryTarget;
import io.mgw.core.spi.DeliveryRegistry;
import io.mgw.core.spi.DeliveryResult;
import io.mgw.core.store.Store;
import io.mgw.core.wire.WireFormat;
import io.mgw.routing.internal.Backoff;
import io.mgw.routing.internal.Commits;
import io.mgw.routing.internal.ConsumerStop;
import io.mgw.routing.internal.LagGauge;
import io.mgw.routing.internal.Pauses;
import io.mgw.routing.internal.Sends;
import io.mgw.routing.internal.StallGuard;
import io.mgw.routing.kafka.KafkaClients;
import io.mgw.routing.kafka.Topics;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Hands reports and MO to client accounts (ARCHITECTURE.md §5, "Client-bound traffic").
 *
 * <p>While an account has at least one registered {@link ClientDeliveryTarget} on this node, a consumer in group
 * {@code gw.deliver.<account>} reads {@code gw.deliver.<account>} and hands each delivery to a ready target, round
 * robin. DELIVERED finishes it (event DELIVERED_TO_CLIENT); RETRY (or no answer within {@code attemptTimeout}) puts it
 * back for any target after a capped exponential backoff, without limit on attempts, so nothing is dropped while the
 * account is served; REFUSED drops it with an event and a metric. In-flight deliveries are bounded; when no target is
 * ready (windows full) or the buffer is full, fetching pauses (back-pressure). Offsets are committed up to the lowest
 * unfinished one, and a partition fetches at most {@code maxSpan} records past it, so what a crash or a rebalance hands
 * to the next owner again (and its client may get twice) is bounded. A delivery retried while most of those behind it
 * got through is moved to the end of the topic instead of holding the partition
 * ({@code gateway.delivery.client.moved}).
 * When the last target unregisters, the consumer stops and leaves the group; unfinished deliveries wait in Kafka for
 * the next bind on any node.
 *
 * <p>Threading: one thread per served account owns that account's state; target stages only enqueue tasks for it.
 * {@link #register} and unregistering are thread-safe and return at once.
 */
public final class ClientDeliveryDispatcher implements DeliveryRegistry, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClientDeliveryDispatcher.class);
    private final LimitedLog malformedLog = LimitedLog.warn(log);
    private final LimitedLog eventFailedLog = LimitedLog.warn(log);

    /**
     * Tuning.
     *
     * @param maxInFlight    most deliveries handed to targets and not answered, per account
     * @param maxBuffered    most records fetched and not started, per account
     * @param maxSpan        most records of a partition fetched past its lowest unfinished one (what a crash or a
     *                       rebalance hands to the next owner again, delivered twice at worst)
     * @param attemptTimeout an attempt not answered within this counts as RETRY
     * @param retryBackoff   backoff after RETRY
     */
    public record Options(int maxInFlight, int maxBuffered, int maxSpan, Duration attemptTimeout,
            Backoff retryBackoff) {
        public Options {
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("maxInFlight: " + maxInFlight + " (expected: > 0)");
            }
            if (maxBuffered < 1) {
                throw new IllegalArgumentException("maxBuffered: " + maxBuffered + " (expected: > 0)");
            }
            if (maxSpan < 2) {
                throw new IllegalArgumentException("maxSpan: " + maxSpan + " (expected: > 1)");
            }
            requireNonNull(attemptTimeout, "attemptTimeout");
            requireNonNull(retryBackoff, "retryBackoff");
        }

        /** {@code maxSpan} as {@code maxBuffered}. */
        public Options(int maxInFlight, int maxBuffered, Duration attemptTimeout, Backoff retryBackoff) {
            this(maxInFlight, maxBuffered, maxBuffered, attemptTimeout, retryBackoff);
        }

        public static Options defaults() {
            return new Options(256, 2000, Duration.ofSeconds(60),
                    new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30)));
        }
    }

    private final KafkaClients clients;
    private final Producer<String, byte[]> producer;
    private final Store store;
    private final InstantSource clock;
    private final Options options;
    private final Map<String, Worker> workers = new ConcurrentHashMap<>();
    private final AtomicInteger inFlightTotal = new AtomicInteger();
    private final Counter delivered;
    private final Counter retried;
    private final Counter refused;
    private final Counter malformed;
    private final Counter movedAside;
    /** DELIVERED_TO_CLIENT / REPORT / REJECTED events the store did not take (the delivery itself is done). */
    private final Counter eventFailed;
    private final ConsumerStop stop;
    /** Per account, kept across the account's workers (a gauge is registered once per name and tags). */
    private final Map<String, LagGauge> lags = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private volatile boolean closed;

    /** What stopped an account's delivery consumer thread (the first such), if an unexpected error did. */
    public Optional<String> stoppedBy() {
        return stop.cause();
    }

    public ClientDeliveryDispatcher(KafkaClients clients, Producer<String, byte[]> producer, Store store,
            MeterRegistry meters, InstantSource clock, Options options) {
        this.clients = requireNonNull(clients, "clients");
        this.producer = requireNonNull(producer, "producer");
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
        this.options = requireNonNull(options, "options");
        delivered = meters.counter("gateway.delivery.client.delivered");
        retried = meters.counter("gateway.delivery.client.retried");
        refused = meters.counter("gateway.delivery.client.refused");
        malformed = meters.counter("gateway.delivery.client.malformed");
        movedAside = meters.counter("gateway.delivery.client.moved");
        eventFailed = meters.counter("gateway.delivery.client.event.failed");
        stop = new ConsumerStop(meters, "client delivery");
        this.meters = meters;
        Gauge.builder("gateway.delivery.client.inflight", inFlightTotal, AtomicInteger::get).register(meters);
    }

    /**
     * Registers a target for an account; starts consuming the account's topic if this is its first target here.
     *
     * @throws IllegalStateException after {@link #close()} or during a drain
     */
    @Override
    public synchronized Registration register(String account, ClientDeliveryTarget target) {
        Topics.deliver(account);
        requireNonNull(target, "target");
        if (closed) {
            throw new IllegalStateException("delivery dispatcher: closed");
        }
        Worker w = workers.get(account);
        if (w == null || w.stopping) {
            w = new Worker(account);
            workers.put(account, w);
            w.targets.add(target);
            w.start();
        } else {
            w.targets.add(target);
        }
        Worker owner = w;
        log.info("Delivery target {} registered for account {}", target.describe(), account);
        return new Registration() {
            private boolean done;

            @Override
            public void close() {
                synchronized (ClientDeliveryDispatcher.this) {
                    if (done) {
                        return;
                    }
                    done = true;
                    owner.targets.remove(target);
                    if (owner.targets.isEmpty()) {
                        owner.stop();
                        workers.remove(account, owner);
                    }
                }
            }
        };
    }

    /** Whether this node currently consumes the account's topic. */
    public boolean isConsuming(String account) {
        Worker w = workers.get(account);
        return w != null && !w.stopping;
    }

    /** Stops every consumer (committing what finished) and refuses new registrations; waits up to {@code timeout}. */
    public void drain(Duration timeout) {
        List<Worker> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(workers.values());
            workers.clear();
        }
        all.forEach(Worker::stop);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Worker w : all) {
            w.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
    }

    @Override
    public void close() {
        drain(Duration.ofSeconds(10));
    }

    private static final class Item {
        final TopicPartition tp;
        final long offset;
        final ClientDelivery delivery;
        /** The record's key: a copy moved to the end of the topic keeps it, so it stays in this partition. */
        final String key;
        int attempts;
        /** Monotonic (System.nanoTime): a wall clock stepped back must not hold a retry back. */
        long notBefore = System.nanoTime();

        Item(TopicPartition tp, long offset, ClientDelivery delivery, String key) {
            this.tp = tp;
            this.offset = offset;
            this.delivery = delivery;
            this.key = key;
        }
    }

    private static final class PartitionState {
        final LinkedHashMap<Long, Item> queue = new LinkedHashMap<>();
        final TreeMap<Long, Item> retries = new TreeMap<>();
        final TreeSet<Long> unfinished = new TreeSet<>();
        long nextOffset = -1;
        long committed = -1;
    }

    /** Consumes one account's topic; all fields except targets/stopping are owned by its thread. */
    private final class Worker {
        final String account;
        final String topic;
        final List<ClientDeliveryTarget> targets = new CopyOnWriteArrayList<>();
        final Map<TopicPartition, PartitionState> parts = new HashMap<>();
        final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        volatile boolean stopping;
        volatile Consumer<String, byte[]> consumer;
        Thread thread;
        int inFlight;
        int buffered;
        int next;
        final LimitedLog movedLog = LimitedLog.of(log, Level.WARN, 1, Duration.ofMinutes(1), System::nanoTime);
        final LagGauge lag;
        long nextCommit = System.nanoTime(); // monotonic, like the retries

        Worker(String account) {
            this.account = account;
            this.topic = Topics.deliver(account);
            this.lag = lags.computeIfAbsent(account, a -> new LagGauge(meters, "gateway.delivery.client.lag",
                    Tags.of("account", a), "reports and MO for the account on this node's partitions of its"
                            + " gw.deliver topic not delivered yet (not fetched, or in hand)"));
        }

        /** Records fetched and not finished, over the partitions held. */
        private long unfinished() {
            long n = 0;
            for (PartitionState s : parts.values()) {
                n += s.unfinished.size();
            }
            return n;
        }

        void start() {
            consumer = clients.consumer(topic, "mgw-deliver-" + account, 500);
            thread = new Thread(this::run, "mgw-deliver-" + account);
            thread.setDaemon(true);
            thread.start();
        }

        void stop() {
            stopping = true;
            Consumer<String, byte[]> c = consumer;
            if (c != null) {
                c.wakeup();
            }
        }

        void join(long millis) {
            try {
                thread.join(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void run() {
            Consumer<String, byte[]> c = consumer;
            try {
                Listener listener = new Listener(c);
                c.subscribe(List.of(topic), listener);
                StallGuard stall = new StallGuard(clients.sessionTimeout());
                while (!stopping) {
                    runTasks();
                    if (!stall.stillHolds(c)) {
                        // another node may be delivering these partitions' records now: deliver none of those in hand
                        log.warn("Delivery consumer {} stood still past half its session timeout and its group left "
                                + "it out: {} deliveries in hand dropped, their partitions' owner delivers them from "
                                + "the last commit", account, buffered);
                        listener.onPartitionsLost(Set.copyOf(c.assignment()));
                    }
                    long tick = System.nanoTime();
                    dispatch(tick);
                    moveAside();
                    applyPause(c);
                    commit(c, tick, false);
                    if (lag.due()) {
                        lag.update(c, unfinished());
                    }
                    boolean busy = inFlight > 0 || !tasks.isEmpty() || hasRetries();
                    try {
                        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(busy ? 2 : 100))) {
                            add(r);
                        }
                    } catch (WakeupException e) {
                        // stop() asks us to look at the flag
                    }
                }
                // let answers already on their way count, briefly, then commit what finished
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                while (inFlight > 0 && System.nanoTime() < deadline) {
                    runTasks();
                    Thread.sleep(2);
                }
                runTasks();
                commit(c, System.nanoTime(), true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                stop.record("account " + account, e);
                log.error("Delivery consumer for {} stopped on an unexpected error", account, e);
            } finally {
                lag.reset();
                inFlightTotal.addAndGet(-inFlight);
                try {
                    c.close(Duration.ofSeconds(5));
                } catch (RuntimeException e) {
                    log.warn("Closing delivery consumer {}: {}", account, e.toString());
                }
                log.info("Stopped consuming {}", topic);
            }
        }

        private boolean hasRetries() {
            for (PartitionState s : parts.values()) {
                if (!s.retries.isEmpty()) {
                    return true;
                }
            }
            return false;
        }

        private void runTasks() {
            Runnable r;
            while ((r = tasks.poll()) != null) {
                r.run();
            }
        }

        private void add(ConsumerRecord<String, byte[]> r) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            PartitionState s = parts.computeIfAbsent(tp, k -> new PartitionState());
            s.nextOffset = r.offset() + 1;
            ClientDelivery d;
            try {
                d = WireFormat.decodeClientDelivery(r.value());
            } catch (RuntimeException e) {
                malformed.increment();
                malformedLog.log("Skipping malformed delivery {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                        e.toString());
                return;
            }
            s.unfinished.add(r.offset());
            s.queue.put(r.offset(), new Item(tp, r.offset(), d, r.key()));
            buffered++;
        }

        private void dispatch(long tick) {
            for (PartitionState s : parts.values()) {
                Iterator<Item> it = s.retries.values().iterator();
                while (it.hasNext() && inFlight < options.maxInFlight()) {
                    Item i = it.next();
                    if (tick - i.notBefore < 0) {
                        continue;
                    }
                    ClientDeliveryTarget t = readyTarget();
                    if (t == null) {
                        return;
                    }
                    it.remove();
                    send(i, t);
                }
                Iterator<Item> q = s.queue.values().iterator();
                while (q.hasNext() && inFlight < options.maxInFlight()) {
                    ClientDeliveryTarget t = readyTarget();
                    if (t == null) {
                        return;
                    }
                    Item i = q.next();
                    q.remove();
                    buffered--;
                    send(i, t);
                }
            }
        }

        private ClientDeliveryTarget readyTarget() {
            List<ClientDeliveryTarget> ts = targets;
            int n = ts.size();
            for (int k = 0; k < n; k++) {
                ClientDeliveryTarget t;
                try {
                    t = ts.get(Math.floorMod(next++, n));
                } catch (IndexOutOfBoundsException e) {
                    return null;
                }
                if (t.isReady()) {
                    return t;
                }
            }
            return null;
        }

        private void send(Item i, ClientDeliveryTarget t) {
            inFlight++;
            inFlightTotal.incrementAndGet();
            CompletableFuture<DeliveryResult> f;
            try {
                f = t.deliver(i.delivery).toCompletableFuture();
            } catch (RuntimeException e) {
                f = CompletableFuture.completedFuture(DeliveryResult.RETRY);
            }
            Deadlines.orTimeout(f, options.attemptTimeout())
                    .whenComplete((res, e) -> tasks.add(() -> onResult(i, t, e != null ? DeliveryResult.RETRY : res)));
        }

        private void onResult(Item i, ClientDeliveryTarget t, DeliveryResult result) {
            inFlight--;
            inFlightTotal.decrementAndGet();
            PartitionState s = parts.get(i.tp);
            switch (result == null ? DeliveryResult.RETRY : result) {
                case DELIVERED -> {
                    delivered.increment();
                    record(i, deliveredEvent(i.delivery, t));
                }
                case REFUSED -> {
                    refused.increment();
                    record(i, refusedEvent(i.delivery, t));
                }
                case RETRY -> {
                    retried.increment();
                    if (s == null) {
                        return;
                    }
                    i.attempts++;
                    i.notBefore = System.nanoTime() + options.retryBackoff().delay(i.attempts).toNanos();
                    s.retries.put(i.offset, i);
                }
            }
        }

        private void record(Item i, StoreWrite w) {
            store.appendEvent(w.id(), w.event()).whenComplete((v, e) -> tasks.add(() -> {
                if (e != null) {
                    eventFailed.increment();
                    eventFailedLog.log("Recording delivery event for {} failed: {}", w.id(), e.toString());
                }
                PartitionState s = parts.get(i.tp);
                if (s != null) {
                    s.unfinished.remove(i.offset);
                }
            }));
        }

        private void applyPause(Consumer<String, byte[]> c) {
            boolean noTarget = targets.stream().noneMatch(ClientDeliveryTarget::isReady);
            boolean pauseAll = noTarget || buffered >= options.maxBuffered() || inFlight >= options.maxInFlight();
            Pauses.apply(c, tp -> pauseAll || spanFull(parts.get(tp)));
        }

        /**
         * Whether the partition has {@code maxSpan} records fetched past its lowest unfinished one: it fetches no more
         * until that one finishes or is moved aside, so a crash or rebalance never hands more than that to the next
         * owner again.
         */
        private boolean spanFull(PartitionState s) {
            return s != null && !s.unfinished.isEmpty() && s.nextOffset - s.unfinished.first() >= options.maxSpan();
        }

        /**
         * Moves a delivery that holds its partition's commit back out of the way: when the partition's span is full,
         * its lowest unfinished record is waiting to be retried (its target said RETRY or did not answer), and at
         * least half of the records behind it are finished (so the others get through while it does not: one client
         * that keeps asking for one message again), a copy goes to the end of the topic, same key, and once Kafka
         * has it, the original counts as finished. The copy is retried from there like any record; nothing is
         * dropped, and the commit moves on. Were every record failing, nothing would be gained: the partition waits.
         * Counted in {@code gateway.delivery.client.moved}.
         */
        private void moveAside() {
            for (Map.Entry<TopicPartition, PartitionState> e : parts.entrySet()) {
                PartitionState s = e.getValue();
                if (!spanFull(s) || s.unfinished.size() > options.maxSpan() / 2) {
                    continue;
                }
                Item i = s.retries.remove(s.unfinished.first());
                if (i == null) {
                    continue; // in flight, or not started yet: its answer or its start comes first
                }
                inFlight++; // the copy's write counts as in flight, so a drain waits for it
                inFlightTotal.incrementAndGet();
                Sends.send(producer, topic, i.key, WireFormat.encodeClientDelivery(i.delivery))
                        .whenComplete((v, err) -> tasks.add(() -> moved(i, s, err)));
            }
        }

        private void moved(Item i, PartitionState s, Throwable err) {
            inFlight--;
            inFlightTotal.decrementAndGet();
            if (parts.get(i.tp) != s) {
                return; // the partition went meanwhile: its next owner has the original, and maybe the copy
            }
            if (err != null) {
                log.debug("Moving delivery {}@{} of {} aside failed, retrying it in place: {}", i.tp, i.offset,
                        account, err.toString());
                s.retries.put(i.offset, i);
                return;
            }
            s.unfinished.remove(i.offset);
            movedAside.increment();
            movedLog.log("Delivery {}@{} for {} not taken after {} tries while at least {} records behind it were:"
                    + " moved to the end of {}", i.tp, i.offset, account, i.attempts + 1, options.maxSpan() / 2, topic);
        }

        private void commit(Consumer<String, byte[]> c, long tick, boolean sync) {
            if (!sync && tick - nextCommit < 0) {
                return;
            }
            nextCommit = tick + TimeUnit.MILLISECONDS.toNanos(100);
            Map<TopicPartition, OffsetAndMetadata> offsets = offsets(parts.keySet());
            if (offsets.isEmpty()) {
                return;
            }
            try {
                // recorded only once the broker confirmed: a failed async commit is retried on the next loop
                Commits.commit(c, offsets, sync, Duration.ofSeconds(10), this::committed,
                        e -> log.debug("Delivery commit for {} failed: {}", account, e.toString()));
            } catch (RuntimeException e) {
                log.warn("Delivery commit for {} failed: {}", account, e.toString());
            }
        }

        private void committed(TopicPartition tp, long offset) {
            PartitionState s = parts.get(tp);
            if (s != null && offset > s.committed) {
                s.committed = offset;
            }
        }

        private Map<TopicPartition, OffsetAndMetadata> offsets(Collection<TopicPartition> tps) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (TopicPartition tp : tps) {
                PartitionState s = parts.get(tp);
                if (s == null || s.nextOffset < 0) {
                    continue;
                }
                long upTo = s.unfinished.isEmpty() ? s.nextOffset : s.unfinished.first();
                if (upTo > s.committed) {
                    offsets.put(tp, new OffsetAndMetadata(upTo));
                }
            }
            return offsets;
        }

        private final class Listener implements ConsumerRebalanceListener {
            private final Consumer<String, byte[]> c;

            Listener(Consumer<String, byte[]> c) {
                this.c = c;
            }

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                runTasks();
                Map<TopicPartition, OffsetAndMetadata> offsets = offsets(revoked);
                try {
                    if (!offsets.isEmpty()) {
                        c.commitSync(offsets, Duration.ofSeconds(10));
                    }
                } catch (RuntimeException e) {
                    log.warn("Delivery commit on revoke for {} failed: {}", account, e.toString());
                }
                onPartitionsLost(revoked);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> lost) {
                for (TopicPartition tp : lost) {
                    PartitionState s = parts.remove(tp);
                    if (s != null) {
                        buffered -= s.queue.size();
                    }
                }
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                for (TopicPartition tp : assigned) {
                    parts.put(tp, new PartitionState());
                }
            }
        }
    }

    private record StoreWrite(io.mgw.core.model.MessageId id, MessageEvent event) {}

    private StoreWrite deliveredEvent(ClientDelivery d, ClientDeliveryTarget t) {
        return switch (d) {
            case ClientDelivery.Report r -> new StoreWrite(r.report().messageId(), new MessageEvent(clock.instant(),
                    EventType.DELIVERED_TO_CLIENT, r.report().status(), "",
                    "report " + r.report().status().receiptStat() + " to " + t.describe()));
            case ClientDelivery.MobileOriginated mo -> new StoreWrite(mo.message().id(), new MessageEvent(
                    clock.instant(), EventType.DELIVERED_TO_CLIENT, MessageStatus.DELIVERED, "",
                    "to " + t.describe()));
        };
    }

    private StoreWrite refusedEvent(ClientDelivery d, ClientDeliveryTarget t) {
        return switch (d) {
            case ClientDelivery.Report r -> new StoreWrite(r.report().messageId(), new MessageEvent(clock.instant(),
                    EventType.REPORT, r.report().status(), "", "report refused by " + t.describe()));
            case ClientDelivery.MobileOriginated mo -> new StoreWrite(mo.message().id(), new MessageEvent(
                    clock.instant(), EventType.REJECTED, MessageStatus.REJECTED, "", "refused by " + t.describe()));
        };
    }
}
