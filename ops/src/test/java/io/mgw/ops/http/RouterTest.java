package io.mgw.ops.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mgw.core.http.HttpEndpoint;
import io.mgw.core.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouterTest {

    private static HttpEndpoint fixed(String prefix) {
        return TestEndpoint.echoPrefix(prefix);
    }

    private static String routed(Router router, String path) {
        return router.route(path).map(Router.Route::prefix).orElse("-");
    }

    @Test
    void longestMatchingPrefixWins() {
        Router router = new Router(List.of(fixed("/api"), fixed("/api/v1/messages"), fixed("/api/v1")));

        assertThat(routed(router, "/api/v1/messages/42")).isEqualTo("/api/v1/messages");
        assertThat(routed(router, "/api/v1/other")).isEqualTo("/api/v1");
        assertThat(routed(router, "/api/x")).isEqualTo("/api");
        assertThat(routed(router, "/api")).isEqualTo("/api");
    }

    @Test
    void prefixMatchesOnlyWholeSegments() {
        Router router = new Router(List.of(fixed("/metrics"), fixed("/api/v1")));

        assertThat(routed(router, "/metricsX")).isEqualTo("-");
        assertThat(routed(router, "/api/v10")).isEqualTo("-");
        assertThat(routed(router, "/metrics/")).isEqualTo("/metrics");
    }

    @Test
    void rootPrefixCatchesWhatNothingElseServes() {
        Router router = new Router(List.of(fixed("/"), fixed("/health")));

        assertThat(routed(router, "/anything")).isEqualTo("/");
        assertThat(routed(router, "/health/live")).isEqualTo("/health");
    }

    @Test
    void noEndpointsRouteNothing() {
        assertThat(routed(new Router(List.of()), "/")).isEqualTo("-");
    }

    @Test
    void trailingSlashOfPrefixIsIgnored() {
        Router router = new Router(List.of(fixed("/health/")));

        assertThat(routed(router, "/health")).isEqualTo("/health");
        assertThat(routed(router, "/health/ready")).isEqualTo("/health");
    }

    @Test
    void duplicatePrefixIsRefused() {
        assertThatThrownBy(() -> new Router(List.of(fixed("/health"), fixed("/health/"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/health mounted twice");
    }

    @Test
    void prefixWithoutLeadingSlashIsRefused() {
        assertThatThrownBy(() -> new Router(List.of(fixed("health"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: starting with '/'");
    }

    @Test
    void negativeBodyLimitIsRefused() {
        HttpEndpoint bad = TestEndpoint.sync("/x", -1, r -> HttpResponse.text(200, ""));
        assertThatThrownBy(() -> new Router(List.of(bad)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBodyBytes of /x: -1");
    }
}
