package io.mgw.ops.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mgw.core.http.HttpEndpoint;
import io.mgw.core.http.HttpResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpListenerIT {

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final List<HttpListener> listeners = new ArrayList<>();

    @AfterEach
    void tearDown() {
        listeners.forEach(HttpListener::close);
        client.close();
        handlers.close();
    }

    private HttpListener start(HttpListenerConfig config, HttpEndpoint... endpoints) {
        HttpListener listener = new HttpListener(config, List.of(endpoints), meters);
        listeners.add(listener);
        listener.start();
        return listener;
    }

    private HttpListener start(HttpEndpoint... endpoints) {
        return start(config(), endpoints);
    }

    private HttpListenerConfig config() {
        return HttpListenerConfig.defaults("127.0.0.1", 0).withHandlerExecutor(handlers);
    }

    private static URI uri(HttpListener l, String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + l.port() + pathAndQuery);
    }

    private java.net.http.HttpResponse<String> get(HttpListener l, String pathAndQuery) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(l, pathAndQuery)).timeout(Duration.ofSeconds(10)).build(),
                BodyHandlers.ofString());
    }

    private java.net.http.HttpResponse<String> post(HttpListener l, String path, HttpRequest.BodyPublisher body,
            boolean expectContinue) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(l, path))
                        .timeout(Duration.ofSeconds(10))
                        .expectContinue(expectContinue)
                        .POST(body)
                        .build(),
                BodyHandlers.ofString());
    }

    private double served(String endpoint, int status) {
        var timer = meters.find("gateway.http.request.served")
                .tag("endpoint", endpoint)
                .tag("status", Integer.toString(status))
                .timer();
        return timer == null ? 0 : timer.count();
    }

    /** The timer is recorded when the write completes, which may be just after the client has the answer. */
    private void awaitServed(String endpoint, int status) {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(served(endpoint, status)).isEqualTo(1));
    }

    private static HttpEndpoint bodyLength(String prefix, int max) {
        return TestEndpoint.sync(prefix, max, r -> HttpResponse.text(200, Integer.toString(r.body().length)));
    }

    // ---- routing ----

    @Test
    void routesToTheLongestMatchingPrefix() throws Exception {
        HttpListener l = start(TestEndpoint.echoPrefix("/api"), TestEndpoint.echoPrefix("/api/v1/messages"),
                TestEndpoint.echoPrefix("/health"));

        assertThat(get(l, "/api/v1/messages/42").body()).isEqualTo("/api/v1/messages /api/v1/messages/42");
        assertThat(get(l, "/api/v1/other").body()).isEqualTo("/api /api/v1/other");
        assertThat(get(l, "/health").body()).isEqualTo("/health /health");
    }

    @Test
    void unknownPathGets404WithJsonError() throws Exception {
        HttpListener l = start(TestEndpoint.echoPrefix("/api"));

        var r = get(l, "/apix/1");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("content-type")).contains("application/json");
        assertThat(r.body()).contains("\"error\":\"not_found\"").contains("/apix/1");
        awaitServed(ListenerContext.NO_ENDPOINT, 404);
    }

    @Test
    void handlerSeesMethodDecodedPathQueryLowerCaseHeadersBodyAndPeer() throws Exception {
        AtomicReference<io.mgw.core.http.HttpRequest> seen = new AtomicReference<>();
        HttpListener l = start(TestEndpoint.sync("/in", 1024, r -> {
            seen.set(r);
            return new HttpResponse(201, "application/x-test", Map.of("X-Reply", "yes"), "ok".getBytes());
        }));

        var r = client.send(HttpRequest.newBuilder(uri(l, "/in/a%20b?x=1&x=2&name=J%C3%BCrgen"))
                        .header("X-Custom-Header", "Value")
                        .POST(BodyPublishers.ofString("hello"))
                        .build(),
                BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.headers().firstValue("content-type")).contains("application/x-test");
        assertThat(r.headers().firstValue("x-reply")).contains("yes");
        assertThat(r.body()).isEqualTo("ok");
        io.mgw.core.http.HttpRequest in = seen.get();
        assertThat(in.method()).isEqualTo("POST");
        assertThat(in.path()).isEqualTo("/in/a b");
        assertThat(in.query()).containsEntry("x", List.of("1", "2")).containsEntry("name", List.of("Jürgen"));
        assertThat(in.headers()).containsEntry("x-custom-header", List.of("Value"));
        assertThat(in.header("X-CUSTOM-HEADER")).contains("Value");
        assertThat(new String(in.body(), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(in.remote().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void dotSegmentsInPathGet400() throws Exception {
        HttpListener l = start(TestEndpoint.echoPrefix("/"));
        try (RawHttp raw = new RawHttp(l.port())) {
            var r = raw.send("GET /api/../metrics HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(400);
        }
    }

    @Test
    void encodedDotSegmentsInPathGet400() throws Exception {
        HttpListener l = start(TestEndpoint.echoPrefix("/"));
        try (RawHttp raw = new RawHttp(l.port())) {
            var r = raw.send("GET /api/%2e%2e/metrics HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(400);
        }
    }

    @Test
    void absoluteFormTargetIsRouted() throws Exception {
        HttpListener l = start(TestEndpoint.echoPrefix("/api"));
        try (RawHttp raw = new RawHttp(l.port())) {
            var r = raw.send("GET http://example.org/api/x?y=1 HTTP/1.1\r\nHost: example.org\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("/api /api/x");
        }
    }

    @Test
    void malformedPercentEncodingGets400() throws Exception {
        HttpListener l = start(TestEndpoint.echoPrefix("/"));
        try (RawHttp raw = new RawHttp(l.port())) {
            var r = raw.send("GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(400);
        }
    }

    // ---- body limits ----

    @Test
    void bodyUpToTheLimitIsAccepted() throws Exception {
        HttpListener l = start(bodyLength("/up", 1000));

        var declared = post(l, "/up", BodyPublishers.ofByteArray(new byte[1000]), false);
        var chunked = post(l, "/up",
                BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[1000])), false);

        assertThat(declared.statusCode()).isEqualTo(200);
        assertThat(declared.body()).isEqualTo("1000");
        assertThat(chunked.statusCode()).isEqualTo(200);
        assertThat(chunked.body()).isEqualTo("1000");
    }

    @Test
    void largeBodiesWithinALargeLimitArriveWhole() throws Exception {
        // MM7-sized: several MiB, declared and chunked.
        HttpListener l = start(TestEndpoint.sync("/mm7", 8 << 20, r -> {
            int sum = 0;
            for (byte b : r.body()) {
                sum += b & 0xFF;
            }
            return HttpResponse.text(200, r.body().length + " " + sum);
        }));
        byte[] body = new byte[5 << 20];
        int sum = 0;
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
            sum += body[i] & 0xFF;
        }

        var declared = post(l, "/mm7", BodyPublishers.ofByteArray(body), false);
        var chunked = post(l, "/mm7", BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)), false);

        assertThat(declared.body()).isEqualTo(body.length + " " + sum);
        assertThat(chunked.body()).isEqualTo(body.length + " " + sum);
    }

    @Test
    void declaredBodyOverTheLimitGets413BeforeTheBodyIsSent() throws Exception {
        HttpListener l = start(bodyLength("/up", 1000));
        try (RawHttp raw = new RawHttp(l.port())) {
            // Only the head goes out: the answer must come without the server waiting for 10 MB.
            var r = raw.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n").read();

            assertThat(r.status()).isEqualTo(413);
            assertThat(r.headers()).containsEntry("connection", "close");
            assertThat(r.body()).contains("payload_too_large");
        }
        awaitServed("/up", 413);
    }

    @Test
    void declaredBodyOverTheLimitGets413WithExpectContinue() throws Exception {
        HttpListener l = start(bodyLength("/up", 1000));

        var r = post(l, "/up", BodyPublishers.ofByteArray(new byte[1001]), true);

        assertThat(r.statusCode()).isEqualTo(413);
    }

    @Test
    void expectContinueWithinTheLimitGetsTheBodyThrough() throws Exception {
        HttpListener l = start(bodyLength("/up", 1000));

        var r = post(l, "/up", BodyPublishers.ofByteArray(new byte[500]), true);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("500");
    }

    @Test
    void declaredBodyOverTheLimitSentWholeGets413() throws Exception {
        HttpListener l = start(bodyLength("/up", 1000));

        var r = post(l, "/up", BodyPublishers.ofByteArray(new byte[200_000]), false);

        assertThat(r.statusCode()).isEqualTo(413);
    }

    @Test
    void chunkedBodyOverTheLimitGets413() throws Exception {
        HttpListener l = start(bodyLength("/up", 1000));

        var r = post(l, "/up", BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[200_000])), false);

        assertThat(r.statusCode()).isEqualTo(413);
        awaitServed("/up", 413);
    }

    @Test
    void chunkedBodyIsCappedWithoutReadingItAll() throws Exception {
        HttpListener l = start(bodyLength("/up", 1000));
        try (RawHttp raw = new RawHttp(l.port())) {
            // 2 KiB of chunks, then nothing more: the 413 must not wait for the terminating chunk.
            raw.send("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
            raw.send("400\r\n" + "a".repeat(1024) + "\r\n400\r\n" + "b".repeat(1024) + "\r\n");

            assertThat(raw.read().status()).isEqualTo(413);
        }
    }

    @Test
    void bodyToAnEndpointThatTakesNoneGets413() throws Exception {
        HttpListener l = start(bodyLength("/none", 0));

        assertThat(post(l, "/none", BodyPublishers.ofString("x"), false).statusCode()).isEqualTo(413);
        assertThat(get(l, "/none").statusCode()).isEqualTo(200);
    }

    @Test
    void headerBlockOverTheLimitGets431() throws Exception {
        HttpListener l = start(config().withMaxHeaderBytes(2048), TestEndpoint.echoPrefix("/"));
        try (RawHttp raw = new RawHttp(l.port())) {
            var r = raw.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "v".repeat(4096) + "\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(431);
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void requestLineOverTheLimitGets414() throws Exception {
        HttpListener l = start(TestEndpoint.echoPrefix("/"));
        try (RawHttp raw = new RawHttp(l.port())) {
            var r = raw.send("GET /" + "a".repeat(HttpListener.MAX_INITIAL_LINE_BYTES) + " HTTP/1.1\r\nHost: x\r\n\r\n")
                    .read();
            assertThat(r.status()).isEqualTo(414);
        }
    }

    @Test
    void garbageRequestGets400AndClose() throws Exception {
        HttpListener l = start(TestEndpoint.echoPrefix("/"));
        try (RawHttp raw = new RawHttp(l.port())) {
            var r = raw.send("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(400);
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void unknownExpectationGets417() throws Exception {
        HttpListener l = start(bodyLength("/up", 1000));
        try (RawHttp raw = new RawHttp(l.port())) {
            var r = raw.send("POST /up HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Length: 0\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(417);
            // No body to skip: the connection stays usable.
            assertThat(raw.send("GET /up HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
        }
    }

    // ---- handler failures ----

    @Test
    void handlerThatThrowsGets500AndIsCounted() throws Exception {
        HttpListener l = start(TestEndpoint.sync("/boom", 0, r -> {
            throw new IllegalStateException("secret detail");
        }));

        var r = get(l, "/boom");

        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.headers().firstValue("content-type")).contains("application/json");
        assertThat(r.body()).contains("internal_error").doesNotContain("secret detail");
        assertThat(meters.counter("gateway.http.handler.failed", "endpoint", "/boom", "reason", "exception").count())
                .isEqualTo(1);
        awaitServed("/boom", 500);
    }

    @Test
    void handlerWhoseStageFailsGets500() throws Exception {
        HttpListener l = start(new TestEndpoint("/fail", 0,
                r -> CompletableFuture.failedFuture(new IOException("backend down"))));

        assertThat(get(l, "/fail").statusCode()).isEqualTo(500);
        assertThat(meters.counter("gateway.http.handler.failed", "endpoint", "/fail", "reason", "exception").count())
                .isEqualTo(1);
    }

    @Test
    void handlerReturningNullGets500() throws Exception {
        HttpListener l = start(new TestEndpoint("/null", 0, r -> null));

        assertThat(get(l, "/null").statusCode()).isEqualTo(500);
    }

    @Test
    void responseWithInvalidStatusGets500() throws Exception {
        HttpListener l = start(TestEndpoint.sync("/bad", 0, r -> HttpResponse.text(42, "?")));

        assertThat(get(l, "/bad").statusCode()).isEqualTo(500);
    }

    @Test
    void connectionStaysUsableAfterA500() throws Exception {
        HttpListener l = start(TestEndpoint.sync("/boom", 0, r -> {
            throw new IllegalStateException("x");
        }), TestEndpoint.echoPrefix("/ok"));
        try (RawHttp raw = new RawHttp(l.port())) {
            assertThat(raw.send("GET /boom HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(500);
            assertThat(raw.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
        }
    }

    @Test
    void handlerThatNeverAnswersGets503AfterTheRequestTimeout() throws Exception {
        HttpListener l = start(config().withRequestTimeout(Duration.ofMillis(200)),
                new TestEndpoint("/never", 0, r -> new CompletableFuture<>()));

        var r = get(l, "/never");

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("timeout");
        assertThat(meters.counter("gateway.http.handler.failed", "endpoint", "/never", "reason", "timeout").count())
                .isEqualTo(1);
    }

    @Test
    void blockingHandlerDoesNotStallOtherRequests() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // One event-loop thread: if the handler ran on it, the second request could not be served.
        HttpListener l = start(config().withWorkerThreads(1),
                TestEndpoint.sync("/slow", 0, r -> {
                    entered.countDown();
                    try {
                        return HttpResponse.text(release.await(20, TimeUnit.SECONDS) ? 200 : 500, "slow");
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return HttpResponse.text(500, "interrupted");
                    }
                }),
                TestEndpoint.echoPrefix("/fast"));

        var slow = client.sendAsync(HttpRequest.newBuilder(uri(l, "/slow")).build(), BodyHandlers.ofString());
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 5; i++) {
            assertThat(get(l, "/fast").statusCode()).isEqualTo(200);
        }
        assertThat(slow).isNotDone();
        release.countDown();
        assertThat(slow.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    // ---- connections ----

    @Test
    void keepAliveReusesOneConnection() throws Exception {
        Set<Integer> peerPorts = new HashSet<>();
        HttpListener l = start(TestEndpoint.sync("/who", 0, r -> {
            synchronized (peerPorts) {
                peerPorts.add(r.remote().getPort());
            }
            return HttpResponse.text(200, "ok");
        }));

        for (int i = 0; i < 10; i++) {
            assertThat(get(l, "/who").statusCode()).isEqualTo(200);
        }

        assertThat(peerPorts).hasSize(1);
        assertThat(l.activeConnections()).isEqualTo(1);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        CountDownLatch secondMayAnswer = new CountDownLatch(1);
        HttpListener l = start(TestEndpoint.sync("/p", 0, r -> {
            if (r.path().equals("/p/1")) {
                try {
                    // The first is slow; the second must still come out after it.
                    secondMayAnswer.await(200, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return HttpResponse.text(200, r.path());
        }));
        try (RawHttp raw = new RawHttp(l.port())) {
            raw.send("GET /p/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /p/2 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /p/3 HTTP/1.1\r\nHost: x\r\n\r\n");

            assertThat(raw.read().body()).isEqualTo("/p/1");
            assertThat(raw.read().body()).isEqualTo("/p/2");
            assertThat(raw.read().body()).isEqualTo("/p/3");
        }
    }

    @Test
    void clientThatPipelinesWithoutReadingIsNotAnsweredWithoutBound() throws Exception {
        int n = 40;
        AtomicInteger calls = new AtomicInteger();
        byte[] big = new byte[1 << 20];
        HttpListener l = start(TestEndpoint.sync("/big", 0, r -> {
            calls.incrementAndGet();
            return new HttpResponse(200, "application/octet-stream", Map.of(), big);
        }));
        try (RawHttp raw = new RawHttp(l.port(), 16 * 1024)) {
            raw.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".repeat(n));

            // Not reading: the server must stop after a few answers instead of queueing 40 MiB of them.
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> calls.get() < n / 2);

            for (int i = 0; i < n; i++) {
                var r = raw.read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).hasSize(big.length);
            }
        }
        assertThat(calls).hasValue(n);
    }

    @Test
    void http10WithoutKeepAliveIsClosedAfterTheAnswer() throws Exception {
        HttpListener l = start(TestEndpoint.echoPrefix("/"));
        try (RawHttp raw = new RawHttp(l.port())) {
            var r = raw.send("GET /x HTTP/1.0\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void connectionCloseRequestIsHonoured() throws Exception {
        HttpListener l = start(TestEndpoint.echoPrefix("/"));
        try (RawHttp raw = new RawHttp(l.port())) {
            var r = raw.send("GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").read();
            assertThat(r.headers()).containsEntry("connection", "close");
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void manyConcurrentConnectionsAreServedAtOnce() throws Exception {
        int n = 100;
        CountDownLatch allIn = new CountDownLatch(n);
        HttpListener l = start(TestEndpoint.sync("/c", 0, r -> {
            allIn.countDown();
            try {
                // Every request waits for all the others: passes only if n connections are served at once.
                return HttpResponse.text(allIn.await(20, TimeUnit.SECONDS) ? 200 : 504, "");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return HttpResponse.text(500, "");
            }
        }));

        List<CompletableFuture<java.net.http.HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(client.sendAsync(HttpRequest.newBuilder(uri(l, "/c")).timeout(Duration.ofSeconds(30)).build(),
                    BodyHandlers.ofString()));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        assertThat(calls).allSatisfy(c -> assertThat(c.join().statusCode()).isEqualTo(200));
        assertThat(meters.get("gateway.http.connection.active").gauge().value()).isEqualTo(n);
    }

    @Test
    void connectionsOverTheLimitAreClosed() throws Exception {
        HttpListener l = start(config().withMaxConnections(2), TestEndpoint.echoPrefix("/"));
        try (RawHttp a = new RawHttp(l.port()); RawHttp b = new RawHttp(l.port())) {
            assertThat(a.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(b.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
            try (RawHttp c = new RawHttp(l.port())) {
                assertThat(c.closedByServer()).isTrue();
            }
            assertThat(meters.counter("gateway.http.connection.rejected", "reason", "max_connections").count())
                    .isEqualTo(1);
            assertThat(a.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
        }
    }

    @Test
    void connectionsOverTheLimitPerAddressAreClosedAndOtherAddressesStillGetIn() throws Exception {
        HttpListener l = start(config().withMaxConnectionsPerAddress(2), TestEndpoint.echoPrefix("/"));
        try (RawHttp a = new RawHttp(l.port()); RawHttp b = new RawHttp(l.port())) {
            assertThat(a.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(b.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
            try (RawHttp c = new RawHttp(l.port())) {
                assertThat(c.closedByServer()).isTrue();
            }
            assertThat(meters.counter("gateway.http.connection.rejected", "reason", "max_per_address").count())
                    .isEqualTo(1);
            // another client is not held back by the first one's connections
            try (RawHttp other = new RawHttp(l.port(), "127.0.0.2")) {
                assertThat(other.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
                assertThat(l.activeConnections()).isEqualTo(3);
            }
            // the first address's slot comes back when one of its connections closes
            b.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> l.activeConnections() == 1);
            try (RawHttp again = new RawHttp(l.port())) {
                assertThat(again.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
            }
        }
        assertThat(meters.counter("gateway.http.connection.rejected", "reason", "max_connections").count())
                .isZero();
    }

    @Test
    void idleConnectionIsClosed() throws Exception {
        HttpListener l = start(config().withIdleTimeout(Duration.ofMillis(200)), TestEndpoint.echoPrefix("/"));
        try (RawHttp raw = new RawHttp(l.port())) {
            assertThat(raw.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(raw.closedByServer()).isTrue();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> l.activeConnections() == 0);
    }

    @Test
    void connectionWithARequestInProgressIsNotClosedForIdleness() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        HttpListener l = start(config().withIdleTimeout(Duration.ofMillis(100)),
                TestEndpoint.sync("/slow", 0, r -> {
                    try {
                        never.await(600, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return HttpResponse.text(200, "late");
                }));

        var r = get(l, "/slow");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("late");
    }

    @Test
    void headRequestGetsHeadersOnly() throws Exception {
        HttpListener l = start(TestEndpoint.echoPrefix("/h"));
        try (RawHttp raw = new RawHttp(l.port())) {
            raw.send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /h HTTP/1.1\r\nHost: x\r\n\r\n");

            var head = raw.readHeadOnly();
            // Had the HEAD answer carried a body, the next answer would not start with a status line.
            var get = raw.read();

            assertThat(head.status()).isEqualTo(200);
            assertThat(head.headers()).containsEntry("content-length", "5");
            assertThat(get.body()).isEqualTo("/h /h");
        }
    }

    // ---- lifecycle ----

    @Test
    void closeStopsAcceptingAndIsIdempotent() throws Exception {
        HttpListener l = start(TestEndpoint.echoPrefix("/"));
        int port = l.port();
        l.close();
        l.close();

        assertThatThrownBy(() -> new RawHttp(port)).isInstanceOf(IOException.class);
        assertThatThrownBy(l::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void bindFailureIsReported() {
        HttpListener first = start(TestEndpoint.echoPrefix("/"));
        HttpListener second = new HttpListener(
                HttpListenerConfig.defaults("127.0.0.1", first.port()).withHandlerExecutor(handlers),
                List.of(TestEndpoint.echoPrefix("/")), meters);
        listeners.add(second);

        assertThatThrownBy(second::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot bind 127.0.0.1:" + first.port());
    }

    @Test
    void portBeforeStartIsRefused() {
        HttpListener l = new HttpListener(config(), List.of(), meters);
        listeners.add(l);

        assertThatThrownBy(l::port).isInstanceOf(IllegalStateException.class).hasMessageContaining("not started");
    }
}
