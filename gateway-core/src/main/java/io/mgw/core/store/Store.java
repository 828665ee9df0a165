package io.mgw.core.store;

import io.mgw.core.model.Message;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Message state that outlives a node: status and history, DLR correlation, duplicate-suppression marks, parked
 * early receipts and MO reassembly fragments (ARCHITECTURE.md §7).
 *
 * <p>Writes return a stage that completes once the write is durable in the store; implementations are free to batch
 * writes from many callers into one transaction. Reads are synchronous and see every write whose stage completed.
 * No method blocks on a network thread's behalf: callers on event loops use the stages. Every implementation passes
 * the {@code StoreContract} test suite.
 *
 * <p>The interface lives in gateway-core (not in the store module) so that protocol adapters can answer query_sm and
 * similar requests without depending on a store implementation.
 */
public interface Store extends AutoCloseable {

    // ---- messages and history ----

    /**
     * Records a newly accepted message with its first history event. Idempotent: a second call for the same id
     * (a Kafka redelivery) changes nothing and completes normally.
     */
    CompletionStage<Void> recordMessage(Message message, MessageEvent first);

    /**
     * Records a newly accepted message with its first events, in order (for example ACCEPTED then ROUTED), as one
     * write. Idempotent like {@link #recordMessage(Message, MessageEvent)}: if the message is already recorded,
     * nothing is written. The default writes the first event with the message and appends the others after it;
     * implementations that can should write all in one transaction.
     *
     * @throws IllegalArgumentException if {@code events} is empty
     */
    default CompletionStage<Void> recordMessage(Message message, List<MessageEvent> events) {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("events: empty (expected: at least the first event)");
        }
        CompletionStage<Void> done = recordMessage(message, events.get(0));
        for (MessageEvent e : events.subList(1, events.size())) {
            done = done.thenCompose(v -> appendEvent(message.id(), e));
        }
        return done;
    }

    /**
     * Appends an event to a message's history and sets its current status to {@code event.status()} — unless the
     * current status is already final and the event's is not (a late ENROUTE never undoes DELIVERED). Completes
     * normally even if the message is unknown (the event is kept and shows once the message is recorded).
     */
    CompletionStage<Void> appendEvent(MessageId id, MessageEvent event);

    /** The message's summary and full history, oldest event first. */
    Optional<MessageRecord> find(MessageId id);

    /**
     * MT messages whose validity ended in {@code [validFrom, validBefore)} and that have no event with a final status
     * ({@link MessageStatus#isFinal()}) in their history: messages that never got a final receipt, for the expiry
     * sweeper. Ordered by validity end, oldest first, then by id; at most {@code limit}. To page, call again with
     * {@code validFrom} set to the last result's {@link UnsettledMessage#validUntil()} (inclusive, so results at that
     * same instant come again unless they were settled meanwhile).
     *
     * @throws IllegalArgumentException if {@code limit < 1}
     * @throws io.mgw.core.spi.TemporaryFailureException when the store cannot answer now
     */
    List<UnsettledMessage> unsettledExpired(Instant validFrom, Instant validBefore, int limit);

    // ---- duplicate suppression ----

    /**
     * Marks part {@code part} of a message as submitted to {@code connector}. Completes with true the first time, and
     * false if the mark was already there (a redelivery after a crash: the caller skips and counts the duplicate).
     */
    CompletionStage<Boolean> markSubmitted(MessageId id, String connector, int part);

    /**
     * Whether part {@code part} of the message was already marked submitted to {@code connector}. The egress side
     * checks this before submitting a redelivered message, and marks only after the peer accepted it, so a crash
     * between the two can duplicate (counted) but never lose.
     */
    boolean isSubmitted(MessageId id, String connector, int part);

    /**
     * Records what a peer accepted (or may have accepted) from us, as one write: a correlation per remote id (part
     * i+1 of {@code parts} for {@code remoteIds.get(i)}), part 1 of the message marked submitted to
     * {@code connector} (so {@link #isSubmitted} answers true), and {@code event} appended to the history. An egress
     * calls this once per submit instead of {@link #putCorrelation}, {@link #markSubmitted} and
     * {@link #appendEvent} one after the other; implementations that can should write it all in one transaction
     * (the JDBC store does, and keeps the mark in the event itself).
     *
     * @param remoteIds the peer's ids, already normalised; may be empty (an unknown outcome with no id)
     * @param parts     parts the message went out as (at least {@code remoteIds.size()})
     */
    default CompletionStage<Void> recordSubmission(MessageId id, String connector, List<String> remoteIds,
            int parts, MessageEvent event) {
        CompletionStage<Void> done = CompletableFuture.completedFuture(null);
        for (int i = 0; i < remoteIds.size(); i++) {
            int part = i + 1;
            String remoteId = remoteIds.get(i);
            done = done.thenCompose(v -> putCorrelation(connector, remoteId, id, part, parts));
        }
        return done.thenCompose(v -> markSubmitted(id, connector, 1))
                .thenCompose(first -> appendEvent(id, event));
    }

    // ---- DLR correlation ----

    /**
     * Records that the peer behind {@code connector} knows part {@code part} (1-based) of {@code parts} of our message
     * under {@code remoteId}. The remote id is stored exactly as given: callers normalise it first.
     */
    CompletionStage<Void> putCorrelation(String connector, String remoteId, MessageId id, int part, int parts);

    Optional<Correlation> findCorrelation(String connector, String remoteId);

    /**
     * Records the final outcome of one part and returns the tally over all parts of the message so far. Idempotent per
     * (id, part): a repeated receipt for the same part does not count twice.
     */
    CompletionStage<PartTally> recordPartOutcome(MessageId id, int part, int parts, MessageStatus status);

    // ---- receipts that arrived before their correlation ----

    CompletionStage<Void> parkReceipt(ParkedReceipt receipt);

    /** Parked receipts of a connector, oldest first, at most {@code limit}. */
    List<ParkedReceipt> parkedReceipts(String connector, int limit);

    /** All parked receipts older than {@code before}, oldest first, at most {@code limit} (for expiry). */
    List<ParkedReceipt> parkedReceiptsBefore(Instant before, int limit);

    CompletionStage<Void> deleteParkedReceipt(long parkId);

    // ---- submits whose outcome is unknown ----

    /**
     * Remembers a part whose submit got no answer, so that its receipt can be matched without the remote id.
     * Written at once, not queued behind the message traffic (it is rare); remembering the same (message,
     * connector, part, handset) again changes nothing.
     *
     * @throws io.mgw.core.spi.TemporaryFailureException when the store cannot take it now
     */
    void rememberUnknownSubmission(UnknownSubmission submission);

    /**
     * The remembered unknown submissions of {@code connector} to {@code handset} (a {@link
     * UnknownSubmission#handsetKey}), oldest first, at most {@code limit}.
     *
     * @throws io.mgw.core.spi.TemporaryFailureException when the store cannot answer now
     */
    List<UnknownSubmission> unknownSubmissions(String connector, String handset, int limit);

    /**
     * Forgets one (its receipt was matched); nothing if it is not there.
     *
     * @throws io.mgw.core.spi.TemporaryFailureException when the store cannot take it now
     */
    void forgetUnknownSubmission(UnknownSubmission submission);

    // ---- MO reassembly ----

    /** Stores one fragment; a duplicate (same key and sequence) replaces nothing and completes normally. */
    CompletionStage<Void> saveFragment(Fragment fragment);

    /** Fragments under a key, ordered by sequence. */
    List<Fragment> fragments(String key);

    CompletionStage<Void> deleteFragments(String key);

    /** Keys whose oldest fragment expires before {@code now}, at most {@code limit}. */
    List<String> expiredFragmentKeys(Instant now, int limit);

    // ---- housekeeping ----

    /**
     * A named progress mark saved by {@link #saveMark}, or empty if none was saved under that name. Background scans
     * (the expiry sweeper's watermarks) keep their place here, so a restarted node goes on from where it stopped
     * instead of reading its whole kept history again.
     *
     * @throws io.mgw.core.spi.TemporaryFailureException when the store cannot answer now
     */
    Optional<Instant> mark(String name);

    /**
     * Saves a named progress mark, replacing the one saved before under that name. Marks are not purged.
     *
     * @throws io.mgw.core.spi.TemporaryFailureException when the store cannot take it now
     */
    void saveMark(String name, Instant mark);

    /**
     * Moves a named progress mark from {@code expected} (empty: none saved yet) to {@code mark} if it is still
     * {@code expected}, atomically: of several nodes sharing the store that read the same mark, exactly one moves it.
     * The nodes of a cluster take turns at store-wide work (the purge) this way.
     *
     * @return whether this call moved the mark
     * @throws io.mgw.core.spi.TemporaryFailureException when the store cannot answer now
     */
    boolean claimMark(String name, Optional<Instant> expected, Instant mark);

    /**
     * Deletes messages, history, correlations, submitted marks, part outcomes and unknown submissions older than
     * {@code before}; returns rows removed. Progress marks ({@link #saveMark}) are kept.
     */
    long purgeOlderThan(Instant before);

    /**
     * Whether the store answers and takes writes (for readiness): false while its writes fail for want of the
     * database (a full disk), even if reads still work.
     */
    boolean isHealthy();

    /**
     * Whether the store's writes are refused now, as far as it knows without asking the database: a write failed,
     * none succeeded since, and no {@link #isHealthy} check found the store taking writes again since. Cheap (no I/O):
     * for callers that must not act on the outside world while its outcome cannot be recorded (the egress sends no
     * new message then), which call {@link #isHealthy} to learn when the store is back; one failed write alone makes
     * this true only until that check, and a write rejected for its data ({@link RejectedWriteException}) not at all.
     * Default: never.
     */
    default boolean writesRefused() {
        return false;
    }

    @Override
    void close();
}
