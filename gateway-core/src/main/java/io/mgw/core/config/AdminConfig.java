package io.mgw.core.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * Who may use the node's admin API (the message trace under {@code /api/v1}; {@code /metrics} and {@code /health} are
 * open to anyone who reaches the HTTP listener, as scrapers and orchestrators need).
 *
 * @param anonymousRole the role of a request without credentials ({@code viewer}, {@code operator}, {@code admin}),
 *                      or empty: such a request is refused (401)
 * @param users         the users who sign in with HTTP Basic authentication
 */
public record AdminConfig(Optional<String> anonymousRole, List<User> users) {

    /** The role names, lowest first. */
    public static final List<String> ROLES = List.of("viewer", "operator", "admin");

    public AdminConfig {
        requireNonNull(anonymousRole, "anonymousRole");
        anonymousRole.ifPresent(AdminConfig::checkRole);
        users = List.copyOf(users);
    }

    /**
     * One admin API user.
     *
     * @param name         the user name of HTTP Basic authentication
     * @param passwordHash its password as {@link PasswordHash} keeps it
     * @param role         one of {@link #ROLES}
     */
    public record User(String name, String passwordHash, String role) {
        public User {
            requireNonNull(name, "name");
            requireNonNull(passwordHash, "passwordHash");
            checkRole(role);
        }

        /** Never shows the hash. */
        @Override
        public String toString() {
            return "User[" + name + ", " + role + "]";
        }
    }

    private static void checkRole(String role) {
        if (!ROLES.contains(role)) {
            throw new IllegalArgumentException("role: " + role + " (expected: one of " + ROLES + ")");
        }
    }
}
