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
    void noChecksAndNotDrainingIsReady() {
        assertThat(call(new HealthEndpoint(new Readiness(), List.of()), "GET", "/health/ready").status())
                .isEqualTo(200);
    }
}
