package io.mgw.routing;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.mgw.core.config.AccountConfig;
import io.mgw.core.config.Accounts;
import io.mgw.core.config.RouteConfig;
import io.mgw.core.log.LimitedLog;
import io.mgw.core.model.Direction;
import io.mgw.core.model.EventType;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.reassembly.Reassembler;
import io.mgw.core.spi.ClientDelivery;
import io.mgw.core.store.RejectedWriteException;
import io.mgw.core.store.Store;
import io.mgw.core.wire.WireFormat;
import io.mgw.routing.internal.Commits;
import io.mgw.routing.internal.ConsumerStop;
import io.mgw.routing.internal.LagGauge;
import io.mgw.routing.internal.Sends;
import io.mgw.routing.kafka.KafkaClients;
import io.mgw.routing.kafka.Topics;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingress consumer (group {@code gw.router}): reads {@code gw.ingress}, records each MT message, applies the
 * routing rules and publishes it to {@code gw.out.<connector>}; reassembles MO parts and publishes whole MO messages
 * to {@code gw.deliver.<account>} (ARCHITECTURE.md §5).
 *
 * <p>MT: expired on arrival -> EXPIRED; more than one destination (not fanned out by the adapter), a destination
 * the account may not reach, or no matching rule -> REJECTED (and a REJECTED report when the sender asked for one);
 * else ROUTED to the first available connector of the rule, with the rule name in attribute {@value #ATTR_ROUTE} and
 * the remaining connectors, comma-separated, in {@value #ATTR_FAILOVER}.
 *
 * <p>Threading and commits: one thread polls; each poll batch is processed pipelined (every record's store writes and
 * sends start at once, and later batches start while earlier ones complete, up to {@value #MAX_IN_HAND_RECORDS}
 * records in hand), and batches' offsets are committed in poll order, each only after every store write and every
 * produced record of it and of the batches before it completed ({@code acks=all}). If any of them failed, that batch
 * and every later one are read again from their first offsets after a pause; the store writes are idempotent and
 * egress suppresses duplicate submits. Before partitions are revoked, the batches in hand are finished and
 * committed. A record the store rejects for its data ({@link RejectedWriteException}: it would fail every time) is
 * not written again: the message goes on without it (it was sent or handed over already), logged at ERROR and
 * counted in {@code gateway.routing.record.rejected}; written again, it held up every batch after it for good. An MO
 * part whose fragment the store rejects so is delivered alone, as a part whose siblings never came is (same counter).
 */
public final class Router implements AutoCloseable {

    /** Attribute holding the name of the rule that routed the message. */
    public static final String ATTR_ROUTE = "gw.route";
    /** Attribute holding the failover connectors left, comma-separated, in order. */
    public static final String ATTR_FAILOVER = "gw.failover";

    private static final Logger log = LoggerFactory.getLogger(Router.class);
    private final LimitedLog malformedLog = LimitedLog.warn(log);
    private final LimitedLog rejectedRecordLog = LimitedLog.error(log);
    private final LimitedLog rejectedPartLog = LimitedLog.error(log);
    private static final Duration BATCH_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration EXPIRE_EVERY = Duration.ofSeconds(5);
    /** Records fetched per poll. */
    static final int MAX_POLL_RECORDS = 500;
    /**
     * Most records in hand (routed, their store writes or sends not yet all complete). The router waits for the
     * store's group commit, tens to hundreds of milliseconds under load, so its throughput is at most this many
     * records per commit cycle; with two batches at most (as before) that was about 1,000. A much larger bound
     * (10,000 was tried in bench/run-e2e-bench.sh) only moves a backlog from Kafka into the store writer's queue when
     * the node is short of CPU, and costs heap and collections.
     */
    static final int MAX_IN_HAND_RECORDS = 2_000;

    private final KafkaClients clients;
    private final Producer<String, byte[]> producer;
    private final Store store;
    private final RouteRules rules;
    private final Supplier<Accounts> accounts;
    private final ConnectorDirectory connectors;
    private final Reassembler reassembler;
    private final InstantSource clock;
    private final Counter routed;
    private final Counter rejected;
    private final Counter expired;
    private final Counter malformed;
    private final Counter moDelivered;
    private final Counter moUnroutable;
    private final Counter batchRetries;
    private final Counter recordRejected;
    private volatile boolean running;
    private volatile boolean crashed;
    private volatile Consumer<String, byte[]> consumer;
    private Thread thread;

    private final ConsumerStop stop;
    private final LagGauge lag;

    /** What stopped the router's consumer thread, if an unexpected error did. */
    Optional<String> stoppedBy() {
        return stop.cause();
    }

    public Router(KafkaClients clients, Producer<String, byte[]> producer, Store store, RouteRules rules,
            Supplier<Accounts> accounts, ConnectorDirectory connectors, Reassembler reassembler, MeterRegistry meters,
            InstantSource clock) {
        this.clients = requireNonNull(clients, "clients");
        this.producer = requireNonNull(producer, "producer");
        this.store = requireNonNull(store, "store");
        this.rules = requireNonNull(rules, "rules");
        this.accounts = requireNonNull(accounts, "accounts");
        this.connectors = requireNonNull(connectors, "connectors");
        this.reassembler = requireNonNull(reassembler, "reassembler");
        this.clock = requireNonNull(clock, "clock");
        this.routed = meters.counter("gateway.routing.message.routed");
        this.rejected = meters.counter("gateway.routing.message.rejected");
        this.expired = meters.counter("gateway.routing.message.expired");
        this.malformed = meters.counter("gateway.routing.message.malformed");
        this.moDelivered = meters.counter("gateway.routing.mo.routed");
        this.moUnroutable = meters.counter("gateway.routing.mo.unroutable");
        this.batchRetries = meters.counter("gateway.routing.batch.retried");
        this.recordRejected = meters.counter("gateway.routing.record.rejected");
        this.stop = new ConsumerStop(meters, "router");
        this.lag = new LagGauge(meters, "gateway.routing.lag", Tags.empty(),
                "records of gw.ingress this node's router has not routed yet (not fetched, or in hand)");
        FunctionCounter.builder("gateway.routing.mo.duplicate", reassembler, Reassembler::lateDuplicates)
                .description("MO parts that came again after their message was completed, dropped").register(meters);
        FunctionCounter.builder("gateway.routing.mo.fragment.unreadable", reassembler,
                        Reassembler::unreadableFragments)
                .description("stored MO fragments that could not be decoded, treated as missing").register(meters);
        FunctionCounter.builder("gateway.routing.mo.reference.reused", reassembler, Reassembler::referenceReused)
                .description("MO parts given up unjoined because a new message reused their reference")
                .register(meters);
    }

    /** Joins group {@code gw.router} and starts the polling thread. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        running = true;
        consumer = clients.consumer(Topics.ROUTER_GROUP, "mgw-router", MAX_POLL_RECORDS);
        thread = new Thread(this::run, "mgw-router");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Stops polling, finishes and commits the batch in hand, leaves the group; waits at most {@code timeout}.
     * Idempotent.
     */
    public void drain(Duration timeout) {
        Thread t;
        synchronized (this) {
            t = thread;
            running = false;
        }
        if (t == null) {
            return;
        }
        Consumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            t.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        drain(Duration.ofSeconds(30));
    }

    /**
     * Simulates a crash for tests: stops at once, abandoning the batch in hand without committing it, and closes the
     * consumer without committing (the next member of the group reads the batch again).
     */
    void crash() {
        Thread t;
        synchronized (this) {
            t = thread;
            crashed = true;
            running = false;
        }
        if (t == null) {
            return;
        }
        t.interrupt();
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A poll batch whose store writes and sends are under way. */
    private record Batch(int size, CompletableFuture<Void> done, Map<TopicPartition, Long> first,
            Map<TopicPartition, OffsetAndMetadata> commit, long startedNanos) {}

    /**
     * The batches in hand, oldest first (consumer thread only). Their offsets are committed in this order as they
     * complete; {@link #inHandRecords} counts their records.
     */
    private final ArrayDeque<Batch> inHand = new ArrayDeque<>();
    private int inHandRecords;
    /**
     * Offsets whose asynchronous commit failed (a rebalance under way, a coordinator moving), tried again with the
     * next commit, even when no new batch completes: otherwise the last batches before traffic stops stay uncommitted
     * and are routed again by the next owner (consumer thread only; the commit callbacks run on it too).
     */
    private final Map<TopicPartition, OffsetAndMetadata> failedCommits = new HashMap<>();
    /** The highest offset the broker confirmed, per partition: a late-failing older commit is not tried again. */
    private final Map<TopicPartition, Long> confirmed = new HashMap<>();

    private void run() {
        Consumer<String, byte[]> c = consumer;
        try {
            c.subscribe(List.of(Topics.INGRESS), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {
                    // finish and commit the batches in hand before the partitions go, so the next owner does not
                    // route them again (also called for partitions lost: that commit fails, the next owner reroutes)
                    settle(c, true);
                    for (TopicPartition tp : partitions) {
                        failedCommits.remove(tp);
                        confirmed.remove(tp);
                    }
                }

                @Override
                public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {}
            });
            // monotonic: a wall clock stepped back must not hold the reassembly's expiry back as long
            long nextExpire = System.nanoTime() + EXPIRE_EVERY.toNanos();
            while (running) {
                ConsumerRecords<String, byte[]> records;
                try {
                    // with batches in hand, come back soon to commit the ones that completed
                    records = c.poll(Duration.ofMillis(inHand.isEmpty() ? 200 : 10));
                } catch (WakeupException | org.apache.kafka.common.errors.InterruptException e) {
                    continue;
                }
                if (System.nanoTime() - nextExpire >= 0) {
                    expireReassembly();
                    // a full batch: more keys wait (the completion markers of a busy MO stream expire as fast as
                    // completions came in): the next batch after the next poll, not EXPIRE_EVERY later
                    nextExpire = System.nanoTime() + (reassembler.moreToExpire() ? 0 : EXPIRE_EVERY.toNanos());
                }
                if (!records.isEmpty()) {
                    Batch b = start(records);
                    inHand.addLast(b);
                    inHandRecords += b.size();
                }
                settle(c, false);
                if (lag.due()) {
                    lag.update(c, inHandRecords);
                }
            }
            if (!crashed) {
                settle(c, true);
            }
        } catch (RuntimeException | Error e) {
            stop.record(e);
            log.error("Router stopped on an unexpected error", e);
        } finally {
            Thread.interrupted();
            try {
                c.close(Duration.ofSeconds(crashed ? 0 : 5));
            } catch (RuntimeException e) {
                log.warn("Closing router consumer: {}", e.toString());
            }
        }
    }

    private Batch start(ConsumerRecords<String, byte[]> records) {
        List<CompletableFuture<Void>> all = new ArrayList<>(records.count());
        Map<TopicPartition, Long> first = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            first.putIfAbsent(tp, r.offset());
            commit.put(tp, new OffsetAndMetadata(r.offset() + 1));
            CompletableFuture<Void> f;
            try {
                f = process(r);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            all.add(f);
        }
        return new Batch(records.count(), CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)), first,
                commit, System.nanoTime());
    }

    /**
     * Commits the batches in hand that completed, oldest first, stopping at the first one still under way; with
     * {@code all} (stop, partitions revoked) waits for each of them instead and commits synchronously. When
     * {@value #MAX_IN_HAND_RECORDS} or more records are in hand, waits for the oldest (back-pressure: the consumer
     * fetches nothing more meanwhile). A batch that failed or was not done within {@link #BATCH_TIMEOUT} is rewound
     * with every later one; the ones before it are still committed.
     */
    private void settle(Consumer<String, byte[]> c, boolean all) {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        while (!inHand.isEmpty()) {
            Batch head = inHand.peekFirst();
            boolean wait = all || inHandRecords >= MAX_IN_HAND_RECORDS
                    || System.nanoTime() - head.startedNanos() >= BATCH_TIMEOUT.toNanos();
            if (!head.done().isDone() && !wait) {
                break;
            }
            if (!await(head)) {
                rewindAll(c);
                break;
            }
            inHand.removeFirst();
            inHandRecords -= head.size();
            commit.putAll(head.commit());
        }
        if (!failedCommits.isEmpty()) {
            // newer offsets of batches just completed win; partitions no longer ours are not committed
            java.util.Set<TopicPartition> owned = c.assignment();
            failedCommits.forEach((tp, o) -> {
                if (owned.contains(tp) && o.offset() > confirmed.getOrDefault(tp, -1L)) {
                    commit.putIfAbsent(tp, o);
                }
            });
            failedCommits.clear();
        }
        if (commit.isEmpty()) {
            return;
        }
        try {
            // confirmed offsets are recorded; a failed asynchronous commit is tried again with the next
            Commits.commit(c, commit, all, Duration.ofSeconds(10), (tp, o) -> confirmed.merge(tp, o, Math::max),
                    e -> {
                        log.debug("Router commit failed, trying again with the next: {}", e.toString());
                        commit.forEach((tp, o) -> failedCommits.merge(tp, o,
                                (x, y) -> x.offset() >= y.offset() ? x : y));
                    });
        } catch (RuntimeException e) {
            log.warn("Router commit failed (the batches may be routed again): {}", e.toString());
        }
    }

    /** Waits for one batch, at most until {@link #BATCH_TIMEOUT} after its start; whether it succeeded. */
    private boolean await(Batch b) {
        long left = BATCH_TIMEOUT.toNanos() - (System.nanoTime() - b.startedNanos());
        try {
            b.done().get(Math.max(0, left), TimeUnit.NANOSECONDS);
            return true;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (!crashed) {
                batchRetries.increment();
                log.warn("Ingress batch of {} failed, reading it again: {}", b.size(), e.toString());
            }
            return false;
        }
    }

    /**
     * Drops every batch in hand and seeks each of their partitions back to the first offset any of them holds (the
     * oldest batch's offset for a partition stands; later batches only add partitions it did not cover), then
     * pauses: they are read again. Partitions moved to another member meanwhile are read again there from the last
     * commit. Their store writes are idempotent and egress suppresses duplicate submits.
     */
    private void rewindAll(Consumer<String, byte[]> c) {
        if (crashed) {
            return;
        }
        Map<TopicPartition, Long> first = new HashMap<>();
        for (Batch b : inHand) {
            b.first().forEach(first::putIfAbsent);
        }
        inHand.clear();
        inHandRecords = 0;
        java.util.Set<TopicPartition> assigned = c.assignment();
        first.forEach((tp, offset) -> {
            if (assigned.contains(tp)) {
                c.seek(tp, offset);
            }
        });
        pause(Duration.ofSeconds(1));
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private CompletableFuture<Void> process(ConsumerRecord<String, byte[]> r) {
        Message m;
        try {
            m = WireFormat.decodeMessage(r.value());
        } catch (RuntimeException e) {
            malformed.increment();
            malformedLog.log("Skipping malformed ingress record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                    e.toString());
            return CompletableFuture.completedFuture(null);
        }
        return m.direction() == Direction.MO ? processMo(m) : processMt(m);
    }

    private MessageEvent event(EventType type, MessageStatus status, String connector, String detail) {
        return new MessageEvent(clock.instant(), type, status, connector, detail);
    }

    /**
     * Routes one MT message. The message is recorded with its ACCEPTED event and the routing decision (ROUTED, or
     * the terminal event) in one store write.
     */
    private CompletableFuture<Void> processMt(Message m) {
        Instant now = clock.instant();
        MessageEvent accepted = event(EventType.ACCEPTED, MessageStatus.ACCEPTED, "", "");
        String dest = m.destination().value();
        String account = m.origin().account();
        if (now.isAfter(m.validUntil())) {
            expired.increment();
            return finish(m, accepted, EventType.EXPIRED, MessageStatus.EXPIRED, "validity ended before routing");
        }
        if (m.destinations().size() > 1) {
            // fan-out (one id per destination) is the accepting adapter's job; never drop the extra ones silently
            rejected.increment();
            return finish(m, accepted, EventType.REJECTED, MessageStatus.REJECTED,
                    m.destinations().size() + " destinations in one message (expected: one; fan out before ingress)");
        }
        Optional<AccountConfig> acct = accounts.get().find(account);
        if (acct.isPresent() && !acct.get().mayReach(dest)) {
            rejected.increment();
            return finish(m, accepted, EventType.REJECTED, MessageStatus.REJECTED,
                    "destination " + dest + " not allowed for account " + account);
        }
        Optional<RouteConfig> rule = rules.match(Direction.MT, dest, account, m.kind());
        if (rule.isEmpty()) {
            rejected.increment();
            return finish(m, accepted, EventType.REJECTED, MessageStatus.REJECTED, "no route for destination " + dest);
        }
        List<String> candidates = rule.get().connectors().stream().filter(connectors::exists).toList();
        if (candidates.isEmpty()) {
            rejected.increment();
            return finish(m, accepted, EventType.REJECTED, MessageStatus.REJECTED,
                    "no configured connector for route " + rule.get().name());
        }
        int chosen = 0;
        for (int i = 0; i < candidates.size(); i++) {
            if (connectors.available(candidates.get(i))) {
                chosen = i;
                break;
            }
        }
        String connector = candidates.get(chosen);
        List<String> failover = new ArrayList<>(candidates.subList(chosen + 1, candidates.size()));
        Message out = m.withAttribute(ATTR_ROUTE, rule.get().name())
                .withAttribute(ATTR_FAILOVER, String.join(",", failover));
        CompletableFuture<Void> sent = Sends.send(producer, Topics.out(connector), dest, WireFormat.encodeMessage(out));
        CompletableFuture<Void> logged = record(m, List.of(accepted,
                event(EventType.ROUTED, MessageStatus.ENROUTE, connector, "route " + rule.get().name())));
        routed.increment();
        return CompletableFuture.allOf(sent, logged);
    }

    /**
     * Records the message with its events; a record the store rejects for its data is given up (logged, counted), not
     * failed: written again, it would fail again and hold every later batch.
     */
    private CompletableFuture<Void> record(Message m, List<MessageEvent> events) {
        return store.recordMessage(m, events).toCompletableFuture().exceptionallyCompose(e -> {
            if (!RejectedWriteException.in(e)) {
                return CompletableFuture.failedFuture(e);
            }
            recordRejected.increment();
            rejectedRecordLog.log("The store rejected the record of {} ({} from {}, account {}) for its data; it goes"
                    + " on without one (its history will lack these events): {}", m.id(), m.direction(),
                    m.source().value(), m.origin().account(), e.toString());
            return CompletableFuture.completedFuture(null);
        });
    }

    /** Records a terminal event after the ACCEPTED one and sends the report if the sender wants it. */
    private CompletableFuture<Void> finish(Message m, MessageEvent accepted, EventType type,
            MessageStatus status, String reason) {
        CompletableFuture<Void> logged = record(m, List.of(accepted, event(type, status, "", reason)));
        if (!m.reportRequest().wants(status) || accounts.get().find(m.origin().account()).isEmpty()) {
            return logged;
        }
        ClientDelivery.Report report = Sends.report(m, status, 0, "routing", reason, clock.instant());
        return CompletableFuture.allOf(logged, Sends.deliver(producer, report, m.id().toString()));
    }

    private CompletableFuture<Void> processMo(Message part) {
        // the fragments are deleted only once the whole message is recorded and handed to gw.deliver: a crash in
        // between redelivers the last part, which joins the same message again (a duplicate, never a loss)
        return reassembler.offerHeld(part).toCompletableFuture().handle((whole, e) -> {
            if (e == null) {
                return whole.map(h -> routeMo(h.message()).thenCompose(v -> h.release()))
                        .orElse(CompletableFuture.<Void>completedFuture(null));
            }
            if (!RejectedWriteException.in(e)) {
                return CompletableFuture.<Void>failedFuture(e);
            }
            // the part cannot be held for its siblings (the store will not take it, however often asked): delivered
            // alone, as a part whose siblings never came is, rather than holding every batch after it
            recordRejected.increment();
            rejectedPartLog.log("The store rejected MO part {} of {} for its data; delivered alone, not joined: {}",
                    part.concat().map(c -> c.sequence() + "/" + c.total()).orElse("?"), part.source().value(),
                    e.toString());
            return routeMo(part);
        }).thenCompose(f -> f);
    }

    private CompletableFuture<Void> routeMo(Message m) {
        MessageEvent accepted = event(EventType.ACCEPTED, MessageStatus.ACCEPTED, "", "");
        String dest = m.destination().value();
        Optional<RouteConfig> rule = rules.match(Direction.MO, dest, m.origin().account(), m.kind());
        Optional<String> to = rule.flatMap(RouteConfig::deliverTo).filter(a -> accounts.get().find(a).isPresent());
        if (to.isEmpty()) {
            moUnroutable.increment();
            String reason = rule.isEmpty() ? "no MO route for destination " + dest
                    : "MO route " + rule.get().name() + " delivers to unknown account";
            return record(m, List.of(accepted, event(EventType.REJECTED, MessageStatus.REJECTED, "", reason)));
        }
        CompletableFuture<Void> sent =
                Sends.deliver(producer, new ClientDelivery.MobileOriginated(to.get(), m), m.source().value());
        CompletableFuture<Void> logged = record(m, List.of(accepted,
                event(EventType.ROUTED, MessageStatus.ENROUTE, "", "deliver to " + to.get())));
        moDelivered.increment();
        return CompletableFuture.allOf(sent, logged);
    }

    /** Parts of MO messages whose siblings never came are delivered as they are, so nothing is lost. */
    private void expireReassembly() {
        try {
            List<Message> parts = reassembler.expire();
            if (parts.isEmpty()) {
                return;
            }
            log.info("MO reassembly timed out: delivering {} parts individually", parts.size());
            List<CompletableFuture<Void>> all = parts.stream().map(this::routeMo).toList();
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                    .get(BATCH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.warn("MO reassembly expiry: {}", e.toString());
        }
    }
}
