package io.mgw.ops.http;

import static java.util.Objects.requireNonNull;

import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Settings of the node's {@link HttpListener}.
 *
 * @param host            bind address, e.g. "127.0.0.1" or "0.0.0.0"
 * @param port            TCP port; 0 picks a free one (read it back with {@link HttpListener#port()})
 * @param maxHeaderBytes  largest header block accepted, in bytes; above it the request gets 431 and the connection
 *                        closes
 * @param idleTimeout     a connection with no request in progress and no bytes either way for this long is closed
 * @param maxConnections  open connections allowed at once; further connections are closed as soon as accepted
 * @param maxConnectionsPerAddress open connections allowed at once from one remote address, so that one client
 *                        opening connections in a loop cannot take every one of {@code maxConnections}
 * @param workerThreads   Netty event-loop threads for connections; 0 lets Netty choose (2 x cores)
 * @param handlerExecutor runs {@link io.mgw.core.http.HttpEndpoint#handle}; the caller owns it (the listener never
 *                        shuts it down). A virtual-thread-per-task executor suits handlers that block briefly.
 * @param requestTimeout  a handler whose response is not ready after this long gets a 503 written for it; its late
 *                        response is dropped
 * @param sslContext      server TLS context, asked for each new connection (so that it can change, e.g. for a renewed
 *                        certificate); when present every connection starts with a TLS handshake (HTTPS)
 */
public record HttpListenerConfig(
        String host,
        int port,
        int maxHeaderBytes,
        Duration idleTimeout,
        int maxConnections,
        int maxConnectionsPerAddress,
        int workerThreads,
        Executor handlerExecutor,
        Duration requestTimeout,
        Optional<Supplier<SslContext>> sslContext) {

    /** Default {@link #maxHeaderBytes}: 16 KiB. */
    public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
    /** Default {@link #idleTimeout}: 60 s. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** Default {@link #maxConnections}: 1,000. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1_000;
    /** Default {@link #maxConnectionsPerAddress}: 100, a tenth of {@link #DEFAULT_MAX_CONNECTIONS}. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 100;
    /** Default {@link #requestTimeout}: 30 s. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    public HttpListenerConfig {
        requireNonNull(host, "host");
        requireNonNull(idleTimeout, "idleTimeout");
        requireNonNull(handlerExecutor, "handlerExecutor");
        requireNonNull(requestTimeout, "requestTimeout");
        requireNonNull(sslContext, "sslContext");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        if (maxHeaderBytes < 1024) {
            throw new IllegalArgumentException("maxHeaderBytes: " + maxHeaderBytes + " (expected: >= 1024)");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout: " + idleTimeout + " (expected: > 0)");
        }
        if (maxConnections <= 0) {
            throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: > 0)");
        }
        if (maxConnectionsPerAddress <= 0) {
            throw new IllegalArgumentException("maxConnectionsPerAddress: " + maxConnectionsPerAddress
                    + " (expected: > 0)");
        }
        if (workerThreads < 0) {
            throw new IllegalArgumentException("workerThreads: " + workerThreads + " (expected: >= 0)");
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout: " + requestTimeout + " (expected: > 0)");
        }
    }

    /**
     * Plain HTTP on {@code host:port} with the default limits, Netty's default thread count and a
     * virtual-thread-per-task executor for handlers.
     */
    public static HttpListenerConfig defaults(String host, int port) {
        return new HttpListenerConfig(
                host,
                port,
                DEFAULT_MAX_HEADER_BYTES,
                DEFAULT_IDLE_TIMEOUT,
                DEFAULT_MAX_CONNECTIONS,
                DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
                0,
                Executors.newVirtualThreadPerTaskExecutor(),
                DEFAULT_REQUEST_TIMEOUT,
                Optional.empty());
    }

    /** The same settings with another {@link #maxHeaderBytes()}. */
    public HttpListenerConfig withMaxHeaderBytes(int value) {
        return new HttpListenerConfig(host, port, value, idleTimeout, maxConnections, maxConnectionsPerAddress,
                workerThreads, handlerExecutor, requestTimeout, sslContext);
    }

    /** The same settings with another {@link #idleTimeout()}. */
    public HttpListenerConfig withIdleTimeout(Duration value) {
        return new HttpListenerConfig(host, port, maxHeaderBytes, value, maxConnections, maxConnectionsPerAddress,
                workerThreads, handlerExecutor, requestTimeout, sslContext);
    }

    /** The same settings with another {@link #maxConnections()}. */
    public HttpListenerConfig withMaxConnections(int value) {
        return new HttpListenerConfig(host, port, maxHeaderBytes, idleTimeout, value, maxConnectionsPerAddress,
                workerThreads, handlerExecutor, requestTimeout, sslContext);
    }

    /** The same settings with another {@link #maxConnectionsPerAddress()}. */
    public HttpListenerConfig withMaxConnectionsPerAddress(int value) {
        return new HttpListenerConfig(host, port, maxHeaderBytes, idleTimeout, maxConnections, value, workerThreads,
                handlerExecutor, requestTimeout, sslContext);
    }

    /** The same settings with another {@link #workerThreads()}. */
    public HttpListenerConfig withWorkerThreads(int value) {
        return new HttpListenerConfig(host, port, maxHeaderBytes, idleTimeout, maxConnections, maxConnectionsPerAddress,
                value, handlerExecutor, requestTimeout, sslContext);
    }

    /** The same settings with another {@link #handlerExecutor()}. */
    public HttpListenerConfig withHandlerExecutor(Executor value) {
        return new HttpListenerConfig(host, port, maxHeaderBytes, idleTimeout, maxConnections, maxConnectionsPerAddress,
                workerThreads, value, requestTimeout, sslContext);
    }

    /** The same settings with another {@link #requestTimeout()}. */
    public HttpListenerConfig withRequestTimeout(Duration value) {
        return new HttpListenerConfig(host, port, maxHeaderBytes, idleTimeout, maxConnections, maxConnectionsPerAddress,
                workerThreads, handlerExecutor, value, sslContext);
    }

    /** The same settings served over TLS with {@code value} (build it with {@code SslContextBuilder.forServer}). */
    public HttpListenerConfig withSslContext(SslContext value) {
        requireNonNull(value, "value");
        if (!value.isServer()) {
            throw new IllegalArgumentException("sslContext: a client context (expected: a server context)");
        }
        return withSslContext(() -> value);
    }

    /**
     * The same settings served over TLS with the context {@code source} gives for each new connection (a server
     * context; see {@link ReloadingSslContext}).
     */
    public HttpListenerConfig withSslContext(Supplier<SslContext> source) {
        requireNonNull(source, "source");
        return new HttpListenerConfig(host, port, maxHeaderBytes, idleTimeout, maxConnections, maxConnectionsPerAddress,
                workerThreads, handlerExecutor, requestTimeout, Optional.of(source));
    }
}
