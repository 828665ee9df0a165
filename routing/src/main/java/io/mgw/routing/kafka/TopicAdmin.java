package io.mgw.routing.kafka;

import static java.util.Objects.requireNonNull;

import io.mgw.core.config.KafkaConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the pipeline's topics with the configured partitions, replication factor and {@code min.insync.replicas}
 * (ARCHITECTURE.md §6). On an external cluster it refuses weak durability (RF &lt; 3 or min ISR &lt; 2) unless the
 * config allows it; on the embedded single broker it uses RF 1 and min ISR 1. Existing topics are left as they are.
 */
public final class TopicAdmin implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Replication settings applied to every topic created. */
    public record Durability(short replicationFactor, int minInsyncReplicas) {}

    private final Admin admin;
    private final Durability durability;

    /**
     * @param kafka            the Kafka settings
     * @param bootstrapServers where to connect (the embedded broker's address when {@code kafka.bootstrap()} is empty)
     * @throws IllegalArgumentException if the settings are too weak for a cluster and not explicitly allowed
     */
    public TopicAdmin(KafkaConfig kafka, String bootstrapServers) {
        this.durability = durabilityFor(kafka);
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, requireNonNull(bootstrapServers, "bootstrapServers"));
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "mgw-topic-admin");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        this.admin = Admin.create(p);
    }

    /**
     * The replication settings for topics under this config: RF 1 / min ISR 1 on the embedded broker (no
     * {@code kafka.bootstrap}), the configured values on a cluster after {@link KafkaConfig#validateDurability()}.
     *
     * @throws IllegalArgumentException if a cluster's settings are too weak and not explicitly allowed
     */
    public static Durability durabilityFor(KafkaConfig kafka) {
        requireNonNull(kafka, "kafka");
        kafka.validateDurability();
        if (kafka.bootstrap().isEmpty()) {
            return new Durability((short) 1, 1);
        }
        if (kafka.replicationFactor() < 1 || kafka.minInsyncReplicas() < 1) {
            throw new IllegalArgumentException("kafka.replicationFactor/minInsyncReplicas: " + kafka.replicationFactor()
                    + "/" + kafka.minInsyncReplicas() + " (expected: >= 1)");
        }
        return new Durability((short) kafka.replicationFactor(), kafka.minInsyncReplicas());
    }

    public Durability durability() {
        return durability;
    }

    /**
     * Creates the topics that do not exist yet; blocks up to 30 s.
     *
     * @param partitionsByTopic topic name to partition count (&gt;= 1)
     * @throws IllegalStateException if the cluster does not answer or refuses
     */
    public void ensure(Map<String, Integer> partitionsByTopic) {
        if (partitionsByTopic.isEmpty()) {
            return;
        }
        try {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = partitionsByTopic.entrySet().stream()
                    .filter(e -> !existing.contains(e.getKey()))
                    .map(e -> {
                        if (e.getValue() < 1) {
                            throw new IllegalArgumentException(
                                    "partitions of " + e.getKey() + ": " + e.getValue() + " (expected: >= 1)");
                        }
                        return new NewTopic(e.getKey(), e.getValue(), durability.replicationFactor())
                                .configs(Map.of("min.insync.replicas", Integer.toString(durability.minInsyncReplicas()),
                                        "unclean.leader.election.enable", "false"));
                    })
                    .toList();
            if (missing.isEmpty()) {
                return;
            }
            var result = admin.createTopics(missing);
            for (var e : result.values().entrySet()) {
                try {
                    e.getValue().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    log.info("Created topic {} (RF {}, min ISR {})", e.getKey(), durability.replicationFactor(),
                            durability.minInsyncReplicas());
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw ex;
                    }
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("creating topics " + partitionsByTopic.keySet() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /** Partitions of a topic, or 0 if it does not exist. */
    public int partitions(String topic) {
        try {
            var d = admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return d.get(topic).partitions().size();
        } catch (ExecutionException | TimeoutException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
