package io.mgw.core.config;

import java.util.Map;
import java.util.Optional;

/**
 * Kafka settings.
 *
 * @param bootstrap             broker list; empty starts the embedded single-node KRaft broker
 * @param replicationFactor     topic replication factor (3 in a cluster)
 * @param minInsyncReplicas     topic min.insync.replicas (2 in a cluster)
 * @param allowWeakDurability   accept RF &lt; 3 or min ISR &lt; 2 on an external cluster (tests, labs)
 * @param ingressPartitions     partitions of gw.ingress
 * @param deliverPartitions     partitions of each gw.deliver.&lt;account&gt;
 * @param producer              extra producer properties
 * @param consumer              extra consumer properties
 */
public record KafkaConfig(
        Optional<String> bootstrap,
        int replicationFactor,
        int minInsyncReplicas,
        boolean allowWeakDurability,
        int ingressPartitions,
        int deliverPartitions,
        Map<String, String> producer,
        Map<String, String> consumer) {

    public KafkaConfig {
        producer = Map.copyOf(producer);
        consumer = Map.copyOf(consumer);
    }

    /**
     * Refuses weak durability on an external cluster unless explicitly allowed (ARCHITECTURE.md §6).
     *
     * @throws IllegalArgumentException naming the offending key
     */
    public void validateDurability() {
        if (bootstrap.isEmpty() || allowWeakDurability) {
            return;
        }
        if (replicationFactor < 3) {
            throw new IllegalArgumentException("kafka.replicationFactor: " + replicationFactor
                    + " (expected: >= 3 on a cluster; set kafka.allowWeakDurability: true to accept)");
        }
        if (minInsyncReplicas < 2) {
            throw new IllegalArgumentException("kafka.minInsyncReplicas: " + minInsyncReplicas
                    + " (expected: >= 2 on a cluster; set kafka.allowWeakDurability: true to accept)");
        }
    }

    /** Secret client settings (SASL logins, key passwords) masked. */
    @Override
    public String toString() {
        return "KafkaConfig[bootstrap=" + bootstrap.orElse("(embedded)") + ", replicationFactor=" + replicationFactor
                + ", minInsyncReplicas=" + minInsyncReplicas + ", allowWeakDurability=" + allowWeakDurability
                + ", ingressPartitions=" + ingressPartitions + ", deliverPartitions=" + deliverPartitions
                + ", producer=" + Secrets.masked(producer) + ", consumer=" + Secrets.masked(consumer) + "]";
    }
}
