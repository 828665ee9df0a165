package io.mgw.core.config;

import java.time.Duration;
import java.util.Optional;

/**
 * Store settings, with the timing of the expiry sweeper that settles and purges the stored message state.
 *
 * @param type           "h2" (embedded default, file under the data dir) or "postgresql"
 * @param url            JDBC URL; empty for the embedded H2 file
 * @param user           database user
 * @param password       database password
 * @param poolSize       connection pool size
 * @param retentionDays  how long message state is kept
 * @param sweepInterval  period of the expiry sweep
 * @param expiryGrace    wait after a message's validity end before the sweeper settles it EXPIRED
 * @param expiryTakeover further wait before a node also sweeps messages made by other nodes
 */
public record StoreConfig(String type, Optional<String> url, String user, String password, int poolSize,
        int retentionDays, Duration sweepInterval, Duration expiryGrace, Duration expiryTakeover) {

    /** The sweeper's defaults: 60 s interval, 10 min grace, 1 h takeover. */
    public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_EXPIRY_GRACE = Duration.ofMinutes(10);
    public static final Duration DEFAULT_EXPIRY_TAKEOVER = Duration.ofHours(1);

    /** The same with the sweeper's defaults. */
    public StoreConfig(String type, Optional<String> url, String user, String password, int poolSize,
            int retentionDays) {
        this(type, url, user, password, poolSize, retentionDays, DEFAULT_SWEEP_INTERVAL, DEFAULT_EXPIRY_GRACE,
                DEFAULT_EXPIRY_TAKEOVER);
    }

    /** The password masked. */
    @Override
    public String toString() {
        return "StoreConfig[type=" + type + ", url=" + url.map(Secrets::maskUrl).orElse("(default)") + ", user="
                + user + ", password=" + (password.isEmpty() ? "" : Secrets.MASK) + ", poolSize=" + poolSize
                + ", retentionDays=" + retentionDays + ", sweepInterval=" + sweepInterval + ", expiryGrace="
                + expiryGrace + ", expiryTakeover=" + expiryTakeover + "]";
    }
}
