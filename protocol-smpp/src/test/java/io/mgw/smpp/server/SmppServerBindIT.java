package io.mgw.smpp.server;

import static io.mgw.smpp.common.SmppStatus.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mgw.smpp.common.PduWriter;
import io.mgw.smpp.common.SmppCommand;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Binds: what is accepted, and each way a bind is refused. */
class SmppServerBindIT {

    private ServerHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new ServerHarness(ServerHarness.account("esme"),
                ServerHarness.account("local-only", 10, 0, List.of("127.0.0.1/32"), List.of(), "hex", 5),
                ServerHarness.account("single", 10, 0, List.of(), List.of(), "hex", 1));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void transceiverBindIsAcceptedWithOurSystemIdAndInterfaceVersion() throws Exception {
        try (RawClient c = h.raw()) {
            RawClient.Pdu resp = c.bind(SmppCommand.BIND_TRANSCEIVER, "esme", ServerHarness.PASSWORD, 0x34);
            assertThat(resp.commandId()).isEqualTo(0x80000009);
            assertThat(resp.status()).isEqualTo(ESME_ROK);
            assertThat(resp.firstCString()).isEqualTo("mgw");
            // sc_interface_version TLV 0x0210 = 0x34 follows the system_id
            assertThat(java.util.HexFormat.of().formatHex(resp.bytes())).endsWith("6d677700" + "0210000134");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> h.counter("gateway.smpp.bind.accepted", "type", "BIND_TRX") == 1);
        }
    }

    @Test
    void smpp33BindGetsNoTlvInResponse() throws Exception {
        try (RawClient c = h.raw()) {
            RawClient.Pdu resp = c.bind(SmppCommand.BIND_TRANSMITTER, "esme", ServerHarness.PASSWORD, 0x33);
            assertThat(resp.status()).isEqualTo(ESME_ROK);
            assertThat(resp.bytes()).hasSize(16 + 4);
        }
    }

    @Test
    void unknownInterfaceVersionIsTakenAs34() throws Exception {
        try (RawClient c = h.raw()) {
            RawClient.Pdu resp = c.bind(SmppCommand.BIND_TRANSMITTER, "esme", ServerHarness.PASSWORD, 0x40);
            assertThat(resp.status()).isEqualTo(ESME_ROK);
            assertThat(java.util.HexFormat.of().formatHex(resp.bytes())).endsWith("0210000134");
        }
    }

    @Test
    void wrongPasswordIsRefusedAfterTheDelay() throws Exception {
        try (RawClient c = h.raw()) {
            long t0 = System.nanoTime();
            RawClient.Pdu resp = c.bind(SmppCommand.BIND_TRANSMITTER, "esme", "wrong", 0x34);
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(resp.status()).isEqualTo(ESME_RINVPASWD);
            assertThat(tookMs).isGreaterThanOrEqualTo(300);
            assertThat(c.closedByPeer()).isTrue();
            assertThat(h.counter("gateway.smpp.bind.rejected", "reason", "bad_password")).isEqualTo(1);
        }
    }

    @Test
    void wrongPasswordDelayDoesNotHoldUpOtherBinds() throws Exception {
        try (RawClient slow = h.raw(); RawClient good = h.raw()) {
            slow.send(RawClient.bindPdu(SmppCommand.BIND_TRANSMITTER, 1, "esme", "wrong", 0x34));
            long t0 = System.nanoTime();
            RawClient.Pdu resp = good.bind(SmppCommand.BIND_TRANSMITTER, "esme", ServerHarness.PASSWORD, 0x34);
            assertThat(resp.status()).isEqualTo(ESME_ROK);
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(300);
            assertThat(slow.read().status()).isEqualTo(ESME_RINVPASWD);
        }
    }

    @Test
    void unknownSystemIdIsRefused() throws Exception {
        try (RawClient c = h.raw()) {
            RawClient.Pdu resp = c.bind(SmppCommand.BIND_TRANSMITTER, "nobody", ServerHarness.PASSWORD, 0x34);
            assertThat(resp.commandId()).isEqualTo(0x80000002);
            assertThat(resp.status()).isEqualTo(ESME_RINVSYSID);
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void bindFromAnAddressOutsideTheAllowlistIsRefused() throws Exception {
        try (RawClient c = h.raw("127.0.0.2")) {
            RawClient.Pdu resp = c.bind(SmppCommand.BIND_TRANSMITTER, "local-only", ServerHarness.PASSWORD, 0x34);
            assertThat(resp.status()).isEqualTo(ESME_RBINDFAIL);
            assertThat(h.counter("gateway.smpp.bind.rejected", "reason", "ip_not_allowed")).isEqualTo(1);
        }
        try (RawClient c = h.raw("127.0.0.1")) {
            assertThat(c.bind(SmppCommand.BIND_TRANSMITTER, "local-only", ServerHarness.PASSWORD, 0x34).status())
                    .isEqualTo(ESME_ROK);
        }
    }

    @Test
    void bindsBeyondMaxBindsAreRefusedAndTheSlotIsFreedOnClose() throws Exception {
        RawClient first = h.bound("single", SmppCommand.BIND_TRANSMITTER, 0x34);
        try (RawClient second = h.raw()) {
            assertThat(second.bind(SmppCommand.BIND_TRANSMITTER, "single", ServerHarness.PASSWORD, 0x34).status())
                    .isEqualTo(ESME_RBINDFAIL);
        }
        first.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> h.server.sessionCount() == 0);
        try (RawClient third = h.raw()) {
            assertThat(third.bind(SmppCommand.BIND_TRANSMITTER, "single", ServerHarness.PASSWORD, 0x34).status())
                    .isEqualTo(ESME_ROK);
        }
    }

    @Test
    void secondBindOnABoundSessionIsAlreadyBound() throws Exception {
        try (RawClient c = h.bound("esme", SmppCommand.BIND_TRANSCEIVER, 0x34)) {
            RawClient.Pdu resp = c.bind(SmppCommand.BIND_TRANSMITTER, "esme", ServerHarness.PASSWORD, 0x34);
            assertThat(resp.commandId()).isEqualTo(0x80000002);
            assertThat(resp.status()).isEqualTo(ESME_RALYBND);
            assertThat(c.submit("4915100000001", "still bound").status()).isEqualTo(ESME_ROK);
        }
    }

    @Test
    void noBindWithinTheBindTimeoutClosesTheConnection() throws Exception {
        h.close();
        var cfg = new SmppServerConfig("127.0.0.1", 0, "mgw", 65_552, Duration.ofMillis(300), Duration.ofSeconds(30),
                Duration.ofSeconds(10), Duration.ofMillis(300), 2, 1024, true, Optional.empty(), 0, 1_000, 100);
        h = new ServerHarness(cfg, ServerHarness.account("esme"));
        try (RawClient c = h.raw()) {
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void connectionsBeyondMaxConnectionsAreClosedAtOnceAndCountedAndAFreedSlotIsReused() throws Exception {
        h.close();
        h = new ServerHarness(SmppServerConfig.defaults("127.0.0.1", 0).withMaxConnections(2),
                ServerHarness.account("esme"));
        try (RawClient bound = h.bound("esme", SmppCommand.BIND_TRANSCEIVER, 0x34); RawClient idle = h.raw()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> h.server.connectionCount() == 2);
            try (RawClient third = h.raw()) {
                // closed without a word, before any bind: no thread or session was spent on it
                assertThat(third.closedByPeer()).isTrue();
            }
            assertThat(h.counter("gateway.smpp.connection.refused", "reason", "max_connections")).isEqualTo(1);
            assertThat(h.meters.get("gateway.smpp.connection.open").gauge().value()).isEqualTo(2);
            idle.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> h.server.connectionCount() == 1);
            try (RawClient next = h.bound("esme", SmppCommand.BIND_TRANSCEIVER, 0x34)) {
                assertThat(h.server.connectionCount()).isEqualTo(2);
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> h.server.connectionCount() == 0);
    }

    @Test
    void connectionsFromOneAddressBeyondItsCapAreRefusedWhileOtherAddressesStillGetIn() throws Exception {
        h.close();
        h = new ServerHarness(SmppServerConfig.defaults("127.0.0.1", 0).withMaxConnectionsPerAddress(2),
                ServerHarness.account("esme"));
        try (RawClient bound = h.bound("esme", SmppCommand.BIND_TRANSCEIVER, 0x34); RawClient idle = h.raw()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> h.server.connectionCount() == 2);
            try (RawClient third = h.raw()) {
                assertThat(third.closedByPeer()).isTrue();
            }
            assertThat(h.counter("gateway.smpp.connection.refused", "reason", "max_per_address")).isEqualTo(1);
            assertThat(h.counter("gateway.smpp.connection.refused", "reason", "max_connections")).isZero();
            // another client (another loopback address) is not held back by the first one's connections
            try (RawClient other = h.raw("127.0.0.2")) {
                RawClient.Pdu resp = other.bind(SmppCommand.BIND_TRANSCEIVER, "esme", ServerHarness.PASSWORD, 0x34);
                assertThat(resp.status()).isEqualTo(ESME_ROK);
                assertThat(h.server.connectionCount()).isEqualTo(3);
            }
            // the first address's slot comes back when one of its connections closes
            idle.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> h.server.connectionCount() == 1);
            try (RawClient again = h.bound("esme", SmppCommand.BIND_TRANSCEIVER, 0x34)) {
                assertThat(again.submit("4915100000001", "in again").status()).isEqualTo(ESME_ROK);
            }
            assertThat(bound.submit("4915100000001", "still bound").status()).isEqualTo(ESME_ROK);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> h.server.connectionCount() == 0);
        assertThat(h.counter("gateway.smpp.connection.refused", "reason", "max_per_address")).isEqualTo(1);
    }

    @Test
    void enquireLinkAndUnbindWork() throws Exception {
        try (RawClient c = h.bound("esme", SmppCommand.BIND_TRANSCEIVER, 0x34)) {
            c.send(PduWriter.header(SmppCommand.ENQUIRE_LINK, 0, 77));
            RawClient.Pdu el = c.read();
            assertThat(el.commandId()).isEqualTo(0x80000015);
            assertThat(el.sequence()).isEqualTo(77);
            c.send(PduWriter.header(SmppCommand.UNBIND, 0, 78));
            RawClient.Pdu ub = c.read();
            assertThat(ub.commandId()).isEqualTo(0x80000006);
            assertThat(ub.status()).isEqualTo(ESME_ROK);
            await().atMost(Duration.ofSeconds(5)).until(() -> h.deliveries.open("esme").isEmpty());
        }
    }

    @Test
    void idleLinkGetsEnquireLinkAndASilentClientIsDropped() throws Exception {
        h.close();
        var cfg = new SmppServerConfig("127.0.0.1", 0, "mgw", 65_552, Duration.ofSeconds(10), Duration.ofMillis(300),
                Duration.ofMillis(500), Duration.ofMillis(300), 2, 1024, true, Optional.empty(), 0, 1_000, 100);
        h = new ServerHarness(cfg, ServerHarness.account("esme"));
        try (RawClient c = h.bound("esme", SmppCommand.BIND_TRANSCEIVER, 0x34)) {
            RawClient.Pdu el = c.read();
            assertThat(el.commandId()).isEqualTo(SmppCommand.ENQUIRE_LINK);
            c.send(PduWriter.header(0x80000015, 0, el.sequence()));
            assertThat(c.read().commandId()).isEqualTo(SmppCommand.ENQUIRE_LINK); // idle again: asked again
            assertThat(c.closedByPeer()).isTrue(); // that one unanswered: session closed
        }
    }

    @Test
    void sessionsAreListedAndAnOperatorCanKickOne() throws Exception {
        try (RawClient c = h.bound("esme", SmppCommand.BIND_TRANSCEIVER, 0x50)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> !h.server.sessions().isEmpty());
            SmppSessionInfo info = h.server.sessions().get(0);
            assertThat(info.account()).isEqualTo("esme");
            assertThat(info.bindType()).isEqualTo("TRX");
            assertThat(info.interfaceVersion()).isEqualTo(0x50);
            assertThat(info.remote()).startsWith("127.0.0.1:");
            assertThat(h.server.kick("no-such-session")).isFalse();
            assertThat(h.server.kick(info.id())).isTrue();
            RawClient.Pdu unbind = c.read();
            assertThat(unbind.commandId()).isEqualTo(SmppCommand.UNBIND);
            c.send(PduWriter.header(0x80000006, 0, unbind.sequence()));
            assertThat(c.closedByPeer()).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> h.server.sessions().isEmpty());
        }
    }

    @Test
    void bindWithAddrTonAndNpiUnknownToJsmppIsAccepted() throws Exception {
        try (RawClient c = h.raw()) {
            c.send(new PduWriter(SmppCommand.BIND_TRANSCEIVER, 0, 1).cString("esme").cString(ServerHarness.PASSWORD)
                    .cString("").u8(0x34).u8(7).u8(2).cString("").toBytes());
            assertThat(c.read().status()).isEqualTo(ESME_ROK);
        }
    }
}
