package io.mgw.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The config records a log line or an exception message may show keep their secrets to themselves. */
class SecretsTest {

    @Test
    void aConnectorShowsItsSettingsButNotItsPassword() {
        String s = new ConnectorConfig("smsc-a", "smpp", 100, 4,
                Map.of("host", "10.0.0.1", "password", "bindpw1", "tls.keyStorePassword", "kspw")).toString();
        assertThat(s).contains("host=10.0.0.1").contains("password=***").doesNotContain("bindpw1")
                .doesNotContain("kspw");
    }

    @Test
    void kafkaClientSettingsHideSaslLoginsAndKeyPasswords() {
        String s = new KafkaConfig(Optional.of("k1:9093"), 3, 2, false, 8, 4,
                Map.of("sasl.jaas.config", "ScramLoginModule required username=\"gw\" password=\"saslpw\";",
                        "ssl.key.password", "keypw", "linger.ms", "5"),
                Map.of("sasl.mechanism", "SCRAM-SHA-512")).toString();
        assertThat(s).contains("linger.ms=5").contains("sasl.mechanism=SCRAM-SHA-512").doesNotContain("saslpw")
                .doesNotContain("keypw");
    }

    @Test
    void theStoreHidesItsPasswordAlsoInsideItsUrl() {
        String s = new StoreConfig("postgresql",
                Optional.of("jdbc:postgresql://db/mgw?user=gw&password=urlpw&ssl=true"), "gw", "dbpw", 8, 7)
                .toString();
        assertThat(s).contains("user=gw").contains("password=***&ssl=true").doesNotContain("dbpw")
                .doesNotContain("urlpw");
    }

    @Test
    void anAccountDoesNotShowItsPasswordHash() {
        String hash = PasswordHash.hash("pw");
        String s = new AccountConfig("acme", hash, List.of(), 10, 10, 5, List.of(), "hex", Duration.ofHours(1))
                .toString();
        assertThat(s).contains("acme").doesNotContain(hash).doesNotContain("pbkdf2");
    }
}
