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
 *   <li>{@code GET /health/live}: 200 {"status":"UP"} when the process answers HTTP and every
 *       {@linkplain HealthCheck#liveness() liveness check} passes, else 503 {"status":"DOWN","checks":{...}} with the
 *       failing ones.</li>
 *   <li>{@code GET /health/ready}: 200 when every check passes and the node is not draining, else 503; same JSON
 *       as below.</li>
 *   <li>{@code GET /health}: {"status":"UP"|"DOWN", "live":bool, "ready":bool, "draining":bool,
 *       "checks":{name:{"status":"UP"|"DOWN","detail":"..."}}}; status is UP (200) exactly when ready, else DOWN
 *       (503).</li>
 * </ul>
 *
 * Other methods get 405, other paths below /health 404. The checks' {@code detail} texts (which may name paths, hosts
 * or an exception's message) are shown only to callers who may read the admin API: signed in, or anonymous where the
 * config grants that ({@link Authenticator#anonymous}); probes and everyone else get the statuses and codes alone.
 */
public final class HealthEndpoint implements HttpEndpoint {

    /** Mount point. */
    public static final String PREFIX = "/health";

    private final Readiness readiness;
    private final List<HealthCheck> checks;
    private final Authenticator details;

    /** As below, the details shown to every caller. */
    public HealthEndpoint(Readiness readiness, List<? extends HealthCheck> checks) {
        this(readiness, checks, Authenticator.anonymousAdmin());
    }

    /**
     * @param readiness the node's draining switch
     * @param checks    readiness checks, reported in this order; names must be unique
     * @param details   who may see the checks' details
     */
    public HealthEndpoint(Readiness readiness, List<? extends HealthCheck> checks, Authenticator details) {
        this.details = requireNonNull(details, "details");
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
        // without credentials, ask who an anonymous caller is rather than authenticate: a probe is not a refusal
        boolean detailed = request.header("authorization").isPresent()
                ? details.authenticate(request).isPresent() : details.anonymous().isPresent();
        HttpResponse response = switch (request.path()) {
            case PREFIX -> overall(detailed);
            case PREFIX + "/live" -> live(detailed);
            case PREFIX + "/ready" -> overall(detailed);
            default -> Json.error(404, "not_found", "no such health resource: " + request.path());
        };
        return CompletableFuture.completedFuture(response);
    }

    private HttpResponse live(boolean detailed) {
        ObjectNode root = Json.object();
        ObjectNode failing = Json.object();
        for (HealthCheck c : checks) {
            if (c.liveness()) {
                HealthCheck.Result r = run(c);
                if (!r.up()) {
                    ObjectNode n = failing.putObject(c.name()).put("status", "DOWN");
                    if (detailed) {
                        n.put("detail", r.detail());
                    }
                }
            }
        }
        if (failing.isEmpty()) {
            return Json.response(200, root.put("status", "UP"));
        }
        root.put("status", "DOWN").set("checks", failing);
        return Json.response(503, root);
    }

    private HttpResponse overall(boolean detailed) {
        Map<String, HealthCheck.Result> results = runChecks();
        boolean draining = readiness.isDraining();
        boolean ready = !draining && results.values().stream().allMatch(HealthCheck.Result::up);
        boolean live = checks.stream().filter(HealthCheck::liveness).allMatch(c -> results.get(c.name()).up());
        ObjectNode root = Json.object()
                .put("status", ready ? "UP" : "DOWN")
                .put("live", live)
                .put("ready", ready)
                .put("draining", draining);
        ObjectNode checksNode = root.putObject("checks");
        results.forEach((name, r) -> {
            ObjectNode n = checksNode.putObject(name).put("status", r.up() ? "UP" : "DOWN");
            if (detailed) {
                n.put("detail", r.detail());
            }
        });
        return Json.response(ready ? 200 : 503, root);
    }

    private Map<String, HealthCheck.Result> runChecks() {
        Map<String, HealthCheck.Result> results = new LinkedHashMap<>();
        for (HealthCheck c : checks) {
            results.put(c.name(), run(c));
        }
        return results;
    }

    private static HealthCheck.Result run(HealthCheck c) {
        try {
            HealthCheck.Result r = c.check();
            return r == null ? HealthCheck.Result.down("check returned no result") : r;
        } catch (RuntimeException e) {
            return HealthCheck.Result.down("check failed: " + e.getClass().getSimpleName());
        }
    }
}
