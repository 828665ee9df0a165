package io.mgw.routing.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mgw.core.config.KafkaConfig;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopicAdminTest {

    private static KafkaConfig cluster(int rf, int minIsr, boolean allowWeak) {
        return new KafkaConfig(Optional.of("k1:9092"), rf, minIsr, allowWeak, 6, 3, Map.of(), Map.of());
    }

    @Test
    void refusesReplicationFactorBelowThreeOnACluster() {
        assertThatThrownBy(() -> TopicAdmin.durabilityFor(cluster(2, 2, false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kafka.replicationFactor: 2");
    }

    @Test
    void refusesMinIsrBelowTwoOnACluster() {
        assertThatThrownBy(() -> TopicAdmin.durabilityFor(cluster(3, 1, false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kafka.minInsyncReplicas: 1");
    }

    @Test
    void acceptsWeakSettingsWhenExplicitlyAllowed() {
        assertThat(TopicAdmin.durabilityFor(cluster(1, 1, true))).isEqualTo(new TopicAdmin.Durability((short) 1, 1));
    }

    @Test
    void usesConfiguredSettingsOnACluster() {
        assertThat(TopicAdmin.durabilityFor(cluster(3, 2, false))).isEqualTo(new TopicAdmin.Durability((short) 3, 2));
    }

    @Test
    void usesOneReplicaOnTheEmbeddedBroker() {
        KafkaConfig embedded = new KafkaConfig(Optional.empty(), 3, 2, false, 6, 3, Map.of(), Map.of());
        assertThat(TopicAdmin.durabilityFor(embedded)).isEqualTo(new TopicAdmin.Durability((short) 1, 1));
    }

    @Test
    void topicNamesFollowTheArchitecture() {
        assertThat(Topics.INGRESS).isEqualTo("gw.ingress");
        assertThat(Topics.out("smsc-a")).isEqualTo("gw.out.smsc-a");
        assertThat(Topics.deliver("acme")).isEqualTo("gw.deliver.acme");
        assertThatThrownBy(() -> Topics.deliver("bad name")).isInstanceOf(IllegalArgumentException.class);
        // a refused name is not remembered: asked again, it is refused again
        assertThatThrownBy(() -> Topics.deliver("bad name")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Topics.deliver("acme")).isSameAs(Topics.deliver("acme"));
    }

    @Test
    void topicNamesTakeOnlyKafkaLegalCharacters() {
        assertThat(Topics.out("Az09._-")).isEqualTo("gw.out.Az09._-");
        for (String bad : new String[] {"", "a/b", "a:b", "ä", "a b", "a+b", "x".repeat(201)}) {
            assertThatThrownBy(() -> Topics.out(bad)).as("'%s'", bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("connectorId: '" + bad + "'");
        }
    }
}
