package io.mgw.server.config;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.mgw.core.config.GatewayConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the node's config file and hands each new valid version to a listener, so routes, accounts, connector
 * limits and the expiry sweep's timing change without a restart. A file that fails validation is logged and ignored:
 * the node keeps running on the last good config. Polls the modification time and content (cheap, and works on
 * every file system, unlike inotify on some network mounts).
 *
 * <p>What became of each changed version is counted in {@code gateway.config.reloads} (tag {@code result}:
 * {@code applied}, {@code invalid} for a file that fails validation, {@code failed} when applying it threw), and the
 * gauge {@code gateway.config.reload.successful} is 0 while the file on disk is not what the node runs (its last
 * version was refused or failed), 1 otherwise; {@code gateway.config.reload.success.time} is when the running config
 * was last applied (epoch seconds; the start at first). A failure of any kind, a Java Error from a connector's code
 * included, leaves the watcher watching: a scheduled task that throws is never run again.
 */
public final class ConfigWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);

    private final Path file;
    private final Consumer<GatewayConfig> listener;
    private final ScheduledExecutorService timer;
    private final InstantSource clock;
    private final Counter applied;
    private final Counter invalid;
    private final Counter failed;
    private FileTime lastModified;
    private String lastContent;
    private volatile boolean lastSuccessful = true;
    private volatile double lastSuccessSeconds;

    public ConfigWatcher(Path file, long intervalMillis, Consumer<GatewayConfig> listener, MeterRegistry meters,
            InstantSource clock) {
        this.file = file;
        this.listener = listener;
        this.clock = clock;
        this.lastSuccessSeconds = clock.millis() / 1000.0;
        String reloads = "gateway.config.reloads";
        String what = "changed versions of the config file, by what became of them";
        this.applied = Counter.builder(reloads).tag("result", "applied").description(what).register(meters);
        this.invalid = Counter.builder(reloads).tag("result", "invalid").description(what).register(meters);
        this.failed = Counter.builder(reloads).tag("result", "failed").description(what).register(meters);
        Gauge.builder("gateway.config.reload.successful", this, w -> w.lastSuccessful ? 1 : 0)
                .description("0 while the config file's last version was refused or failed to apply, else 1")
                .register(meters);
        Gauge.builder("gateway.config.reload.success.time", this, w -> w.lastSuccessSeconds)
                .description("when the running config was applied, epoch seconds").baseUnit("seconds")
                .register(meters);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mgw-config-watcher");
            t.setDaemon(true);
            return t;
        });
        try {
            this.lastModified = Files.getLastModifiedTime(file);
            this.lastContent = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        timer.scheduleWithFixedDelay(this::check, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /** Checks the file once now (also called by the timer). */
    public synchronized void check() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (modified.equals(lastModified)) {
                return;
            }
            String content = Files.readString(file);
            lastModified = modified;
            if (content.equals(lastContent)) {
                return;
            }
            lastContent = content;
            GatewayConfig config = ConfigLoader.load(file);
            log.info("config {} changed: applying routes, accounts, connector limits, admin users and sweep timing",
                    file);
            listener.accept(config);
            applied.increment();
            lastSuccessful = true;
            lastSuccessSeconds = clock.millis() / 1000.0;
        } catch (ConfigException e) {
            invalid.increment();
            lastSuccessful = false;
            log.error("config {} changed but is invalid, keeping the running config: {}", file, e.getMessage());
        } catch (IOException | RuntimeException | Error e) {
            failed.increment();
            lastSuccessful = false;
            log.error("config reload from {} failed, keeping the running config", file, e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
