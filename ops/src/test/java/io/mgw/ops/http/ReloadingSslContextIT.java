package io.mgw.ops.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mgw.core.config.TlsConfig;
import io.mgw.testkit.tls.TestTls;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS from a key store file through {@link ReloadingSslContext}: served, renewed in place, client certificates. */
class ReloadingSslContextIT {

    @TempDir
    Path dir;

    private static HttpClient trusting(Path trustStore, Path keyStore) {
        TlsConfig c = TlsConfig.client().withTrustStore(trustStore, TestTls.PASSWORD);
        if (keyStore != null) {
            c = c.withKeyStore(keyStore, TestTls.PASSWORD);
        }
        return HttpClient.newBuilder().sslContext(c.sslContext()).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static int get(HttpClient client, HttpListener listener) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + listener.port() + "/secure/x"))
                .timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString()).statusCode();
    }

    private static HttpListener start(TlsConfig tls, ExecutorService handlers) {
        HttpListener l = new HttpListener(HttpListenerConfig.defaults("127.0.0.1", 0).withHandlerExecutor(handlers)
                .withSslContext(new ReloadingSslContext(tls)), List.of(TestEndpoint.echoPrefix("/secure")),
                new SimpleMeterRegistry());
        l.start();
        return l;
    }

    @Test
    void aKeyStoreRenewedInPlaceIsServedToNewConnections() throws Exception {
        TestTls tls = TestTls.create(dir);
        Path live = dir.resolve("live.p12");
        Files.copy(tls.serverKeyStore(), live);
        Path renewed = TestTls.keyPair(dir, "renewed", "CN=127.0.0.1", "SAN=ip:127.0.0.1");
        Path trustsRenewed = TestTls.trustStoreOf(dir, renewed, "renewed");
        try (ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
                HttpListener listener = start(TlsConfig.server(live, TestTls.PASSWORD), handlers)) {
            try (HttpClient c = trusting(tls.trustsServer(), null)) {
                assertThat(get(c, listener)).isEqualTo(200);
            }
            try (HttpClient c = trusting(trustsRenewed, null)) {
                assertThatThrownBy(() -> get(c, listener)).isInstanceOf(IOException.class);
            }

            Files.copy(renewed, live, StandardCopyOption.REPLACE_EXISTING);
            Files.setLastModifiedTime(live, FileTime.from(Instant.now().plusSeconds(5)));

            try (HttpClient c = trusting(trustsRenewed, null)) {
                assertThat(get(c, listener)).isEqualTo(200);
            }
        }
    }

    @Test
    void withClientCertificatesRequiredOnlyAClientShowingATrustedOneIsServed() throws Exception {
        TestTls tls = TestTls.create(dir);
        TlsConfig need = TlsConfig.server(tls.serverKeyStore(), TestTls.PASSWORD)
                .withTrustStore(tls.trustsClient(), TestTls.PASSWORD).withClientAuth(TlsConfig.ClientAuth.NEED);
        try (ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
                HttpListener listener = start(need, handlers)) {
            try (HttpClient c = trusting(tls.trustsServer(), null)) {
                assertThatThrownBy(() -> get(c, listener)).isInstanceOf(IOException.class);
            }
            try (HttpClient c = trusting(tls.trustsServer(), tls.clientKeyStore())) {
                assertThat(get(c, listener)).isEqualTo(200);
            }
        }
    }
}
