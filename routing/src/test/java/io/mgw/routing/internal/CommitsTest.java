package io.mgw.routing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.consumer.RetriableCommitFailedException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class CommitsTest {

    private static final TopicPartition TP = new TopicPartition("gw.out.a", 0);

    /** A consumer whose asynchronous commits fail in the callback, as a broker error would. */
    private static final class FailingCommits extends MockConsumer<String, byte[]> {
        FailingCommits() {
            super("earliest");
        }

        @Override
        public synchronized void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets,
                OffsetCommitCallback callback) {
            callback.onComplete(offsets, new RetriableCommitFailedException("coordinator moved"));
        }
    }

    @Test
    void failedAsyncCommitIsNotRecordedAsCommitted() {
        Map<TopicPartition, Long> recorded = new HashMap<>();
        List<Exception> errors = new ArrayList<>();
        Commits.commit(new FailingCommits(), Map.of(TP, new OffsetAndMetadata(42)), false, Duration.ofSeconds(1),
                recorded::put, errors::add);
        assertThat(recorded).isEmpty();
        assertThat(errors).hasSize(1);
    }

    @Test
    void successfulAsyncCommitIsRecorded() {
        MockConsumer<String, byte[]> c = new MockConsumer<>("earliest");
        c.assign(List.of(TP));
        Map<TopicPartition, Long> recorded = new HashMap<>();
        Commits.commit(c, Map.of(TP, new OffsetAndMetadata(42)), false, Duration.ofSeconds(1), recorded::put,
                e -> { });
        assertThat(recorded).containsEntry(TP, 42L);
    }
}
