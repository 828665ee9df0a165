package io.mgw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mgw.core.config.TlsConfig;
import io.mgw.core.text.Gsm7;
import io.mgw.testkit.tls.TestTls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.jsmpp.DefaultPDUReader;
import org.jsmpp.DefaultPDUSender;
import org.jsmpp.SynchronizedPDUSender;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;
import org.jsmpp.session.connection.socket.SocketConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The newcomer's walkthrough, end to end on one node with the embedded default: embedded Kafka, H2, the built-in
 * SMSC simulator. A jSMPP client binds as demo, submits, gets an id at once and a receipt later; the HTTP API shows
 * the message's history; metrics and health answer.
 */
class DemoNodeIT {

    @TempDir
    static Path dataDir;

    static GatewayNode node;
    static TestTls tls;
    static final HttpClient http = HttpClient.newHttpClient();
    static final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void startNode() throws Exception {
        tls = TestTls.create(java.nio.file.Files.createDirectories(dataDir.resolve("tls")));
        node = new GatewayNode(NodeFixture.demo(dataDir, "", ", tls: {port: 0, keyStore: \"%s\", keyStorePassword: %s}"
                .formatted(tls.serverKeyStore().toString().replace("\\", "/"), TestTls.PASSWORD)),
                java.util.Optional.empty());
        node.start();
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.drainAndClose();
        }
    }

    @Test
    void submitGetsAnIdThenAReceiptAndTheApiShowsTheHistory() throws Exception {
        BlockingQueue<DeliverSm> received = new LinkedBlockingQueue<>();
        SMPPSession esme = bind(received);
        try {
            var result = esme.submitShortMessage("", TypeOfNumber.ALPHANUMERIC, NumberingPlanIndicator.UNKNOWN,
                    "mgw", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "447700900123", new ESMClass(),
                    (byte) 0, (byte) 1, null, null, new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE),
                    (byte) 0, DataCodings.ZERO, (byte) 0, Gsm7.encode("Hello {world} €"), new OptionalParameter[0]);
            String id = result.getMessageId();
            assertThat(id).matches("[0-9a-f]{32}");

            DeliverSm receipt = received.poll(30, TimeUnit.SECONDS);
            assertThat(receipt).as("delivery receipt").isNotNull();
            assertThat(receipt.getEsmClass() & 0x3C).isEqualTo(0x04);
            String text = Gsm7.decode(receipt.getShortMessage());
            assertThat(text).contains("id:" + id).contains("stat:DELIVRD");
            OptionalParameter receipted = receipt.getOptionalParameter(OptionalParameter.Tag.RECEIPTED_MESSAGE_ID);
            assertThat(receipted).isNotNull();

            JsonNode msg = await().atMost(Duration.ofSeconds(20)).until(() -> get("/api/v1/messages/" + id),
                    m -> m != null && "DELIVERED".equals(m.path("status").asText()));
            assertThat(msg.path("account").asText()).isEqualTo("demo");
            assertThat(msg.path("destination").asText()).isEqualTo("447700900123");
            List<String> types = new ArrayList<>();
            msg.path("history").forEach(e -> types.add(e.path("type").asText()));
            assertThat(types).contains("ACCEPTED", "ROUTED", "SUBMITTED", "REPORT");
            assertThat(msg.path("history").toString()).contains("sim");
        } finally {
            esme.unbindAndClose();
        }
    }

    @Test
    void moFromTheSmscReachesTheDemoReceiver() throws Exception {
        BlockingQueue<DeliverSm> received = new LinkedBlockingQueue<>();
        SMPPSession esme = bind(received);
        try {
            // the built-in simulator sends MO to the gateway's connector binds
            var sim = node.simulator().orElseThrow();
            await().atMost(Duration.ofSeconds(20)).until(() -> sim.boundSessions() > 0);
            sim.sendMo("447700900999", "12345", "STOP please");
            DeliverSm mo = await().atMost(Duration.ofSeconds(30)).until(() -> received.poll(1, TimeUnit.SECONDS),
                    d -> d != null && (d.getEsmClass() & 0x3C) == 0);
            assertThat(mo.getSourceAddr()).isEqualTo("447700900999");
            assertThat(mo.getDestAddress()).isEqualTo("12345");
        } finally {
            esme.unbindAndClose();
        }
    }

    @Test
    void metricsAndHealthAnswer() throws Exception {
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(uri("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes").contains("gateway_");
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(uri("/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"consumers\":{\"status\":\"UP\"")
                .contains("\"routing\":{\"status\":\"UP\"");
        HttpResponse<String> live = http.send(HttpRequest.newBuilder(uri("/health/live")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(live.statusCode()).isEqualTo(200);
    }

    @Test
    void unknownMessageIdIs404() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/api/v1/messages/"
                + "0".repeat(32))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(404);
    }

    @Test
    void anEsmeOnTheTlsPortSubmitsAndGetsItsReceiptOverTls() throws Exception {
        BlockingQueue<DeliverSm> received = new LinkedBlockingQueue<>();
        TlsConfig client = TlsConfig.client().withTrustStore(tls.trustsServer(), TestTls.PASSWORD);
        SSLContext trusting = client.sslContext();
        // jSMPP as the ESME, over the JDK's TLS with the host name checked
        SMPPSession esme = new SMPPSession(new SynchronizedPDUSender(new DefaultPDUSender()), new DefaultPDUReader(),
                (host, port) -> {
                    SSLSocket s = (SSLSocket) trusting.getSocketFactory().createSocket(host, port);
                    client.configureClient(s);
                    s.startHandshake();
                    return new SocketConnection(s);
                });
        listen(esme, received);
        esme.connectAndBind("127.0.0.1", node.smppTlsPort(), new BindParameter(BindType.BIND_TRX, "demo",
                "demopass", "", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null), 10_000);
        try {
            var result = esme.submitShortMessage("", TypeOfNumber.ALPHANUMERIC, NumberingPlanIndicator.UNKNOWN,
                    "mgw", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "447700900124", new ESMClass(),
                    (byte) 0, (byte) 1, null, null, new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE),
                    (byte) 0, DataCodings.ZERO, (byte) 0, Gsm7.encode("over TLS"), new OptionalParameter[0]);
            String id = result.getMessageId();
            DeliverSm receipt = received.poll(30, TimeUnit.SECONDS);
            assertThat(receipt).as("delivery receipt over TLS").isNotNull();
            assertThat(Gsm7.decode(receipt.getShortMessage())).contains("id:" + id).contains("stat:DELIVRD");
        } finally {
            esme.unbindAndClose();
        }
    }

    static SMPPSession bind(BlockingQueue<DeliverSm> received) throws Exception {
        return bind(received, node.smppPort());
    }

    /** A transceiver bound as demo/demopass to the node listening on {@code port}; deliver_sm go to received. */
    static SMPPSession bind(BlockingQueue<DeliverSm> received, int port) throws Exception {
        SMPPSession s = new SMPPSession();
        listen(s, received);
        s.connectAndBind("127.0.0.1", port, new BindParameter(BindType.BIND_TRX, "demo", "demopass", "",
                TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null), 10_000);
        return s;
    }

    private static void listen(SMPPSession s, BlockingQueue<DeliverSm> received) {
        s.setMessageReceiverListener(new MessageReceiverListener() {
            @Override
            public void onAcceptDeliverSm(DeliverSm deliverSm) {
                received.add(deliverSm);
            }

            @Override
            public void onAcceptAlertNotification(AlertNotification alertNotification) {}

            @Override
            public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) {
                return null;
            }
        });
    }

    static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + node.httpPort() + path);
    }

    static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? json.readTree(r.body()) : null;
    }
}
