package io.mgw.server.config;

import io.mgw.core.config.GatewayConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
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
 */
public final class ConfigWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);

    private final Path file;
    private final Consumer<GatewayConfig> listener;
    private final ScheduledExecutorService timer;
    private FileTime lastModified;
    private String lastContent;

    public ConfigWatcher(Path file, long intervalMillis, Consumer<GatewayConfig> listener) {
        this.file = file;
        this.listener = listener;
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
            log.info("config {} changed: applying routes, accounts, connector limits and sweep timing", file);
            listener.accept(config);
        } catch (ConfigException e) {
            log.error("config {} changed but is invalid, keeping the running config: {}", file, e.getMessage());
        } catch (IOException | RuntimeException e) {
            log.error("config reload from {} failed, keeping the running config", file, e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
