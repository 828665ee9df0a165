package io.mgw.smpp.server;

import static io.mgw.smpp.common.SmppStatus.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mgw.smpp.common.PduWriter;
import io.mgw.smpp.common.SmppCommand;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** drain(): stop accepting, answer what is in flight, unbind clients so they rebind elsewhere. */
class SmppServerDrainIT {

    private ServerHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new ServerHarness(ServerHarness.account("esme"));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void drainAnswersInFlightSubmitsThenUnbinds() throws Exception {
        h.ingress.mode = TestIngress.Mode.MANUAL;
        try (RawClient c = h.bound("esme", SmppCommand.BIND_TRANSCEIVER, 0x34)) {
            c.send(RawClient.submitPdu(1, "4915100000001", 1, 0, "in flight".getBytes()));
            await().atMost(Duration.ofSeconds(5)).until(() -> h.ingress.held.size() == 1);
            int port = h.port();

            CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> h.server.drain(Duration.ofSeconds(10)));
            await().atMost(Duration.ofSeconds(5)).until(() -> !canConnect(port));

            c.send(RawClient.submitPdu(2, "4915100000001", 1, 0, "too late".getBytes()));
            RawClient.Pdu late = c.read();
            assertThat(late.sequence()).isEqualTo(2);
            assertThat(late.status()).isEqualTo(ESME_RTHROTTLED);
            assertThat(drained).isNotDone();

            h.ingress.release();
            RawClient.Pdu ok = c.read();
            assertThat(ok.sequence()).isEqualTo(1);
            assertThat(ok.status()).isEqualTo(ESME_ROK);

            RawClient.Pdu unbind = c.read();
            assertThat(unbind.commandId()).isEqualTo(SmppCommand.UNBIND);
            c.send(PduWriter.header(0x80000006, 0, unbind.sequence()));
            assertThat(drained.get()).isTrue();
            assertThat(c.closedByPeer()).isTrue();
            assertThat(h.server.sessionCount()).isZero();
        }
    }

    private static boolean canConnect(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
