package io.mgw.smpp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.SmppConstants;
import com.cloudhopper.smpp.SmppSession;
import com.cloudhopper.smpp.SmppSessionConfiguration;
import com.cloudhopper.smpp.impl.DefaultSmppClient;
import com.cloudhopper.smpp.impl.DefaultSmppSessionHandler;
import com.cloudhopper.smpp.pdu.DeliverSm;
import com.cloudhopper.smpp.pdu.PduRequest;
import com.cloudhopper.smpp.pdu.PduResponse;
import com.cloudhopper.smpp.pdu.SubmitSm;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import com.cloudhopper.smpp.type.Address;
import io.mgw.core.model.Concat;
import io.mgw.core.model.Content;
import io.mgw.core.model.DeliveryReport;
import io.mgw.core.model.Direction;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.model.Origin;
import io.mgw.core.spi.ClientDelivery;
import io.mgw.core.spi.DeliveryResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Our server against an SMPP implementation that is not jSMPP: cloudhopper ch-smpp 5.0.9 as the ESME. */
class CloudhopperClientIT {

    private ServerHarness h;
    private DefaultSmppClient client;
    private SmppSession session;
    private final LinkedBlockingQueue<DeliverSm> delivered = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        h = new ServerHarness(ServerHarness.account("esme"));
        client = new DefaultSmppClient();
        SmppSessionConfiguration cfg = new SmppSessionConfiguration(SmppBindType.TRANSCEIVER, "esme",
                ServerHarness.PASSWORD);
        cfg.setHost("127.0.0.1");
        cfg.setPort(h.port());
        cfg.setInterfaceVersion(SmppConstants.VERSION_3_4);
        cfg.setWindowSize(10);
        cfg.setBindTimeout(5_000);
        session = client.bind(cfg, new DefaultSmppSessionHandler() {
            @Override
            public PduResponse firePduRequestReceived(PduRequest request) {
                if (request instanceof DeliverSm d) {
                    delivered.add(d);
                }
                return request.createResponse();
            }
        });
    }

    @AfterEach
    void stop() {
        session.unbind(2_000);
        session.destroy();
        client.destroy();
        h.close();
    }

    private SubmitSmResp submit(byte dataCoding, byte esmClass, byte[] sm) throws Exception {
        SubmitSm s = new SubmitSm();
        s.setSourceAddress(new Address((byte) 5, (byte) 0, "Brand"));
        s.setDestAddress(new Address((byte) 1, (byte) 1, "4915100000001"));
        s.setDataCoding(dataCoding);
        s.setEsmClass(esmClass);
        s.setRegisteredDelivery((byte) 1);
        s.setShortMessage(sm);
        return session.submit(s, 5_000);
    }

    @Test
    void submitsGsm7Ucs2AndALongUdhMessage() throws Exception {
        SubmitSmResp gsm = submit((byte) 0, (byte) 0, new byte[] {'H', 'i', ' ', 0x00});
        assertThat(gsm.getCommandStatus()).isZero();
        SubmitSmResp ucs = submit((byte) 8, (byte) 0, "Ünïcødé ✓".getBytes(StandardCharsets.UTF_16BE));
        assertThat(ucs.getCommandStatus()).isZero();
        byte[] part1 = concat(new byte[] {5, 0, 3, 9, 2, 1}, "a".repeat(153).getBytes(StandardCharsets.US_ASCII));
        byte[] part2 = concat(new byte[] {5, 0, 3, 9, 2, 2}, "b".repeat(20).getBytes(StandardCharsets.US_ASCII));
        assertThat(submit((byte) 0, (byte) 0x40, part1).getCommandStatus()).isZero();
        assertThat(submit((byte) 0, (byte) 0x40, part2).getCommandStatus()).isZero();

        List<Message> ms = h.ingress.durableList();
        assertThat(ms).hasSize(4);
        assertThat(ms.get(0).content()).isEqualTo(new Content.Text("Hi @"));
        assertThat(gsm.getMessageId()).isEqualTo(ms.get(0).id().toString());
        assertThat(ms.get(1).content()).isEqualTo(new Content.Text("Ünïcødé ✓"));
        assertThat(ms.get(2).concat()).contains(new Concat(9, 2, 1, false));
        assertThat(ms.get(2).content()).isEqualTo(new Content.Text("a".repeat(153)));
        assertThat(ms.get(3).concat()).contains(new Concat(9, 2, 2, false));
    }

    @Test
    void receivesReceiptAndMoOnItsTransceiver() throws Exception {
        SubmitSmResp resp = submit((byte) 0, (byte) 0, "receipt me".getBytes(StandardCharsets.US_ASCII));
        Message sent = h.ingress.durableList().get(0);
        await().atMost(Duration.ofSeconds(5)).until(() -> h.deliveries.open("esme").size() == 1);
        var target = h.deliveries.open("esme").get(0).target();

        Instant now = Instant.now();
        var receipt = target.deliver(new ClientDelivery.Report("esme", new DeliveryReport(sent.id(),
                MessageStatus.DELIVERED, 0, "", now, now, 1, 1, ""), sent.source(), sent.destination(), "receipt me"));
        DeliverSm d = delivered.poll(5, TimeUnit.SECONDS);
        assertThat(d).isNotNull();
        assertThat(d.getEsmClass() & 0x3C).isEqualTo(0x04);
        assertThat(new String(d.getShortMessage(), StandardCharsets.US_ASCII))
                .startsWith("id:" + resp.getMessageId() + " sub:001 dlvrd:001").contains("stat:DELIVRD");
        assertThat(d.getOptionalParameter((short) 0x001E).getValueAsString()).isEqualTo(resp.getMessageId());
        assertThat(d.getOptionalParameter((short) 0x0427).getValueAsByte()).isEqualTo((byte) 2);
        assertThat(receipt.toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(DeliveryResult.DELIVERED);

        Message moMessage = Message.builder().id(new io.mgw.core.model.MessageId(1, 1)).direction(Direction.MO)
                .origin(new Origin("smpp", "smsc", "node-1", "")).source(io.mgw.core.model.Address.msisdn("4917000000"))
                .destination(io.mgw.core.model.Address.of("Brand")).text("Ja, gerne! 😀").build();
        var mo = target.deliver(new ClientDelivery.MobileOriginated("esme", moMessage));
        DeliverSm m = delivered.poll(5, TimeUnit.SECONDS);
        assertThat(m).isNotNull();
        assertThat(m.getDataCoding()).isEqualTo((byte) 8);
        assertThat(new String(m.getShortMessage(), StandardCharsets.UTF_16BE)).isEqualTo("Ja, gerne! 😀");
        assertThat(m.getSourceAddress().getAddress()).isEqualTo("4917000000");
        assertThat(mo.toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(DeliveryResult.DELIVERED);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
