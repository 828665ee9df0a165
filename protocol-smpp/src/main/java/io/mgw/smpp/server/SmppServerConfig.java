package io.mgw.smpp.server;

import static java.util.Objects.requireNonNull;

import io.mgw.core.config.ListenerConfig;
import io.mgw.core.config.TlsConfig;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of the SMPP server for ESMEs.
 *
 * @param host               address to listen on ("127.0.0.1", "0.0.0.0")
 * @param port               TCP port; 0 picks a free one (see {@link SmppServer#port()})
 * @param systemId           the system_id we answer in bind responses (max 15 characters)
 * @param maxCommandLength   largest command_length accepted (octets, header included); larger gets generic_nack
 *                           ESME_RINVCMDLEN and the session is closed. The default, 66,048 (64 KiB + 512), fits a
 *                           submit_sm whose message_payload is the full 65,535 octets plus its mandatory fields
 * @param bindTimeout        how long a new connection may take to send its bind (session_init_timer)
 * @param enquireLinkInterval idle time after which we send enquire_link (also the socket read timeout)
 * @param responseTimeout    how long we wait for deliver_sm_resp before counting the delivery as RETRY
 * @param failedBindDelay    delay before answering ESME_RINVPASWD (slows password guessing)
 * @param pduProcessorDegree jSMPP worker threads per session; they only handle bind, enquire_link, unbind and
 *                           responses to our requests, so 1-2 suffice (submits are handled without them)
 * @param writeQueueLimit    most PDUs waiting to be written on one session before we stop reading from it
 * @param plain              whether {@code port} is opened (false: only the TLS port)
 * @param tls                key material of a second port speaking TLS, if one is opened
 * @param tlsPort            that port; 0 picks a free one (see {@link SmppServer#tlsPort()})
 * @param maxConnections     connections open at once on both ports, bound or not (each holds a few jSMPP threads);
 *                           further ones are closed as soon as accepted
 * @param maxConnectionsPerAddress connections open at once from one remote address (of {@code maxConnections}), so
 *                           one client opening connections in a loop cannot take them all; behind a load balancer
 *                           that hides the clients' addresses, raise it to {@code maxConnections}
 */
public record SmppServerConfig(
        String host,
        int port,
        String systemId,
        int maxCommandLength,
        Duration bindTimeout,
        Duration enquireLinkInterval,
        Duration responseTimeout,
        Duration failedBindDelay,
        int pduProcessorDegree,
        int writeQueueLimit,
        boolean plain,
        Optional<TlsConfig> tls,
        int tlsPort,
        int maxConnections,
        int maxConnectionsPerAddress) {

    public SmppServerConfig {
        requireNonNull(host, "host");
        requireNonNull(systemId, "systemId");
        if (systemId.isEmpty() || systemId.length() > 15) {
            throw new IllegalArgumentException("systemId: '" + systemId + "' (expected: 1..15 characters)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        if (maxCommandLength < 16 + 256) {
            throw new IllegalArgumentException("maxCommandLength: " + maxCommandLength + " (expected: >= 272)");
        }
        positive(bindTimeout, "bindTimeout");
        positive(enquireLinkInterval, "enquireLinkInterval");
        positive(responseTimeout, "responseTimeout");
        requireNonNull(failedBindDelay, "failedBindDelay");
        if (failedBindDelay.isNegative()) {
            throw new IllegalArgumentException("failedBindDelay: " + failedBindDelay + " (expected: >= 0)");
        }
        if (pduProcessorDegree < 1) {
            throw new IllegalArgumentException("pduProcessorDegree: " + pduProcessorDegree + " (expected: >= 1)");
        }
        requireNonNull(tls, "tls");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: >= 1)");
        }
        if (maxConnectionsPerAddress < 1) {
            throw new IllegalArgumentException("maxConnectionsPerAddress: " + maxConnectionsPerAddress
                    + " (expected: >= 1)");
        }
        if (!plain && tls.isEmpty()) {
            throw new IllegalArgumentException("plain: false without tls (expected: at least one port)");
        }
        if (tlsPort < 0 || tlsPort > 65535) {
            throw new IllegalArgumentException("tlsPort: " + tlsPort + " (expected: 0..65535)");
        }
        tls.ifPresent(t -> {
            if (t.keyStore().isEmpty()) {
                throw new IllegalArgumentException("tls: no keyStore (expected: the server's certificate and key)");
            }
        });
        if (writeQueueLimit < 16) {
            throw new IllegalArgumentException("writeQueueLimit: " + writeQueueLimit + " (expected: >= 16)");
        }
    }

    /**
     * Defaults for a listener: max command_length 66,048, bind within 10 s, enquire_link after 30 s idle,
     * deliver_sm_resp within 10 s, 1 s delay on a wrong password, 2 jSMPP workers, 1,024 queued writes, 1,000
     * connections, 100 of them from one address.
     */
    public static SmppServerConfig defaults(String host, int port) {
        return new SmppServerConfig(host, port, "mgw", 65_536 + 512, Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofSeconds(10), Duration.ofSeconds(1), 2, 1024, true, Optional.empty(), 0,
                ListenerConfig.DEFAULT_MAX_CONNECTIONS, ListenerConfig.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
    }

    public SmppServerConfig withFailedBindDelay(Duration d) {
        return new SmppServerConfig(host, port, systemId, maxCommandLength, bindTimeout, enquireLinkInterval,
                responseTimeout, d, pduProcessorDegree, writeQueueLimit, plain, tls, tlsPort, maxConnections,
                maxConnectionsPerAddress);
    }

    public SmppServerConfig withResponseTimeout(Duration d) {
        return new SmppServerConfig(host, port, systemId, maxCommandLength, bindTimeout, enquireLinkInterval, d,
                failedBindDelay, pduProcessorDegree, writeQueueLimit, plain, tls, tlsPort, maxConnections,
                maxConnectionsPerAddress);
    }

    public SmppServerConfig withMaxCommandLength(int n) {
        return new SmppServerConfig(host, port, systemId, n, bindTimeout, enquireLinkInterval, responseTimeout,
                failedBindDelay, pduProcessorDegree, writeQueueLimit, plain, tls, tlsPort, maxConnections,
                maxConnectionsPerAddress);
    }

    /**
     * The same with a second port speaking TLS with {@code value}'s key material ({@code port} 0 picks a free one).
     */
    public SmppServerConfig withTls(TlsConfig value, int port) {
        return new SmppServerConfig(host, this.port, systemId, maxCommandLength, bindTimeout, enquireLinkInterval,
                responseTimeout, failedBindDelay, pduProcessorDegree, writeQueueLimit, plain, Optional.of(value), port,
                maxConnections, maxConnectionsPerAddress);
    }

    /** The same with another {@link #maxConnections()}. */
    public SmppServerConfig withMaxConnections(int value) {
        return new SmppServerConfig(host, port, systemId, maxCommandLength, bindTimeout, enquireLinkInterval,
                responseTimeout, failedBindDelay, pduProcessorDegree, writeQueueLimit, plain, tls, tlsPort, value,
                maxConnectionsPerAddress);
    }

    /** The same with another {@link #maxConnectionsPerAddress()}. */
    public SmppServerConfig withMaxConnectionsPerAddress(int value) {
        return new SmppServerConfig(host, port, systemId, maxCommandLength, bindTimeout, enquireLinkInterval,
                responseTimeout, failedBindDelay, pduProcessorDegree, writeQueueLimit, plain, tls, tlsPort,
                maxConnections, value);
    }

    /** The same with the port without TLS opened or not. */
    public SmppServerConfig withPlain(boolean value) {
        return new SmppServerConfig(host, port, systemId, maxCommandLength, bindTimeout, enquireLinkInterval,
                responseTimeout, failedBindDelay, pduProcessorDegree, writeQueueLimit, value, tls, tlsPort,
                maxConnections, maxConnectionsPerAddress);
    }

    private static void positive(Duration d, String name) {
        requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
        }
    }
}
