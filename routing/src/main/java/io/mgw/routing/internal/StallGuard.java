package io.mgw.routing.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * Tells a consumer loop that stood still for long whether it still holds its partitions before it acts on what it
 * holds.
 *
 * <p>A node frozen past its group's session timeout (a stalled VM, a long pause, SIGSTOP) has its partitions given to
 * another node, which handles their records from the last commit. Thawed, the frozen node's loop goes on with the
 * records it had fetched, and fetches more from its old positions (fetching does not check group membership), until
 * its heartbeat learns that it was left out: NodePauseIT saw a thawed node handle 8,285 receipts the other node had
 * handled already, forwarding again those whose final event was not written yet. So after a gap of more than half the
 * session timeout between two calls, {@link #stillHolds} asks the group: it commits again the offsets already
 * committed for the assigned partitions, which the coordinator refuses from a member it no longer knows. If refused,
 * the caller drops what it holds and the consumer is rewound to the committed offsets, so nothing is skipped: the
 * partitions' owner, this node again or another, handles their records from there. A thread that only stood still
 * while the consumer's heartbeat went on is still a member, and goes on after one commit; so does one whose question
 * gets no answer (dropping then could make the node race itself over the records it has in flight).
 */
public final class StallGuard {

    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

    private final long limitNanos;
    private final LongSupplier nanoTime;
    private long last;

    /** @param sessionTimeout the group's session timeout ({@code session.timeout.ms}) */
    public StallGuard(Duration sessionTimeout) {
        this(sessionTimeout, System::nanoTime);
    }

    StallGuard(Duration sessionTimeout, LongSupplier nanoTime) {
        this.limitNanos = requireNonNull(sessionTimeout, "sessionTimeout").toNanos() / 2;
        this.nanoTime = nanoTime;
        this.last = nanoTime.getAsLong();
    }

    /**
     * Called once per loop, on the consumer's thread: true if the loop may go on with what it holds. False when the
     * previous call was more than half the session timeout ago and the group refused this member's commit: the
     * consumer is then rewound to its committed offsets, and the caller must drop what it holds of
     * {@code consumer}'s assigned partitions (as if they had been lost). A partition without a committed offset
     * cannot be asked about, and a question without an answer tells nothing: then the loop goes on.
     */
    public boolean stillHolds(Consumer<?, ?> consumer) {
        long now = nanoTime.getAsLong();
        boolean stalled = now - last > limitNanos;
        last = now;
        if (!stalled) {
            return true;
        }
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            return true;
        }
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = new HashMap<>(consumer.committed(assigned, ASK_TIMEOUT));
        } catch (KafkaException e) {
            return true; // not even the offsets: nothing to rewind to, go on as before
        }
        if (committed.size() < assigned.size() || committed.containsValue(null)) {
            return true;
        }
        try {
            consumer.commitSync(committed, ASK_TIMEOUT);
            return true;
        } catch (CommitFailedException e) {
            // left out: hold nothing, and fetch from the commit should the partitions come back here
            committed.forEach((tp, o) -> consumer.seek(tp, o));
            return false;
        } catch (KafkaException e) {
            // a rebalance under way (the usual revocation follows) or no answer: cannot tell, go on as before
            return true;
        } finally {
            last = nanoTime.getAsLong();
        }
    }
}
