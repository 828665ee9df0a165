package io.mgw.routing;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.mgw.core.config.Accounts;
import io.mgw.core.config.ConnectorConfig;
import io.mgw.core.log.LimitedLog;
import io.mgw.core.model.Content;
import io.mgw.core.model.EventType;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.spi.OutboundConnector;
import io.mgw.core.spi.SubmitOutcome;
import io.mgw.core.store.MessageRecord;
import io.mgw.core.store.RejectedWriteException;
import io.mgw.core.store.Store;
import io.mgw.core.store.UnknownSubmission;
import io.mgw.core.wire.WireFormat;
import io.mgw.routing.internal.Backoff;
import io.mgw.routing.internal.Pauses;
import io.mgw.routing.internal.Commits;
import io.mgw.routing.internal.ConsumerStop;
import io.mgw.routing.internal.LagGauge;
import io.mgw.routing.internal.Sends;
import io.mgw.routing.internal.StallGuard;
import io.mgw.routing.kafka.KafkaClients;
import io.mgw.routing.kafka.Topics;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
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
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds one outbound connector from its topic {@code gw.out.<id>} (consumer group {@code gw.out.<id>}),
 * ARCHITECTURE.md §5 and RELIABILITY.md B.4.
 *
 * <pre>
 *  poll ──▶ per partition: pending (offset order) ──▶ start if: partition not blocked, destination idle,
 *                                                      in-flight &lt; maxInFlight
 *  start: submitted before (history)? skip (duplicate) │ withdrawn at the ingress? skip, no report
 *         │ cancelled? skip, DELETED report
 *         │ already final (the sweeper's EXPIRED)? skip │ expired? EXPIRED
 *         │ connector unavailable + failover? republish
 *         else connector.submit ──▶ Accepted      correlations + mark + SUBMITTED (one store write)
 *                                    Throttled     block partition retryAfter, retry the same message first
 *                                    Temporary     failover if unavailable, else block with backoff and retry
 *                                    Permanent     REJECTED (UNDELIVERABLE) + report
 *                                    Unknown       SUBMIT_UNKNOWN, marked submitted, never resubmitted
 *  commit: per partition, the lowest offset not yet finished
 * </pre>
 *
 * <p>Order per destination: at most one message per destination is in flight, and a message that must be retried
 * keeps its destination busy, so no later message for it overtakes. A throttled or failing partition is paused
 * (no fetching, no new starts) until its backoff ends; other partitions go on.
 *
 * <p>Policy for {@link SubmitOutcome.Unknown} (a response timeout): the message is recorded SUBMIT_UNKNOWN, marked
 * submitted and not resubmitted (resubmitting risks a duplicate on the handset); a later receipt or the message's
 * expiry settles it. The unanswered part is also remembered with its handset and text start, so that a receipt for it,
 * which names a remote id we never learned, can still be matched ({@link ReceiptProcessor}). Counted in
 * {@code gateway.egress.unknown}.
 *
 * <p>A store or Kafka write that records an outcome (the submission, a final event, a report) and fails is written
 * again after the retry backoff until it succeeds, the destination kept busy and the offset unfinished: never is the
 * message sent again because its record could not be written. Counted in {@code gateway.egress.write.retried}. A
 * write the store rejects for its data ({@link io.mgw.core.store.RejectedWriteException}) is given up instead, logged
 * at ERROR and counted in {@code gateway.egress.write.invalid}: it would fail every time.
 * While the store refuses writes altogether (a full disk: {@link Store#writesRefused}, confirmed by its health check)
 * no message starts, first or retried ({@link StoreWriteGate}): each one sent then would be sent again by a crash
 * before its record is written. Episodes are counted in {@code gateway.egress.store.held}.
 *
 * <p>Threading: one consumer thread owns all state. Connector and store stages complete on their own threads and
 * only enqueue a task for the consumer thread, so the connector's threads are never blocked by this service.
 */
public final class EgressService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EgressService.class);
    private final LimitedLog malformedLog = LimitedLog.warn(log);
    private final LimitedLog storeCheckFailedLog = LimitedLog.warn(log);
    private final LimitedLog unknownNotRememberedLog = LimitedLog.warn(log);
    private final LimitedLog rejectedWriteLog = LimitedLog.error(log);
    private final LimitedLog writeFailedLog = LimitedLog.warn(log);

    /**
     * Tuning of one egress service.
     *
     * @param maxInFlight     most messages submitted and not yet answered (e.g. the connector's total window)
     * @param maxBuffered     most records fetched and not yet started, over all partitions
     * @param retryBackoff    backoff for temporary failures and an unavailable connector
     * @param unavailableWait how often to re-check an unavailable connector with no failover
     */
    public record Options(int maxInFlight, int maxBuffered, Backoff retryBackoff, Duration unavailableWait) {
        public Options {
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("maxInFlight: " + maxInFlight + " (expected: > 0)");
            }
            if (maxBuffered < 1) {
                throw new IllegalArgumentException("maxBuffered: " + maxBuffered + " (expected: > 0)");
            }
            requireNonNull(retryBackoff, "retryBackoff");
            requireNonNull(unavailableWait, "unavailableWait");
        }

        /** Defaults from the connector's settings: {@code egress.inflight} (default 1000). */
        public static Options of(ConnectorConfig c) {
            int inflight = c.intSetting("egress.inflight", 1000);
            return new Options(inflight, Math.max(2000, inflight * 4),
                    new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30)), Duration.ofSeconds(1));
        }
    }

    private static final class Pending {
        final TopicPartition tp;
        final long offset;
        final Message message;
        final String dest;
        int attempts;

        Pending(TopicPartition tp, long offset, Message message) {
            this.tp = tp;
            this.offset = offset;
            this.message = message;
            this.dest = message.destination().value();
        }
    }

    private static final class PartitionState {
        final LinkedHashMap<Long, Pending> queue = new LinkedHashMap<>();
        final TreeMap<Long, Pending> retries = new TreeMap<>();
        final TreeSet<Long> unfinished = new TreeSet<>();
        /** destination -> offset of the message that holds it. */
        final Map<String, Long> busy = new HashMap<>();
        long nextOffset = -1;
        long committed = -1;
        /** On the monotonic clock (System.nanoTime): a step of the wall clock neither stretches nor skips a block. */
        long blockedUntil = System.nanoTime();
        int inFlight;
    }

    private final ConnectorConfig config;
    private final OutboundConnector connector;
    private final Store store;
    private final KafkaClients clients;
    private final Producer<String, byte[]> producer;
    private final Supplier<Accounts> accounts;
    private final InstantSource clock;
    private final Options options;
    private final String topic;
    private final Map<TopicPartition, PartitionState> parts = new HashMap<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Counter submitted;
    private final Counter retried;
    private final Counter throttled;
    private final Counter failed;
    private final Counter unknown;
    private final Counter expired;
    private final Counter failover;
    private final Counter duplicates;
    private final Counter writeRetried;
    private final Counter writeInvalid;
    private final Counter cancelledSkipped;
    private final Counter withdrawnSkipped;
    private final Counter finalSkipped;
    private final Counter malformed;
    /** Duplicate checks that could not read the store (the message waits and is checked again). */
    private final Counter storeReadFailed;
    /** Submits of unknown outcome not remembered for receipt matching (their receipt, if any, stays unmatched). */
    private final Counter unknownUnremembered;
    private final ConsumerStop stop;
    private final MeterRegistry meters;
    private final List<Gauge> gauges;
    private final LagGauge lag;
    private final StoreWriteGate storeGate;
    /** Records fetched and not yet started (this thread writes it; the gauge reads it). */
    private volatile int buffered;
    // monotonic (System.nanoTime), like the partitions' blocks: a wall clock stepped back must not stop the commits
    private long nextCommit = System.nanoTime();
    private volatile boolean running;
    private volatile boolean stopFetching;
    private volatile Consumer<String, byte[]> consumer;
    private Thread thread;

    /**
     * @param config    the connector's config (id, partitions)
     * @param connector the connector to feed
     * @param store     message state
     * @param clients   Kafka client factory
     * @param producer  the shared producer (failover republish, reports)
     * @param accounts  current accounts (reports go only to configured accounts)
     * @param meters    metrics, tagged {@code connector=<id>}
     * @param clock     time (validity, backoff)
     * @param options   tuning
     */
    public EgressService(ConnectorConfig config, OutboundConnector connector, Store store, KafkaClients clients,
            Producer<String, byte[]> producer, Supplier<Accounts> accounts, MeterRegistry meters, InstantSource clock,
            Options options) {
        this.config = requireNonNull(config, "config");
        this.connector = requireNonNull(connector, "connector");
        this.store = requireNonNull(store, "store");
        this.clients = requireNonNull(clients, "clients");
        this.producer = requireNonNull(producer, "producer");
        this.accounts = requireNonNull(accounts, "accounts");
        this.clock = requireNonNull(clock, "clock");
        this.options = requireNonNull(options, "options");
        this.topic = Topics.out(config.id());
        Tags tags = Tags.of("connector", config.id());
        submitted = meters.counter("gateway.egress.submitted", tags);
        retried = meters.counter("gateway.egress.retried", tags);
        throttled = meters.counter("gateway.egress.throttled", tags);
        failed = meters.counter("gateway.egress.failed", tags);
        unknown = meters.counter("gateway.egress.unknown", tags);
        expired = meters.counter("gateway.egress.expired", tags);
        failover = meters.counter("gateway.egress.failover", tags);
        duplicates = meters.counter("gateway.egress.duplicate.skipped", tags);
        writeRetried = meters.counter("gateway.egress.write.retried", tags);
        writeInvalid = meters.counter("gateway.egress.write.invalid", tags);
        cancelledSkipped = meters.counter("gateway.egress.cancelled.skipped", tags);
        withdrawnSkipped = meters.counter("gateway.egress.withdrawn.skipped", tags);
        finalSkipped = meters.counter("gateway.egress.final.skipped", tags);
        malformed = meters.counter("gateway.egress.malformed", tags);
        storeReadFailed = meters.counter("gateway.egress.store.read.failed", tags);
        unknownUnremembered = meters.counter("gateway.egress.unknown.unremembered", tags);
        stop = new ConsumerStop(meters, "egress " + config.id());
        storeGate = new StoreWriteGate(store, "Egress " + config.id(),
                meters.counter("gateway.egress.store.held", tags), Duration.ofSeconds(1));
        // removed when the egress has drained: a connector replaced by a config reload gets a new egress with the
        // same tags, whose gauges must be its own (a registry keeps the first gauge of a name and tags)
        this.meters = meters;
        gauges = List.of(
                Gauge.builder("gateway.egress.inflight", inFlight, AtomicInteger::get).tags(tags).register(meters),
                Gauge.builder("gateway.egress.waiting", this, e -> e.buffered).tags(tags).register(meters));
        lag = new LagGauge(meters, "gateway.egress.lag", tags,
                "records of gw.out.<connector> on this node's partitions not sent yet (not fetched, or in hand)");
    }

    /** The connector id. */
    public String connectorId() {
        return config.id();
    }

    /** Messages submitted to the connector and not yet answered. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Joins group {@code gw.out.<id>} and starts the consumer thread. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        running = true;
        consumer = clients.consumer(topic, "mgw-egress-" + config.id(), 500);
        thread = new Thread(this::run, "mgw-egress-" + config.id());
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Stops fetching, waits up to {@code timeout} for submits in flight and their store writes, commits what finished
     * and leaves the group. Messages not finished stay in Kafka for the next owner. Idempotent.
     */
    public void drain(Duration timeout) {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) {
            removeGauges();
            return;
        }
        stopFetching = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (t.isAlive() && System.nanoTime() < deadline && hasOutstandingWork()) {
            sleepQuietly(10);
        }
        running = false;
        Consumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000) + 5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        removeGauges();
    }

    private void removeGauges() {
        gauges.forEach(meters::remove);
        lag.remove();
    }

    /** What stopped this egress's consumer thread, if an unexpected error did. */
    Optional<String> stoppedBy() {
        return stop.cause();
    }

    private volatile int outstanding;

    private boolean hasOutstandingWork() {
        return outstanding > 0;
    }

    /** Drains for up to 30 s. */
    @Override
    public void close() {
        drain(Duration.ofSeconds(30));
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- consumer thread

    private void run() {
        Consumer<String, byte[]> c = consumer;
        try {
            Listener listener = new Listener(c);
            c.subscribe(List.of(topic), listener);
            StallGuard stall = new StallGuard(clients.sessionTimeout());
            while (running) {
                runTasks();
                if (!stall.stillHolds(c)) {
                    // another node may be sending these partitions' messages now: send none of those in hand
                    log.warn("Egress {} stood still past half its session timeout and its group left it out: {} "
                            + "messages in hand dropped, their partitions' owner sends them from the last commit",
                            config.id(), buffered);
                    listener.onPartitionsLost(Set.copyOf(c.assignment()));
                }
                Instant now = clock.instant();
                long tick = System.nanoTime();
                if (storeGate.open(tick)) {
                    unblock(now, tick);
                    startEligible(now, tick);
                }
                applyPause(c);
                maybeCommit(c, tick, false);
                if (lag.due()) {
                    lag.update(c, unfinished());
                }
                outstanding = inFlightCountWithFinishing();
                boolean busy = inFlight.get() > 0 || !tasks.isEmpty() || anyBlocked() || outstanding > 0;
                try {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(busy ? 2 : 100))) {
                        add(r);
                    }
                } catch (WakeupException e) {
                    // drain() asks us to look at the running flag
                }
            }
            runTasks();
            maybeCommit(c, System.nanoTime(), true);
        } catch (RuntimeException | Error e) {
            stop.record(e);
            log.error("Egress {} stopped on an unexpected error", config.id(), e);
        } finally {
            try {
                c.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.warn("Closing egress consumer {}: {}", config.id(), e.toString());
            }
        }
    }

    private int inFlightCountWithFinishing() {
        int n = 0;
        for (PartitionState s : parts.values()) {
            n += s.unfinished.size() - s.queue.size() - s.retries.size();
        }
        return n;
    }

    private boolean anyBlocked() {
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
        Message m;
        try {
            m = WireFormat.decodeMessage(r.value());
        } catch (RuntimeException e) {
            malformed.increment();
            malformedLog.log("Skipping malformed record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                    e.toString());
            return;
        }
        s.unfinished.add(r.offset());
        s.queue.put(r.offset(), new Pending(tp, r.offset(), m));
        buffered++;
    }

    private void unblock(Instant now, long tick) {
        if (stopFetching) {
            return;
        }
        for (PartitionState s : parts.values()) {
            while (!s.retries.isEmpty() && !before(tick, s.blockedUntil) && inFlight.get() < options.maxInFlight()) {
                Pending p = s.retries.pollFirstEntry().getValue();
                attempt(s, p, now);
            }
        }
    }

    private void startEligible(Instant now, long tick) {
        if (stopFetching) {
            return;
        }
        for (PartitionState s : parts.values()) {
            if (!s.retries.isEmpty() || before(tick, s.blockedUntil)) {
                continue;
            }
            Iterator<Pending> it = s.queue.values().iterator();
            int scanned = 0;
            while (it.hasNext() && inFlight.get() < options.maxInFlight() && scanned++ < 2000) {
                Pending p = it.next();
                if (s.busy.containsKey(p.dest)) {
                    continue;
                }
                it.remove();
                buffered--;
                s.busy.put(p.dest, p.offset);
                attempt(s, p, now);
                if (!s.retries.isEmpty()) {
                    break;
                }
            }
        }
    }

    /**
     * One try of a message whose destination is marked busy in {@code s}. The store record is read first, also for
     * a message past its validity: one that waited here longer than its validity and the sweeper's grace (a connector
     * down for long) was already settled EXPIRED, and its sender told, by the {@link ExpirySweeper}.
     */
    private void attempt(PartitionState s, Pending p, Instant now) {
        Message m = p.message;
        Optional<MessageRecord> rec;
        boolean submittedBefore;
        try {
            rec = store.find(m.id());
            // the message is usually recorded by now (the router writes it as it publishes here); if not, ask for
            // the mark itself, which the store keeps even for an unrecorded message
            submittedBefore = rec.isPresent() ? wasSubmitted(rec.get()) : store.isSubmitted(m.id(), config.id(), 1);
        } catch (RuntimeException e) {
            // store unreadable: wait and try again rather than stop the egress or send a duplicate or cancelled one
            storeReadFailed.increment();
            storeCheckFailedLog.log("Egress {}: store check for {} failed, retrying: {}", config.id(), m.id(),
                    e.toString());
            p.attempts++;
            block(s, p, options.retryBackoff().delay(p.attempts));
            return;
        }
        if (submittedBefore) {
            duplicates.increment();
            log.debug("Skipping {}: already submitted to {}", m.id(), config.id());
            release(s, p);
            finish(p);
            return;
        }
        if (rec.isPresent() && isWithdrawn(rec.get())) {
            // refused to its sender on an ingress timeout, and in Kafka all the same: the sender sends it again
            withdrawnSkipped.increment();
            log.debug("Skipping {}: withdrawn at the ingress", m.id());
            release(s, p);
            finish(p);
            return;
        }
        if (rec.isPresent() && isCancelled(rec.get())) {
            cancelled(s, p);
            return;
        }
        if (rec.isPresent() && rec.get().status().isFinal()) {
            // final already (the sweeper's EXPIRED): its sender had the report, a second one would contradict it
            finalSkipped.increment();
            log.debug("Skipping {}: already {} before submit to {}", m.id(), rec.get().status(), config.id());
            release(s, p);
            finish(p);
            return;
        }
        if (now.isAfter(m.validUntil())) {
            expired.increment();
            terminal(s, p, EventType.EXPIRED, MessageStatus.EXPIRED, 0, "validity ended before submit");
            return;
        }
        if (!connector.isAvailable()) {
            if (!failoverList(m).isEmpty()) {
                divert(s, p);
            } else {
                block(s, p, options.unavailableWait());
            }
            return;
        }
        inFlight.incrementAndGet();
        s.inFlight++;
        CompletionStage<SubmitOutcome> stage;
        try {
            stage = connector.submit(m);
        } catch (RuntimeException e) {
            stage = CompletableFuture.completedFuture(new SubmitOutcome.TemporaryFailure(-1, e.toString()));
        }
        stage.whenComplete((outcome, error) -> {
            SubmitOutcome o = error != null ? new SubmitOutcome.TemporaryFailure(-1, error.toString()) : outcome;
            tasks.add(() -> onOutcome(p, o));
        });
    }

    /** Whether the ingress withdrew the message ({@link IngressWithdrawal}): no submit, and no report to anyone. */
    private static boolean isWithdrawn(MessageRecord r) {
        return r.history().stream().anyMatch(e -> e.type() == EventType.CANCELLED
                && IngressWithdrawal.DETAIL.equals(e.detail()));
    }

    /**
     * Whether the client cancelled the message (cancel_sm, SMPP 3.4 §4.9) before it was submitted; a message the
     * store does not know yet cannot have been cancelled.
     */
    private static boolean isCancelled(MessageRecord r) {
        return r.status() == MessageStatus.DELETED
                || r.history().stream().anyMatch(e -> e.type() == EventType.CANCELLED);
    }

    /**
     * Whether this connector already took the message (a redelivery after a crash or rebalance): its SUBMITTED or
     * SUBMIT_UNKNOWN event, written by {@link Store#recordSubmission} together with the mark, is in the history.
     */
    private boolean wasSubmitted(MessageRecord r) {
        return r.history().stream().anyMatch(e -> (e.type() == EventType.SUBMITTED
                || e.type() == EventType.SUBMIT_UNKNOWN) && e.connector().equals(config.id()));
    }

    /** Skips a cancelled message: no submit, no new event (CANCELLED is recorded), a DELETED report if wanted. */
    private void cancelled(PartitionState s, Pending p) {
        cancelledSkipped.increment();
        log.debug("Skipping {}: cancelled before submit to {}", p.message.id(), config.id());
        release(s, p);
        Message m = p.message;
        if (m.reportRequest().wants(MessageStatus.DELETED) && accounts.get().find(m.origin().account()).isPresent()) {
            var report = Sends.report(m, MessageStatus.DELETED, 0, "", "cancelled", clock.instant());
            afterStore(p, () -> Sends.deliver(producer, report, m.id().toString()));
        } else {
            finish(p);
        }
    }

    private void onOutcome(Pending p, SubmitOutcome outcome) {
        inFlight.decrementAndGet();
        PartitionState s = parts.get(p.tp);
        if (s == null) {
            // the partition was revoked meanwhile; record what the peer said, the new owner skips it if accepted
            recordOutcomeOnly(p, outcome);
            return;
        }
        s.inFlight--;
        Instant now = clock.instant();
        switch (outcome) {
            case SubmitOutcome.Accepted a -> {
                submitted.increment();
                // the destination stays busy until the submitted-mark is durable, so a redelivered copy queued
                // behind this message sees the mark and is skipped
                afterStore(p, () -> accepted(p.message, a.remoteIds()));
            }
            case SubmitOutcome.Throttled t -> {
                throttled.increment();
                Duration wait = t.retryAfter().isNegative() || t.retryAfter().isZero()
                        ? Duration.ofMillis(10) : t.retryAfter();
                block(s, p, wait);
            }
            case SubmitOutcome.TemporaryFailure f -> {
                retried.increment();
                p.attempts++;
                if (!connector.isAvailable() && !failoverList(p.message).isEmpty()) {
                    divert(s, p);
                    return;
                }
                store.appendEvent(p.message.id(), event(EventType.RETRY, MessageStatus.ENROUTE,
                        "attempt " + p.attempts + ": " + f.code() + " " + f.reason()));
                block(s, p, options.retryBackoff().delay(p.attempts));
            }
            case SubmitOutcome.PermanentFailure f -> {
                failed.increment();
                terminal(s, p, EventType.REJECTED, MessageStatus.UNDELIVERABLE, f.code(), f.reason());
            }
            case SubmitOutcome.Unknown u -> {
                unknown.increment();
                afterStore(p, () -> unknownOutcome(p.message, u));
            }
        }
    }

    private void recordOutcomeOnly(Pending p, SubmitOutcome outcome) {
        if (outcome instanceof SubmitOutcome.Accepted a) {
            submitted.increment();
            accepted(p.message, a.remoteIds());
        } else if (outcome instanceof SubmitOutcome.Unknown u) {
            unknown.increment();
            unknownOutcome(p.message, u);
        }
    }

    /** Correlations, the submitted mark and the SUBMITTED event: one store write. */
    private CompletableFuture<Void> accepted(Message m, List<String> remoteIds) {
        return store.recordSubmission(m.id(), config.id(), remoteIds, remoteIds.size(),
                event(EventType.SUBMITTED, MessageStatus.ENROUTE, "remote ids: " + String.join(",", remoteIds)))
                .toCompletableFuture();
    }

    private CompletableFuture<Void> unknownOutcome(Message m, SubmitOutcome.Unknown u) {
        List<String> ids = u.acceptedRemoteIds();
        int n = Math.max(ids.size(), Math.max(1, segments(m)));
        // the parts go out in order and the first unanswered one ends the submit: that one is unknown, the rest unsent
        int part = Math.min(ids.size() + 1, n);
        MessageEvent event = event(EventType.SUBMIT_UNKNOWN, MessageStatus.UNKNOWN,
                u.reason() + (ids.isEmpty() ? "" : "; remote ids: " + String.join(",", ids)));
        return remember(m, part, n).thenCompose(v -> store.recordSubmission(m.id(), config.id(), ids, n, event))
                .toCompletableFuture();
    }

    /**
     * Remembers the unanswered part so that its receipt, which names a remote id we never learned, can still find the
     * message ({@link ReceiptProcessor}); written on a virtual thread of its own (the store writes it outside its
     * queue). Best effort: if the store cannot take it now, the outcome is still recorded and only that match is lost.
     */
    private CompletableFuture<Void> remember(Message m, int part, int parts) {
        String handset = m.destinations().isEmpty() ? ""
                : UnknownSubmission.handsetKey(m.destinations().getFirst().value());
        if (handset.isEmpty() || ReceiptProcessor.matchUnansweredAfter(config).isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        String excerpt = part == 1 && m.content() instanceof Content.Text t ? t.text() : "";
        UnknownSubmission u = new UnknownSubmission(m.id(), config.id(), part, parts, handset, excerpt,
                clock.instant());
        return CompletableFuture.runAsync(() -> store.rememberUnknownSubmission(u),
                        task -> Thread.ofVirtual().name("mgw-unknown-" + config.id()).start(task))
                .exceptionally(e -> {
                    unknownUnremembered.increment();
                    unknownNotRememberedLog.log("egress {}: unknown outcome of {} not remembered for receipt"
                            + " matching: {}", config.id(), m.id(), e.toString());
                    return null;
                });
    }

    private int segments(Message m) {
        try {
            return connector.segmentsFor(m);
        } catch (RuntimeException e) {
            return 1;
        }
    }

    /**
     * Puts the message back as the first to retry in its partition, and blocks the partition for {@code wait}, no
     * longer than until the message's validity ends. The block runs on the monotonic clock: a wall clock stepped back
     * an hour (NTP, a resumed VM) would otherwise hold the partition an hour longer.
     */
    private void block(PartitionState s, Pending p, Duration wait) {
        Duration left = Duration.between(clock.instant(), p.message.validUntil()).plusMillis(1);
        if (wait.compareTo(left) > 0) {
            wait = left.isNegative() ? Duration.ZERO : left;
        }
        s.retries.put(p.offset, p);
        long until = System.nanoTime() + wait.toNanos();
        if (until - s.blockedUntil > 0) {
            s.blockedUntil = until;
        }
    }

    /** Whether monotonic time {@code tick} is before {@code deadline} (both System.nanoTime values). */
    private static boolean before(long tick, long deadline) {
        return tick - deadline < 0;
    }

    /** Republishes to the next connector of the route (event ROUTED); done once that send is acknowledged. */
    private void divert(PartitionState s, Pending p) {
        List<String> rest = failoverList(p.message);
        String next = rest.get(0);
        Message out = p.message.withAttribute(Router.ATTR_FAILOVER, String.join(",", rest.subList(1, rest.size())));
        failover.increment();
        release(s, p);
        byte[] encoded = WireFormat.encodeMessage(out);
        afterStore(p, () -> Sends.send(producer, Topics.out(next), p.dest, encoded)
                .thenCompose(v -> store.appendEvent(p.message.id(), new MessageEvent(clock.instant(),
                        EventType.ROUTED, MessageStatus.ENROUTE, next, "failover from " + config.id()))));
    }

    private static List<String> failoverList(Message m) {
        String v = m.attribute(Router.ATTR_FAILOVER).orElse("");
        return v.isBlank() ? List.of() : Arrays.stream(v.split(",")).map(String::strip).filter(x -> !x.isEmpty())
                .toList();
    }

    /** A final outcome decided here: event, report if wanted, then the offset is finished. */
    private void terminal(PartitionState s, Pending p, EventType type, MessageStatus status, int code, String reason) {
        release(s, p);
        Message m = p.message;
        MessageEvent event = new MessageEvent(clock.instant(), type, status, config.id(),
                (code != 0 ? "error " + code + ": " : "") + reason);
        boolean reported = m.reportRequest().wants(status) && accounts.get().find(m.origin().account()).isPresent();
        var report = reported ? Sends.report(m, status, code, "smsc:" + config.id(), reason, clock.instant()) : null;
        afterStore(p, () -> {
            CompletableFuture<Void> w = store.appendEvent(m.id(), event).toCompletableFuture();
            return report == null ? w : CompletableFuture.allOf(w, Sends.deliver(producer, report, m.id().toString()));
        });
    }

    private void release(PartitionState s, Pending p) {
        s.busy.remove(p.dest, p.offset);
    }

    /**
     * Finishes the offset and frees the destination once the writes {@code write} starts complete. If they fail, the
     * same writes are started again after the retry backoff, until they succeed (or the egress stops), the
     * destination staying busy meanwhile. The message itself is not tried again: what failed is the record of an
     * outcome already decided, and for a submit the peer took, sending it again because its submitted mark could
     * not be written would put it on the handset twice (StoreDiskFullIT: a full store disk did that).
     */
    private void afterStore(Pending p, Supplier<CompletionStage<?>> write) {
        CompletionStage<?> writes;
        try {
            writes = write.get();
        } catch (RuntimeException e) {
            writes = CompletableFuture.failedFuture(e);
        }
        writes.whenComplete((v, e) -> tasks.add(() -> {
            if (e == null) {
                PartitionState s = parts.get(p.tp);
                if (s != null) {
                    release(s, p);
                }
                finish(p);
                return;
            }
            if (RejectedWriteException.in(e)) {
                // the database will not take it, however often asked: written again, it held this destination and
                // the partition's commit for good
                writeInvalid.increment();
                rejectedWriteLog.log("Egress {}: the store rejected the record of {}'s outcome for its data; given up"
                        + " (a crash before this message's offset is committed may send it again): {}", config.id(),
                        p.message.id(), e.toString());
                PartitionState s = parts.get(p.tp);
                if (s != null) {
                    release(s, p);
                }
                finish(p);
                return;
            }
            writeRetried.increment();
            p.attempts++;
            Duration wait = options.retryBackoff().delay(p.attempts);
            writeFailedLog.log("Egress {}: store or Kafka write for {} failed, writing it again in {} ms: {}",
                    config.id(), p.message.id(), wait.toMillis(), e.toString());
            if (!running) {
                return;
            }
            CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS)
                    .execute(() -> tasks.add(() -> afterStore(p, write)));
        }));
    }

    private void finish(Pending p) {
        PartitionState s = parts.get(p.tp);
        if (s != null) {
            s.unfinished.remove(p.offset);
        }
    }

    private MessageEvent event(EventType type, MessageStatus status, String detail) {
        return new MessageEvent(clock.instant(), type, status, config.id(), detail);
    }

    private void applyPause(Consumer<String, byte[]> c) {
        long tick = System.nanoTime();
        boolean full = stopFetching || buffered >= options.maxBuffered();
        Pauses.apply(c, tp -> {
            PartitionState s = parts.get(tp);
            return full || s != null && (!s.retries.isEmpty() || before(tick, s.blockedUntil));
        });
    }

    private void maybeCommit(Consumer<String, byte[]> c, long tick, boolean sync) {
        if (!sync && before(tick, nextCommit)) {
            return;
        }
        nextCommit = tick + TimeUnit.MILLISECONDS.toNanos(100);
        Map<TopicPartition, OffsetAndMetadata> offsets = commitOffsets(parts.keySet());
        if (offsets.isEmpty()) {
            return;
        }
        try {
            // recorded only once the broker confirmed: a failed async commit is retried on the next loop
            Commits.commit(c, offsets, sync, Duration.ofSeconds(10), this::committed,
                    e -> log.debug("Egress {} commit failed: {}", config.id(), e.toString()));
        } catch (RuntimeException e) {
            log.warn("Egress {} commit failed: {}", config.id(), e.toString());
        }
    }

    private void committed(TopicPartition tp, long offset) {
        PartitionState s = parts.get(tp);
        if (s != null && offset > s.committed) {
            s.committed = offset;
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> commitOffsets(Collection<TopicPartition> tps) {
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

    /** Records fetched and not finished, over the partitions held. */
    private long unfinished() {
        long n = 0;
        for (PartitionState s : parts.values()) {
            n += s.unfinished.size();
        }
        return n;
    }

    private void updateRateShare(Consumer<String, byte[]> c) {
        int assigned = c.assignment().size();
        if (assigned == 0) {
            return;
        }
        int total;
        try {
            total = c.partitionsFor(topic).size();
        } catch (RuntimeException e) {
            total = Math.max(assigned, config.partitions());
        }
        double share = Math.min(1.0, (double) assigned / Math.max(1, total));
        connector.setRateShare(share);
        log.info("Egress {}: {} of {} partitions, rate share {}", config.id(), assigned, total, share);
    }

    /** Runs inside poll on the consumer thread. */
    private final class Listener implements ConsumerRebalanceListener {
        private final Consumer<String, byte[]> c;

        Listener(Consumer<String, byte[]> c) {
            this.c = c;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            if (revoked.isEmpty()) {
                return;
            }
            // let submits in flight on these partitions finish (bounded), so the next owner does not resubmit them
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline && busyOn(revoked)) {
                runTasks();
                sleepQuietly(2);
            }
            runTasks();
            Map<TopicPartition, OffsetAndMetadata> offsets = commitOffsets(revoked);
            try {
                if (!offsets.isEmpty()) {
                    c.commitSync(offsets, Duration.ofSeconds(10));
                }
            } catch (RuntimeException e) {
                log.warn("Egress {} commit on revoke failed: {}", config.id(), e.toString());
            }
            drop(revoked);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            drop(lost);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            for (TopicPartition tp : assigned) {
                parts.put(tp, new PartitionState());
            }
            updateRateShare(c);
        }

        private boolean busyOn(Collection<TopicPartition> tps) {
            for (TopicPartition tp : tps) {
                PartitionState s = parts.get(tp);
                if (s != null && s.unfinished.size() - s.queue.size() - s.retries.size() > 0) {
                    return true;
                }
            }
            return false;
        }

        private void drop(Collection<TopicPartition> tps) {
            for (TopicPartition tp : tps) {
                PartitionState s = parts.remove(tp);
                if (s != null) {
                    buffered -= s.queue.size();
                }
            }
        }
    }
}
