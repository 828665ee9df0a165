package io.mgw.testkit.store;

import static java.util.Objects.requireNonNull;

import io.mgw.core.model.Content;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.spi.TemporaryFailureException;
import io.mgw.core.store.Correlation;
import io.mgw.core.store.Fragment;
import io.mgw.core.store.MessageRecord;
import io.mgw.core.store.ParkedReceipt;
import io.mgw.core.store.PartTally;
import io.mgw.core.store.RejectedWriteException;
import io.mgw.core.store.Store;
import io.mgw.core.store.UnknownSubmission;
import io.mgw.core.store.UnsettledMessage;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A map-based {@link Store} for tests of the modules that use a store (routing, protocol adapters, ops): the same
 * answers as the JDBC store for what those tests exercise, no durability. Thread-safe (one lock). Knobs for failure
 * tests: {@link #hold}, {@link #failUnsettledReads}, {@link #setFailReads}, {@link #setHealthy},
 * {@link #setWritesRefused}.
 */
public final class InMemoryStore implements Store {

    private final InstantSource clock;
    private final Map<MessageId, MessageRecord> messages = new HashMap<>();
    private final Map<MessageId, List<MessageEvent>> orphanEvents = new HashMap<>();
    private final Set<String> submitted = ConcurrentHashMap.newKeySet();
    private final Map<String, Correlation> correlations = new HashMap<>();
    private final Map<MessageId, Map<Integer, MessageStatus>> partOutcomes = new HashMap<>();
    private final TreeMap<Long, ParkedReceipt> parked = new TreeMap<>();
    private final Map<String, TreeMap<Integer, Fragment>> fragments = new HashMap<>();
    private final AtomicLong parkIds = new AtomicLong();
    private final List<UnknownSubmission> unknown = new ArrayList<>();

    private volatile boolean healthy = true;
    private volatile boolean writesRefused;
    private volatile boolean failReads;

    public InMemoryStore(InstantSource clock) {
        this.clock = clock;
    }

    /** Puts a record as it is (for read-side tests), replacing any with its id. */
    public synchronized void put(MessageRecord record) {
        messages.put(record.id(), record);
    }

    /** What {@link #isHealthy()} answers. */
    public void setHealthy(boolean healthy) {
        this.healthy = healthy;
    }

    /**
     * What {@link #writesRefused()} answers until a health check finds the store healthy ({@link #setHealthy}), which
     * clears it, as the JDBC store's check does when its own write succeeds. Writes are not refused for it: the
     * {@code fail*} knobs do that.
     */
    public void setWritesRefused(boolean refused) {
        this.writesRefused = refused;
    }

    /** Whether {@link #find} fails, as a database that refuses connections. */
    public void setFailReads(boolean failReads) {
        this.failReads = failReads;
    }

    private static <T> CompletionStage<T> done(T v) {
        return CompletableFuture.completedFuture(v);
    }

    /** Messages whose recordMessage never completes (a store write stuck when the node crashes). */
    public volatile java.util.function.Predicate<Message> hold = m -> false;

    @Override
    public CompletionStage<Void> recordMessage(Message m, MessageEvent first) {
        if (rejectRecordsOf.contains(m.id())) {
            return rejected("record");
        }
        if (hold.test(m)) {
            return new CompletableFuture<>();
        }
        return recordNow(m, first);
    }

    /** As the contract says and the JDBC store does: nothing at all is written for a message already recorded. */
    @Override
    public CompletionStage<Void> recordMessage(Message m, List<MessageEvent> events) {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("events: empty (expected: at least the first event)");
        }
        if (rejectRecordsOf.contains(m.id())) {
            return rejected("record");
        }
        synchronized (this) {
            if (messages.containsKey(m.id())) {
                return done(null);
            }
        }
        return Store.super.recordMessage(m, events);
    }

    private synchronized CompletionStage<Void> recordNow(Message m, MessageEvent first) {
        if (messages.containsKey(m.id())) {
            return done(null);
        }
        List<MessageEvent> history = new ArrayList<>();
        history.add(first);
        history.addAll(orphanEvents.getOrDefault(m.id(), List.of()));
        orphanEvents.remove(m.id());
        String preview = m.content() instanceof Content.Text t ? t.text().substring(0, Math.min(20, t.text().length()))
                : "";
        MessageStatus status = first.status();
        for (MessageEvent e : history) {
            status = next(status, e.status());
        }
        messages.put(m.id(), new MessageRecord(m.id(), m.origin().account(), m.origin().protocol(), m.kind().name(),
                m.direction().name(), m.source().value(), m.source().ton(), m.source().npi(), m.destination().value(),
                m.destination().ton(), m.destination().npi(), preview, m.reportRequest().name(), m.receivedAt(),
                m.validUntil(), status, first.at(), 0, history));
        return done(null);
    }

    private static MessageStatus next(MessageStatus current, MessageStatus incoming) {
        return current.isFinal() && !incoming.isFinal() ? current : incoming;
    }

    /** How many of the next {@link #appendEvent} calls fail (a store refusing writes: its queue full, a full disk). */
    public final AtomicInteger failEvents = new AtomicInteger();

    @Override
    public synchronized CompletionStage<Void> appendEvent(MessageId id, MessageEvent event) {
        if (failsNext(failEvents)) {
            return CompletableFuture.failedFuture(new TemporaryFailureException("store: write queue full (test)"));
        }
        if (rejectEventsOf.contains(id) && event.type() == rejectEventType) {
            return rejected("event");
        }
        if (holdEventsOf.contains(id) && event.type() == rejectEventType) {
            CompletableFuture<Void> held = new CompletableFuture<>();
            heldEvents.add(() -> {
                appendEvent(id, event);
                held.complete(null);
            });
            return held;
        }
        MessageRecord r = messages.get(id);
        if (r == null) {
            orphanEvents.computeIfAbsent(id, k -> new ArrayList<>()).add(event);
            return done(null);
        }
        List<MessageEvent> h = new ArrayList<>(r.history());
        h.add(event);
        messages.put(id, new MessageRecord(r.id(), r.account(), r.protocol(), r.kind(), r.direction(), r.source(),
                r.sourceTon(), r.sourceNpi(), r.destination(), r.destTon(), r.destNpi(), r.textPreview(),
                r.reportRequest(), r.receivedAt(), r.validUntil(), next(r.status(), event.status()), event.at(),
                r.errorCode(), h));
        return done(null);
    }

    @Override
    public synchronized Optional<MessageRecord> find(MessageId id) {
        if (failReads) {
            throw new TemporaryFailureException("store: read failed (test): database connection refused");
        }
        return Optional.ofNullable(messages.get(id));
    }

    @Override
    public CompletionStage<Boolean> markSubmitted(MessageId id, String connector, int part) {
        return done(submitted.add(id + "|" + connector + "|" + part));
    }

    @Override
    public boolean isSubmitted(MessageId id, String connector, int part) {
        return submitted.contains(id + "|" + connector + "|" + part);
    }

    @Override
    public synchronized CompletionStage<Void> putCorrelation(String connector, String remoteId, MessageId id, int part,
            int parts) {
        correlations.put(connector + "|" + remoteId, new Correlation(connector, remoteId, id, part, parts,
                clock.instant()));
        return done(null);
    }

    @Override
    public synchronized Optional<Correlation> findCorrelation(String connector, String remoteId) {
        return Optional.ofNullable(correlations.get(connector + "|" + remoteId));
    }

    @Override
    public synchronized CompletionStage<PartTally> recordPartOutcome(MessageId id, int part, int parts,
            MessageStatus status) {
        Map<Integer, MessageStatus> m = partOutcomes.computeIfAbsent(id, k -> new HashMap<>());
        m.putIfAbsent(part, status);
        int delivered = 0;
        int failed = 0;
        MessageStatus worst = MessageStatus.DELIVERED;
        for (MessageStatus s : m.values()) {
            if (s == MessageStatus.DELIVERED) {
                delivered++;
            } else {
                failed++;
                worst = s;
            }
        }
        return done(new PartTally(parts, delivered, failed, worst));
    }

    @Override
    public synchronized CompletionStage<Void> parkReceipt(ParkedReceipt r) {
        long id = parkIds.incrementAndGet();
        parked.put(id, new ParkedReceipt(id, r.connector(), r.remoteId(), r.payload(), r.parkedAt()));
        return done(null);
    }

    @Override
    public synchronized List<ParkedReceipt> parkedReceipts(String connector, int limit) {
        throwNextReadError();
        // oldest first, as the JDBC store: by park time, then park id
        return parked.values().stream().filter(p -> p.connector().equals(connector))
                .sorted(Comparator.comparing(ParkedReceipt::parkedAt).thenComparing(ParkedReceipt::parkId))
                .limit(limit).toList();
    }

    @Override
    public synchronized List<ParkedReceipt> parkedReceiptsBefore(Instant before, int limit) {
        return parked.values().stream().filter(p -> p.parkedAt().isBefore(before))
                .sorted(Comparator.comparing(ParkedReceipt::parkedAt)).limit(limit).toList();
    }

    @Override
    public synchronized CompletionStage<Void> deleteParkedReceipt(long parkId) {
        parked.remove(parkId);
        return done(null);
    }

    public synchronized int parkedCount() {
        return parked.size();
    }

    @Override
    public synchronized void rememberUnknownSubmission(UnknownSubmission u) {
        requireNonNull(u, "u");
        if (unknown.stream().noneMatch(x -> sameKey(x, u))) {
            unknown.add(u);
        }
    }

    @Override
    public synchronized List<UnknownSubmission> unknownSubmissions(String connector, String handset, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
        }
        return unknown.stream().filter(u -> u.connector().equals(connector) && u.handset().equals(handset))
                .sorted(Comparator.comparing(UnknownSubmission::submittedAt)).limit(limit).toList();
    }

    @Override
    public synchronized void forgetUnknownSubmission(UnknownSubmission u) {
        unknown.removeIf(x -> sameKey(x, u));
    }

    private static boolean sameKey(UnknownSubmission a, UnknownSubmission b) {
        return a.connector().equals(b.connector()) && a.handset().equals(b.handset()) && a.id().equals(b.id())
                && a.part() == b.part();
    }

    @Override
    public synchronized CompletionStage<Void> saveFragment(Fragment f) {
        if (rejectFragments) {
            return rejected("fragment");
        }
        fragments.computeIfAbsent(f.key(), k -> new TreeMap<>()).putIfAbsent(f.sequence(), f);
        return done(null);
    }

    @Override
    public synchronized List<Fragment> fragments(String key) {
        return List.copyOf(fragments.getOrDefault(key, new TreeMap<>()).values());
    }

    @Override
    public synchronized CompletionStage<Void> deleteFragments(String key) {
        fragments.remove(key);
        return done(null);
    }

    @Override
    public synchronized List<String> expiredFragmentKeys(Instant now, int limit) {
        return fragments.entrySet().stream()
                .filter(e -> e.getValue().values().stream().anyMatch(f -> f.expiresAt().isBefore(now)))
                .map(Map.Entry::getKey).limit(limit).toList();
    }

    /** Whether a call should fail, taking one off {@code failures} (the calls still to fail) if so. */
    /**
     * When set, thrown once by the next of {@link #unsettledExpired}, {@link #mark} and {@link #parkedReceipts} (the
     * first reads of the expiry sweep, the purge and the parked-receipt retry), then cleared: a Java Error, as a
     * library or plugin may throw, which the node's periodic tasks must survive.
     */
    public final AtomicReference<Error> nextReadError = new AtomicReference<>();

    private void throwNextReadError() {
        Error e = nextReadError.getAndSet(null);
        if (e != null) {
            throw e;
        }
    }

    private static boolean failsNext(AtomicInteger failures) {
        return failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    /**
     * Messages whose records ({@link #recordMessage}) the store rejects for their data, every time, as PostgreSQL did
     * a text holding U+0000 ({@link RejectedWriteException}).
     */
    public final Set<MessageId> rejectRecordsOf = ConcurrentHashMap.newKeySet();

    /** Messages whose {@link #appendEvent} of type {@link #rejectEventType} the store rejects, every time. */
    public final Set<MessageId> rejectEventsOf = ConcurrentHashMap.newKeySet();

    /**
     * Messages whose {@link #appendEvent} of type {@link #rejectEventType} does not complete (a write stuck) until
     * {@link #releaseHeldEvents}.
     */
    public final Set<MessageId> holdEventsOf = ConcurrentHashMap.newKeySet();

    private final List<Runnable> heldEvents = new CopyOnWriteArrayList<>();

    /** Writes the events held by {@link #holdEventsOf} (holding no more) and completes their writes. */
    public void releaseHeldEvents() {
        holdEventsOf.clear();
        for (Runnable r : heldEvents) {
            heldEvents.remove(r);
            r.run();
        }
    }

    /** The event type {@link #rejectEventsOf} and {@link #holdEventsOf} apply to. */
    public volatile io.mgw.core.model.EventType rejectEventType = io.mgw.core.model.EventType.REPORT;

    /** Whether the store rejects every {@link #saveFragment} for its data. */
    public volatile boolean rejectFragments;

    /** Messages whose {@link #recordSubmission} the store rejects for their data, every time. */
    public final Set<MessageId> rejectSubmissionsOf = ConcurrentHashMap.newKeySet();

    private static <T> CompletionStage<T> rejected(String what) {
        return CompletableFuture.failedFuture(new RejectedWriteException("store: write rejected (test): " + what,
                new IllegalArgumentException("invalid byte sequence (test)")));
    }

    /** How many of the next {@link #recordSubmission} calls fail (a store write failure, e.g. a full disk). */
    public final AtomicInteger failSubmissionRecords = new AtomicInteger();

    @Override
    public CompletionStage<Void> recordSubmission(MessageId id, String connector, List<String> remoteIds, int parts,
            MessageEvent event) {
        if (failsNext(failSubmissionRecords)) {
            return CompletableFuture.failedFuture(new TemporaryFailureException("store: write failed (test)"));
        }
        if (rejectSubmissionsOf.contains(id)) {
            return rejected("submission");
        }
        return Store.super.recordSubmission(id, connector, remoteIds, parts, event);
    }

    /** The {@code validFrom} of every {@link #unsettledExpired} call, in order. */
    public final List<Instant> unsettledFrom = new CopyOnWriteArrayList<>();

    /** How many of the next {@link #unsettledExpired} calls fail (a store read failure). */
    public final AtomicInteger failUnsettledReads = new AtomicInteger();

    @Override
    public synchronized List<UnsettledMessage> unsettledExpired(Instant validFrom, Instant validBefore, int limit) {
        unsettledFrom.add(validFrom);
        throwNextReadError();
        if (failsNext(failUnsettledReads)) {
            throw new TemporaryFailureException("store: read failed (test)");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
        }
        return messages.values().stream()
                .filter(r -> "MT".equals(r.direction()))
                .filter(r -> !r.validUntil().isBefore(validFrom) && r.validUntil().isBefore(validBefore))
                .filter(r -> r.history().stream().noneMatch(e -> e.status().isFinal()))
                .sorted(Comparator.comparing(MessageRecord::validUntil).thenComparing(MessageRecord::id))
                .limit(limit)
                .map(r -> new UnsettledMessage(r.id(), r.validUntil()))
                .toList();
    }

    /** Runs at the start of each {@link #purgeOlderThan}, outside the store's lock: a test can hold a purge there. */
    public volatile Runnable beforePurge = () -> { };

    @Override
    public long purgeOlderThan(Instant before) {
        beforePurge.run();
        return purgeNow(before);
    }

    private synchronized long purgeNow(Instant before) {
        int n = messages.size();
        messages.values().removeIf(r -> r.receivedAt().isBefore(before));
        int u = unknown.size();
        unknown.removeIf(x -> x.id().timestamp().isBefore(before));
        return n - messages.size() + u - unknown.size();
    }

    private final Map<String, Instant> marks = new HashMap<>();

    /** How many of the next {@link #mark}, {@link #saveMark} and {@link #claimMark} calls fail (a store failure). */
    public final AtomicInteger failMarks = new AtomicInteger();

    @Override
    public synchronized Optional<Instant> mark(String name) {
        throwNextReadError();
        if (failsNext(failMarks)) {
            throw new TemporaryFailureException("store: read failed (test)");
        }
        return Optional.ofNullable(marks.get(requireNonNull(name, "name")));
    }

    @Override
    public synchronized void saveMark(String name, Instant mark) {
        if (failsNext(failMarks)) {
            throw new TemporaryFailureException("store: write failed (test)");
        }
        marks.put(requireNonNull(name, "name"), requireNonNull(mark, "mark"));
    }

    @Override
    public synchronized boolean claimMark(String name, Optional<Instant> expected, Instant mark) {
        if (failsNext(failMarks)) {
            throw new TemporaryFailureException("store: write failed (test)");
        }
        if (!Optional.ofNullable(marks.get(requireNonNull(name, "name"))).equals(expected)) {
            return false;
        }
        marks.put(name, requireNonNull(mark, "mark"));
        return true;
    }

    @Override
    public boolean isHealthy() {
        healthChecks.incrementAndGet();
        boolean h = healthy;
        if (h) {
            writesRefused = false;
        }
        return h;
    }

    /** How many times {@link #isHealthy()} was called. */
    public final AtomicInteger healthChecks = new AtomicInteger();

    @Override
    public boolean writesRefused() {
        return writesRefused;
    }

    @Override
    public void close() {}
}
