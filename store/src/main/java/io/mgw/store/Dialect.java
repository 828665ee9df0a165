package io.mgw.store;

import java.util.Locale;

/**
 * The databases we support. The SQL itself is the same for both (H2 runs in {@code MODE=PostgreSQL}); what differs
 * is how the store is opened and how many writers pay off.
 */
enum Dialect {
    H2,
    POSTGRESQL;

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
