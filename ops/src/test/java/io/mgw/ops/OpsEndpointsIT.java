package io.mgw.ops;

import io.mgw.testkit.store.InMemoryStore;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mgw.core.http.HttpEndpoint;
import io.mgw.core.model.EventType;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.store.MessageRecord;
import io.mgw.ops.http.HttpListener;
import io.mgw.ops.http.HttpListenerConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpsEndpointsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-11-23T09:00:00.123Z");
    private static final MessageId ID = new MessageId(0x0192_3456_789A_0001L, 0x0002_0000_0000_0007L);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final InMemoryStore store = new InMemoryStore(java.time.Clock.systemUTC());
    private final Readiness readiness = new Readiness();
    private final AtomicBoolean kafkaUp = new AtomicBoolean(true);
    private final List<HttpListener> listeners = new ArrayList<>();
    private HttpListener listener;

    @BeforeEach
    void setUp() {
        HealthCheck kafka = HealthCheck.of("kafka", () -> kafkaUp.get()
                ? HealthCheck.Result.up("3 brokers")
                : HealthCheck.Result.down("no broker reachable"));
        listener = start(OpsEndpoints.create(registry, readiness, List.of(kafka), store,
                Authenticator.anonymousAdmin()));
    }

    @AfterEach
    void tearDown() {
        listeners.forEach(HttpListener::close);
        client.close();
        handlers.close();
        registry.close();
    }

    private HttpListener start(List<HttpEndpoint> endpoints) {
        HttpListener l = new HttpListener(
                HttpListenerConfig.defaults("127.0.0.1", 0).withHandlerExecutor(handlers), endpoints, registry);
        listeners.add(l);
        l.start();
        return l;
    }

    private HttpResponse<String> get(HttpListener l, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + l.port() + path))
                .timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        return get(listener, path, headers);
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listener.port() + path))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        assertThat(r.headers().firstValue("content-type")).contains("application/json");
        return JSON.readTree(r.body());
    }

    // ---- /metrics ----

    @Test
    void metricsShowARegisteredCounterInPrometheusText() throws Exception {
        registry.counter("gateway.test.thing.counted", "connector", "smsc1").increment(3);

        var r = get("/metrics");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).contains(MetricsEndpoint.TEXT_004);
        assertThat(r.body()).contains("gateway_test_thing_counted_total{connector=\"smsc1\"} 3.0");
    }

    @Test
    void metricsIncludeTheListenersOwnRequestTimer() throws Exception {
        get("/health/live");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(get("/metrics").body())
                .contains("gateway_http_request_served_seconds_count{endpoint=\"/health\",status=\"200\"}")
                .contains("gateway_http_connection_active"));
    }

    @Test
    void metricsSpeakOpenMetricsWhenAsked() throws Exception {
        registry.counter("gateway.test.thing.counted").increment();

        var r = get("/metrics", "Accept", "application/openmetrics-text; version=1.0.0");

        assertThat(r.headers().firstValue("content-type")).contains(MetricsEndpoint.OPENMETRICS_100);
        assertThat(r.body()).contains("gateway_test_thing_counted_total 1.0").endsWith("# EOF\n");
    }

    @Test
    void metricsCanBeFilteredByName() throws Exception {
        registry.counter("gateway.test.a.counted").increment();
        registry.counter("gateway.test.b.counted").increment();

        var r = get("/metrics?name[]=gateway_test_a_counted");

        assertThat(r.body()).contains("gateway_test_a_counted_total").doesNotContain("gateway_test_b_counted");
    }

    @Test
    void metricsRefuseWrites() throws Exception {
        var r = send("DELETE", "/metrics");

        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("allow")).contains("GET, HEAD");
    }

    // ---- /health ----

    @Test
    void healthyNodeIsLiveAndReady() throws Exception {
        var live = get("/health/live");
        var ready = get("/health/ready");
        var overall = get("/health");

        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(json(live).get("status").asText()).isEqualTo("UP");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(overall.statusCode()).isEqualTo(200);
        JsonNode h = json(overall);
        assertThat(h.get("status").asText()).isEqualTo("UP");
        assertThat(h.get("live").asBoolean()).isTrue();
        assertThat(h.get("ready").asBoolean()).isTrue();
        assertThat(h.get("draining").asBoolean()).isFalse();
        assertThat(h.at("/checks/store/status").asText()).isEqualTo("UP");
        assertThat(h.at("/checks/kafka/status").asText()).isEqualTo("UP");
        assertThat(h.at("/checks/kafka/detail").asText()).isEqualTo("3 brokers");
    }

    @Test
    void drainingFlipsReadinessButNotLiveness() throws Exception {
        readiness.setDraining(true);

        var ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(json(ready).get("draining").asBoolean()).isTrue();
        assertThat(json(ready).get("status").asText()).isEqualTo("DOWN");
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        assertThat(get("/health").statusCode()).isEqualTo(503);

        readiness.setDraining(false);

        assertThat(get("/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void failingCheckFlipsReadinessAndNamesTheCheck() throws Exception {
        kafkaUp.set(false);

        var ready = get("/health/ready");

        assertThat(ready.statusCode()).isEqualTo(503);
        JsonNode h = json(ready);
        assertThat(h.get("ready").asBoolean()).isFalse();
        assertThat(h.get("live").asBoolean()).isTrue();
        assertThat(h.at("/checks/kafka/status").asText()).isEqualTo("DOWN");
        assertThat(h.at("/checks/kafka/detail").asText()).isEqualTo("no broker reachable");
        assertThat(h.at("/checks/store/status").asText()).isEqualTo("UP");
        assertThat(get("/health/live").statusCode()).isEqualTo(200);

        kafkaUp.set(true);

        assertThat(get("/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void unhealthyStoreFlipsReadiness() throws Exception {
        store.setHealthy(false);

        var ready = get("/health/ready");

        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(json(ready).at("/checks/store/status").asText()).isEqualTo("DOWN");
    }

    @Test
    void checkThatThrowsCountsAsDown() throws Exception {
        HealthCheck broken = HealthCheck.of("broken", () -> {
            throw new IllegalStateException("password=secret");
        });
        HttpListener l = start(List.of(new HealthEndpoint(new Readiness(), List.of(broken))));

        var r = get(l, "/health");

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(json(r).at("/checks/broken/status").asText()).isEqualTo("DOWN");
        assertThat(r.body()).doesNotContain("secret");
    }

    @Test
    void unknownHealthResourceIs404() throws Exception {
        assertThat(get("/health/whatever").statusCode()).isEqualTo(404);
    }

    // ---- /api/v1/messages ----

    private static MessageRecord record() {
        return new MessageRecord(ID, "demo", "smpp", "SMS", "MT",
                "4711", 5, 0, "491701234567", 1, 1,
                "hello there, secret!", "FINAL",
                T0, T0.plus(Duration.ofHours(48)), MessageStatus.DELIVERED, T0.plusSeconds(3), 0,
                List.of(new MessageEvent(T0, EventType.ACCEPTED, MessageStatus.ACCEPTED, "", ""),
                        new MessageEvent(T0.plusSeconds(1), EventType.SUBMITTED, MessageStatus.ENROUTE, "smsc1",
                                "remote id 8f3a"),
                        new MessageEvent(T0.plusSeconds(3), EventType.REPORT, MessageStatus.DELIVERED, "smsc1",
                                "")));
    }

    @Test
    void messageIsFoundByHexId() throws Exception {
        store.put(record());

        var r = get("/api/v1/messages/" + ID);

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode m = json(r);
        assertThat(m.get("id").asText()).isEqualTo(ID.toString());
        assertThat(m.get("account").asText()).isEqualTo("demo");
        assertThat(m.get("protocol").asText()).isEqualTo("smpp");
        assertThat(m.get("kind").asText()).isEqualTo("SMS");
        assertThat(m.get("direction").asText()).isEqualTo("MT");
        assertThat(m.get("source").asText()).isEqualTo("4711");
        assertThat(m.get("destination").asText()).isEqualTo("491701234567");
        assertThat(m.get("status").asText()).isEqualTo("DELIVERED");
        assertThat(m.get("receivedAt").asText()).isEqualTo("2026-11-23T09:00:00.123Z");
        assertThat(m.get("validUntil").asText()).isEqualTo("2026-11-25T09:00:00.123Z");
        assertThat(m.get("updatedAt").asText()).isEqualTo("2026-11-23T09:00:03.123Z");
        assertThat(m.get("errorCode").asInt()).isZero();
        assertThat(m.get("history")).hasSize(3);
        JsonNode submitted = m.get("history").get(1);
        assertThat(submitted.get("at").asText()).isEqualTo("2026-11-23T09:00:01.123Z");
        assertThat(submitted.get("type").asText()).isEqualTo("SUBMITTED");
        assertThat(submitted.get("status").asText()).isEqualTo("ENROUTE");
        assertThat(submitted.get("connector").asText()).isEqualTo("smsc1");
        assertThat(submitted.get("detail").asText()).isEqualTo("remote id 8f3a");
        assertThat(r.body()).doesNotContain("hello there");
    }

    @Test
    void messageIsFoundByUpperCaseHexId() throws Exception {
        store.put(record());

        assertThat(get("/api/v1/messages/" + ID.toString().toUpperCase()).statusCode()).isEqualTo(200);
    }

    @Test
    void messageIsFoundByDecimalId() throws Exception {
        store.put(record());

        var r = get("/api/v1/messages/" + ID.toDecimal());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("id").asText()).isEqualTo(ID.toString());
    }

    @Test
    void absentInstantsAreNull() throws Exception {
        MessageRecord full = record();
        store.put(new MessageRecord(full.id(), full.account(), full.protocol(), full.kind(), full.direction(),
                full.source(), 0, 0, full.destination(), 0, 0, "", "NONE", full.receivedAt(), null,
                MessageStatus.ACCEPTED, full.updatedAt(), 0, List.of()));

        JsonNode m = json(get("/api/v1/messages/" + ID));

        assertThat(m.get("validUntil").isNull()).isTrue();
        assertThat(m.get("history")).isEmpty();
    }

    @Test
    void unknownMessageIs404Json() throws Exception {
        var r = get("/api/v1/messages/" + ID);

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r).get("error").asText()).isEqualTo("message_not_found");
    }

    @Test
    void malformedIdIs400() throws Exception {
        var r = get("/api/v1/messages/not-an-id");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get("error").asText()).isEqualTo("bad_message_id");
    }

    @Test
    void idTooLargeFor128BitsIs400() throws Exception {
        var r = get("/api/v1/messages/" + "9".repeat(39));

        assertThat(r.statusCode()).isEqualTo(400);
    }

    @Test
    void hexIdOfWrongLengthIs400() throws Exception {
        assertThat(get("/api/v1/messages/" + ID.toString().substring(1)).statusCode()).isEqualTo(400);
    }

    @Test
    void collectionAndDeeperPathsAre404() throws Exception {
        assertThat(get("/api/v1/messages").statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/messages/").statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/messages/" + ID + "/history").statusCode()).isEqualTo(404);
    }

    @Test
    void messageApiRefusesWrites() throws Exception {
        store.put(record());

        assertThat(send("DELETE", "/api/v1/messages/" + ID).statusCode()).isEqualTo(405);
    }

    @Test
    void storeFailureIs503WithoutDetails() throws Exception {
        store.setFailReads(true);

        var r = get("/api/v1/messages/" + ID);

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).doesNotContain("database connection refused");
    }

    @Test
    void callerWithoutCredentialsIs401() throws Exception {
        store.put(record());
        HttpListener l = start(List.of(new MessageApiEndpoint(store,
                request -> request.header("authorization")
                        .filter("Bearer good"::equals)
                        .map(t -> new AdminPrincipal("noc", AdminRole.VIEWER)))));

        assertThat(get(l, "/api/v1/messages/" + ID).statusCode()).isEqualTo(401);
        assertThat(get(l, "/api/v1/messages/" + ID, "Authorization", "Bearer bad").statusCode()).isEqualTo(401);
        assertThat(get(l, "/api/v1/messages/" + ID, "Authorization", "Bearer good").statusCode()).isEqualTo(200);
    }

    /**
     * The node's authenticator over HTTP: the message trace asks for credentials (401 with a Basic challenge, so that a
     * browser prompts), takes a user's, refuses a wrong password; metrics and health stay open to scrapers and probes.
     */
    @Test
    void theMessageTraceNeedsAUserWhenTheConfigGrantsNoAnonymousRoleButMetricsAndHealthDoNot() throws Exception {
        store.put(record());
        BasicAuthenticator users = new BasicAuthenticator(registry);
        users.update(List.of(new BasicAuthenticator.User("noc", io.mgw.core.config.PasswordHash.hash("s3cret"),
                AdminRole.VIEWER)), Optional.empty());
        HttpListener l = start(OpsEndpoints.create(registry, readiness, List.of(), store, users));
        String good = "Basic " + java.util.Base64.getEncoder().encodeToString("noc:s3cret".getBytes(UTF_8));
        String wrong = "Basic " + java.util.Base64.getEncoder().encodeToString("noc:guess".getBytes(UTF_8));

        var none = get(l, "/api/v1/messages/" + ID);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("Basic realm="));
        assertThat(get(l, "/api/v1/messages/" + ID, "Authorization", wrong).statusCode()).isEqualTo(401);
        assertThat(get(l, "/api/v1/messages/" + ID, "Authorization", good).statusCode()).isEqualTo(200);
        assertThat(get(l, "/metrics").statusCode()).isEqualTo(200);
        assertThat(get(l, "/health/live").statusCode()).isEqualTo(200);
        assertThat(registry.counter("gateway.http.auth.failed", "reason", "missing").count()).isEqualTo(1);
        assertThat(registry.counter("gateway.http.auth.failed", "reason", "bad_password").count()).isEqualTo(1);
    }

    /** Who read what, from where, with the answer; refusals too; a path cannot forge a line. */
    @Test
    void theAdminApiKeepsAnAuditTrail() throws Exception {
        store.put(record());
        ch.qos.logback.classic.Logger audit = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger("mgw.audit");
        var lines = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        lines.start();
        audit.addAppender(lines);
        ch.qos.logback.classic.Level level = audit.getLevel();
        audit.setLevel(ch.qos.logback.classic.Level.INFO); // as the node's logback.xml has it
        try {
            BasicAuthenticator users = new BasicAuthenticator(registry);
            users.update(List.of(new BasicAuthenticator.User("noc", io.mgw.core.config.PasswordHash.hash("s3cret"),
                    AdminRole.VIEWER)), Optional.empty());
            HttpListener l = start(List.of(new MessageApiEndpoint(store, users)));
            String good = "Basic " + java.util.Base64.getEncoder().encodeToString("noc:s3cret".getBytes(UTF_8));

            get(l, "/api/v1/messages/" + ID, "Authorization", good);
            get(l, "/api/v1/messages/" + ID);
            get(l, "/api/v1/messages/%0A2026-11-25%20forged", "Authorization", good);

            assertThat(lines.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                    .containsExactly(
                            "admin API: noc (viewer) from 127.0.0.1: GET /api/v1/messages/" + ID + " -> 200",
                            "admin API: refused (no valid credentials) from 127.0.0.1: GET /api/v1/messages/" + ID,
                            "admin API: noc (viewer) from 127.0.0.1: GET /api/v1/messages/?2026-11-25 forged -> 400");
        } finally {
            audit.detachAppender(lines);
            audit.setLevel(level);
        }
    }

    @Test
    void anonymousAdminLetsEveryoneIn() {
        Optional<AdminPrincipal> p = Authenticator.anonymousAdmin().authenticate(null);

        assertThat(p).contains(new AdminPrincipal("anonymous", AdminRole.ADMIN));
    }
}
