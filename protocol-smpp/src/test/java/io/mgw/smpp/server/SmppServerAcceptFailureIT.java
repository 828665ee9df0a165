package io.mgw.smpp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mgw.smpp.common.SmppCommand;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ServerSocketFactory;
import org.junit.jupiter.api.Test;

/**
 * A listening socket whose accept fails, as it does when the process has no file descriptors left ("Too many open
 * files"). Running the process out of descriptors would break the test JVM as a whole, so the failure is made by
 * the socket here (a stand-in, said so): its accept throws the IOException the JDK throws then, until told to stop.
 */
class SmppServerAcceptFailureIT {

    /** A server socket whose accept fails while {@code failing} is set, and counts its calls. */
    static final class FailingAccepts extends ServerSocketFactory {
        final AtomicBoolean failing = new AtomicBoolean(true);
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public ServerSocket createServerSocket() throws IOException {
            return new ServerSocket() {
                @Override
                public Socket accept() throws IOException {
                    calls.incrementAndGet();
                    if (failing.get()) {
                        throw new IOException("Too many open files");
                    }
                    return super.accept();
                }
            };
        }

        @Override
        public ServerSocket createServerSocket(int port) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog, java.net.InetAddress address) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void failingAcceptsAreCountedAndWaitedOutNotSpunOnThenBindsWorkAgain() throws Exception {
        FailingAccepts sockets = new FailingAccepts();
        try (ServerHarness h = new ServerHarness(SmppServerConfig.defaults("127.0.0.1", 0), sockets,
                ServerHarness.account("esme"))) {
            // 10 ms doubling to 1 s: about 8 tries in the first 2.5 s; a loop that does not wait makes millions
            await().atMost(Duration.ofSeconds(10)).until(() -> sockets.calls.get() >= 8);
            assertThat(sockets.calls.get()).isLessThan(100);
            assertThat(h.meters.get("gateway.smpp.accept.failed").counter().count())
                    .isEqualTo(sockets.calls.get(), org.assertj.core.api.Assertions.within(1.0));

            sockets.failing.set(false);
            // the next accept comes within the longest wait (1 s); a client connecting meanwhile waits in the backlog
            try (RawClient c = h.raw()) {
                assertThat(c.bind(SmppCommand.BIND_TRANSMITTER, "esme", ServerHarness.PASSWORD, 0x34).status())
                        .isZero();
            }
        }
    }
}
