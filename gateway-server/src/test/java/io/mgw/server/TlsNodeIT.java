package io.mgw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mgw.core.config.GatewayConfig;
import io.mgw.core.config.TlsConfig;
import io.mgw.server.config.ConfigLoader;
import io.mgw.testkit.tls.TestTls;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose listeners speak only TLS, from its YAML: SMPP on the TLS port alone (plain: false) and HTTPS, both
 * from one key store made by keytool.
 */
class TlsNodeIT {

    @TempDir
    static Path dir;
    static TestTls tls;
    static GatewayNode node;

    @BeforeAll
    static void start() throws Exception {
        tls = TestTls.create(java.nio.file.Files.createDirectories(dir.resolve("tls")));
        String keyStore = "{keyStore: \"" + tls.serverKeyStore().toString().replace("\\", "/")
                + "\", keyStorePassword: " + TestTls.PASSWORD + "}";
        String yaml = """
                node: {site: test, siteId: 7, nodeId: 2, name: tls-node, dataDir: "%s"}
                listeners:
                  smpp: {host: 127.0.0.1, port: 0, plain: false, tls: {port: 0, keyStore: "%s", keyStorePassword: %s}}
                  http: {host: 127.0.0.1, port: 0, tls: %s}
                kafka: {ingressPartitions: 2, deliverPartitions: 1}
                accounts:
                  - {id: demo, password: demopass}
                """.formatted(dir.resolve("data").toString().replace("\\", "/"),
                tls.serverKeyStore().toString().replace("\\", "/"), TestTls.PASSWORD, keyStore);
        GatewayConfig config = ConfigLoader.parse(new StringReader(yaml), Map.of());
        node = new GatewayNode(config, Optional.empty());
        node.start();
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.drainAndClose();
        }
    }

    @Test
    void healthAnswersOverHttpsAndNotOverPlainHttp() throws Exception {
        try (HttpClient https = HttpClient.newBuilder().sslContext(TlsConfig.client()
                .withTrustStore(tls.trustsServer(), TestTls.PASSWORD).sslContext()).build()) {
            HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                    + node.httpPort() + "/health/live")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
        }
        try (HttpClient plain = HttpClient.newHttpClient()) {
            assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + node.httpPort() + "/health/live")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
        }
    }

    @Test
    void smppIsServedOnTheTlsPortAloneWithTheHostNameChecked() throws Exception {
        assertThatThrownBy(node::smppPort).isInstanceOf(IllegalStateException.class);
        TlsConfig client = TlsConfig.client().withTrustStore(tls.trustsServer(), TestTls.PASSWORD);
        try (SSLSocket s = (SSLSocket) client.sslContext().getSocketFactory().createSocket("127.0.0.1",
                node.smppTlsPort())) {
            client.configureClient(s); // the host name checked
            s.setSoTimeout(15_000);
            s.startHandshake();
            // bind_transmitter as demo; the response is bind_transmitter_resp with status 0
            byte[] body = ("demo\0demopass\0\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            var out = new java.io.ByteArrayOutputStream();
            var d = new java.io.DataOutputStream(out);
            d.writeInt(16 + body.length + 4);
            d.writeInt(0x00000002);
            d.writeInt(0);
            d.writeInt(1);
            d.write(body);
            d.write(new byte[] {0x34, 0, 0, 0});
            s.getOutputStream().write(out.toByteArray());
            var in = new java.io.DataInputStream(s.getInputStream());
            int length = in.readInt();
            assertThat(in.readInt()).isEqualTo(0x80000002);
            assertThat(in.readInt()).as("command_status").isZero();
            assertThat(length).isGreaterThan(16);
        }
    }
}
