package io.mgw.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mgw.core.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigWatcherTest {

    private static final Instant START = Instant.parse("2026-11-25T10:00:00Z");

    @TempDir
    Path dir;

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final List<GatewayConfig> applied = new CopyOnWriteArrayList<>();
    private ConfigWatcher watcher;
    private Path file;
    private int version;

    @AfterEach
    void close() {
        if (watcher != null) {
            watcher.close();
        }
    }

    private void start(Consumer<GatewayConfig> listener) throws Exception {
        file = dir.resolve("node.yaml");
        Files.writeString(file, "node: {siteId: 1}\n");
        watcher = new ConfigWatcher(file, 20, listener, meters, Clock.fixed(START, ZoneOffset.UTC));
    }

    /** Writes a new version with a modification time of its own (file systems keep it to a second on some). */
    private void write(String yaml) throws Exception {
        Files.writeString(file, yaml);
        Files.setLastModifiedTime(file, FileTime.from(START.plusSeconds(++version)));
    }

    private double reloads(String result) {
        return meters.counter("gateway.config.reloads", "result", result).count();
    }

    private double successful() {
        return meters.get("gateway.config.reload.successful").gauge().value();
    }

    @Test
    void aValidChangeIsAppliedAndCounted() throws Exception {
        start(applied::add);
        assertThat(successful()).isEqualTo(1.0);
        assertThat(meters.get("gateway.config.reload.success.time").gauge().value())
                .isEqualTo(START.getEpochSecond());

        write("node: {siteId: 2}\n");

        await().atMost(Duration.ofSeconds(10)).until(() -> reloads("applied") == 1);
        assertThat(applied).singleElement().satisfies(c -> assertThat(c.node().siteId()).isEqualTo(2));
        assertThat(successful()).isEqualTo(1.0);
        assertThat(reloads("invalid") + reloads("failed")).isZero();
    }

    @Test
    void anInvalidChangeIsCountedShownAndNotApplied() throws Exception {
        start(applied::add);

        write("node: {sitId: 2}\n");

        await().atMost(Duration.ofSeconds(10)).until(() -> reloads("invalid") == 1);
        assertThat(successful()).isZero();
        assertThat(applied).isEmpty();

        write("node: {siteId: 3}\n");

        await().atMost(Duration.ofSeconds(10)).until(() -> reloads("applied") == 1);
        assertThat(applied).singleElement().satisfies(c -> assertThat(c.node().siteId()).isEqualTo(3));
        assertThat(successful()).isEqualTo(1.0);
    }

    /**
     * Applying a version can fail with a Java Error (a connector class built against another SPI, say). The watcher
     * runs as a scheduled task, which is never run again once it throws: without its own catch the node stopped
     * reading its config for good, silently.
     */
    @Test
    void aChangeWhoseApplyingThrowsAnErrorIsCountedAndTheNextOneIsStillApplied() throws Exception {
        start(c -> {
            if (c.node().siteId() == 2) {
                throw new NoClassDefFoundError("io/example/ThirdPartyConnector (test)");
            }
            applied.add(c);
        });

        write("node: {siteId: 2}\n");

        await().atMost(Duration.ofSeconds(10)).until(() -> reloads("failed") == 1);
        assertThat(successful()).isZero();

        write("node: {siteId: 3}\n");

        await().atMost(Duration.ofSeconds(10)).until(() -> reloads("applied") == 1);
        assertThat(applied).singleElement().satisfies(c -> assertThat(c.node().siteId()).isEqualTo(3));
        assertThat(successful()).isEqualTo(1.0);
    }
}
