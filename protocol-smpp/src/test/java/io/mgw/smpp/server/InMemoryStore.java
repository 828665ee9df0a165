package io.mgw.smpp.server;

import io.mgw.core.model.Message;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.model.Content;
import io.mgw.core.store.Correlation;
import io.mgw.core.store.Fragment;
import io.mgw.core.store.MessageRecord;
import io.mgw.core.store.ParkedReceipt;
import io.mgw.core.store.PartTally;
import io.mgw.core.store.Store;
import io.mgw.core.store.UnsettledMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** The message-status part of the Store SPI in memory, for query_sm and cancel_sm tests. */
final class InMemoryStore implements Store {

    private final ConcurrentHashMap<MessageId, MessageRecord> records = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Void> recordMessage(Message m, MessageEvent first) {
        String preview = m.content() instanceof Content.Text t ? t.text().substring(0, Math.min(20, t.text().length())) : "";
        records.putIfAbsent(m.id(), new MessageRecord(m.id(), m.origin().account(), m.origin().protocol(),
                m.kind().name(), m.direction().name(), m.source().value(), m.source().ton(), m.source().npi(),
                m.destination().value(), m.destination().ton(), m.destination().npi(), preview,
                m.reportRequest().name(), m.receivedAt(), m.validUntil(), first.status(), first.at(), 0,
                List.of(first)));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> appendEvent(MessageId id, MessageEvent e) {
        records.computeIfPresent(id, (k, r) -> {
            List<MessageEvent> h = new ArrayList<>(r.history());
            h.add(e);
            MessageStatus s = r.status().isFinal() && !e.status().isFinal() ? r.status() : e.status();
            return new MessageRecord(r.id(), r.account(), r.protocol(), r.kind(), r.direction(), r.source(),
                    r.sourceTon(), r.sourceNpi(), r.destination(), r.destTon(), r.destNpi(), r.textPreview(),
                    r.reportRequest(), r.receivedAt(), r.validUntil(), s, e.at(), r.errorCode(), h);
        });
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Optional<MessageRecord> find(MessageId id) {
        return Optional.ofNullable(records.get(id));
    }

    @Override
    public CompletionStage<Boolean> markSubmitted(MessageId id, String connector, int part) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean isSubmitted(MessageId id, String connector, int part) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<Void> putCorrelation(String c, String r, MessageId id, int part, int parts) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Correlation> findCorrelation(String connector, String remoteId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<PartTally> recordPartOutcome(MessageId id, int part, int parts, MessageStatus status) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<Void> parkReceipt(ParkedReceipt receipt) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<ParkedReceipt> parkedReceipts(String connector, int limit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<ParkedReceipt> parkedReceiptsBefore(Instant before, int limit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<Void> deleteParkedReceipt(long parkId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<Void> saveFragment(Fragment fragment) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<Fragment> fragments(String key) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<Void> deleteFragments(String key) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<String> expiredFragmentKeys(Instant now, int limit) {
        throw new UnsupportedOperationException();
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
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean isHealthy() {
        return true;
    }

    @Override
    public void close() {}
}
