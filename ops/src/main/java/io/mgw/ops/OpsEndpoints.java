package io.mgw.ops;

import static java.util.Objects.requireNonNull;

import io.mgw.core.http.HttpEndpoint;
import io.mgw.core.store.Store;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's operations endpoints in one list, ready to hand to {@link io.mgw.ops.http.HttpListener} together with
 * the protocol endpoints: {@code /metrics}, {@code /health} (with a "store" check added in front of the given ones)
 * and {@code /api/v1/messages}.
 */
public final class OpsEndpoints {

    private OpsEndpoints() {}

    /**
     * @param metrics       the node's Prometheus registry
     * @param readiness     the node's draining switch
     * @param checks        further readiness checks (Kafka, connectors...); may be empty
     * @param store         the message store; also checked for readiness via {@link Store#isHealthy()}
     * @param authenticator who may use the admin API (the node's {@link BasicAuthenticator})
     */
    public static List<HttpEndpoint> create(
            PrometheusMeterRegistry metrics,
            Readiness readiness,
            List<? extends HealthCheck> checks,
            Store store,
            Authenticator authenticator) {
        requireNonNull(store, "store");
        List<HealthCheck> all = new ArrayList<>();
        all.add(storeCheck(store));
        all.addAll(requireNonNull(checks, "checks"));
        return List.of(
                new MetricsEndpoint(metrics),
                new HealthEndpoint(readiness, all, authenticator),
                new MessageApiEndpoint(store, authenticator));
    }

    /** "store": up while {@link Store#isHealthy()} says so. */
    public static HealthCheck storeCheck(Store store) {
        requireNonNull(store, "store");
        return HealthCheck.of("store", () -> store.isHealthy()
                ? HealthCheck.Result.up("")
                : HealthCheck.Result.down("store does not answer, or its writer is stuck or stopped"));
    }
}
