package io.mgw.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API of a node whose config grants requests without credentials nothing (as it must when its HTTP
 * listener is reachable from other machines): the message trace asks for a user, metrics and health do not (health
 * shows its checks' texts to users only), and a config reload replaces the users.
 */
class AdminApiAuthIT {

    private static final String NO_SUCH_MESSAGE = "/api/v1/messages/" + "0".repeat(32);

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newHttpClient();
    private GatewayNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.drainAndClose();
        }
        http.close();
    }

    private static String admin(String password) {
        return "admin: {anonymous: none, users: [{name: noc, password: " + password + ", role: viewer}]}";
    }

    private HttpResponse<String> get(String path, String user, String password) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
                .timeout(Duration.ofSeconds(10));
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                    .getBytes(UTF_8)));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theMessageTraceAsksForAUserAndAReloadReplacesTheUsers() throws Exception {
        node = new GatewayNode(NodeFixture.demo(dataDir, "", "", admin("first")), Optional.empty());
        node.start();

        HttpResponse<String> none = get(NO_SUCH_MESSAGE, null, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("Basic "));
        assertThat(get(NO_SUCH_MESSAGE, "noc", "wrong").statusCode()).isEqualTo(401);
        assertThat(get(NO_SUCH_MESSAGE, "noc", "first").statusCode()).as("signed in: the id is unknown")
                .isEqualTo(404);
        assertThat(get("/metrics", null, null).statusCode()).isEqualTo(200);
        assertThat(get("/health/live", null, null).statusCode()).isEqualTo(200);
        // the checks' texts only to a user; a probe gets the statuses
        assertThat(get("/health", null, null).body()).contains("\"routing\":{\"status\":\"UP\"}")
                .doesNotContain("detail");
        assertThat(get("/health", "noc", "first").body()).contains("\"detail\":\"Kafka consumers running\"");

        node.reload(NodeFixture.demo(dataDir, "", "", admin("second")));

        assertThat(get(NO_SUCH_MESSAGE, "noc", "first").statusCode()).isEqualTo(401);
        assertThat(get(NO_SUCH_MESSAGE, "noc", "second").statusCode()).isEqualTo(404);
        // the probes without credentials are not refusals
        assertThat(node.meters().scrape()).contains("gateway_http_auth_failed_total{reason=\"bad_password\"} 2.0")
                .contains("gateway_http_auth_failed_total{reason=\"missing\"} 1.0");
    }
}
