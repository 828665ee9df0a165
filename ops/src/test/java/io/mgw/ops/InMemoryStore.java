package io.mgw.ops;

import io.mgw.core.model.Message;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.store.Correlation;
import io.mgw.core.store.Fragment;
import io.mgw.core.store.MessageRecord;
import io.mgw.core.store.ParkedReceipt;
import io.mgw.core.store.PartTally;
import io.mgw.core.store.Store;
import io.mgw.core.store.UnsettledMessage;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A store double for the ops endpoints: serves {@link #find} from records put in by the test, reports health as
 * told, and can be made to fail reads. The ops module reads nothing else, so every other method refuses loudly.
 */
final class InMemoryStore implements Store {

    private final Map<MessageId, MessageRecord> records = new ConcurrentHashMap<>();
    private volatile boolean healthy = true;
    private volatile boolean failReads;

    void put(MessageRecord record) {
        records.put(record.id(), record);
    }

    void setHealthy(boolean healthy) {
        this.healthy = healthy;
    }

    void setFailReads(boolean failReads) {
        this.failReads = failReads;
    }

    @Override
    public Optional<MessageRecord> find(MessageId id) {
        if (failReads) {
            throw new IllegalStateException("database connection refused");
        }
        return Optional.ofNullable(records.get(id));
    }

    @Override
    public boolean isHealthy() {
        return healthy;
    }

    @Override
    public void close() {}

    private static UnsupportedOperationException unused() {
        return new UnsupportedOperationException("not used by the ops endpoints");
    }

    @Override
    public CompletionStage<Void> recordMessage(Message message, MessageEvent first) {
        throw unused();
    }

    @Override
    public CompletionStage<Void> appendEvent(MessageId id, MessageEvent event) {
        throw unused();
    }

    @Override
    public CompletionStage<Boolean> markSubmitted(MessageId id, String connector, int part) {
        throw unused();
    }

    @Override
    public boolean isSubmitted(MessageId id, String connector, int part) {
        throw unused();
    }

    @Override
    public CompletionStage<Void> putCorrelation(String connector, String remoteId, MessageId id, int part, int parts) {
        throw unused();
    }

    @Override
    public Optional<Correlation> findCorrelation(String connector, String remoteId) {
        throw unused();
    }

    @Override
    public CompletionStage<PartTally> recordPartOutcome(MessageId id, int part, int parts, MessageStatus status) {
        throw unused();
    }

    @Override
    public CompletionStage<Void> parkReceipt(ParkedReceipt receipt) {
        throw unused();
    }

    @Override
    public List<ParkedReceipt> parkedReceipts(String connector, int limit) {
        throw unused();
    }

    @Override
    public List<ParkedReceipt> parkedReceiptsBefore(Instant before, int limit) {
        throw unused();
    }

    @Override
    public CompletionStage<Void> deleteParkedReceipt(long parkId) {
        throw unused();
    }

    @Override
    public CompletionStage<Void> saveFragment(Fragment fragment) {
        throw unused();
    }

    @Override
    public List<Fragment> fragments(String key) {
        throw unused();
    }

    @Override
    public CompletionStage<Void> deleteFragments(String key) {
        throw unused();
    }

    @Override
    public List<String> expiredFragmentKeys(Instant now, int limit) {
        throw unused();
    }

    @Override
    public List<UnsettledMessage> unsettledExpired(Instant validFrom, Instant validBefore, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
        }
        return records.values().stream()
                .filter(r -> "MT".equals(r.direction()))
                .filter(r -> !r.validUntil().isBefore(validFrom) && r.validUntil().isBefore(validBefore))
                .filter(r -> r.history().stream().noneMatch(e -> e.status().isFinal()))
                .sorted(Comparator.comparing(MessageRecord::validUntil).thenComparing(MessageRecord::id))
                .limit(limit)
                .map(r -> new UnsettledMessage(r.id(), r.validUntil()))
                .toList();
    }

    @Override
    public long purgeOlderThan(Instant before) {
        throw unused();
    }
}
