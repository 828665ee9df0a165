package io.mgw.ops;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mgw.core.http.HttpEndpoint;
import io.mgw.core.http.HttpRequest;
import io.mgw.core.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Liveness and readiness probes (ARCHITECTURE.md §9), under "/health":
 *
 * <ul>
 *   <li>{@code GET /health/live}: 200 {"status":"UP"} whenever the process can answer HTTP at all.</li>
 *   <li>{@code GET /health/ready}: 200 when every check passes and the node is not draining, else 503; same JSON
 *       as below.</li>
 *   <li>{@code GET /health}: {"status":"UP"|"DOWN", "live":true, "ready":bool, "draining":bool,
 *       "checks":{name:{"status":"UP"|"DOWN","detail":"..."}}}; status is UP (200) exactly when ready, else DOWN
 *       (503).</li>
 * </ul>
 *
 * Other methods get 405, other paths below /health 404.
 */
public final class HealthEndpoint implements HttpEndpoint {

    /** Mount point. */
    public static final String PREFIX = "/health";

    private final Readiness readiness;
    private final List<HealthCheck> checks;

    /**
     * @param readiness the node's draining switch
     * @param checks    readiness checks, reported in this order; names must be unique
     */
    public HealthEndpoint(Readiness readiness, List<? extends HealthCheck> checks) {
        this.readiness = requireNonNull(readiness, "readiness");
        this.checks = List.copyOf(requireNonNull(checks, "checks"));
        long distinct = this.checks.stream().map(HealthCheck::name).distinct().count();
        if (distinct != this.checks.size()) {
            throw new IllegalArgumentException("checks: duplicate names (expected: unique)");
        }
    }

    @Override
    public String pathPrefix() {
        return PREFIX;
    }

    @Override
    public int maxBodyBytes() {
        return 0;
    }

    @Override
    public CompletionStage<HttpResponse> handle(HttpRequest request) {
        if (!Json.isRead(request.method())) {
            return CompletableFuture.completedFuture(Json.methodNotAllowed(request.method()));
        }
        HttpResponse response = switch (request.path()) {
            case PREFIX -> overall();
            case PREFIX + "/live" -> Json.response(200, Json.object().put("status", "UP"));
            case PREFIX + "/ready" -> overall();
            default -> Json.error(404, "not_found", "no such health resource: " + request.path());
        };
        return CompletableFuture.completedFuture(response);
    }

    private HttpResponse overall() {
        Map<String, HealthCheck.Result> results = runChecks();
        boolean draining = readiness.isDraining();
        boolean ready = !draining && results.values().stream().allMatch(HealthCheck.Result::up);
        ObjectNode root = Json.object()
                .put("status", ready ? "UP" : "DOWN")
                .put("live", true)
                .put("ready", ready)
                .put("draining", draining);
        ObjectNode checksNode = root.putObject("checks");
        results.forEach((name, r) -> checksNode.putObject(name)
                .put("status", r.up() ? "UP" : "DOWN")
                .put("detail", r.detail()));
        return Json.response(ready ? 200 : 503, root);
    }

    private Map<String, HealthCheck.Result> runChecks() {
        Map<String, HealthCheck.Result> results = new LinkedHashMap<>();
        for (HealthCheck c : checks) {
            HealthCheck.Result r;
            try {
                r = c.check();
                if (r == null) {
                    r = HealthCheck.Result.down("check returned no result");
                }
            } catch (RuntimeException e) {
                r = HealthCheck.Result.down("check failed: " + e.getClass().getSimpleName());
            }
            results.put(c.name(), r);
        }
        return results;
    }
}
