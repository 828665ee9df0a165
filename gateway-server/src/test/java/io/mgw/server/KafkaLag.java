package io.mgw.server;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The chaos tests' last oracle (RELIABILITY.md B.7 item 1: "after the faults stop, all Kafka topics drain to
 * empty"): records written to a topic and not yet committed by the consumer group that reads it. A group is seen
 * through its commits: every partition of a topic it has committed on counts, one it never committed from offset 0;
 * a group that has committed nothing at all is not seen (each of the node's groups commits within its first seconds
 * of traffic).
 */
final class KafkaLag {

    private KafkaLag() {}

    /**
     * Uncommitted records per group and partition ("group topic-partition" to count), only those above zero: empty
     * when every group has taken everything written to its topics.
     */
    static Map<String, Long> uncommitted(String bootstrap) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        Map<String, Long> lag = new TreeMap<>();
        try (Admin admin = Admin.create(p)) {
            for (ConsumerGroupListing g : admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS)) {
                String group = g.groupId();
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                // every partition of the topics the group has committed on, not only the committed partitions
                var topics = committed.keySet().stream().map(TopicPartition::topic).distinct().toList();
                Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
                admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).forEach((name, d) ->
                        d.partitions().forEach(info -> ends.put(new TopicPartition(name, info.partition()),
                                OffsetSpec.latest())));
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = admin.listOffsets(ends).all()
                        .get(10, TimeUnit.SECONDS);
                end.forEach((tp, info) -> {
                    OffsetAndMetadata c = committed.get(tp);
                    long behind = info.offset() - (c == null ? 0 : c.offset());
                    if (behind > 0) {
                        lag.put(group + " " + tp, behind);
                    }
                });
            }
        }
        return lag;
    }

    /** Waits up to {@code atMost} for {@link #uncommitted} to be empty and returns what is left (empty if drained). */
    static Map<String, Long> awaitDrained(String bootstrap, Duration atMost) {
        AtomicReference<Map<String, Long>> last = new AtomicReference<>(Map.of("(not read)", 0L));
        try {
            await().atMost(atMost).pollInterval(Duration.ofMillis(500)).until(() -> {
                try {
                    last.set(uncommitted(bootstrap));
                } catch (Exception e) {
                    last.set(Map.of("(not read: " + e + (e.getCause() != null ? ", " + e.getCause() : "") + ")", 0L));
                }
                return last.get().isEmpty();
            });
        } catch (ConditionTimeoutException e) {
            // what is left is returned, for the caller's assertion to name
        }
        return last.get();
    }
}
