package io.mgw.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mgw.core.config.StoreConfig;
import io.mgw.core.model.EventType;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole {@link StoreContract} on an embedded H2 file database, plus what is particular to a file store. */
class H2StoreTest extends StoreContract {

    @TempDir
    Path dataDir;

    static StoreConfig h2Config() {
        return new StoreConfig("h2", Optional.empty(), "sa", "", 4, 7);
    }

    @Override
    protected Store open(InstantSource clock) {
        return JdbcStore.open(h2Config(), dataDir, new SimpleMeterRegistry(), clock);
    }

    @Test
    void theDatabaseLivesUnderTheDataDir() {
        assertThat(Files.isDirectory(dataDir.resolve("store"))).isTrue();
        assertThat(dataDir.resolve("store").toFile().list()).anyMatch(n -> n.startsWith("mgw"));
    }

    @Test
    void dataSurvivesAReopen() {
        MessageId id = recorded();
        join(store.appendEvent(id, event(EventType.REPORT, MessageStatus.DELIVERED, Duration.ofSeconds(2))));
        join(store.markSubmitted(id, "smsc-a", 1));
        join(store.putCorrelation("smsc-a", "abc", id, 1, 1));
        store.saveMark("sweeper.own.3.7", T0.plusSeconds(1));
        store.close();

        store = open(clock);

        assertThat(found(id).status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(found(id).history()).hasSize(2);
        assertThat(join(store.markSubmitted(id, "smsc-a", 1))).isFalse();
        assertThat(store.findCorrelation("smsc-a", "abc")).isPresent();
        assertThat(store.mark("sweeper.own.3.7")).contains(T0.plusSeconds(1));
    }
}
