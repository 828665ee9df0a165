package io.mgw.routing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StallGuardTest {

    private static final TopicPartition TP = new TopicPartition("gw.report", 0);
    private static final Duration SESSION = Duration.ofSeconds(10);

    /** A consumer whose group may have left it out: then it refuses commits as Kafka's coordinator does. */
    private static final class Member extends MockConsumer<String, byte[]> {
        final AtomicInteger commits = new AtomicInteger();
        volatile boolean leftOut;
        volatile boolean unanswered;

        Member() {
            super("earliest");
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
            commits.incrementAndGet();
            if (leftOut) {
                throw new CommitFailedException();
            }
            if (unanswered) {
                throw new org.apache.kafka.common.errors.TimeoutException("no answer from the coordinator");
            }
            super.commitSync(offsets, timeout);
        }
    }

    private final AtomicLong now = new AtomicLong();
    private final StallGuard guard = new StallGuard(SESSION, now::get);
    private final Member consumer = new Member();

    @BeforeEach
    void assignWithACommit() {
        consumer.assign(List.of(TP));
        consumer.updateBeginningOffsets(Map.of(TP, 0L));
        consumer.commitSync(Map.of(TP, new OffsetAndMetadata(5)), Duration.ofSeconds(1));
        consumer.seek(TP, 12); // records 5..11 fetched and in hand, not finished
        consumer.commits.set(0);
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void aLoopThatKeepsTurningIsNotAsked() {
        for (int i = 0; i < 10; i++) {
            advance(Duration.ofSeconds(4)); // each turn within half the session timeout
            assertThat(guard.stillHolds(consumer)).isTrue();
        }
        assertThat(consumer.commits).hasValue(0);
    }

    @Test
    void afterAStallAMemberStillHoldsItsPartitionsAndGoesOn() {
        advance(Duration.ofSeconds(15));
        assertThat(guard.stillHolds(consumer)).isTrue();
        assertThat(consumer.commits).as("asked once, by committing the committed offsets again").hasValue(1);
        assertThat(consumer.committed(java.util.Set.of(TP))).containsEntry(TP, new OffsetAndMetadata(5));
        assertThat(consumer.position(TP)).as("not rewound").isEqualTo(12);
        advance(Duration.ofSeconds(1));
        assertThat(guard.stillHolds(consumer)).isTrue();
        assertThat(consumer.commits).hasValue(1);
    }

    @Test
    void afterAStallALeftOutMemberHoldsNothingAndIsRewoundToItsCommit() {
        consumer.leftOut = true;
        advance(Duration.ofSeconds(15));
        assertThat(guard.stillHolds(consumer)).isFalse();
        assertThat(consumer.position(TP)).as("records 5.. are fetched again if the partition is still ours")
                .isEqualTo(5);
    }

    @Test
    void aQuestionWithoutAnAnswerTellsNothingAndTheLoopGoesOn() {
        consumer.unanswered = true;
        advance(Duration.ofSeconds(15));
        assertThat(guard.stillHolds(consumer)).isTrue();
        assertThat(consumer.position(TP)).isEqualTo(12);
    }

    @Test
    void aPartitionWithoutACommittedOffsetCannotBeAskedAbout() {
        Member fresh = new Member();
        fresh.assign(List.of(TP));
        fresh.leftOut = true;
        advance(Duration.ofSeconds(15));
        assertThat(guard.stillHolds(fresh)).isTrue();
        assertThat(fresh.commits).hasValue(0);
    }

    @Test
    void theLimitIsHalfTheSessionTimeout() {
        consumer.leftOut = true;
        advance(Duration.ofMillis(TimeUnit.SECONDS.toMillis(5) - 1));
        assertThat(guard.stillHolds(consumer)).isTrue();
        advance(Duration.ofMillis(5_001));
        assertThat(guard.stillHolds(consumer)).isFalse();
    }
}
