package io.mgw.core.config;

import java.util.Optional;

/**
 * Store settings.
 *
 * @param type     "h2" (embedded default, file under the data dir) or "postgresql"
 * @param url      JDBC URL; empty for the embedded H2 file
 * @param user     database user
 * @param password database password
 * @param poolSize connection pool size
 * @param retentionDays how long message state is kept
 */
public record StoreConfig(String type, Optional<String> url, String user, String password, int poolSize,
        int retentionDays) {}
