package io.mgw.smpp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.cloudhopper.smpp.SmppConstants;
import com.cloudhopper.smpp.SmppServerConfiguration;
import com.cloudhopper.smpp.SmppServerHandler;
import com.cloudhopper.smpp.SmppServerSession;
import com.cloudhopper.smpp.SmppSessionConfiguration;
import com.cloudhopper.smpp.impl.DefaultSmppServer;
import com.cloudhopper.smpp.impl.DefaultSmppSessionHandler;
import com.cloudhopper.smpp.pdu.BaseBind;
import com.cloudhopper.smpp.pdu.BaseBindResp;
import com.cloudhopper.smpp.pdu.DeliverSm;
import com.cloudhopper.smpp.pdu.PduRequest;
import com.cloudhopper.smpp.pdu.PduResponse;
import com.cloudhopper.smpp.pdu.SubmitSm;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import com.cloudhopper.smpp.ssl.SslConfiguration;
import com.cloudhopper.smpp.type.SmppProcessingException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mgw.core.config.ConnectorConfig;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.spi.SubmitOutcome;
import io.mgw.testkit.tls.TestTls;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connector's SMPP over TLS against an SMSC that is not ours: cloudhopper ch-smpp 5.0.9 with its own TLS
 * (Netty 3's SslHandler over the JDK's engine), key material made by keytool ({@link TestTls}).
 */
class SmppClientTlsIT {

    @TempDir
    static Path dir;
    static TestTls tls;
    /** A certificate with neither 127.0.0.1 nor localhost in it, and a trust store holding it. */
    static Path otherName;
    static Path trustsOtherName;

    private final RecordingReceiptSink receipts = new RecordingReceiptSink();
    private final RecordingIngressSink ingress = new RecordingIngressSink();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<SubmitSm> submits = new CopyOnWriteArrayList<>();
    private final AtomicInteger bindsSeen = new AtomicInteger();
    private final ExecutorService receiptSender = Executors.newSingleThreadExecutor();
    private DefaultSmppServer server;
    private SmppClientConnector connector;
    private int port;

    @BeforeAll
    static void stores() throws Exception {
        tls = TestTls.create(dir);
        otherName = TestTls.keyPair(dir, "othername", "CN=smsc.example.net", "SAN=dns:smsc.example.net");
        trustsOtherName = TestTls.trustStoreOf(dir, otherName, "othername");
    }

    @AfterEach
    void stop() {
        if (connector != null) {
            connector.close();
        }
        if (server != null) {
            server.destroy();
        }
        receiptSender.shutdownNow();
    }

    /** A cloudhopper SMSC speaking only TLS with the certificate in {@code keyStore}. */
    private void startSmsc(Path keyStore) throws Exception {
        startSmsc(keyStore, null);
    }

    /** The same, offering only {@code protocol} if not null. */
    private void startSmsc(Path keyStore, String protocol) throws Exception {
        SmppServerConfiguration cfg = CloudhopperSmsc.configuration();
        port = cfg.getPort();
        cfg.setUseSsl(true);
        SslConfiguration ssl = new SslConfiguration();
        ssl.setKeyStorePath(keyStore.toString());
        ssl.setKeyStorePassword(TestTls.PASSWORD);
        ssl.setKeyManagerPassword(TestTls.PASSWORD);
        ssl.setKeyStoreType("PKCS12");
        if (protocol != null) {
            ssl.setIncludeProtocols(protocol);
        }
        cfg.setSslConfiguration(ssl);
        server = new DefaultSmppServer(cfg, new SmppServerHandler() {
            @Override
            public void sessionBindRequested(Long id, SmppSessionConfiguration config, BaseBind bind)
                    throws SmppProcessingException {
                bindsSeen.incrementAndGet();
                if (!"gw".equals(config.getSystemId())) {
                    throw new SmppProcessingException(SmppConstants.STATUS_INVSYSID);
                }
            }

            @Override
            public void sessionCreated(Long id, SmppServerSession s, BaseBindResp resp) {
                s.serverReady(new DefaultSmppSessionHandler() {
                    @Override
                    public PduResponse firePduRequestReceived(PduRequest request) {
                        PduResponse response = request.createResponse();
                        if (request instanceof SubmitSm sm) {
                            submits.add(sm);
                            ((SubmitSmResp) response).setMessageId("77");
                            receiptSender.execute(() -> sendReceipt(s, sm));
                        }
                        return response;
                    }
                });
            }

            @Override
            public void sessionDestroyed(Long id, SmppServerSession s) {
                // nothing kept per session
            }
        });
        server.start();
    }

