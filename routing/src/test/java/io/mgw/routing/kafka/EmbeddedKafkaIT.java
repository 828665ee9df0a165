package io.mgw.routing.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.mgw.core.config.KafkaConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {

    @TempDir
    Path dir;

    @Test
    void theLogCleanersDedupeBufferIsSmallSinceItIsTakenFromTheNodesHeap() throws Exception {
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("cleaner"), 0)) {
            kafka.start();
            try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers",
                    kafka.bootstrapServers()))) {
                var broker = new org.apache.kafka.common.config.ConfigResource(
                        org.apache.kafka.common.config.ConfigResource.Type.BROKER, "1");
                var config = admin.describeConfigs(List.of(broker)).all().get().get(broker);
                assertThat(config.get("log.cleaner.dedupe.buffer.size").value()).isEqualTo(Integer.toString(16 << 20));
            }
        }
    }

    @Test
    void startsProducesConsumesAndKeepsDataAcrossRestart() throws Exception {
        KafkaConfig cfg = new KafkaConfig(Optional.empty(), 3, 2, false, 2, 1, Map.of(), Map.of());
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir, 0)) {
            kafka.start();
            assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
            try (TopicAdmin admin = new TopicAdmin(cfg, kafka.bootstrapServers())) {
                assertThat(admin.durability()).isEqualTo(new TopicAdmin.Durability((short) 1, 1));
                admin.ensure(Map.of("t1", 2));
                admin.ensure(Map.of("t1", 2));
                assertThat(admin.partitions("t1")).isEqualTo(2);
            }
            KafkaClients clients = new KafkaClients(kafka.bootstrapServers(), Map.of(), Map.of());
            try (KafkaProducer<String, byte[]> p = clients.producer("it")) {
                for (int i = 0; i < 10; i++) {
                    p.send(new ProducerRecord<>("t1", "k" + i, ("v" + i).getBytes())).get();
                }
            }
            assertThat(consumeAll(clients, "g1", 10)).hasSize(10);
        }
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir, 0)) {
            kafka.start();
            KafkaClients clients = new KafkaClients(kafka.bootstrapServers(), Map.of(), Map.of());
            List<String> again = consumeAll(clients, "g2", 10);
            assertThat(again).hasSize(10).contains("v0", "v9");
        }
    }

    private static List<String> consumeAll(KafkaClients clients, String group, int expected) {
        List<String> got = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = clients.consumer(group, "it", 100)) {
            c.subscribe(List.of("t1"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (got.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    got.add(new String(r.value()));
                }
            }
        }
        return got;
    }
}
