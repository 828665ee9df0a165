package io.mgw.routing.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/** Pauses and resumes a consumer's partitions one by one. */
public final class Pauses {

    private Pauses() {}

    /**
     * Pauses the assigned partitions {@code wanted} says should be paused and resumes the others, calling the consumer
     * only for those whose state changes (the consumer's loop runs this every few milliseconds: nothing is allocated
     * when nothing changes).
     */
    public static void apply(Consumer<?, ?> c, Predicate<TopicPartition> wanted) {
        Set<TopicPartition> assigned = c.assignment();
        if (assigned.isEmpty()) {
            return;
        }
        Set<TopicPartition> paused = c.paused();
        List<TopicPartition> pause = null;
        List<TopicPartition> resume = null;
        for (TopicPartition tp : assigned) {
            boolean want = wanted.test(tp);
            if (want && !paused.contains(tp)) {
                (pause == null ? pause = new ArrayList<>() : pause).add(tp);
            } else if (!want && paused.contains(tp)) {
                (resume == null ? resume = new ArrayList<>() : resume).add(tp);
            }
        }
        if (pause != null) {
            c.pause(pause);
        }
        if (resume != null) {
            c.resume(resume);
        }
    }
}
