package io.mgw.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mgw.core.http.HttpRequest;
import io.mgw.core.http.HttpResponse;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthEndpointTest {

    private static HttpResponse call(HealthEndpoint endpoint, String method, String path) {
        return endpoint.handle(new HttpRequest(method, path, Map.of(), Map.of(), new byte[0],
                new InetSocketAddress("127.0.0.1", 1))).toCompletableFuture().join();
    }

    @Test
    void duplicateCheckNamesAreRefused() {
        HealthCheck a = HealthCheck.of("kafka", () -> HealthCheck.Result.up(""));
        HealthCheck b = HealthCheck.of("kafka", () -> HealthCheck.Result.up(""));

        assertThatThrownBy(() -> new HealthEndpoint(new Readiness(), List.of(a, b)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate names");
    }

    @Test
    void checkReturningNothingCountsAsDown() {
        HealthEndpoint endpoint = new HealthEndpoint(new Readiness(), List.of(HealthCheck.of("odd", () -> null)));

        HttpResponse r = call(endpoint, "GET", "/health/ready");

        assertThat(r.status()).isEqualTo(503);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("\"odd\":{\"status\":\"DOWN\"");
    }

    @Test
    void writesAreRefused() {
        HttpResponse r = call(new HealthEndpoint(new Readiness(), List.of()), "POST", "/health");

        assertThat(r.status()).isEqualTo(405);
        assertThat(r.headers()).containsEntry("allow", "GET, HEAD");
    }

    @Test
    void aFailingLivenessCheckMakesTheNodeNotLiveAndNotReady() {
        var dead = new java.util.concurrent.atomic.AtomicBoolean();
        HealthEndpoint endpoint = new HealthEndpoint(new Readiness(), List.of(
                HealthCheck.of("kafka", () -> HealthCheck.Result.up("")),
                HealthCheck.liveness("consumers", () -> dead.get()
                        ? HealthCheck.Result.down("egress a: stopped") : HealthCheck.Result.up("all running"))));
        assertThat(call(endpoint, "GET", "/health/live").status()).isEqualTo(200);
        assertThat(new String(call(endpoint, "GET", "/health").body(), StandardCharsets.UTF_8))
                .contains("\"live\":true");

        dead.set(true);

        HttpResponse live = call(endpoint, "GET", "/health/live");
        assertThat(live.status()).isEqualTo(503);
        assertThat(new String(live.body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"status\":\"DOWN\",\"checks\":{\"consumers\":{\"status\":\"DOWN\","
                        + "\"detail\":\"egress a: stopped\"}}}");
        HttpResponse overall = call(endpoint, "GET", "/health");
        assertThat(overall.status()).isEqualTo(503);
        assertThat(new String(overall.body(), StandardCharsets.UTF_8)).contains("\"live\":false")
                .contains("\"ready\":false");
    }

    @Test
    void aFailingReadinessCheckLeavesTheNodeLive() {
        HealthEndpoint endpoint = new HealthEndpoint(new Readiness(), List.of(
                HealthCheck.of("store", () -> HealthCheck.Result.down("disk full"))));
        assertThat(call(endpoint, "GET", "/health/live").status()).isEqualTo(200);
        assertThat(call(endpoint, "GET", "/health/ready").status()).isEqualTo(503);
    }

    @Test
    void noChecksAndNotDrainingIsReady() {
        assertThat(call(new HealthEndpoint(new Readiness(), List.of()), "GET", "/health/ready").status())
                .isEqualTo(200);
    }
}
