package io.mgw.routing;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mgw.core.config.Accounts;
import io.mgw.core.model.DeliveryReport;
import io.mgw.core.model.EventType;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.model.ReportRequest;
import io.mgw.core.store.MessageRecord;
import io.mgw.core.store.Store;
import io.mgw.core.store.UnsettledMessage;
import io.mgw.routing.internal.Sends;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles MT messages that never got a final receipt, and purges old message state (ARCHITECTURE.md §7).
 *
 * <p><b>Expiry.</b> Every {@code interval} the sweeper asks the store for messages whose validity ended more than
 * {@code grace} ago and that have no final status ({@link Store#unsettledExpired}): submitted (ENROUTE) or of unknown
 * outcome (a submit_sm_resp timeout) with no final receipt, or still waiting to be submitted. For each, if its sender
 * asked for the report ({@link ReportRequest#wants}) and its account is still configured, a
 * {@code ClientDelivery.Report} with status EXPIRED is published to {@code gw.deliver.<account>}; only after Kafka
 * acknowledged it is the EXPIRED event written (the same order as {@link ReceiptProcessor}: the event is what keeps
 * the message from being swept again, so writing it first would let a crash lose the report; a crash in between
 * sends the report twice instead).
 *
 * <p><b>Several nodes.</b> A node sweeps the messages whose id it made (same site and node) once {@code grace} has
 * passed, and every message once {@code grace + takeover} has passed, so the messages of a node that never comes back
 * are settled too. Two nodes racing on one message both write EXPIRED (the status stays EXPIRED); the sweeper that
 * sees a second final event after its own write counts it in {@code gateway.sweeper.raced}.
 *
 * <p><b>Watermarks.</b> Each scan (own messages, and all messages after takeover) keeps the validity end up to which
 * it has settled everything, and starts the next sweep there, so a sweep does not rescan from the beginning. The
 * watermarks are saved in the store after each sweep that moved them ({@link Store#saveMark}, names
 * {@code sweeper.own.<site>.<node>} and {@code sweeper.any.<site>.<node>}) and read back by the first sweep after a
 * start, so a restarted node goes on where it stopped instead of reading every kept message once more. If they
 * cannot be read, the sweep is skipped (counted as an error) and the next one tries again: starting from the
 * beginning instead would be the long scan the saved marks avoid. A mark that cannot be saved is kept in memory and
 * saved by the next sweep. A message recorded only after the own watermark passed its validity end (a long Kafka
 * backlog) is left to the takeover scan.
 *
 * <p><b>Bounded sweeps.</b> A scan reads {@code page} messages at a time and at most {@code maxPages} pages per
 * sweep, and holds only the current page and the ids sharing the current validity end. A scan that stops at
 * {@code maxPages} (the first sweeps after a restart with a large backlog) keeps its watermark where it stopped and
 * the next sweep follows one second later instead of one {@code interval} later, until the backlog is read.
 *
 * <p><b>Live changes.</b> {@link #retime} changes interval, grace and takeover of a running sweeper (the node's
 * config reload); they apply from the next sweep.
 *
 * <p><b>Purge.</b> Every {@code purgeEvery} (the first time {@code min(1 min, purgeEvery)} after start), message
 * state older than {@code retention} is deleted ({@link Store#purgeOlderThan}); the rows removed are counted in
 * {@code gateway.store.purged}. The purge has a thread of its own: an hour of traffic is millions of rows, and the
 * store deletes them in paced slices (minutes on H2), which must not hold up the sweeps. Nodes sharing a store take
 * turns: one purge per period in the cluster, by the first node whose timer comes (see {@link #purge}).
 *
 * <p>Failures: a store or Kafka failure is logged and counted in {@code gateway.sweeper.errors}; the sweep stops
 * there and the next one starts again at the first message not settled. Nothing kills the sweeper's threads.
 *
 * <p>Threading: two daemon threads of its own, one for the sweeps and one for the purge; store reads and writes and
 * Kafka acks are waited for on them.
 */
public final class ExpirySweeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ExpirySweeper.class);

    /** The detail of the EXPIRED events the sweeper writes. */
    static final String DETAIL = "no final receipt before validity end";

    /** Any site or node: with {@link Options#withOwner} not called, every message counts as this node's own. */
    public static final int ANY = -1;

    private static final long WAIT_SECONDS = 30;

    /** The progress mark of the purge: when the last one started, on whichever node. */
    static final String PURGE_MARK = "purge";

    /** Delay of the follow-up sweep after a scan stopped at {@link Options#maxPages}. */
    private static final long FOLLOW_UP_MILLIS = 1_000;

    /**
     * Tuning with defaults ({@link #defaults()}).
     *
     * @param interval   period of the expiry sweep (default 60 s)
     * @param grace      wait after a message's validity end before it is swept, for receipts still on their way
     *                   (default 10 min)
     * @param takeover   further wait before any node sweeps messages made by another node (default 1 h)
     * @param page       most messages read from the store at a time (default 500)
     * @param maxPages   most pages each scan reads in one sweep before it leaves the rest to a follow-up sweep
     *                   (default 20; at least 2, so a page of other nodes' messages sharing one validity end is
     *                   stepped past)
     * @param purgeEvery period of the purge (default 1 h)
     * @param retention  age after which message state is purged (default 7 days)
     * @param site       the site whose messages are this node's own, or {@link #ANY}
     * @param node       the node whose messages are this node's own, or {@link #ANY}
     */
    public record Options(Duration interval, Duration grace, Duration takeover, int page, int maxPages,
            Duration purgeEvery, Duration retention, int site, int node) {

        public Options {
            positive(interval, "interval");
            requireNonNull(grace, "grace");
            if (grace.isNegative()) {
                throw new IllegalArgumentException("grace: " + grace + " (expected: >= 0)");
            }
            requireNonNull(takeover, "takeover");
            if (takeover.isNegative()) {
                throw new IllegalArgumentException("takeover: " + takeover + " (expected: >= 0)");
            }
            if (page < 1) {
                throw new IllegalArgumentException("page: " + page + " (expected: > 0)");
            }
            if (maxPages < 2) {
                throw new IllegalArgumentException("maxPages: " + maxPages + " (expected: >= 2)");
            }
            positive(purgeEvery, "purgeEvery");
            positive(retention, "retention");
        }

        private static void positive(Duration d, String name) {
            requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
            }
        }

        /**
         * 60 s sweeps, 10 min grace, 1 h takeover, pages of 500 and at most 20 per scan and sweep, hourly purge of
         * state older than 7 days.
         */
        public static Options defaults() {
            return new Options(Duration.ofSeconds(60), Duration.ofMinutes(10), Duration.ofHours(1), 500, 20,
                    Duration.ofHours(1), Duration.ofDays(7), ANY, ANY);
        }

        /** The same with this node's site and node id (see {@link io.mgw.core.model.MessageId}). */
        public Options withOwner(int site, int node) {
            return new Options(interval, grace, takeover, page, maxPages, purgeEvery, retention, site, node);
        }

        /** The same with another retention. */
        public Options withRetention(Duration retention) {
            return new Options(interval, grace, takeover, page, maxPages, purgeEvery, retention, site, node);
        }

        /** The same with another sweep interval, grace and takeover delay. */
        public Options withTiming(Duration interval, Duration grace, Duration takeover) {
            return new Options(interval, grace, takeover, page, maxPages, purgeEvery, retention, site, node);
        }
    }

    private final Store store;
    private final Producer<String, byte[]> producer;
    private final Supplier<Accounts> accounts;
    private final InstantSource clock;
    /** Replaced whole by {@link #retime}; read once per sweep. */
    private volatile Options options;
    private final Counter expired;
    private final Counter errors;
    private final Counter raced;
    private final Counter reported;
    private final Counter purged;
    private ScheduledExecutorService timer;
    /** Validity end up to which own messages are settled; sweeps only (one at a time: {@link #sweepAndReschedule}). */
    private final Watermark own = new Watermark("own");
    /** Validity end up to which all messages are settled. */
    private final Watermark any = new Watermark("any");
    /** Whether the watermarks were read from the store (by the first sweep that could); sweeps only. */
    private boolean marksLoaded;
    /** Whether a scan of the current sweep stopped at {@link Options#maxPages}; sweeps only. */
    private boolean cut;

    /**
     * Nothing runs until {@link #start()}.
     *
     * @param store    message state
     * @param producer the shared producer (reports)
     * @param accounts current accounts (reports only to configured accounts)
     * @param meters   metrics gateway.sweeper.{expired,errors,raced,reported} and gateway.store.purged
     * @param clock    time
     * @param options  tuning
     */
    public ExpirySweeper(Store store, Producer<String, byte[]> producer, Supplier<Accounts> accounts,
            MeterRegistry meters, InstantSource clock, Options options) {
        this.store = requireNonNull(store, "store");
        this.producer = requireNonNull(producer, "producer");
        this.accounts = requireNonNull(accounts, "accounts");
        this.clock = requireNonNull(clock, "clock");
        this.options = requireNonNull(options, "options");
        this.expired = meters.counter("gateway.sweeper.expired");
        this.errors = meters.counter("gateway.sweeper.errors");
        this.raced = meters.counter("gateway.sweeper.raced");
        this.reported = meters.counter("gateway.sweeper.reported");
        this.purged = meters.counter("gateway.store.purged");
    }

    /**
     * Changes the sweep interval, grace and takeover delay; they apply from the next sweep (the one already scheduled
     * still runs after the old interval).
     *
     * @throws IllegalArgumentException if a value is out of range (see {@link Options})
     */
    public synchronized void retime(Duration interval, Duration grace, Duration takeover) {
        Options next = options.withTiming(interval, grace, takeover);
        Options before = options;
        options = next;
        if (!before.equals(next)) {
            log.info("Expiry sweeper: every {}, grace {}, takeover {}", interval, grace, takeover);
        }
    }

    /** The current options. */
    public Options options() {
        return options;
    }

    /**
     * Starts the sweeps (first one {@code interval} after start) and the purge.
     *
     * @throws IllegalStateException if already started
     */
    public synchronized void start() {
        if (timer != null) {
            throw new IllegalStateException("already started");
        }
        // two threads: the sweeps (one at a time: each schedules the next) and the purge (fixed delay: one at a time)
        AtomicInteger threads = new AtomicInteger();
        timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "mgw-sweeper-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        timer.schedule(this::sweepAndReschedule, options.interval().toMillis(), TimeUnit.MILLISECONDS);
        long purgeEvery = options.purgeEvery().toMillis();
        timer.scheduleWithFixedDelay(this::purge, Math.min(60_000, purgeEvery), purgeEvery, TimeUnit.MILLISECONDS);
    }

    /**
     * Sweeps, then schedules the next sweep: soon if this one left a backlog, else after the current interval. Sweeps
     * therefore run one at a time, though not always on the same pool thread; the scheduling orders each sweep's
     * writes of the sweep state before the next sweep's reads.
     */
    private void sweepAndReschedule() {
        boolean more = sweep();
        long every = options.interval().toMillis();
        try {
            timer.schedule(this::sweepAndReschedule, more ? Math.min(FOLLOW_UP_MILLIS, every) : every,
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    /**
     * One sweep: this node's messages past the grace, then every message past grace and takeover. Never throws
     * (package-private for tests).
     *
     * @return whether a scan stopped at {@link Options#maxPages}, so more unsettled messages may be waiting
     */
    boolean sweep() {
        Options o = options;
        cut = false;
        try {
            if (!loadMarks(o)) {
                return false;
            }
            Instant now = clock.instant();
            Instant ownBefore = now.minus(o.grace());
            own.moveTo(scan(o, own.at, ownBefore, true), o);
            any.moveTo(scan(o, any.at, ownBefore.minus(o.takeover()), false), o);
        } catch (RuntimeException | Error e) {
            // an Error too: the next sweep is scheduled only after this one returns
            errors.increment();
            log.warn("Expiry sweep failed: {}", e.toString());
        }
        return cut;
    }

    /** The store name of a watermark: which scan, and whose ({@link #ANY} as -1). */
    private static String markName(String scan, Options o) {
        return "sweeper." + scan + "." + o.site() + "." + o.node();
    }

    /** Reads the saved watermarks once; false (counted, logged) if the store cannot answer now. */
    private boolean loadMarks(Options o) {
        if (marksLoaded) {
            return true;
        }
        try {
            own.load(o);
            any.load(o);
        } catch (RuntimeException e) {
            errors.increment();
            log.warn("Expiry sweep skipped: reading the sweeper's watermarks failed, retrying next sweep: {}",
                    e.toString());
            return false;
        }
        marksLoaded = true;
        if (own.at.isAfter(Instant.EPOCH) || any.at.isAfter(Instant.EPOCH)) {
            log.info("Expiry sweeper goes on from its saved watermarks: own {}, all {}", own.at, any.at);
        }
        return true;
    }

    /** A scan's watermark, in memory and as last saved in the store; only the sweeps touch it. */
    private final class Watermark {
        final String scan;
        Instant at = Instant.EPOCH;
        Instant saved = Instant.EPOCH;

        Watermark(String scan) {
            this.scan = scan;
        }

        void load(Options o) {
            at = store.mark(markName(scan, o)).orElse(Instant.EPOCH);
            saved = at;
        }

        /** Moves to {@code next} and saves it if it differs from what the store has; a failure is counted, logged. */
        void moveTo(Instant next, Options o) {
            at = next;
            if (next.equals(saved)) {
                return;
            }
            try {
                store.saveMark(markName(scan, o), next);
                saved = next;
            } catch (RuntimeException e) {
                errors.increment();
                log.warn("Expiry sweep: saving the {} watermark failed, kept in memory and saved by a later sweep: {}",
                        scan, e.toString());
            }
        }
    }

    /**
     * Settles unsettled messages with validity end in {@code [from, before)}, at most {@code maxPages} pages; returns
     * the new watermark: {@code before} if all went well, the validity end where it stopped after {@code maxPages}
     * (and sets {@link #cut}), else the validity end of the first message not settled.
     */
    private Instant scan(Options o, Instant from, Instant before, boolean ownOnly) {
        if (!from.isBefore(before)) {
            return from;
        }
        Instant cursor = from;
        // the ids at validity end == cursor already looked at: the next page starts at the cursor and reads them again
        Set<MessageId> seen = new HashSet<>();
        for (int pages = 0; ; pages++) {
            if (pages == o.maxPages()) {
                cut = true;
                log.debug("Expiry sweep: {} pages read, the rest from {} in the next sweep", pages, cursor);
                return cursor;
            }
            List<UnsettledMessage> page;
            try {
                page = store.unsettledExpired(cursor, before, o.page());
            } catch (RuntimeException e) {
                errors.increment();
                log.warn("Expiry sweep: reading unsettled messages from {} failed: {}", cursor, e.toString());
                return cursor;
            }
            boolean fresh = false;
            for (UnsettledMessage u : page) {
                if (!seen.add(u.id())) {
                    continue;
                }
                fresh = true;
                if (ownOnly && !isOwn(u.id())) {
                    continue; // another node's: left to it, or to the takeover scan
                }
                try {
                    settle(u.id(), !isOwn(u.id()));
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    errors.increment();
                    log.warn("Expiry sweep: settling {} failed, retrying next sweep: {}", u.id(), e.toString());
                    return u.validUntil();
                }
            }
            if (page.size() < o.page()) {
                return before;
            }
            Instant last = page.get(page.size() - 1).validUntil();
            // a full page of messages already looked at (other nodes' messages sharing one validity end): step past
            // that instant (the store keeps microseconds); the takeover scan still reaches what is skipped
            Instant next = fresh ? last : last.plus(1, ChronoUnit.MICROS);
            if (!next.equals(cursor)) {
                seen.clear();
                for (UnsettledMessage u : page) {
                    if (u.validUntil().equals(next)) {
                        seen.add(u.id());
                    }
                }
            }
            cursor = next;
        }
    }

    private boolean isOwn(MessageId id) {
        return (options.site() == ANY || id.site() == options.site())
                && (options.node() == ANY || id.node() == options.node());
    }

    private void settle(MessageId id, boolean takenOver) throws Exception {
        Optional<MessageRecord> rec = store.find(id);
        if (rec.isEmpty() || rec.get().status().isFinal()) {
            return; // purged, or a final receipt arrived since the query
        }
        MessageRecord m = rec.get();
        Instant at = clock.instant();
        if (wantsReport(m)) {
            DeliveryReport report = new DeliveryReport(id, MessageStatus.EXPIRED, 0, "", m.receivedAt(), at, 0, 1,
                    DETAIL);
            Sends.deliver(producer, Sends.report(m, report), id.toString()).get(WAIT_SECONDS, TimeUnit.SECONDS);
            reported.increment();
        }
        String detail = takenOver ? DETAIL + " (swept for node " + id.site() + "/" + id.node() + ")" : DETAIL;
        store.appendEvent(id, new MessageEvent(at, EventType.EXPIRED, MessageStatus.EXPIRED, connectorOf(m), detail))
                .toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        expired.increment();
        log.debug("Expired {} (valid until {}): no final receipt", id, m.validUntil());
        long finals = store.find(id).map(r -> r.history().stream().filter(e -> e.status().isFinal()).count())
                .orElse(0L);
        if (finals > 1) {
            raced.increment();
            log.info("Expiry of {} raced with another final event (another node's sweep or a late receipt)", id);
        }
    }

    /** The connector of the last submission, "" if none. */
    private static String connectorOf(MessageRecord m) {
        String c = "";
        for (MessageEvent e : m.history()) {
            if (e.type() == EventType.SUBMITTED || e.type() == EventType.SUBMIT_UNKNOWN) {
                c = e.connector();
            }
        }
        return c;
    }

    private boolean wantsReport(MessageRecord m) {
        ReportRequest wants;
        try {
            wants = ReportRequest.valueOf(m.reportRequest());
        } catch (IllegalArgumentException e) {
            wants = ReportRequest.NONE;
        }
        return wants.wants(MessageStatus.EXPIRED) && accounts.get().find(m.account()).isPresent();
    }

    /**
     * Purges state older than the retention once, unless another node sharing the store took this turn; never throws
     * (package-private for tests).
     *
     * <p>Every node runs this every {@code purgeEvery}, but one purge per period is enough for a shared store: more
     * only repeat the work and wait on each other's row locks. The mark {@value #PURGE_MARK} holds when the last purge
     * started; a node whose turn comes less than nine tenths of a period after it leaves it (the tenth covers clocks
     * and timers a little apart, so a node's own next turn is never skipped), else it moves the mark to now, and only
     * the node that moved it purges ({@link Store#claimMark}).
     */
    void purge() {
        try {
            Instant now = clock.instant();
            Optional<Instant> last = store.mark(PURGE_MARK);
            Instant due = now.minus(options.purgeEvery().multipliedBy(9).dividedBy(10));
            if (last.isPresent() && last.get().isAfter(due)) {
                log.debug("Purge skipped: the last one started at {}", last.get());
                return;
            }
            if (!store.claimMark(PURGE_MARK, last, now)) {
                log.debug("Purge skipped: another node took this turn");
                return;
            }
            Instant before = now.minus(options.retention());
            long removed = store.purgeOlderThan(before);
            purged.increment(removed);
            if (removed > 0) {
                log.info("Purged {} rows of message state older than {}", removed, before);
            }
        } catch (RuntimeException | Error e) {
            // an Error too: a periodic task that throws is never run again
            errors.increment();
            log.warn("Purging message state failed, retrying next time: {}", e.toString());
        }
    }

    /** Stops the sweeps; a sweep in progress is interrupted. Idempotent. */
    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
