package io.mgw.testkit.smsc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.ResponseTimeoutException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The simulator seen from a plain jSMPP ESME, over loopback. */
class SmscSimulatorIT {

    private SmscSimulator sim;
    private SMPPSession esme;
    private final List<DeliverSm> delivered = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        if (esme != null) {
            esme.unbindAndClose();
        }
        if (sim != null) {
            sim.close();
        }
    }

    private SMPPSession bind(SmscSimulator.Settings s, String systemId, String password) throws IOException {
        sim = new SmscSimulator(s).start();
        esme = new SMPPSession();
        esme.setTransactionTimer(1_000);
        esme.setMessageReceiverListener(new MessageReceiverListener() {
            @Override
            public void onAcceptDeliverSm(DeliverSm d) {
                delivered.add(d);
            }

            @Override
            public void onAcceptAlertNotification(AlertNotification a) {}

            @Override
            public DataSmResult onAcceptDataSm(DataSm d, Session source) {
                return null;
            }
        });
        esme.connectAndBind("127.0.0.1", sim.port(), new BindParameter(BindType.BIND_TRX, systemId, password, "",
                TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, ""), 5_000);
        return esme;
    }

    private String submit(int registeredDelivery, String text) throws Exception {
        return esme.submitShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "4915100000001",
                TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "4917600000002", new ESMClass(), (byte) 0,
                (byte) 0, null, null, new RegisteredDelivery(registeredDelivery), (byte) 0, DataCodings.ZERO, (byte) 0,
                text.getBytes(StandardCharsets.US_ASCII)).getMessageId();
    }

    private static String text(DeliverSm d) {
        return new String(d.getShortMessage(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void submitIsAnsweredRecordedAndReceiptedWithTextAndTlvs() throws Exception {
        bind(SmscSimulator.Settings.defaults().withReceiptDelay(Duration.ofMillis(10)), "gw", "pw");

        String id = submit(1, "Hello world");

        assertThat(sim.receivedSubmits()).singleElement().satisfies(r -> {
            assertThat(r.messageId()).isEqualTo(id);
            assertThat(r.destination()).isEqualTo("4917600000002");
            assertThat(r.registeredDelivery()).isEqualTo(1);
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> delivered.size() == 1 && sim.receiptsAcked() == 1);
        DeliverSm d = delivered.getFirst();
        assertThat(d.getEsmClass() & 0x3C).isEqualTo(0x04);
        assertThat(text(d)).startsWith("id:" + id + " sub:001 dlvrd:001 submit date:")
                .contains(" stat:DELIVRD err:000 text:Hello world");
        assertThat(new String(d.getOptionalParameter((short) 0x001E).serialize(), StandardCharsets.ISO_8859_1))
                .contains(id);
        OptionalParameter state = d.getOptionalParameter((short) 0x0427);
        assertThat(state.serialize()[4]).isEqualTo((byte) 2);
        assertThat(d.getSourceAddr()).isEqualTo("4917600000002");
    }

    @Test
    void failureRatioOneGivesUndelivReceipts() throws Exception {
        bind(SmscSimulator.Settings.defaults().withFailureRatio(1).withReceiptDelay(Duration.ZERO), "gw", "pw");

        submit(1, "x");

        await().atMost(Duration.ofSeconds(5)).until(() -> delivered.size() == 1);
        assertThat(text(delivered.getFirst())).contains("stat:UNDELIV err:001");
        assertThat(delivered.getFirst().getOptionalParameter((short) 0x0423)).isNotNull();
    }

    @Test
    void noReceiptWithoutRegisteredDelivery() throws Exception {
        bind(SmscSimulator.Settings.defaults().withReceiptDelay(Duration.ZERO), "gw", "pw");

        submit(0, "no receipt");
        submit(1, "receipt");

        await().atMost(Duration.ofSeconds(5)).until(() -> sim.receiptsAcked() == 1);
        assertThat(delivered).hasSize(1);
    }

    @Test
    void hexIdsInResponseDecimalInReceipt() throws Exception {
        bind(SmscSimulator.Settings.defaults().withIdFormat(SmscSimulator.IdFormat.HEX_RESP_DECIMAL_RECEIPT)
                .withReceiptDelay(Duration.ZERO), "gw", "pw");

        String id = submit(1, "x");

        assertThat(id).hasSize(8).matches("[0-9A-F]+");
        await().atMost(Duration.ofSeconds(5)).until(() -> delivered.size() == 1);
        assertThat(text(delivered.getFirst())).startsWith("id:" + Long.parseLong(id, 16) + " ");
    }

    @Test
    void wrongPasswordIsRefused() {
        assertThatThrownBy(() -> bind(SmscSimulator.Settings.defaults().withCredentials("gw", "pw"), "gw", "nope"))
                .isInstanceOf(IOException.class);
        assertThat(sim.bindsRefused()).isEqualTo(1);
        esme = null;
    }

    @Test
    void unknownSystemIdIsRefused() {
        assertThatThrownBy(() -> bind(SmscSimulator.Settings.defaults().withCredentials("gw", "pw"), "who", "pw"))
                .isInstanceOf(IOException.class);
        assertThat(sim.bindsRefused()).isEqualTo(1);
        esme = null;
    }

    @Test
    void throttlingAnswersRthrottled() throws Exception {
        bind(SmscSimulator.Settings.defaults(), "gw", "pw");
        sim.setThrottling(true);

        assertThatThrownBy(() -> submit(0, "x")).isInstanceOfSatisfying(NegativeResponseException.class,
                e -> assertThat(e.getCommandStatus()).isEqualTo(0x58));
        sim.setThrottling(false);
        assertThat(submit(0, "y")).isNotEmpty();
    }

    @Test
    void maxTpsThrottlesTheExcess() throws Exception {
        bind(SmscSimulator.Settings.defaults().withMaxTps(3), "gw", "pw");
        int refused = 0;
        for (int i = 0; i < 6; i++) {
            try {
                submit(0, "x");
            } catch (NegativeResponseException e) {
                refused++;
            }
        }
        // six within one second: at least three over the limit (a second boundary may let a few more through)
        assertThat(refused).isBetween(1, 3);
        assertThat(sim.submitsRefused()).isEqualTo(refused);
    }

    @Test
    void queueFullAnswersRmsgqful() throws Exception {
        bind(SmscSimulator.Settings.defaults(), "gw", "pw");
        sim.setMessageQueueFull(true);

        assertThatThrownBy(() -> submit(0, "x")).isInstanceOfSatisfying(NegativeResponseException.class,
                e -> assertThat(e.getCommandStatus()).isEqualTo(0x14));
    }

    @Test
    void silencedSubmitGetsNoResponse() throws Exception {
        bind(SmscSimulator.Settings.defaults(), "gw", "pw");
        sim.setRespondToSubmits(false);

        assertThatThrownBy(() -> submit(1, "x")).isInstanceOf(ResponseTimeoutException.class);
        assertThat(sim.receivedSubmits()).hasSize(1);
        sim.setRespondToSubmits(true);
        assertThat(submit(0, "y")).isNotEmpty();
    }

    @Test
    void longMoGoesAsConcatenatedParts() throws Exception {
        bind(SmscSimulator.Settings.defaults(), "gw", "pw");

        List<Integer> statuses = sim.sendMo("4917600000009", "5555", "m".repeat(200));

        assertThat(statuses).containsExactly(0, 0);
        assertThat(delivered).hasSize(2);
        for (int i = 0; i < 2; i++) {
            DeliverSm d = delivered.get(i);
            assertThat(d.getEsmClass() & 0x40).isEqualTo(0x40);
            assertThat(d.getShortMessage()[5]).isEqualTo((byte) (i + 1));
        }
    }

    @Test
    void moWithoutReceiverIsRefused() throws Exception {
        sim = new SmscSimulator(SmscSimulator.Settings.defaults()).start();

        assertThatThrownBy(() -> sim.sendMo("1", "2", "x")).isInstanceOf(IllegalStateException.class)
                .hasMessage("no receiver bound");
    }

    @Test
    void recordLimitKeepsTheMostRecent() throws Exception {
        bind(SmscSimulator.Settings.defaults().withRecordLimit(2), "gw", "pw");

        submit(0, "a");
        submit(0, "b");
        submit(0, "c");

        assertThat(sim.receivedSubmits()).extracting(r -> new String(r.shortMessage(), StandardCharsets.US_ASCII))
                .containsExactly("b", "c");
        assertThat(sim.submitCount()).isEqualTo(3);
    }

    @Test
    void settingsFromTheNodeConfig() {
        var s = SmscSimulator.Settings.of(new io.mgw.core.config.SimulatorConfig("127.0.0.1", 2776, 250, 0.1, 500));
        assertThat(s.port()).isEqualTo(2776);
        assertThat(s.receiptDelay()).isEqualTo(Duration.ofMillis(250));
        assertThat(s.failureRatio()).isEqualTo(0.1);
        assertThat(s.maxTps()).isEqualTo(500);
        assertThat(s.systemId()).isEmpty();
        assertThat(s.recordLimit()).isZero();
    }

    @Test
    void invalidSettingsAreRefused() {
        assertThatThrownBy(() -> SmscSimulator.Settings.defaults().withFailureRatio(1.5))
                .hasMessage("failureRatio: 1.5 (expected: 0..1)");
        assertThatThrownBy(() -> SmscSimulator.Settings.defaults().withMaxTps(-1))
                .hasMessage("maxTps: -1 (expected: >= 0)");
        assertThatThrownBy(() -> SmscSimulator.Settings.defaults().withPort(70000))
                .hasMessage("port: 70000 (expected: 0..65535)");
        assertThatThrownBy(() -> SmscSimulator.Settings.defaults().withReceiptWindow(0))
                .hasMessage("receiptWindow: 0 (expected: >= 1)");
    }
}
