package io.mgw.ops.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HttpListenerConfigTest {

    private final HttpListenerConfig defaults = HttpListenerConfig.defaults("127.0.0.1", 8080);

    @Test
    void defaultsArePlainHttpWithDocumentedLimits() {
        assertThat(defaults.sslContext()).isEmpty();
        assertThat(defaults.maxHeaderBytes()).isEqualTo(HttpListenerConfig.DEFAULT_MAX_HEADER_BYTES);
        assertThat(defaults.maxConnections()).isEqualTo(HttpListenerConfig.DEFAULT_MAX_CONNECTIONS);
        assertThat(defaults.maxConnectionsPerAddress())
                .isEqualTo(HttpListenerConfig.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
        assertThat(defaults.idleTimeout()).isEqualTo(HttpListenerConfig.DEFAULT_IDLE_TIMEOUT);
        assertThat(defaults.workerThreads()).isZero();
    }

    @Test
    void portOutOfRangeIsRefused() {
        assertThatThrownBy(() -> HttpListenerConfig.defaults("127.0.0.1", 70000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port: 70000 (expected: 0..65535)");
    }

    @Test
    void zeroConnectionsIsRefused() {
        assertThatThrownBy(() -> defaults.withMaxConnections(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxConnections: 0 (expected: > 0)");
        assertThatThrownBy(() -> defaults.withMaxConnectionsPerAddress(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxConnectionsPerAddress: 0 (expected: > 0)");
        assertThat(defaults.withMaxConnectionsPerAddress(7).maxConnectionsPerAddress()).isEqualTo(7);
    }

    @Test
    void zeroIdleTimeoutIsRefused() {
        assertThatThrownBy(() -> defaults.withIdleTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("idleTimeout: PT0S (expected: > 0)");
    }

    @Test
    void tinyHeaderLimitIsRefused() {
        assertThatThrownBy(() -> defaults.withMaxHeaderBytes(10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxHeaderBytes: 10 (expected: >= 1024)");
    }

    @Test
    void negativeWorkerThreadsAreRefused() {
        assertThatThrownBy(() -> defaults.withWorkerThreads(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("workerThreads: -1 (expected: >= 0)");
    }

    @Test
    void negativeRequestTimeoutIsRefused() {
        assertThatThrownBy(() -> defaults.withRequestTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("requestTimeout: PT-1S (expected: > 0)");
    }
}
