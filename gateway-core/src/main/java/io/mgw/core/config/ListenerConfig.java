package io.mgw.core.config;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * A listening socket, and for the SMPP listener a second one speaking TLS. The HTTP listener has one port, which with
 * {@code tls} speaks HTTPS ({@code plain} and {@code tlsPort} are not used).
 *
 * @param host    bind address ("127.0.0.1" by default), of both ports
 * @param port    TCP port without TLS; 0 picks a free one
 * @param enabled whether to open the listener at all
 * @param plain   whether to open {@code port} (false: TLS only)
 * @param tls     the TLS port's key material, if one is opened
 * @param tlsPort TCP port speaking TLS (only with {@code tls}); 0 picks a free one
 * @param maxConnections connections open at once, over both ports; further ones are closed as soon as accepted
 * @param maxConnectionsPerAddress connections open at once from one remote address
 */
public record ListenerConfig(String host, int port, boolean enabled, boolean plain, Optional<TlsConfig> tls,
        int tlsPort, int maxConnections, int maxConnectionsPerAddress) {

    /**
     * The SMPP TLS port used when the config names none: 3550, IANA's port for secure SMPP ("ssmpp"); providers also
     * use others (4080, 3601).
     */
    public static final int DEFAULT_SMPP_TLS_PORT = 3550;

    /** Default {@link #maxConnections()}: 1,000. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1_000;

    /**
     * Default {@link #maxConnectionsPerAddress()}: 100, a tenth of the node's connections, far above the few binds an
     * ESME holds (or the connections an HTTP client pools), so a client reconnecting in a loop is stopped long before
     * it locks the other clients out.
     */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 100;

    public ListenerConfig {
        requireNonNull(host, "host");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: >= 1)");
        }
        if (maxConnectionsPerAddress < 1) {
            throw new IllegalArgumentException("maxConnectionsPerAddress: " + maxConnectionsPerAddress
                    + " (expected: >= 1)");
        }
        requireNonNull(tls, "tls");
        if (!plain && tls.isEmpty()) {
            throw new IllegalArgumentException("plain: false without tls (expected: at least one port)");
        }
    }

    /** A listener without TLS. */
    public ListenerConfig(String host, int port, boolean enabled) {
        this(host, port, enabled, true, Optional.empty(), 0, DEFAULT_MAX_CONNECTIONS,
                DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
    }

    /**
     * Whether {@link #host()} is a loopback address (only this machine can connect): 127.0.0.0/8, ::1 in any spelling,
     * or a name that resolves to one; false for a name that does not resolve.
     */
    public boolean loopback() {
        try {
            return InetAddress.getByName(host.startsWith("[") && host.endsWith("]")
                    ? host.substring(1, host.length() - 1) : host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
