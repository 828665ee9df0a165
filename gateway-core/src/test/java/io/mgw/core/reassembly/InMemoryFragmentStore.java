package io.mgw.core.reassembly;

import io.mgw.core.model.Message;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.store.Correlation;
import io.mgw.core.store.Fragment;
import io.mgw.core.store.MessageRecord;
import io.mgw.core.store.ParkedReceipt;
import io.mgw.core.store.UnknownSubmission;
import io.mgw.core.store.PartTally;
import io.mgw.core.store.Store;
import io.mgw.core.store.UnsettledMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A map-based {@link Store} that implements the MO reassembly part of the SPI faithfully (fragments kept by key and
 * sequence, duplicates ignored, expiry by the oldest fragment) and refuses the rest, which reassembly never uses.
 * Writes can be batched (held until {@link #flush()}, then all applied before any of their stages completes, as a
 * store that groups writes into one transaction would) and can be made to fail once, to test the reassembler's
 * ordering and failure paths.
 */
final class InMemoryFragmentStore implements Store {

    private final Map<String, TreeMap<Integer, Fragment>> fragments = new HashMap<>();
    private final boolean batching;
    private final List<Runnable> pendingWrites = new ArrayList<>();
    private final List<CompletableFuture<Void>> pendingStages = new ArrayList<>();
    final AtomicBoolean failNextSave = new AtomicBoolean();
    final AtomicBoolean failNextDelete = new AtomicBoolean();
    /** Makes the first save after the next delete fail. */
    final AtomicBoolean failSaveAfterDelete = new AtomicBoolean();
    private final AtomicBoolean failNextSaveArmed = new AtomicBoolean();

    /** Writes applied at once, on the caller's thread. */
    InMemoryFragmentStore() {
        this(false);
    }

    /** With {@code batching}, writes wait for {@link #flush()}. */
    InMemoryFragmentStore(boolean batching) {
        this.batching = batching;
    }

    /** Applies every pending write, then completes their stages; returns how many there were. */
    int flush() {
        List<CompletableFuture<Void>> stages;
        synchronized (fragments) {
            pendingWrites.forEach(Runnable::run);
            pendingWrites.clear();
            stages = List.copyOf(pendingStages);
            pendingStages.clear();
        }
        stages.forEach(s -> s.complete(null));
        return stages.size();
    }

    private CompletionStage<Void> write(Runnable apply) {
        synchronized (fragments) {
            if (!batching) {
                apply.run();
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> stage = new CompletableFuture<>();
            pendingWrites.add(apply);
            pendingStages.add(stage);
            return stage;
        }
    }

    @Override
    public CompletionStage<Void> saveFragment(Fragment fragment) {
        if (failNextSave.getAndSet(false) || failNextSaveArmed.getAndSet(false)) {
            return CompletableFuture.failedFuture(new IllegalStateException("injected: save failed"));
        }
        return write(() -> fragments.computeIfAbsent(fragment.key(), k -> new TreeMap<>())
                .putIfAbsent(fragment.sequence(), fragment));
    }

    @Override
    public List<Fragment> fragments(String key) {
        synchronized (fragments) {
            TreeMap<Integer, Fragment> byKey = fragments.get(key);
            return byKey == null ? List.of() : List.copyOf(byKey.values());
        }
    }

    @Override
    public CompletionStage<Void> deleteFragments(String key) {
        if (failNextDelete.getAndSet(false)) {
            return CompletableFuture.failedFuture(new IllegalStateException("injected: delete failed"));
        }
        if (failSaveAfterDelete.getAndSet(false)) {
            failNextSaveArmed.set(true);
        }
        return write(() -> fragments.remove(key));
    }

    @Override
    public List<String> expiredFragmentKeys(Instant now, int limit) {
        synchronized (fragments) {
            record Oldest(String key, Instant at) {}
            List<Oldest> expired = new ArrayList<>();
            fragments.forEach((key, byKey) -> byKey.values().stream().map(Fragment::expiresAt)
                    .min(Comparator.naturalOrder())
                    .filter(at -> at.isBefore(now))
                    .ifPresent(at -> expired.add(new Oldest(key, at))));
            return expired.stream().sorted(Comparator.comparing(Oldest::at)).limit(limit).map(Oldest::key).toList();
        }
    }

    /** Number of parts held, over all keys (completion markers, sequence 0, are not parts). */
    int size() {
        synchronized (fragments) {
            return (int) fragments.values().stream().flatMap(byKey -> byKey.keySet().stream()).filter(seq -> seq > 0)
                    .count();
        }
    }

    /** Number of completion markers held. */
    int markers() {
        synchronized (fragments) {
            return (int) fragments.values().stream().filter(byKey -> byKey.containsKey(0)).count();
        }
    }

    // ---- not used by reassembly ----

    @Override
    public CompletionStage<Void> recordMessage(Message message, MessageEvent first) {
        throw unused();
    }

    @Override
    public CompletionStage<Void> appendEvent(MessageId id, MessageEvent event) {
        throw unused();
    }

    @Override
    public Optional<MessageRecord> find(MessageId id) {
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
    public CompletionStage<Void> putCorrelation(String connector, String remoteId, MessageId id, int part,
            int parts) {
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
    public void rememberUnknownSubmission(UnknownSubmission submission) {
        throw unused();
    }

    @Override
    public List<UnknownSubmission> unknownSubmissions(String connector, String handset, int limit) {
        throw unused();
    }

    @Override
    public void forgetUnknownSubmission(UnknownSubmission submission) {
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
    public List<UnsettledMessage> unsettledExpired(Instant validFrom, Instant validBefore, int limit) {
        throw unused();
    }

    @Override
    public long purgeOlderThan(Instant before) {
        throw unused();
    }

    @Override
    public Optional<Instant> mark(String name) {
        throw unused();
    }

    @Override
    public void saveMark(String name, Instant mark) {
        throw unused();
    }

    @Override
    public boolean claimMark(String name, Optional<Instant> expected, Instant mark) {
        throw unused();
    }

    @Override
    public boolean isHealthy() {
        return true;
    }

    @Override
    public void close() {}

    private static UnsupportedOperationException unused() {
        return new UnsupportedOperationException("not part of MO reassembly; this test store only keeps fragments");
    }
}
