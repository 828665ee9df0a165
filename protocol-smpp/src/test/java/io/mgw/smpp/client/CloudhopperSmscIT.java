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
import com.cloudhopper.smpp.pdu.DataSm;
import com.cloudhopper.smpp.pdu.DeliverSm;
import com.cloudhopper.smpp.pdu.PduRequest;
import com.cloudhopper.smpp.pdu.PduResponse;
import com.cloudhopper.smpp.pdu.SubmitSm;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import com.cloudhopper.smpp.tlv.Tlv;
import com.cloudhopper.smpp.type.Address;
import com.cloudhopper.smpp.type.SmppProcessingException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mgw.core.config.ConnectorConfig;
import io.mgw.core.model.Content;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.spi.SouthReceipt;
import io.mgw.core.spi.SubmitOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connector against an SMSC that is not jSMPP: a small cloudhopper ch-smpp 5.0.9 server (Netty 3). It answers
 * submit_sm with zero-padded hex ids and sends text-only receipts (no TLVs) with the id in decimal, as some SMSCs do.
 */
class CloudhopperSmscIT {

    private final RecordingReceiptSink receipts = new RecordingReceiptSink();
    private final RecordingIngressSink ingress = new RecordingIngressSink();
    private final List<SubmitSm> submits = new CopyOnWriteArrayList<>();
    private final List<Integer> deliverStatuses = new CopyOnWriteArrayList<>();
    private final AtomicReference<SmppServerSession> session = new AtomicReference<>();
    private final AtomicInteger nextId = new AtomicInteger(0xA1B2);
    private final java.util.concurrent.atomic.AtomicBoolean congested = new java.util.concurrent.atomic.AtomicBoolean();
    private final ExecutorService receiptSender = Executors.newSingleThreadExecutor();
    private DefaultSmppServer server;
    private SmppClientConnector connector;
    private int port;

    @BeforeEach
    void startCloudhopperSmsc() throws Exception {
        SmppServerConfiguration cfg = CloudhopperSmsc.configuration();
        port = cfg.getPort();
        cfg.setDefaultWindowSize(50);
        server = new DefaultSmppServer(cfg, new Handler());
        server.start();
    }

    @AfterEach
    void stop() {
        if (connector != null) {
            connector.close();
        }
        server.destroy();
        receiptSender.shutdownNow();
    }

    private final class Handler implements SmppServerHandler {
        @Override
        public void sessionBindRequested(Long id, SmppSessionConfiguration config, BaseBind bind)
                throws SmppProcessingException {
            if (!"gw".equals(config.getSystemId()) || !"pw".equals(config.getPassword())) {
                throw new SmppProcessingException(SmppConstants.STATUS_INVPASWD);
            }
        }

        @Override
        public void sessionCreated(Long id, SmppServerSession s, BaseBindResp resp) {
            session.set(s);
            s.serverReady(new DefaultSmppSessionHandler() {
                @Override
                public PduResponse firePduRequestReceived(PduRequest request) {
                    PduResponse response = request.createResponse();
                    if (request instanceof SubmitSm sm) {
                        submits.add(sm);
                        int n = nextId.getAndIncrement();
                        ((SubmitSmResp) response).setMessageId(String.format("%08X", n));
                        if (congested.get()) {
                            response.addOptionalParameter(new Tlv((short) 0x0428, new byte[] {95}));
                        }
                        receiptSender.execute(() -> sendReceipt(s, sm, n));
                    }
                    return response;
                }
            });
        }

        @Override
        public void sessionDestroyed(Long id, SmppServerSession s) {
            session.compareAndSet(s, null);
        }
    }

    private void sendReceipt(SmppServerSession s, SubmitSm sm, int id) {
        try {
            DeliverSm d = new DeliverSm();
            d.setEsmClass((byte) 0x04);
            d.setSourceAddress(sm.getDestAddress());
            d.setDestAddress(sm.getSourceAddress());
            d.setShortMessage(("id:" + id + " sub:001 dlvrd:001 submit date:2311230912 done date:2311230913"
                    + " stat:DELIVRD err:000 Text:" + new String(sm.getShortMessage(), StandardCharsets.US_ASCII))
                    .getBytes(StandardCharsets.US_ASCII));
            deliverStatuses.add(deliver(s, d));
        } catch (Exception e) {
            deliverStatuses.add(-1);
        }
    }

