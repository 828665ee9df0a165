package io.mgw.routing;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mgw.core.config.Accounts;
import io.mgw.core.config.ConnectorConfig;
import io.mgw.core.log.LimitedLog;
import io.mgw.core.model.DeliveryReport;
import io.mgw.core.model.EventType;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.model.ReportRequest;
import io.mgw.core.spi.ReceiptSink;
import io.mgw.core.spi.SouthReceipt;
import io.mgw.core.spi.TemporaryFailureException;
import io.mgw.core.store.Correlation;
import io.mgw.core.store.MessageRecord;
import io.mgw.core.store.ParkedReceipt;
import io.mgw.core.store.PartTally;
import io.mgw.core.store.RejectedWriteException;
import io.mgw.core.store.Store;
import io.mgw.core.store.UnknownSubmission;
import io.mgw.core.wire.WireFormat;
import io.mgw.routing.internal.Backoff;
import io.mgw.routing.internal.Sends;
import io.mgw.routing.kafka.KafkaClients;
import io.mgw.routing.kafka.Topics;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Correlates delivery receipts from the south with our messages (ARCHITECTURE.md §5, "DLR correlation").
 *
 * <p>Found: a final status of a multipart message is tallied per part ({@link Store#recordPartOutcome}); once every
 * part has an outcome (at once for a single part, which writes no tally), if the sender asked for it, a
 * {@code ClientDelivery.Report} is published to {@code gw.deliver.<account>}, and only after Kafka acknowledged it is
 * the REPORT event with the overall status recorded. Non-final statuses are recorded and forwarded only to senders
 * that asked for intermediate reports.
 *
 * <p>A final receipt for a message that already has its final REPORT event (the peer resent it), or that the
 * {@link ExpirySweeper} settled EXPIRED, is acknowledged and only counted in {@code gateway.receipt.duplicate}: no
 * second REPORT event, no second report to the client. The same goes for an intermediate receipt already recorded
 * (same status, part, remote id and error) or arriving after the final report.
 *
 * <p>Not found (the receipt raced ahead of the submit response): the correlation is looked up again every 100 ms for
 * up to 2 s; still missing, the receipt is parked in the store and the stage completes normally. A background task
 * retries parked receipts every {@code retryEvery}, applies and deletes the ones whose correlation appeared, and
 * gives up on those older than {@code maxPark} (counted in {@code gateway.receipt.parked.expired}, logged). On a
 * cluster each node retries only the parked receipts whose gw.report partition its report consumer holds, so no two
 * apply the same one at once. A receipt still parked after the connector's {@value #MATCH_UNANSWERED_AFTER} (60 s)
 * may answer a submit whose response never came (the egress recorded it SUBMIT_UNKNOWN and remembered it,
 * {@link Store#rememberUnknownSubmission}): the peer took it, but we never learned its id. If exactly one such submit
 * of the connector fits the receipt (same handset, the quoted text agreeing with the message's start, the submit date
 * plausible), the receipt is taken as its answer: the missing correlation is written, a SUBMITTED event says the
 * remote id was learned from the receipt, and the receipt is applied as usual ({@code gateway.receipt.orphan.matched}).
 * If several fit, none is chosen, and the receipt is given up with them named
 * ({@code gateway.receipt.orphan.ambiguous}).
 * Correlated but the message's record not written yet (within {@link #RECORD_WAIT} of the submission): the stage
 * fails temporarily and the {@link ReportConsumer} tries again.
 *
 * <p>While the store refuses writes (a full disk, {@link Store#writesRefused}) no receipt is handled, read from
 * gw.report or parked: its report would be forwarded before its event could be written, and a crash then would
 * forward it again. They wait in Kafka and in the parked table ({@code gateway.receipt.store.held} counts episodes).
 *
 * <p>Two steps, with Kafka in between (ARCHITECTURE.md §5: "DLR from south ──▶ gw.report"): {@link #onReceipt}
 * only publishes the receipt to {@value Topics#REPORT} and completes on the Kafka ack, so a peer's deliver_sm window
 * turns over at the speed of one Kafka write, not of a store round trip behind the routing backlog (with the store
 * in between, receipts came back at about 2k/s while 6k msg/s were submitted, bench/run-e2e-bench.sh). The
 * {@link ReportConsumer} reads the topic (any node of the cluster, by partition) and calls {@link #process}, which
 * does everything described above; a crash between the two hands the receipt to the next owner of its partition.
 *
 * <p>Threading: {@link #onReceipt} returns at once; sends and store reads run on a small pool of its own, never on
 * the connector's network thread.
 */
public final class ReceiptProcessor implements ReceiptSink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReceiptProcessor.class);
    private final LimitedLog rejectedReceiptLog = LimitedLog.error(log);
    private final LimitedLog rejectedEventLog = LimitedLog.error(log);
    private final LimitedLog eventStuckLog = LimitedLog.warn(log);
    private final LimitedLog notInStoreLog = LimitedLog.warn(log);
    private final LimitedLog undecodableParkedLog = LimitedLog.warn(log);
    private final LimitedLog givenUpLog = LimitedLog.warn(log);

    private final Store store;
    private final Producer<String, byte[]> producer;
    private final Supplier<Accounts> accounts;
    private final Supplier<? extends java.util.Collection<ConnectorConfig>> connectors;
    private final InstantSource clock;
    private final Duration maxPark;
    private final ExecutorService workers;
    private final ScheduledExecutorService retrier;
    private final Counter correlated;
    private final Counter parked;
    private final Counter unparked;
    private final Counter parkedExpired;
    private final Counter forwarded;
    private final Counter duplicate;
    private final Counter orphanMatched;
    private final Counter orphanAmbiguous;
    private final Counter eventRetried;
    /** Receipt writes the store rejected for their data, given up. */
    private final Counter writeInvalid;
    /** Receipts correlated to a message the store has no record of. */
    private final Counter messageMissing;
    /** Parked receipts that could not be decoded, dropped. */
    private final Counter parkedMalformed;
    private final Counter parkedRetryFailed;
    private final MeterRegistry meters;
    /** Set once close() has drained: event writes still failing are then given up (see appendAfterForward). */
    private volatile boolean closing;
    private ReportConsumer consumer;
    /** Which gw.report keys this node owns, for tests without a consumer (null: ask the consumer). */
    volatile Predicate<String> owns;

    /** Period of the lookups of an uncorrelated receipt before it is parked. */
    static final long EARLY_STEP_MS = 100;
    private volatile Duration earlyWait = Duration.ofSeconds(2);
    /**
     * How long after its submission a correlated receipt waits for its message's record. Past it the record is taken
     * to be gone (purged, or a store restored without it): the receipt is recorded but not reported.
     */
    static final Duration RECORD_WAIT = Duration.ofMinutes(10);

    /** Receipts read from gw.report and being handled at once, at most. */
    static final int MAX_IN_FLIGHT = 2_000;

    /**
     * @param store        message state
     * @param producer     the shared producer (reports)
     * @param accounts     current accounts (reports only to configured accounts)
     * @param connectors   the connectors whose parked receipts are retried (and their
     *                     {@value #MATCH_UNANSWERED_AFTER} setting)
     * @param meters       metrics gateway.receipt.{correlated,parked,unparked,parked.expired,forwarded,duplicate,
     *                     orphan.matched,orphan.ambiguous,event.retried}
     * @param clock        time
     * @param retryEvery   period of the parked-receipt retry
     * @param maxPark      how long a receipt stays parked before it is given up
     */
    public ReceiptProcessor(Store store, Producer<String, byte[]> producer, Supplier<Accounts> accounts,
            Supplier<? extends java.util.Collection<ConnectorConfig>> connectors, MeterRegistry meters,
            InstantSource clock,
            Duration retryEvery, Duration maxPark) {
        this.store = requireNonNull(store, "store");
        this.producer = requireNonNull(producer, "producer");
        this.accounts = requireNonNull(accounts, "accounts");
        this.connectors = requireNonNull(connectors, "connectors");
        this.clock = requireNonNull(clock, "clock");
        this.maxPark = requireNonNull(maxPark, "maxPark");
        this.correlated = meters.counter("gateway.receipt.correlated");
        this.parked = meters.counter("gateway.receipt.parked");
        this.unparked = meters.counter("gateway.receipt.unparked");
        this.parkedExpired = meters.counter("gateway.receipt.parked.expired");
        this.forwarded = meters.counter("gateway.receipt.forwarded");
        this.duplicate = meters.counter("gateway.receipt.duplicate");
        this.orphanMatched = meters.counter("gateway.receipt.orphan.matched");
        this.orphanAmbiguous = meters.counter("gateway.receipt.orphan.ambiguous");
        this.eventRetried = meters.counter("gateway.receipt.event.retried");
        this.writeInvalid = meters.counter("gateway.receipt.write.invalid");
        this.messageMissing = meters.counter("gateway.receipt.message.missing");
        this.parkedMalformed = meters.counter("gateway.receipt.parked.malformed");
        this.parkedRetryFailed = meters.counter("gateway.receipt.parked.retry.failed");
        this.meters = meters;
        this.workers = Executors.newFixedThreadPool(4, daemon("mgw-receipts"));
        this.retrier = Executors.newSingleThreadScheduledExecutor(daemon("mgw-receipts-parked"));
        long every = Math.max(10, retryEvery.toMillis());
        retrier.scheduleWithFixedDelay(this::retryParked, every, every, TimeUnit.MILLISECONDS);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Takes a receipt from a connector: publishes it to {@value Topics#REPORT}; the stage completes once Kafka
     * acknowledged it (acks=all), so the connector can answer its peer as soon as the receipt is durable, however
     * long correlation takes. The {@link ReportConsumer} started by {@link #start} hands it to {@link #process}.
     * Fails with {@link TemporaryFailureException} when Kafka does not take it (the connector then answers its peer
     * with a temporary error and the peer sends it again).
     */
    @Override
    public CompletionStage<Void> onReceipt(SouthReceipt receipt) {
        requireNonNull(receipt, "receipt");
        CompletableFuture<Void> f;
        try {
            // the send may block on metadata or a full buffer: never on the connector's thread
            f = CompletableFuture.supplyAsync(() -> Sends.send(producer, Topics.REPORT,
                    reportKey(receipt.connector(), receipt.remoteId()), WireFormat.encodeReceipt(receipt)), workers)
                    .thenCompose(x -> x);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return temporaryOnFailure(f, receipt, " not queued");
    }

    /** Starts reading {@value Topics#REPORT}; call once, after the topic exists. */
    public void start(KafkaClients clients, String clientId) {
        synchronized (this) {
            if (consumer != null) {
                throw new IllegalStateException("already started");
            }
            consumer = new ReportConsumer(clients, clientId, this::process, MAX_IN_FLIGHT, meters,
                    new StoreWriteGate(store, "Receipt consumer", meters.counter("gateway.receipt.store.held"),
                            Duration.ofSeconds(1)));
        }
        consumer.start();
    }

    /** What stopped the {@value Topics#REPORT} consumer thread, if an unexpected error did. */
    Optional<String> stoppedBy() {
        ReportConsumer c;
        synchronized (this) {
            c = consumer;
        }
        return c == null ? Optional.empty() : c.stoppedBy();
    }

    /** Stops reading {@value Topics#REPORT}, waits up to {@code timeout} for the receipts in hand, commits. */
    public void drain(Duration timeout) {
        ReportConsumer c;
        synchronized (this) {
            c = consumer;
        }
        if (c != null) {
            c.drain(timeout);
        }
    }

    /**
     * Correlates and records the receipt, or parks it (package-private: the {@link ReportConsumer} and tests call
     * it). Fails with {@link TemporaryFailureException} when the store or Kafka cannot take it now; the consumer
     * then tries it again.
     */
    CompletionStage<Void> process(SouthReceipt receipt) {
        requireNonNull(receipt, "receipt");
        CompletableFuture<Void> f;
        try {
            f = correlate(receipt, 0);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return temporaryOnFailure(f, receipt, "");
    }

    /** The stage, with any failure turned into a {@link TemporaryFailureException} naming the receipt. */
    private CompletionStage<Void> temporaryOnFailure(CompletableFuture<Void> f, SouthReceipt receipt,
            String what) {
        return f.handle((v, e) -> {
            if (e != null && RejectedWriteException.in(e)) {
                // retried, it would fail the same way and hold every receipt behind it in gw.report
                writeInvalid.increment();
                rejectedReceiptLog.log("Receipt {}/{}{}: the store rejected a write of it for its data; given up: {}",
                        receipt.connector(), receipt.remoteId(), what, e.toString());
                return null;
            }
            if (e != null) {
                Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                        ? e.getCause() : e;
                throw new TemporaryFailureException("receipt " + receipt.connector() + "/" + receipt.remoteId()
                        + what + ": " + cause, cause);
            }
            return null;
        });
    }

    /**
     * Looks up the correlation; if it is not there yet, looks again every {@value #EARLY_STEP_MS} ms for up to
     * {@code earlyWait} before parking: the submission that maps it is usually a moment away (its write is queued
     * behind others), and a look in memory is far cheaper than a parked row written, read back and deleted.
     */
    private CompletableFuture<Void> correlate(SouthReceipt r, long waitedMs) {
        java.util.concurrent.Executor lookup = waitedMs == 0 ? workers
                : CompletableFuture.delayedExecutor(EARLY_STEP_MS, TimeUnit.MILLISECONDS, workers);
        return CompletableFuture.supplyAsync(() -> store.findCorrelation(r.connector(), r.remoteId()), lookup)
                .thenCompose(c -> c.isPresent() ? apply(r, c.get())
                        : waitedMs >= earlyWait.toMillis() ? park(r)
                        : correlate(r, waitedMs + EARLY_STEP_MS));
    }

    /** How long an uncorrelated receipt is looked up again before it is parked (package-private for tests). */
    void earlyWait(Duration wait) {
        this.earlyWait = requireNonNull(wait, "wait");
    }

    private CompletableFuture<Void> park(SouthReceipt r) {
        parked.increment();
        log.debug("Parking receipt {}/{}: no correlation yet", r.connector(), r.remoteId());
        return store.parkReceipt(new ParkedReceipt(0, r.connector(), r.remoteId(), WireFormat.encodeReceipt(r),
                clock.instant())).toCompletableFuture();
    }

    private CompletableFuture<Void> apply(SouthReceipt r, Correlation c) {
        MessageStatus status = r.status();
        String detail = "part " + c.part() + "/" + c.parts() + " remote id " + r.remoteId()
                + (r.errorCode() != 0 ? " error " + r.errorCode() : "");
        // one read serves the duplicate check and the report (who sent it, what they asked for)
        Optional<MessageRecord> rec = store.find(c.messageId());
        if (rec.isEmpty() && clock.instant().isBefore(c.createdAt().plus(RECORD_WAIT))) {
            // The router records a message as it publishes it for the egress; that write can commit after the
            // submission's correlation (the store writer takes correlations first; on a cluster the two may go
            // through different nodes), so the receipt can come first. Without the record there is nobody to report
            // to: fail the stage and let the report consumer try again (bench/run-e2e-bench.sh: 126 of 380,000
            // reports were dropped here before).
            log.debug("Receipt {}/{} for {}: message not recorded yet, retrying", r.connector(), r.remoteId(),
                    c.messageId());
            return CompletableFuture.failedFuture(new TemporaryFailureException("receipt for " + c.messageId()
                    + ": message not recorded yet"));
        }
        // counted once per receipt taken in, not per try while the record is awaited
        correlated.increment();
        if (!status.isFinal()) {
            if (hasFinalReport(rec) || hasReport(rec, status, detail)) {
                // a repeat (the peer resent it: our deliver_sm_resp was lost, or we crashed before committing it)
                // or news older than the final report: nothing new to record or to tell the sender
                duplicate.increment();
                log.debug("Stale or repeated intermediate receipt {}/{} ({}) for {}", r.connector(), r.remoteId(),
                        status, c.messageId());
                return CompletableFuture.completedFuture(null);
            }
            // forwarded first, then recorded, as the final report below: the event is what marks a repeat
            return forwardIfWanted(r, c, rec, status, 0, c.parts()).thenComposeAsync(v -> appendAfterForward(
                    c.messageId(), new MessageEvent(clock.instant(), EventType.REPORT, status, r.connector(), detail)),
                    workers);
        }
        if (hasFinalReport(rec)) {
            // a repeated final receipt (peers resend when our deliver_sm_resp was lost): acknowledge, record nothing
            duplicate.increment();
            log.debug("Duplicate final receipt {}/{} for {}", r.connector(), r.remoteId(), c.messageId());
            return CompletableFuture.completedFuture(null);
        }
        // a single part is settled by its own receipt: no tally row to write (the final REPORT event is the record)
        CompletableFuture<PartTally> tallied = c.parts() == 1
                ? CompletableFuture.completedFuture(single(status))
                : store.recordPartOutcome(c.messageId(), c.part(), c.parts(), status).toCompletableFuture();
        return tallied.thenComposeAsync(tally -> {
                    if (!tally.complete()) {
                        return store.appendEvent(c.messageId(), new MessageEvent(clock.instant(), EventType.REPORT,
                                MessageStatus.ENROUTE, r.connector(), detail + " " + status.receiptStat()))
                                .toCompletableFuture();
                    }
                    MessageStatus overall = tally.overall();
                    // The report is durable in gw.deliver before the final REPORT event is written: the event is
                    // what marks a later copy of this receipt as a duplicate, so writing it first would let a crash
                    // between the two lose the client's report (seen in TwoNodeCrashIT). A crash after the forward
                    // and before the event gives the client the report twice instead (at-least-once).
                    return forwardIfWanted(r, c, rec, overall, tally.delivered(), tally.parts())
                            .thenComposeAsync(v -> appendAfterForward(c.messageId(), new MessageEvent(clock.instant(),
                                    EventType.REPORT, overall, r.connector(), detail)), workers);
                }, workers);
    }

    /** Pause between tries of a REPORT event write that follows a forward already made. */
    static final Backoff EVENT_RETRY = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

    /** Failed tries of a REPORT event write after which it is logged at WARN (about 10 s of backoff). */
    static final int EVENT_RETRY_WARN = 8;

    /**
     * Writes the REPORT event of a receipt whose report was already forwarded to its sender. A store refusal (its
     * write queue full under a burst, the database away) is met by writing the event again after a backoff, for as
     * long as it takes ({@code gateway.receipt.event.retried}), not by failing the receipt: the report consumer would
     * handle it again from the start, find no event yet and forward the report a second time (bench/run-e2e-bench.sh:
     * 366 of 840,000 reports reached the client twice when the store's urgent lane overflowed). Stops trying once the
     * processor closes; the receipt is then handled again by the next owner of its partition.
     */
    private CompletableFuture<Void> appendAfterForward(MessageId id, MessageEvent event) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        appendAfterForward(id, event, 1, done);
        return done;
    }

    private void appendAfterForward(MessageId id, MessageEvent event, int attempt, CompletableFuture<Void> done) {
        store.appendEvent(id, event).whenComplete((v, e) -> {
            if (e == null) {
                done.complete(null);
                return;
            }
            if (RejectedWriteException.in(e)) {
                // it would fail every time; the report went out, which is what the sender waits for
                writeInvalid.increment();
                rejectedEventLog.log("Report of {} forwarded; the store rejected its {} event for its data, given up:"
                        + " {}", id, event.status(), e.toString());
                done.complete(null);
                return;
            }
            if (closing) {
                done.completeExceptionally(e);
                return;
            }
            eventRetried.increment();
            // a burst fills the store's queue for moments (counted, not logged); a store away for long is worth a line
            if (attempt == EVENT_RETRY_WARN) {
                eventStuckLog.log("Report of {} forwarded, its {} event still not written after {} tries ({});"
                        + " trying on", id, event.status(), attempt, e.toString());
            } else {
                log.debug("Report of {} forwarded, its {} event not written ({}); writing it again", id,
                        event.status(), e.toString());
            }
            // the delayed task only queues the write: it may run on the common pool
            CompletableFuture.delayedExecutor(EVENT_RETRY.delay(attempt).toMillis(), TimeUnit.MILLISECONDS)
                    .execute(() -> appendAfterForward(id, event, attempt + 1, done));
        });
    }

    private static PartTally single(MessageStatus status) {
        boolean delivered = status == MessageStatus.DELIVERED;
        return new PartTally(1, delivered ? 1 : 0, delivered ? 0 : 1, status);
    }

    /**
     * Whether the message already has its final REPORT event (every part settled and reported), or was settled
     * EXPIRED by the {@link ExpirySweeper} (its sender already has its final report: a receipt after that changes
     * neither the status nor what the sender was told).
     */
    private static boolean hasFinalReport(Optional<MessageRecord> rec) {
        return rec.isPresent() && rec.get().history().stream()
                .anyMatch(e -> (e.type() == EventType.REPORT || e.type() == EventType.EXPIRED)
                        && e.status().isFinal());
    }

    /** Whether the history already holds this REPORT event (same status, same part, remote id and error). */
    private static boolean hasReport(Optional<MessageRecord> rec, MessageStatus status, String detail) {
        return rec.isPresent() && rec.get().history().stream()
                .anyMatch(e -> e.type() == EventType.REPORT && e.status() == status && e.detail().equals(detail));
    }

    private CompletableFuture<Void> forwardIfWanted(SouthReceipt r, Correlation c, Optional<MessageRecord> rec,
            MessageStatus status, int delivered, int parts) {
        if (rec.isEmpty()) {
            messageMissing.increment();
            notInStoreLog.log("Receipt for {} correlated but the message is not in the store", c.messageId());
            return CompletableFuture.completedFuture(null);
        }
        MessageRecord m = rec.get();
        ReportRequest wants;
        try {
            wants = ReportRequest.valueOf(m.reportRequest());
        } catch (IllegalArgumentException e) {
            wants = ReportRequest.NONE;
        }
        // ReportRequest.wants speaks of final reports: a non-final status goes only to INTERMEDIATE senders
        boolean wanted = status.isFinal() ? wants.wants(status) : wants == ReportRequest.INTERMEDIATE;
        if (!wanted || accounts.get().find(m.account()).isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Instant done = r.doneDate().orElse(r.receivedAt());
        DeliveryReport report = new DeliveryReport(c.messageId(), status, r.errorCode(),
                r.errorCode() != 0 ? "smsc:" + r.connector() : "", m.receivedAt(), done, delivered, parts, "");
        forwarded.increment();
        return Sends.deliver(producer, Sends.report(m, report), c.messageId().toString());
    }

    /**
     * Connector setting: seconds a receipt stays parked before it is matched to an unanswered submit by handset and
     * text, 0 never to match. Long enough that the correlation of an answered submit (written when its response came
     * back, seconds at most behind) has appeared if there is one, so that a late correlation is never taken for a lost
     * one.
     */
    public static final String MATCH_UNANSWERED_AFTER = "egress.matchUnansweredAfter";

    /** Default of {@value #MATCH_UNANSWERED_AFTER}. */
    static final Duration ORPHAN_AFTER = Duration.ofSeconds(60);

    /**
     * How long a parked receipt of this connector waits before it is matched to an unanswered submit; empty when the
     * connector is set never to match.
     *
     * @throws IllegalArgumentException for a setting that is not a whole number of seconds, 0 or more
     */
    public static Optional<Duration> matchUnansweredAfter(ConnectorConfig c) {
        int seconds = c.intSetting(MATCH_UNANSWERED_AFTER, (int) ORPHAN_AFTER.toSeconds());
        if (seconds < 0) {
            throw new IllegalArgumentException("connectors." + c.id() + "." + MATCH_UNANSWERED_AFTER + ": " + seconds
                    + " (expected: seconds >= 0, 0 never to match)");
        }
        return seconds == 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    }

    /** Unanswered submits to one handset looked at per receipt, at most. */
    static final int ORPHAN_CANDIDATES = 50;

    /** Widest gap between a peer's local time and UTC (UTC+14), for a receipt's submit date. */
    private static final Duration MAX_ZONE_OFFSET = Duration.ofHours(14);

    /** Zone offsets are whole quarter hours; a receipt's submit date is the peer's local time to the minute. */
    private static final Duration ZONE_STEP = Duration.ofMinutes(15);

    /**
     * Tolerance around a whole number of quarter hours between a receipt's submit date and when we gave its submit
     * up: the date's minute precision, the response timeout between sending and giving up, clocks apart.
     */
    static final Duration SUBMIT_DATE_SLACK = Duration.ofMinutes(5);

    /** The unanswered submits a receipt fits; a match only when exactly one does. */
    record OrphanMatch(List<UnknownSubmission> candidates) {
        Optional<UnknownSubmission> match() {
            return candidates.size() == 1 ? Optional.of(candidates.getFirst()) : Optional.empty();
        }
    }

    /**
     * The unanswered submits (the submit_sm_resp never came, {@link Store#rememberUnknownSubmission}) this receipt
     * could be for: same connector and handset, the quoted text agreeing with the message's start where both are
     * known, and the receipt's submit date (if any) a whole number of quarter hours (a zone offset) from when the
     * submit was given up, within {@link #SUBMIT_DATE_SLACK}.
     */
    OrphanMatch orphanMatch(SouthReceipt r) {
        String handset = UnknownSubmission.handsetKey(r.handset());
        if (handset.isEmpty()) {
            return new OrphanMatch(List.of());
        }
        List<UnknownSubmission> fits = store.unknownSubmissions(r.connector(), handset, ORPHAN_CANDIDATES).stream()
                .filter(u -> textAgrees(r.excerpt(), u.excerpt()))
                .filter(u -> r.submitDate().isEmpty() || submitDateFits(r.submitDate().get(), u.submittedAt()))
                .toList();
        return new OrphanMatch(fits);
    }

    /**
     * Whether a receipt's quoted text can be the start of our message, whose first {@link UnknownSubmission#EXCERPT}
     * characters we kept: one must start the other (ignoring surrounding blanks), and the quote may be the longer
     * only if what we kept was cut (a quote never runs past the end of the message: "code 123" is not a quote of
     * "code 12"). An empty one agrees with anything (not quoted, or not kept).
     */
    static boolean textAgrees(String quoted, String ours) {
        String a = quoted.strip();
        String b = ours.strip();
        if (a.isEmpty() || b.isEmpty()) {
            return true;
        }
        if (a.length() > b.length() && ours.length() < UnknownSubmission.EXCERPT) {
            return false;
        }
        int n = Math.min(a.length(), b.length());
        return a.regionMatches(0, b, 0, n);
    }

    /** Whether a receipt's submit date fits the time we gave the submit up, up to a zone offset and slack. */
    static boolean submitDateFits(Instant submitDate, Instant givenUp) {
        Duration gap = Duration.between(givenUp, submitDate);
        if (gap.abs().compareTo(MAX_ZONE_OFFSET.plus(SUBMIT_DATE_SLACK)) > 0) {
            return false;
        }
        long step = ZONE_STEP.toSeconds();
        long off = Math.floorMod(gap.toSeconds(), step);
        return Math.min(off, step - off) <= SUBMIT_DATE_SLACK.toSeconds();
    }

    /**
     * Takes an orphan receipt as the answer to the unanswered submit it fits: the correlation the lost response
     * would have given is written (so that copies of the receipt correlate as usual), and the submit is forgotten.
     */
    private Correlation adopt(SouthReceipt r, UnknownSubmission u) throws Exception {
        store.putCorrelation(r.connector(), r.remoteId(), u.id(), u.part(), u.parts()).toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        // the history says how the outcome became known: the peer did take it, under this id
        store.appendEvent(u.id(), new MessageEvent(clock.instant(), EventType.SUBMITTED, MessageStatus.ENROUTE,
                r.connector(), "remote ids: " + r.remoteId() + " (part " + u.part() + "/" + u.parts()
                        + ", learned from its receipt, matched by handset and text)"))
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        store.forgetUnknownSubmission(u);
        orphanMatched.increment();
        log.info("Receipt {}/{} matched by handset and text to {} part {}/{}, whose submit went unanswered",
                r.connector(), r.remoteId(), u.id(), u.part(), u.parts());
        return new Correlation(r.connector(), r.remoteId(), u.id(), u.part(), u.parts(), clock.instant());
    }

    /** Most parked receipts looked at per connector and tick. */
    static final int PARKED_PAGE = 500;

    /**
     * Retries parked receipts once; runs on the background task (package-private for tests). Per connector it looks
     * at the {@value #PARKED_PAGE} oldest: correlated ones are applied and deleted, ones received more than
     * {@code maxPark} ago are given up. When the page was full, the ones still waiting are parked again at the back
     * (new park time, same payload), so the next tick reaches newer receipts instead of starving them behind old
     * uncorrelated ones; their age is taken from the receipt's own receive time, so rotating never extends it.
     */
    void retryParked() {
        try {
            if (store.writesRefused()) {
                return; // applying one forwards its report before its event can be written: wait for the store
            }
            Predicate<ParkedReceipt> mine = owner();
            Instant cutoff = clock.instant().minus(maxPark);
            for (ConnectorConfig cc : List.copyOf(connectors.get())) {
                String connector = cc.id();
                // parked receipts received before this may answer a submit whose response never came
                Optional<Instant> orphanBefore = matchUnansweredAfter(cc).map(clock.instant()::minus);
                List<ParkedReceipt> page = store.parkedReceipts(connector, PARKED_PAGE);
                boolean rotate = page.size() >= PARKED_PAGE;
                for (ParkedReceipt p : page) {
                    if (!mine.test(p)) {
                        continue; // another node's: its gw.report partition is held there
                    }
                    SouthReceipt r;
                    try {
                        r = WireFormat.decodeReceipt(p.payload());
                    } catch (RuntimeException e) {
                        parkedMalformed.increment();
                        undecodableParkedLog.log("Dropping undecodable parked receipt {}: {}", p.parkId(),
                                e.toString());
                        store.deleteParkedReceipt(p.parkId()).toCompletableFuture().get(30, TimeUnit.SECONDS);
                        continue;
                    }
                    Optional<Correlation> c = store.findCorrelation(p.connector(), p.remoteId());
                    Optional<UnknownSubmission> orphanOf = c.isPresent() || orphanBefore.isEmpty()
                            || !r.receivedAt().isBefore(orphanBefore.get()) ? Optional.empty() : orphanMatch(r).match();
                    if (c.isEmpty() && orphanOf.isPresent()) {
                        c = Optional.of(adopt(r, orphanOf.get()));
                    }
                    if (c.isPresent()) {
                        apply(r, c.get()).thenCompose(v -> store.deleteParkedReceipt(p.parkId()))
                                .toCompletableFuture().get(30, TimeUnit.SECONDS);
                        unparked.increment();
                    } else if (r.receivedAt().isBefore(cutoff)) {
                        giveUp(p, orphanBefore.isPresent() ? r : null);
                    } else if (rotate) {
                        store.parkReceipt(new ParkedReceipt(0, p.connector(), p.remoteId(), p.payload(),
                                clock.instant())).thenCompose(v -> store.deleteParkedReceipt(p.parkId()))
                                .toCompletableFuture().get(30, TimeUnit.SECONDS);
                    }
                }
            }
            // receipts of connectors no longer configured
            for (ParkedReceipt p : store.parkedReceiptsBefore(cutoff, PARKED_PAGE)) {
                if (!mine.test(p) || store.findCorrelation(p.connector(), p.remoteId()).isPresent()) {
                    continue;
                }
                giveUp(p, null);
            }
        } catch (Exception | Error e) {
            // an Error too: a periodic task that throws is never run again, and parked receipts would wait for good
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            parkedRetryFailed.increment();
            log.warn("Retrying parked receipts: {}", e.toString());
        }
    }

    /**
     * Which parked receipts this node retries: those whose gw.report partition (by the key they were published under)
     * its report consumer holds, so that two nodes never apply the same parked receipt at once (each would report it
     * to the client). All of them when no consumer runs here (a test calling {@link #retryParked} directly), or when
     * a test set {@link #owns}.
     */
    private Predicate<ParkedReceipt> owner() {
        Predicate<String> set = owns;
        if (set != null) {
            return p -> set.test(reportKey(p.connector(), p.remoteId()));
        }
        ReportConsumer c;
        synchronized (this) {
            c = consumer;
        }
        return c == null ? p -> true : p -> c.owns(reportKey(p.connector(), p.remoteId()));
    }

    /** The gw.report key of a receipt: its partition, and so the node that handles it. */
    static String reportKey(String connector, String remoteId) {
        return connector + "/" + remoteId;
    }

    private void giveUp(ParkedReceipt p, SouthReceipt r) throws Exception {
        OrphanMatch m = r == null ? new OrphanMatch(List.of()) : orphanMatch(r);
        if (m.candidates().size() > 1) {
            // several unanswered submits to that handset fit it: which one it is cannot be told, so none is chosen
            orphanAmbiguous.increment();
            givenUpLog.log("Giving up parked receipt {}/{} parked at {}: no correlation after {}, and it fits {}"
                    + " messages whose submit went unanswered ({}): not guessed", p.connector(), p.remoteId(),
                    p.parkedAt(), maxPark, m.candidates().size(),
                    m.candidates().stream().map(u -> u.id().toString()).toList());
        } else {
            givenUpLog.log("Giving up parked receipt {}/{} parked at {}: no correlation after {}", p.connector(),
                    p.remoteId(), p.parkedAt(), maxPark);
        }
        store.deleteParkedReceipt(p.parkId()).toCompletableFuture().get(30, TimeUnit.SECONDS);
        parkedExpired.increment();
    }

    @Override
    public void close() {
        drain(Duration.ofSeconds(10));
        closing = true;
        retrier.shutdownNow();
        workers.shutdown();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
