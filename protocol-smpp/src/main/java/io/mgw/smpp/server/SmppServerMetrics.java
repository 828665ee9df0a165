package io.mgw.smpp.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mgw.smpp.common.SmppStatus;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's meters, named {@code gateway.smpp.<noun>.<verb>}: bind.accepted / bind.rejected (tag reason),
 * submit.accepted / submit.rejected (tag status), submit.latency (receipt of submit_sm to its response), deliver.sent
 * / deliver.acked / deliver.failed (tag result), tls.handshake (tag result), connection.refused (tag reason),
 * request.failed (tag command: answered ESME_RSYSERR for a failure of ours), accept.failed; the session.active,
 * connection.open and window.used gauges are registered by {@link SmppServer}.
 */
final class SmppServerMetrics {

    private final MeterRegistry registry;
    private final Counter submitAccepted;
    private final Timer submitLatency;
    private final Counter deliverSent;
    private final Counter deliverAcked;
    private final Counter acceptFailed;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

    SmppServerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.submitAccepted = Counter.builder("gateway.smpp.submit.accepted").register(registry);
        this.submitLatency = Timer.builder("gateway.smpp.submit.latency").publishPercentiles(0.5, 0.99)
                .register(registry);
        this.deliverSent = Counter.builder("gateway.smpp.deliver.sent").register(registry);
        this.deliverAcked = Counter.builder("gateway.smpp.deliver.acked").register(registry);
        this.acceptFailed = Counter.builder("gateway.smpp.accept.failed").register(registry);
    }

    void bindAccepted(String bindType) {
        counter("gateway.smpp.bind.accepted", "type", bindType).increment();
    }

    void bindRejected(String reason) {
        counter("gateway.smpp.bind.rejected", "reason", reason).increment();
    }

    /**
     * A connection closed as soon as accepted, because {@link SmppServerConfig#maxConnections()} were open
     * ({@code max_connections}) or {@link SmppServerConfig#maxConnectionsPerAddress()} from its address
     * ({@code max_per_address}), or because no session could be opened for it ({@code no_session}: its threads or
     * socket options failed).
     */
    void connectionRefused(String reason) {
        counter("gateway.smpp.connection.refused", "reason", reason).increment();
    }

    /** One TLS handshake on the TLS port, by result (ok, failed). */
    void tlsHandshake(boolean ok) {
        counter("gateway.smpp.tls.handshake", "result", ok ? "ok" : "failed").increment();
    }

    void submitAccepted(int messages, long startNanos) {
        submitAccepted.increment(messages);
        submitLatency.record(Duration.ofNanos(System.nanoTime() - startNanos));
    }

    void submitRejected(int status) {
        counter("gateway.smpp.submit.rejected", "status", SmppStatus.hex(status)).increment();
    }

    /** An accept on a listening port that failed (the server waits before the next). */
    void acceptFailed() {
        acceptFailed.increment();
    }

    /** A request answered ESME_RSYSERR because of a failure of ours (an unexpected error, a store read that failed). */
    void requestFailed(int commandId) {
        counter("gateway.smpp.request.failed", "command", "0x" + Integer.toHexString(commandId)).increment();
    }

    void deliverSent() {
        deliverSent.increment();
    }

    void deliverAcked() {
        deliverAcked.increment();
    }

    void deliverFailed(String result) {
        counter("gateway.smpp.deliver.failed", "result", result).increment();
    }

    /**
     * One deliver_sm PDU that did not succeed, by why: timeout, session_ended, generic_nack, throttled, queue_full,
     * refused, other_status (a delivery of several PDUs counts each).
     */
    void deliverUnsuccessful(String reason) {
        counter("gateway.smpp.deliver.unsuccessful", "reason", reason).increment();
    }

    private Counter counter(String name, String tag, String value) {
        return counters.computeIfAbsent(name + '|' + value,
                k -> Counter.builder(name).tag(tag, value).register(registry));
    }
}
