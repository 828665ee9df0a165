package io.mgw.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mgw.core.text.Gsm7;
import io.mgw.testkit.smsc.SmscSimulator;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.SMPPSession;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short message whose text holds U+0000 (a valid UCS-2 character, and a Latin-1 byte) on a node whose store is
 * PostgreSQL, whose text types cannot hold it. Before the store replaced it, the message's record failed on every try
 * and the router, which rewinds and writes again until the store takes it, stood still: neither that message nor any
 * after it was routed. Now both get their receipts.
 */
class PostgresNulTextIT {

    @TempDir
    Path tmp;

    @AutoClose
    final Closer closer = new Closer();

    @Test
    void aTextHoldingANulCharacterIsDeliveredAndDoesNotHoldUpTheMessagesAfterIt() throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(tmp.resolve("pg"))
                .setCleanDataDirectory(true).start();
        closer.add(pg);
        SmscSimulator smsc = closer.add(new SmscSimulator(SmscSimulator.Settings.defaults()
                .withReceiptDelay(Duration.ofMillis(100))).start());
        String store = "{type: postgresql, url: \"%s\", user: postgres, password: \"\"}"
                .formatted(pg.getJdbcUrl("postgres", "postgres"));
        GatewayNode node = new GatewayNode(NodeFixture.withSmsc(tmp.resolve("data"), smsc.port(), "", store),
                Optional.empty());
        node.start();
        closer.add(node::close);

        BlockingQueue<DeliverSm> received = new LinkedBlockingQueue<>();
        SMPPSession esme = DemoNodeIT.bind(received, node.smppPort());
        try {
            String nul = submit(esme, DataCodings.newInstance((byte) 8),
                    "A\u0000B".getBytes(StandardCharsets.UTF_16BE));
            String after = submit(esme, DataCodings.ZERO, Gsm7.encode("after it"));

            Set<String> receipted = new HashSet<>();
            while (receipted.size() < 2) {
                DeliverSm r = received.poll(60, TimeUnit.SECONDS);
                assertThat(r).as("receipts of %s and %s; got %s", nul, after, receipted).isNotNull();
                String text = Gsm7.decode(r.getShortMessage());
                assertThat(text).contains("stat:DELIVRD");
                receipted.add(text.substring(text.indexOf("id:") + 3, text.indexOf(' ')));
            }
            assertThat(receipted).containsExactlyInAnyOrder(nul, after);
            assertThat(node.store().find(io.mgw.core.model.MessageId.parse(nul)).orElseThrow().textPreview())
                    .isEqualTo("A\uFFFDB");
        } finally {
            esme.unbindAndClose();
        }
    }

    private static String submit(SMPPSession esme, org.jsmpp.bean.DataCoding coding, byte[] body) throws Exception {
        return esme.submitShortMessage("", TypeOfNumber.ALPHANUMERIC, NumberingPlanIndicator.UNKNOWN, "mgw",
                TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "447700900123", new ESMClass(), (byte) 0,
                (byte) 1, null, null, new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE), (byte) 0, coding,
                (byte) 0, body, new OptionalParameter[0]).getMessageId();
    }
}
