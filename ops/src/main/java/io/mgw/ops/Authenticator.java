package io.mgw.ops;

import io.mgw.core.http.HttpRequest;
import java.util.Optional;

/**
 * Decides who is calling the admin API (ARCHITECTURE.md §8, §9). Today the node installs {@link #anonymousAdmin()};
 * the admin API will later get users or tokens (HTTP basic or bearer) mapped to roles, and an audit log. Endpoints
 * ask for a minimum {@link AdminRole}: no principal gives 401, too small a role 403.
 *
 * <p>Implementations run on handler threads and may block briefly; they must never log credentials.
 */
@FunctionalInterface
public interface Authenticator {

    /** The caller, or empty if the request carries no valid credentials. */
    Optional<AdminPrincipal> authenticate(HttpRequest request);

    /** Lets every caller in as "anonymous" with the admin role: for a node whose admin API is not yet protected. */
    static Authenticator anonymousAdmin() {
        AdminPrincipal anonymous = new AdminPrincipal("anonymous", AdminRole.ADMIN);
        return request -> Optional.of(anonymous);
    }
}
