package io.mgw.store;

import java.util.Locale;

/**
 * The SQL that differs between the databases we support. Everything else is portable between PostgreSQL and H2 in
 * {@code MODE=PostgreSQL}.
 */
enum Dialect {
    H2(
            "MERGE INTO correlations (connector, remote_id, id_hi, id_lo, part, parts, created_at)"
                    + " KEY (connector, remote_id) VALUES (?, ?, ?, ?, ?, ?, ?)"),
    POSTGRESQL(
            "INSERT INTO correlations (connector, remote_id, id_hi, id_lo, part, parts, created_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (connector, remote_id) DO UPDATE SET"
                    + " id_hi = EXCLUDED.id_hi, id_lo = EXCLUDED.id_lo, part = EXCLUDED.part,"
                    + " parts = EXCLUDED.parts, created_at = EXCLUDED.created_at");

    /** Insert or replace a correlation (a remote id reused by the peer points at the newest message). */
    final String upsertCorrelation;

    Dialect(String upsertCorrelation) {
        this.upsertCorrelation = upsertCorrelation;
    }

    /**
     * Parses a dialect name as used in the store config.
     *
     * @throws IllegalArgumentException for anything but "h2" and "postgresql"
     */
    static Dialect of(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "h2" -> H2;
            case "postgresql", "postgres" -> POSTGRESQL;
            default -> throw new IllegalArgumentException(
                    "store type: '" + name + "' (expected: h2 or postgresql)");
        };
    }
}
