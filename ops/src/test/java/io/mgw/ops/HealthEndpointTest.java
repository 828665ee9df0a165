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
        return call(endpoint, method, path, null);
    }

    private static HttpResponse call(HealthEndpoint endpoint, String method, String path, String authorization) {
        Map<String, List<String>> headers = authorization == null ? Map.of()
                : Map.of("authorization", List.of(authorization));
        return endpoint.handle(new HttpRequest(method, path, Map.of(), headers, new byte[0],
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

    /** Probes and strangers get statuses and codes; the detail texts only callers who may read the admin API. */
    @Test
    void detailsAreShownOnlyToCallersWhoMayReadTheAdminApi() {
        BasicAuthenticator users = new BasicAuthenticator(
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
                (password, hash) -> hash.equals("h:" + password), System::nanoTime);
        users.update(List.of(new BasicAuthenticator.User("noc", "h:secret", AdminRole.VIEWER)),
                java.util.Optional.empty());
        HealthEndpoint endpoint = new HealthEndpoint(new Readiness(), List.of(
                HealthCheck.of("store", () -> HealthCheck.Result.down("writes refused: disk full on /srv/mgw")),
                HealthCheck.liveness("consumers", () -> HealthCheck.Result.down("egress a: bug at 10.0.0.7"))),
                users);
        String signedIn = "Basic " + java.util.Base64.getEncoder().encodeToString("noc:secret".getBytes(
                StandardCharsets.UTF_8));

        for (String path : List.of("/health", "/health/ready", "/health/live")) {
            HttpResponse stranger = call(endpoint, "GET", path, null);
            assertThat(stranger.status()).isEqualTo(503);
            assertThat(new String(stranger.body(), StandardCharsets.UTF_8))
                    .contains("\"consumers\":{\"status\":\"DOWN\"").doesNotContain("detail")
                    .doesNotContain("10.0.0.7");
            assertThat(new String(call(endpoint, "GET", path, signedIn).body(), StandardCharsets.UTF_8))
                    .contains("\"detail\":\"egress a: bug at 10.0.0.7\"");
        }
        assertThat(new String(call(endpoint, "GET", "/health", "Basic bm9jOndyb25n").body(), StandardCharsets.UTF_8))
                .as("a wrong password").doesNotContain("detail");

        users.update(List.of(), java.util.Optional.of(AdminRole.VIEWER)); // anonymous viewers, as on loopback
        assertThat(new String(call(endpoint, "GET", "/health", null).body(), StandardCharsets.UTF_8))
                .contains("\"detail\":\"writes refused: disk full on /srv/mgw\"");
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
