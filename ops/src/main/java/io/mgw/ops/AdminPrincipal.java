package io.mgw.ops;

import static java.util.Objects.requireNonNull;

/**
 * Who calls the admin API, as an {@link Authenticator} established it.
 *
 * @param name the user or token name, for the audit log
 * @param role the highest role granted
 */
public record AdminPrincipal(String name, AdminRole role) {

    public AdminPrincipal {
        requireNonNull(name, "name");
        requireNonNull(role, "role");
    }
}
