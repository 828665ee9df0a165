package io.mgw.ops;

import io.mgw.core.http.HttpRequest;
import java.util.Optional;

/**
 * Decides who is calling the admin API (ARCHITECTURE.md §8, §9). The node installs a {@link BasicAuthenticator}
 * (users from the config, HTTP Basic); tokens and an audit log may come later. Endpoints ask for a minimum
 * {@link AdminRole}: no principal gives 401, too small a role 403.
 *
 * <p>Implementations run on handler threads and may block briefly; they must never log credentials.
 */
@FunctionalInterface
public interface Authenticator {

    /** The caller, or empty if the request carries no valid credentials. */
    Optional<AdminPrincipal> authenticate(HttpRequest request);

    /**
     * Who a request without credentials is, without counting it as a refusal (for endpoints open to everyone that
     * show more to those who may read the admin API, such as {@code /health}).
     */
    default Optional<AdminPrincipal> anonymous() {
        return Optional.empty();
    }

    /** Lets every caller in as "anonymous" with the admin role (tests of endpoints that are not about access). */
    static Authenticator anonymousAdmin() {
        Optional<AdminPrincipal> anonymous = Optional.of(new AdminPrincipal("anonymous", AdminRole.ADMIN));
        return new Authenticator() {
            @Override
            public Optional<AdminPrincipal> authenticate(HttpRequest request) {
                return anonymous;
            }

            @Override
            public Optional<AdminPrincipal> anonymous() {
                return anonymous;
            }
        };
    }
}
