package io.mgw.store;

import io.mgw.core.model.EventType;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.store.Fragment;
import io.mgw.core.store.ParkedReceipt;
import io.mgw.core.store.PartTally;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One queued write. The writer computes {@link #result} while applying the batch and completes {@link #future} only
 * after the batch's transaction committed.
 */
abstract sealed class WriteOp<T> {

    final CompletableFuture<T> future = new CompletableFuture<>();
    T result;

    /** Which writer takes this op: ops on the same key go to the same writer, so their order holds. */
    abstract int shardKey();

    /**
     * Whether this write is on the delivery half's critical path: a submission's correlations (the SMSC's receipt
     * for it comes a moment later and must find them) and the results of delivery receipts. Such ops are taken before
     * the others ({@link GroupCommitWriter}), which are mostly the router's (it keeps thousands queued, and its
     * backlog is better left waiting in Kafka). They may therefore be applied before writes queued earlier. Events
     * carry their arrival sequence (the history folds in that order, not in write order), and the urgent ops among
     * themselves keep their order. A message's record may therefore commit after its submission's correlation, and
     * so after its receipt is read: the receipt path waits for the record ({@code ReceiptProcessor}), as it must
     * anyway on a cluster, where the router and the egress of one message may write through different nodes.
     */
    boolean urgent() {
        return false;
    }

    final void complete() {
        future.complete(result);
    }

    static final class RecordMessage extends WriteOp<Void> {
        final Message message;
        /** The message's first events, in order, with their arrival sequence numbers. */
        final List<MessageEvent> events;
        final long[] seqs;
        boolean inserted;

        RecordMessage(Message message, List<MessageEvent> events, long[] seqs) {
            this.message = message;
            this.events = List.copyOf(events);
            this.seqs = seqs;
        }

        @Override
        int shardKey() {
            return message.id().hashCode();
        }
    }

    static final class AppendEvent extends WriteOp<Void> {
        final MessageId id;
        final MessageEvent event;
        final long seq;

        AppendEvent(MessageId id, MessageEvent event, long seq) {
            this.id = id;
            this.event = event;
            this.seq = seq;
        }

        @Override
        int shardKey() {
            return id.hashCode();
        }

        @Override
        boolean urgent() {
            return event.type() == EventType.REPORT;
        }
    }

    static final class MarkSubmitted extends WriteOp<Boolean> {
        final MessageId id;
        final String connector;
        final int part;

        MarkSubmitted(MessageId id, String connector, int part) {
            this.id = id;
            this.connector = connector;
            this.part = part;
        }

        @Override
        int shardKey() {
            return id.hashCode();
        }
    }

    static final class PutCorrelation extends WriteOp<Void> {
        final String connector;
        final String remoteId;
        final MessageId id;
        final int part;
        final int parts;
        final Instant createdAt;

        PutCorrelation(String connector, String remoteId, MessageId id, int part, int parts, Instant createdAt) {
            this.connector = connector;
            this.remoteId = remoteId;
            this.id = id;
            this.part = part;
            this.parts = parts;
            this.createdAt = createdAt;
        }

        @Override
        int shardKey() {
            return 31 * connector.hashCode() + remoteId.hashCode();
        }
    }

    /**
     * Correlations plus the SUBMITTED (or SUBMIT_UNKNOWN) event of one submit, applied as their own parts; the event
     * doubles as the submitted mark (see {@code JdbcStore#isSubmitted}).
     */
    static final class RecordSubmission extends WriteOp<Void> {
        final MessageId id;
        final List<PutCorrelation> correlations;
        final AppendEvent event;

        RecordSubmission(MessageId id, List<PutCorrelation> correlations, AppendEvent event) {
            this.id = id;
            this.correlations = List.copyOf(correlations);
            this.event = event;
        }

        @Override
        int shardKey() {
            return id.hashCode();
        }

        @Override
        boolean urgent() {
            return true; // receipts wait for these correlations
        }
    }

    static final class PartOutcome extends WriteOp<PartTally> {
        final MessageId id;
        final int part;
        final int parts;
        final MessageStatus status;

        PartOutcome(MessageId id, int part, int parts, MessageStatus status) {
            this.id = id;
            this.part = part;
            this.parts = parts;
            this.status = status;
        }

        @Override
        int shardKey() {
            return id.hashCode();
        }

        @Override
        boolean urgent() {
            return true;
        }
    }

    static final class Park extends WriteOp<Void> {
        final ParkedReceipt receipt;

        Park(ParkedReceipt receipt) {
            this.receipt = receipt;
        }

        @Override
        int shardKey() {
            return receipt.connector().hashCode();
        }

        @Override
        boolean urgent() {
            return true;
        }
    }

    static final class Unpark extends WriteOp<Void> {
        final long parkId;

        Unpark(long parkId) {
            this.parkId = parkId;
        }

        @Override
        int shardKey() {
            return Long.hashCode(parkId);
        }

        @Override
        boolean urgent() {
            return true;
        }
    }

    static final class SaveFragment extends WriteOp<Void> {
        final Fragment fragment;

        SaveFragment(Fragment fragment) {
            this.fragment = fragment;
        }

        @Override
        int shardKey() {
            return fragment.key().hashCode();
        }
    }

    static final class DeleteFragments extends WriteOp<Void> {
        final String key;

        DeleteFragments(String key) {
            this.key = key;
        }

        @Override
        int shardKey() {
            return key.hashCode();
        }
    }
}
