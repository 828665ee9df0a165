package io.mgw.ops;

import static java.util.Objects.requireNonNull;

import io.mgw.core.http.HttpEndpoint;
import io.mgw.core.http.HttpRequest;
import io.mgw.core.http.HttpResponse;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /metrics}: every meter of the registry in the Prometheus text exposition format 0.0.4, or OpenMetrics
 * 1.0 when the scraper's Accept header asks for "application/openmetrics-text". Repeated {@code name[]} query
 * parameters restrict the answer to those metric families, named without the type suffix ({@code name[]=
 * gateway_smpp_submit_accepted}, not {@code ..._total}). Micrometer names map to
 * Prometheus names with dots turned into underscores ({@code gateway.http.request.served} becomes
 * {@code gateway_http_request_served_seconds}).
 */
public final class MetricsEndpoint implements HttpEndpoint {

    /** Mount point. */
    public static final String PREFIX = "/metrics";

    static final String TEXT_004 = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS_100 = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    /** @param registry the registry whose meters are exposed (the node's; other registries may feed it) */
    public MetricsEndpoint(PrometheusMeterRegistry registry) {
        this.registry = requireNonNull(registry, "registry");
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
        if (!request.path().equals(PREFIX)) {
            return CompletableFuture.completedFuture(Json.error(404, "not_found", "no such resource: " + request.path()));
        }
        String contentType = request.header("accept").filter(a -> a.contains("application/openmetrics-text")).isPresent()
                ? OPENMETRICS_100
                : TEXT_004;
        List<String> names = request.query().getOrDefault("name[]", List.of());
        String text = names.isEmpty()
                ? registry.scrape(contentType)
                : registry.scrape(contentType, new HashSet<>(names));
        return CompletableFuture.completedFuture(
                new HttpResponse(200, contentType, Map.of(), text.getBytes(StandardCharsets.UTF_8)));
    }
}
