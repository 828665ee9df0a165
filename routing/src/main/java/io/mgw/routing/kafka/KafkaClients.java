package io.mgw.routing.kafka;

import static java.util.Objects.requireNonNull;

import io.mgw.core.config.KafkaConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Builds the pipeline's producers and consumers with the settings the promises need (ARCHITECTURE.md §2, §6).
 *
 * <p>Producer: {@code acks=all}, idempotence on, {@code linger.ms=2} (10 for the delivery half's), lz4
 * ({@link #of} turns compression off for the embedded broker), {@code max.block.ms} and {@code delivery.timeout.ms}
 * bounded so that a send to an unreachable cluster fails within seconds instead of hanging. Consumer: manual commits,
 * {@code auto.offset.reset=earliest} (a new group reads everything that waits), fetches of at least 16 KiB or 20 ms,
 * read-committed isolation is not used (no transactions). Extra properties from the config override the defaults,
 * except the ones the promises depend on (acks, idempotence, auto commit).
 *
 * @param bootstrapServers the cluster
 * @param producerExtra    extra producer properties (kafka.producer)
 * @param consumerExtra    extra consumer properties (kafka.consumer)
 */
public record KafkaClients(String bootstrapServers, Map<String, String> producerExtra, Map<String, String> consumerExtra) {

    /** The consumers' session timeout unless {@code kafka.consumer} sets {@code session.timeout.ms}. */
    static final String DEFAULT_SESSION_TIMEOUT_MS = "15000";

    /** {@code linger.ms} of the ingress producer, whose acknowledgements answer submits. */
    static final int INGRESS_LINGER_MS = 2;

    /** {@code linger.ms} of the delivery half's producer ({@link #pipelineProducer}). */
    static final int PIPELINE_LINGER_MS = 10;

    /** What a consumer's fetch waits for (up to {@code fetch.max.wait.ms}, 20 ms) unless the config says otherwise. */
    static final int FETCH_MIN_BYTES = 16_384;

    /** Bound on a whole send (metadata wait, batching, retries): a client gets a temporary error after this. */
    public static final int DELIVERY_TIMEOUT_MS = 15_000;

    public KafkaClients {
        requireNonNull(bootstrapServers, "bootstrapServers");
        producerExtra = Map.copyOf(producerExtra);
        consumerExtra = Map.copyOf(consumerExtra);
    }

    /**
     * The clients for a node's Kafka settings. Unless {@code kafka.producer} sets {@code compression.type}, batches
     * are compressed with lz4 on a cluster (records cross the network and are replicated) and not at all on the
     * embedded broker: over loopback compression saves nothing, and each compressed batch allocates lz4's 64 KiB
     * block buffers, which was 30% of the node's allocation in the end-to-end benchmark (docs/BENCHMARKS.md).
     */
    public static KafkaClients of(KafkaConfig kafka, String bootstrapServers) {
        Map<String, String> producer = new HashMap<>(kafka.producer());
        if (kafka.bootstrap().isEmpty()) {
            producer.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        }
        return new KafkaClients(bootstrapServers, producer, kafka.consumer());
    }

    /** The consumers' group session timeout: {@code kafka.consumer}'s {@code session.timeout.ms}, or 15 s. */
    public Duration sessionTimeout() {
        return Duration.ofMillis(Long.parseLong(consumerExtra.getOrDefault(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                DEFAULT_SESSION_TIMEOUT_MS).strip()));
    }

    /** A producer of string keys and byte values, {@code linger.ms} {@value #INGRESS_LINGER_MS}. */
    public KafkaProducer<String, byte[]> producer(String clientId) {
        return new KafkaProducer<>(producerProperties(clientId, INGRESS_LINGER_MS), new StringSerializer(),
                new ByteArraySerializer());
    }

    /**
     * The delivery half's producer (router, egress, receipts, reports), {@code linger.ms} {@value #PIPELINE_LINGER_MS}:
     * no client waits on its acknowledgements with a submit, so it batches longer and asks the broker less often,
     * and the ingress's producer, whose acknowledgements do answer submits, has its sender thread to itself. At
     * 6,000 messages/s this took the submit_sm_resp p99 from 38-75 ms to 20-46 ms (docs/BENCHMARKS.md).
     */
    public KafkaProducer<String, byte[]> pipelineProducer(String clientId) {
        return new KafkaProducer<>(producerProperties(clientId, PIPELINE_LINGER_MS), new StringSerializer(),
                new ByteArraySerializer());
    }

    /** The properties of {@link #producer} and {@link #pipelineProducer}. */
    Properties producerProperties(String clientId, int lingerMs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(lingerMs));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(DELIVERY_TIMEOUT_MS));
        p.putAll(producerExtra);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        return p;
    }

    /** A consumer in {@code group} with manual commits. */
    public KafkaConsumer<String, byte[]> consumer(String group, String clientId, int maxPollRecords) {
        return new KafkaConsumer<>(consumerProperties(group, clientId, maxPollRecords), new StringDeserializer(),
                new ByteArrayDeserializer());
    }

    /**
     * The properties of {@link #consumer}. A fetch waits for {@value #FETCH_MIN_BYTES} bytes or 20 ms, whichever
     * comes first: with Kafka's default of one byte, a consumer that keeps up sent a fetch for every record or two,
     * and at 4,000 messages/s the node used about a sixth more CPU, mostly the broker answering those requests
     * (docs/BENCHMARKS.md); the cost is up to 20 ms per hop when traffic is light.
     */
    Properties consumerProperties(String group, String clientId, int maxPollRecords) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
        p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, Integer.toString(FETCH_MIN_BYTES));
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, DEFAULT_SESSION_TIMEOUT_MS);
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        p.putAll(consumerExtra);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return p;
    }
}
