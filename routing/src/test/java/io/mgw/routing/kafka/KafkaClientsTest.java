package io.mgw.routing.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.mgw.core.config.KafkaConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {

    private static KafkaConfig config(Optional<String> bootstrap, Map<String, String> producer) {
        return new KafkaConfig(bootstrap, 3, 2, false, 4, 2, producer, Map.of("fetch.min.bytes", "1"));
    }

    @Test
    void theSessionTimeoutIsTheConsumersSettingOr15Seconds() {
        assertThat(new KafkaClients("b:9092", Map.of(), Map.of()).sessionTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(new KafkaClients("b:9092", Map.of(), Map.of("session.timeout.ms", "10000")).sessionTimeout())
                .isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void theEmbeddedBrokerGetsUncompressedBatches() {
        KafkaClients clients = KafkaClients.of(config(Optional.empty(), Map.of()), "127.0.0.1:9092");

        assertThat(clients.producerExtra()).containsEntry("compression.type", "none");
        assertThat(clients.consumerExtra()).containsEntry("fetch.min.bytes", "1");
        assertThat(clients.bootstrapServers()).isEqualTo("127.0.0.1:9092");
    }

    @Test
    void aClusterKeepsTheLz4Default() {
        KafkaClients clients = KafkaClients.of(config(Optional.of("k1:9092"), Map.of("linger.ms", "5")), "k1:9092");

        assertThat(clients.producerExtra()).doesNotContainKey("compression.type").containsEntry("linger.ms", "5");
    }

    @Test
    void consumersWaitForFullerFetchesUnlessTheConfigSaysOtherwise() {
        var defaults = new KafkaClients("b:9092", Map.of(), Map.of()).consumerProperties("g", "c", 500);
        var configured = new KafkaClients("b:9092", Map.of(), Map.of("fetch.min.bytes", "1", "enable.auto.commit",
                "true")).consumerProperties("g", "c", 500);

        assertThat(defaults).containsEntry("fetch.min.bytes", "16384").containsEntry("fetch.max.wait.ms", "20")
                .containsEntry("enable.auto.commit", "false").containsEntry("max.poll.records", "500");
        assertThat(configured).containsEntry("fetch.min.bytes", "1")
                .as("the commits after the outbound side took a record are not the config's to turn off")
                .containsEntry("enable.auto.commit", "false");
    }

    @Test
    void theIngressProducerLingersLessThanTheDeliveryHalfsAndBothKeepTheirPromises() {
        var clients = new KafkaClients("b:9092", Map.of("acks", "1", "enable.idempotence", "false"), Map.of());

        assertThat(clients.producerProperties("in", KafkaClients.INGRESS_LINGER_MS)).containsEntry("linger.ms", "2")
                .containsEntry("acks", "all").containsEntry("enable.idempotence", "true");
        assertThat(clients.producerProperties("out", KafkaClients.PIPELINE_LINGER_MS)).containsEntry("linger.ms", "10")
                .containsEntry("acks", "all").containsEntry("enable.idempotence", "true");
    }

    @Test
    void anExplicitCompressionWinsOnTheEmbeddedBroker() {
        KafkaClients clients = KafkaClients.of(config(Optional.empty(), Map.of("compression.type", "zstd")),
                "127.0.0.1:9092");

        assertThat(clients.producerExtra()).containsEntry("compression.type", "zstd");
    }
}