    /** Sends a deliver_sm and waits for its response; the response's command_status. */
    private static int deliver(SmppServerSession s, DeliverSm d) throws Exception {
        var future = s.sendRequestPdu(d, 10_000, true);
        if (!future.await(10_000) || !future.isSuccess()) {
            throw new IOException("no deliver_sm_resp: " + future.getCause());
        }
        return future.getResponse().getCommandStatus();
    }

    private SmppClientConnector connector(String password) {
        return connector(password, 0);
    }

    private SmppClientConnector connector(String password, int tps) {
        connector = new SmppClientConnector(new ConnectorConfig("ch", "smpp", tps, 1, Map.of(
                "host", "127.0.0.1",
                "port", Integer.toString(port),
                "systemId", "gw",
                "password", password,
                "remoteIdFormat", "auto",
                "responseTimeout", "3s",
                "bindTimeout", "1s",
                "reconnectBackoffMin", "100ms",
                "reconnectBackoffMax", "500ms")),
                TestMessages.context(receipts, ingress, new SimpleMeterRegistry()));
        connector.start();
        return connector;
    }

    @Test
    void bindSubmitAndReceiptBackWithIdsInDifferentBases() throws Exception {
        SmppClientConnector c = connector("pw");
        await().atMost(10, TimeUnit.SECONDS).until(c::isAvailable);

        SubmitOutcome o = c.submit(TestMessages.text("hello cloudhopper")).toCompletableFuture().get(10,
                TimeUnit.SECONDS);

        assertThat(o).isInstanceOf(SubmitOutcome.Accepted.class);
        String key = ((SubmitOutcome.Accepted) o).remoteIds().getFirst();
        assertThat(key).isEqualTo("41394"); // "0000A1B2" read as hex
        SubmitSm sm = submits.getFirst();
        assertThat(new String(sm.getShortMessage(), StandardCharsets.US_ASCII)).isEqualTo("hello cloudhopper");
        assertThat(sm.getRegisteredDelivery() & 0x03).isEqualTo(1);
        assertThat(sm.getDestAddress().getAddress()).isEqualTo("4917600000002");
        await().atMost(10, TimeUnit.SECONDS).until(() -> receipts.receipts.size() == 1);
        SouthReceipt r = receipts.receipts.getFirst();
        assertThat(r.remoteId()).isEqualTo(key);
        assertThat(r.status()).isEqualTo(MessageStatus.DELIVERED);
        await().atMost(10, TimeUnit.SECONDS).until(() -> deliverStatuses.size() == 1);
        assertThat(deliverStatuses).containsExactly(0);
    }

    @Test
    void congestionStateInTheResponseSlowsTheRate() throws Exception {
        SmppClientConnector c = connector("pw", 100);
        await().atMost(10, TimeUnit.SECONDS).until(c::isAvailable);
        assertThat(c.submit(TestMessages.text("calm")).toCompletableFuture().get(10, TimeUnit.SECONDS))
                .isInstanceOf(SubmitOutcome.Accepted.class);
        assertThat(c.effectiveRate()).isEqualTo(100.0);
        congested.set(true);

        assertThat(c.submit(TestMessages.text("busy")).toCompletableFuture().get(10, TimeUnit.SECONDS))
                .isInstanceOf(SubmitOutcome.Accepted.class);

        assertThat(c.effectiveRate()).isLessThan(100.0);
    }

    @Test
    void moFromCloudhopperReachesTheIngress() throws Exception {
        SmppClientConnector c = connector("pw");
        await().atMost(10, TimeUnit.SECONDS).until(() -> c.isAvailable() && session.get() != null);
        DeliverSm mo = new DeliverSm();
        mo.setSourceAddress(new Address((byte) 1, (byte) 1, "4917600000009"));
        mo.setDestAddress(new Address((byte) 0, (byte) 0, "5555"));
        mo.setShortMessage("INFO".getBytes(StandardCharsets.US_ASCII));

        int status = deliver(session.get(), mo);

        assertThat(status).isZero();
        assertThat(ingress.messages).hasSize(1);
        assertThat(ingress.messages.getFirst().content()).isEqualTo(new Content.Text("INFO"));
        assertThat(ingress.messages.getFirst().source().value()).isEqualTo("4917600000009");
    }

