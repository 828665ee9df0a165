package io.mgw.routing.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Offset commits that report an offset as committed only once the broker confirmed it, so a failed asynchronous
 * commit is tried again on the next loop instead of being forgotten.
 */
public final class Commits {

    private Commits() {}

    /**
     * Commits {@code offsets}. Synchronous: blocks up to {@code timeout}, then calls {@code committed} for each
     * partition; a failure is thrown. Asynchronous: {@code committed} is called from the commit callback (on the
     * consumer's thread, inside a later poll or commit) only if the commit succeeded; a failure goes to
     * {@code failed} and nothing is recorded.
     *
     * @param consumer  the consumer that owns the partitions
     * @param offsets   next offset to read, per partition
     * @param sync      whether to wait for the broker
     * @param timeout   bound of a synchronous commit
     * @param committed receives (partition, offset) of every confirmed commit
     * @param failed    receives the error of a failed asynchronous commit
     */
    public static void commit(Consumer<?, ?> consumer, Map<TopicPartition, OffsetAndMetadata> offsets, boolean sync,
            Duration timeout, BiConsumer<TopicPartition, Long> committed, java.util.function.Consumer<Exception> failed) {
        requireNonNull(consumer, "consumer");
        requireNonNull(offsets, "offsets");
        requireNonNull(committed, "committed");
        requireNonNull(failed, "failed");
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            consumer.commitSync(offsets, timeout);
            offsets.forEach((tp, o) -> committed.accept(tp, o.offset()));
            return;
        }
        consumer.commitAsync(Map.copyOf(offsets), (done, e) -> {
            if (e != null) {
                failed.accept(e);
                return;
            }
            (done != null ? done : offsets).forEach((tp, o) -> committed.accept(tp, o.offset()));
        });
    }
}
