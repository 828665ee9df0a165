package io.mgw.core.config;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SSLContext} of a {@link TlsConfig}, built again when its key or trust store file changes (a renewed
 * certificate is put in place without a restart: new connections get it, open ones keep theirs).
 *
 * <p>{@link #current()} looks at the files' modification time and size, a {@code stat} each, and rebuilds when either
 * changed; a file that cannot be read (half written, wrong password) leaves the last good context in use, is logged
 * and counted in {@link #failedReloads()}, and is tried again at the next call once it changes again.
 */
public final class TlsContextSource {

    private static final Logger log = LoggerFactory.getLogger(TlsContextSource.class);

    private final TlsConfig config;
    private final Object lock = new Object();
    private volatile SSLContext context;
    private volatile List<Optional<Stamp>> stamps;
    private volatile long reloads;
    private volatile long failedReloads;

    /**
     * Builds the first context.
     *
     * @throws IllegalArgumentException if the stores cannot be read (see {@link TlsConfig#sslContext()})
     */
    public TlsContextSource(TlsConfig config) {
        this.config = requireNonNull(config, "config");
        this.stamps = stamps();
        this.context = config.sslContext();
    }

    /** The settings this source reads. */
    public TlsConfig config() {
        return config;
    }

    /** The context to use for a new connection: rebuilt first if a store file changed since the last build. */
    public SSLContext current() {
        List<Optional<Stamp>> now = stamps();
        if (now.equals(stamps)) {
            return context;
        }
        synchronized (lock) {
            if (!now.equals(stamps)) {
                stamps = now;
                try {
                    context = config.sslContext();
                    reloads++;
                    log.info("TLS key material reloaded: {}", config);
                } catch (RuntimeException e) {
                    failedReloads++;
                    log.warn("TLS key material changed but cannot be read, keeping the previous: {}", e.getMessage());
                }
            }
            return context;
        }
    }

    /** Contexts built again after a file changed. */
    public long reloads() {
        return reloads;
    }

    /** Changed files that could not be read (the previous context stayed in use). */
    public long failedReloads() {
        return failedReloads;
    }

    private List<Optional<Stamp>> stamps() {
        List<Optional<Stamp>> out = new ArrayList<>(2);
        out.add(config.keyStore().flatMap(TlsContextSource::stamp));
        out.add(config.trustStore().flatMap(TlsContextSource::stamp));
        return out;
    }

    private static Optional<Stamp> stamp(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return Optional.of(new Stamp(a.lastModifiedTime().toMillis(), a.size()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private record Stamp(long modified, long size) {}
}
