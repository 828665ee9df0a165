package io.mgw.ops.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS through the {@link HttpListenerConfig#sslContext()} seam, with a self-signed key made by the JDK's keytool. */
class HttpListenerTlsIT {

    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path dir;

    private static KeyStore keyStore;
    private static HttpListener listener;
    private static ExecutorService handlers;

    @BeforeAll
    static void startHttps() throws Exception {
        Path file = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", new String(PASSWORD))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();

        keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            keyStore.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, PASSWORD);

        handlers = Executors.newVirtualThreadPerTaskExecutor();
        listener = new HttpListener(
                HttpListenerConfig.defaults("127.0.0.1", 0)
                        .withHandlerExecutor(handlers)
                        .withSslContext(SslContextBuilder.forServer(kmf).build()),
                List.of(TestEndpoint.echoPrefix("/secure")),
                new SimpleMeterRegistry());
        listener.start();
    }

    @AfterAll
    static void stop() {
        listener.close();
        handlers.close();
    }

    private static HttpClient clientTrusting(KeyStore trusted) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void servesHttpsWithTheConfiguredKey() throws Exception {
        try (HttpClient client = clientTrusting(keyStore)) {
            var r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + listener.port() + "/secure/x"))
                    .timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("/secure /secure/x");
        }
    }

    @Test
    void plainHttpOnTheTlsPortGetsNoAnswer() throws Exception {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            assertThatThrownBy(() -> client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listener.port() + "/secure"))
                            .timeout(Duration.ofSeconds(10)).build(),
                    BodyHandlers.ofString()))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void serverContextIsRequired() throws Exception {
        var clientContext = SslContextBuilder.forClient().build();

        assertThatThrownBy(() -> HttpListenerConfig.defaults("127.0.0.1", 0).withSslContext(clientContext))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: a server context");
    }
}