    /**
     * An SMSC whose handset split "😀" between two UCS-2 parts: each part reaches the ingress as UCS-2 octets (text
     * to routing), and the MO reassembly joins them into the whole character.
     */
    @Test
    void moPartsCutInsideASurrogatePairJoinToTheWholeCharacter() throws Exception {
        SmppClientConnector c = connector("pw");
        await().atMost(10, TimeUnit.SECONDS).until(() -> c.isAvailable() && session.get() != null);
        byte[] ucs2 = "see \uD83D\uDE00!".getBytes(StandardCharsets.UTF_16BE); // the pair is code units 4 and 5
        byte[][] bodies = {java.util.Arrays.copyOf(ucs2, 10), java.util.Arrays.copyOfRange(ucs2, 10, ucs2.length)};
        for (int seq = 1; seq <= 2; seq++) {
            DeliverSm mo = new DeliverSm();
            mo.setSourceAddress(new Address((byte) 1, (byte) 1, "4917600000009"));
            mo.setDestAddress(new Address((byte) 0, (byte) 0, "5555"));
            mo.setEsmClass((byte) 0x40);
            mo.setDataCoding((byte) 0x08);
            byte[] udh = {5, 0, 3, 0x21, 2, (byte) seq};
            byte[] sm = new byte[udh.length + bodies[seq - 1].length];
            System.arraycopy(udh, 0, sm, 0, udh.length);
            System.arraycopy(bodies[seq - 1], 0, sm, udh.length, bodies[seq - 1].length);
            mo.setShortMessage(sm);
            assertThat(deliver(session.get(), mo)).isZero();
        }

        assertThat(ingress.messages).hasSize(2);
        assertThat(ingress.messages).allSatisfy(m -> {
            assertThat(m.kind()).isEqualTo(io.mgw.core.model.Kind.SMS_TEXT);
            assertThat(m.content()).isInstanceOf(Content.Binary.class);
        });
        var reassembler = new io.mgw.core.reassembly.Reassembler(new io.mgw.testkit.store.InMemoryStore(
                java.time.Clock.systemUTC()), java.time.Duration.ofMinutes(1), java.time.Clock.systemUTC());
        assertThat(reassembler.offer(ingress.messages.get(0)).toCompletableFuture().get()).isEmpty();
        assertThat(reassembler.offer(ingress.messages.get(1)).toCompletableFuture().get().orElseThrow().content())
                .isEqualTo(new Content.Text("see \uD83D\uDE00!"));
    }

    @Test
    void dataSmReceiptWithOnlyTlvsIsTaken() throws Exception {
        SmppClientConnector c = connector("pw");
        await().atMost(10, TimeUnit.SECONDS).until(() -> c.isAvailable() && session.get() != null);
        DataSm d = new DataSm();
        d.setEsmClass((byte) 0x04);
        d.setSourceAddress(new Address((byte) 1, (byte) 1, "4917600000002"));
        d.setDestAddress(new Address((byte) 1, (byte) 1, "4915100000001"));
        d.addOptionalParameter(new Tlv(SmppConstants.TAG_RECEIPTED_MSG_ID,
                "0000BEEF\0".getBytes(StandardCharsets.US_ASCII)));
        d.addOptionalParameter(new Tlv(SmppConstants.TAG_MSG_STATE, new byte[] {3}));
        d.addOptionalParameter(new Tlv((short) 0x0423, new byte[] {3, 0x00, 0x1B}));

        var future = session.get().sendRequestPdu(d, 10_000, true);

        assertThat(future.await(10_000)).isTrue();
        assertThat(future.getResponse().getCommandStatus()).isZero();
        SouthReceipt r = receipts.receipts.getFirst();
        assertThat(r.remoteId()).isEqualTo(Integer.toString(0xBEEF));
        assertThat(r.status()).isEqualTo(MessageStatus.EXPIRED);
        assertThat(r.errorCode()).isEqualTo(0x1B);
    }

    @Test
    void receiptWithoutAnyIdIsRefusedPermanently() throws Exception {
        SmppClientConnector c = connector("pw");
        await().atMost(10, TimeUnit.SECONDS).until(() -> c.isAvailable() && session.get() != null);
        DeliverSm d = new DeliverSm();
        d.setEsmClass((byte) 0x04);
        d.setSourceAddress(new Address((byte) 1, (byte) 1, "4917600000002"));
        d.setDestAddress(new Address((byte) 1, (byte) 1, "4915100000001"));
        d.setShortMessage("sub:001 dlvrd:001 stat:DELIVRD".getBytes(StandardCharsets.US_ASCII));

        assertThat(deliver(session.get(), d)).isEqualTo(0x65);
        assertThat(receipts.receipts).isEmpty();
    }

    @Test
    void wrongPasswordIsRefusedAndNeverBinds() {
        SmppClientConnector c = connector("bad");

        await().atMost(10, TimeUnit.SECONDS).until(() -> c.rebindCount() >= 2);
        assertThat(c.isAvailable()).isFalse();
        assertThat(session.get()).isNull();
    }
}
