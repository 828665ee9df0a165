package io.mgw.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mgw.core.config.StoreConfig;
import io.mgw.core.model.Address;
import io.mgw.core.model.EventType;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageIdGenerator;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.model.Origin;
import io.mgw.core.spi.TemporaryFailureException;
import io.mgw.core.store.Store;
import io.mgw.testkit.store.FullDiskFileSystem;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded H2 store on a disk that fills up and is freed again ({@link FullDiskFileSystem}, a seam in H2's file
 * layer: filling a real disk needs a mount this build cannot count on).
 */
class H2DiskFullTest {

    @TempDir
    Path dataDir;

    private final InstantSource clock = InstantSource.system();
    private final MessageIdGenerator ids = new MessageIdGenerator(3, 7, clock);
    private Store store;

    @AfterEach
    void tearDown() {
        FullDiskFileSystem.setFull(false);
        if (store != null) {
            store.close();
        }
    }

    private Store open() {
        String url = FullDiskFileSystem.url(dataDir.resolve("store").resolve("mgw"));
        return JdbcStore.open(new StoreConfig("h2", Optional.of(url), "sa", "", 4, 7), dataDir,
                new SimpleMeterRegistry(), clock);
    }

    private CompletionStage<Void> record(MessageId id) {
        Message m = Message.builder().id(id).origin(new Origin("smpp", "acme", "n1", "")).source(Address.of("S"))
                .destination(Address.msisdn("4917")).text("hello").receivedAt(clock.instant()).build();
        return store.recordMessage(m, new MessageEvent(Instant.now(), EventType.ACCEPTED, MessageStatus.ACCEPTED, "",
                ""));
    }

    @Test
    void writesFailWhileTheDiskIsFullAndSucceedOnceItIsFreedWithoutARestart() throws Exception {
        store = open();
        MessageId before = ids.next();
        record(before).toCompletableFuture().get(10, TimeUnit.SECONDS);

        FullDiskFileSystem.setFull(true);
        MessageId during = ids.next();
        // H2 closes the database when its file write fails: the write fails, and so do reads until it is reopened
        assertThatThrownBy(() -> record(during).toCompletableFuture().get(60, TimeUnit.SECONDS))
                .hasMessageContaining("store");
        assertThatThrownBy(() -> store.find(before)).isInstanceOf(TemporaryFailureException.class);

        FullDiskFileSystem.setFull(false);
        MessageId after = ids.next();
        // the pool drops the connections to the closed database; new ones open it again (before: never, until a
        // restart of the node)
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            record(after).toCompletableFuture().get(10, TimeUnit.SECONDS);
            return true;
        });
        assertThat(store.find(after)).isPresent();
        assertThat(store.find(before)).isPresent();
        assertThat(store.isHealthy()).isTrue();
        // the write that failed is not there: its caller was told, and writes it again
        assertThat(store.find(during)).isEmpty();
    }
}