    private static void sendReceipt(SmppServerSession s, SubmitSm sm) {
        try {
            DeliverSm d = new DeliverSm();
            d.setEsmClass((byte) 0x04);
            d.setSourceAddress(sm.getDestAddress());
            d.setDestAddress(sm.getSourceAddress());
            d.setShortMessage(("id:77 sub:001 dlvrd:001 submit date:2311230912 done date:2311230913 stat:DELIVRD"
                    + " err:000 Text:x").getBytes(StandardCharsets.US_ASCII));
            s.sendRequestPdu(d, 10_000, false);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private SmppClientConnector connector(String host, Map<String, String> tlsSettings) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "host", host,
                "port", Integer.toString(port),
                "systemId", "gw",
                "password", "pw",
                "bindTimeout", "2s",
                "reconnectBackoffMin", "100ms",
                "reconnectBackoffMax", "300ms"));
        settings.putAll(tlsSettings);
        connector = new SmppClientConnector(new ConnectorConfig("tls", "smpp", 0, 1, settings),
                TestMessages.context(receipts, ingress, meters));
        connector.start();
        return connector;
    }

    @Test
    void bindsSubmitsAndTakesTheReceiptOverTls() throws Exception {
        startSmsc(tls.serverKeyStore());
        SmppClientConnector c = connector("127.0.0.1", Map.of("tls", "true",
                "tlsTrustStore", tls.trustsServer().toString(), "tlsTrustStorePassword", TestTls.PASSWORD));
        await().atMost(Duration.ofSeconds(15)).until(c::isAvailable);

        SubmitOutcome o = c.submit(TestMessages.text("over TLS")).toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(o).isInstanceOf(SubmitOutcome.Accepted.class);
        assertThat(new String(submits.getFirst().getShortMessage(), StandardCharsets.US_ASCII)).isEqualTo("over TLS");
        await().atMost(Duration.ofSeconds(10)).until(() -> receipts.receipts.size() == 1);
        assertThat(receipts.receipts.getFirst().status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(c.rebindCount()).isZero();
    }

    @Test
    void anSmscWhoseCertificateIsNotTrustedIsNeverBound() throws Exception {
        startSmsc(tls.serverKeyStore());
        // trusts only a certificate the SMSC does not have
        SmppClientConnector c = connector("127.0.0.1", Map.of("tls", "true",
                "tlsTrustStore", trustsOtherName.toString(), "tlsTrustStorePassword", TestTls.PASSWORD));

        await().atMost(Duration.ofSeconds(15)).until(() -> c.rebindCount() >= 2);
        assertThat(c.isAvailable()).isFalse();
        assertThat(bindsSeen).hasValue(0);
    }

    @Test
    void aCertificateForAnotherHostIsRefusedUnlessTheHostCheckIsOff() throws Exception {
        startSmsc(otherName);
        SmppClientConnector checked = connector("127.0.0.1", Map.of("tls", "true",
                "tlsTrustStore", trustsOtherName.toString(), "tlsTrustStorePassword", TestTls.PASSWORD));
        await().atMost(Duration.ofSeconds(15)).until(() -> checked.rebindCount() >= 2);
        assertThat(checked.isAvailable()).isFalse();
        assertThat(bindsSeen).hasValue(0);
        checked.close();

        SmppClientConnector unchecked = connector("127.0.0.1", Map.of("tls", "true",
                "tlsTrustStore", trustsOtherName.toString(), "tlsTrustStorePassword", TestTls.PASSWORD,
                "tlsVerifyHostname", "false"));
        await().atMost(Duration.ofSeconds(15)).until(unchecked::isAvailable);
        assertThat(unchecked.submit(TestMessages.text("trusted, name not checked")).toCompletableFuture()
                .get(10, TimeUnit.SECONDS)).isInstanceOf(SubmitOutcome.Accepted.class);
    }

    @Test
    void theVersionsOfferedAreTheOnesConfigured() throws Exception {
        startSmsc(tls.serverKeyStore(), "TLSv1.2");
        SmppClientConnector only13 = connector("127.0.0.1", Map.of("tls", "true", "tlsProtocols", "TLSv1.3",
                "tlsTrustStore", tls.trustsServer().toString(), "tlsTrustStorePassword", TestTls.PASSWORD));
        await().atMost(Duration.ofSeconds(15)).until(() -> only13.rebindCount() >= 2);
        assertThat(only13.isAvailable()).isFalse();
        assertThat(bindsSeen).hasValue(0);
        only13.close();

        SmppClientConnector with12 = connector("127.0.0.1", Map.of("tls", "true", "tlsProtocols", "TLSv1.3, TLSv1.2",
                "tlsTrustStore", tls.trustsServer().toString(), "tlsTrustStorePassword", TestTls.PASSWORD));
        await().atMost(Duration.ofSeconds(15)).until(with12::isAvailable);
    }

    @Test
    void plainSmppToATlsSmscNeverBinds() throws Exception {
        startSmsc(tls.serverKeyStore());
        SmppClientConnector c = connector("127.0.0.1", Map.of());
        await().atMost(Duration.ofSeconds(15)).until(() -> c.rebindCount() >= 2);
        assertThat(c.isAvailable()).isFalse();
        assertThat(bindsSeen).hasValue(0);
    }
}
