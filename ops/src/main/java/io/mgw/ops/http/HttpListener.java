package io.mgw.ops.http;

import static java.util.Objects.requireNonNull;

import io.mgw.core.http.HttpEndpoint;
import io.mgw.core.net.ConnectionSlots;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's single HTTP/1.1 listener (RFC 9112), on which every HTTP-based protocol and the operations API mount as
 * {@link HttpEndpoint}s.
 *
 * <ul>
 *   <li>Routing: the endpoint with the longest {@link HttpEndpoint#pathPrefix()} that matches the decoded request
 *       path on a segment boundary ("/a/b" serves "/a/b" and "/a/b/c", not "/a/bc"); no match gives 404. Paths with
 *       "." or ".." segments and unparsable request targets get 400.</li>
 *   <li>Bodies: a declared Content-Length over the endpoint's {@link HttpEndpoint#maxBodyBytes()} gets 413 at once,
 *       before any of the body is read; a chunked body gets 413 as soon as it grows past the limit. After a 413 the
 *       connection is closed (it cannot be resynchronised). "Expect: 100-continue" is answered with 100 once the
 *       head passed these checks, other expectations with 417.</li>
 *   <li>Headers: a header block over {@link HttpListenerConfig#maxHeaderBytes()} gets 431, a request line over 8 KiB
 *       414; both close the connection.</li>
 *   <li>Handlers run on {@link HttpListenerConfig#handlerExecutor()}, never on the event loop, so they may block
 *       briefly. The stage they return is written back when it completes; a handler that throws or fails its stage
 *       gets 500 with a short JSON error, one that does not answer within
 *       {@link HttpListenerConfig#requestTimeout()} gets 503.</li>
 *   <li>Connections: keep-alive per HTTP/1.1 (and HTTP/1.0 with "Connection: keep-alive"); pipelined requests are
 *       answered in order, one at a time. At most {@link HttpListenerConfig#maxConnections()} are open, and at most
 *       {@link HttpListenerConfig#maxConnectionsPerAddress()} from one remote address; more are closed on accept. A
 *       connection idle for {@link HttpListenerConfig#idleTimeout()} with no request in progress is closed.</li>
 *   <li>TLS: when {@link HttpListenerConfig#sslContext()} is present, every connection is HTTPS.</li>
 * </ul>
 *
 * <p>Metrics: {@code gateway.http.request.served} (timer; tags {@code endpoint} = the matched prefix or "none", and
 * {@code status}), {@code gateway.http.handler.failed} (counter; tags {@code endpoint}, {@code reason} = exception,
 * timeout or rejected), {@code gateway.http.connection.active} (gauge) and {@code gateway.http.connection.rejected}
 * (counter, tag {@code reason} = max_connections or max_per_address).
 *
 * <p>For a drain, set readiness to draining first (so load balancers stop sending), then {@link #close()}: it stops
 * accepting, closes open connections and stops the event loops within a few seconds; requests still running lose
 * their answer.
 */
public final class HttpListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpListener.class);

    /** Longest request line accepted (method, target, version), in bytes. */
    static final int MAX_INITIAL_LINE_BYTES = 8 * 1024;
    /** Largest piece of body the decoder hands on at once, in bytes. */
    private static final int MAX_CHUNK_BYTES = 16 * 1024;

    private final HttpListenerConfig config;
    private final ListenerContext context;
    private final MeterRegistry meters;
    private final ConnectionSlots slots;
    /** Addresses told about at WARN since they last held no connection: the first refusal at the cap, not each. */
    private final Set<InetAddress> warnedAtCap = ConcurrentHashMap.newKeySet();

    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private Channel serverChannel;
    private Gauge activeGauge;
    private boolean closed;

    /**
     * Creates a listener; nothing is bound until {@link #start()}.
     *
     * @param config    socket, limits and executor
     * @param endpoints the endpoints to mount; prefixes must start with "/" and be unique
     * @param meters    where the listener's metrics go
     * @throws IllegalArgumentException if two endpoints share a prefix or a prefix does not start with "/"
     */
    public HttpListener(HttpListenerConfig config, List<? extends HttpEndpoint> endpoints, MeterRegistry meters) {
        this.config = requireNonNull(config, "config");
        this.meters = requireNonNull(meters, "meters");
        this.context = new ListenerContext(new Router(endpoints), config.handlerExecutor(), config.requestTimeout(),
                meters);
        this.slots = new ConnectionSlots(config.maxConnections(), config.maxConnectionsPerAddress());
    }

    /**
     * Binds the socket and starts serving.
     *
     * @throws IllegalStateException if already started or closed, or if the address cannot be bound (the cause says
     *                               why, e.g. a {@link java.net.BindException})
     */
    public synchronized void start() {
        if (closed || serverChannel != null) {
            throw new IllegalStateException("http listener: already " + (closed ? "closed" : "started"));
        }
        bossGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("mgw-http-accept"),
                NioIoHandler.newFactory());
        workerGroup = new MultiThreadIoEventLoopGroup(config.workerThreads(), new DefaultThreadFactory("mgw-http"),
                NioIoHandler.newFactory());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        initConnection(ch);
                    }
                });
        try {
            serverChannel = bootstrap.bind(config.host(), config.port()).syncUninterruptibly().channel();
        } catch (Exception e) { // Netty rethrows the checked BindException undeclared
            shutdownGroups();
            throw new IllegalStateException("http listener: cannot bind " + config.host() + ":" + config.port(), e);
        }
        activeGauge = Gauge.builder("gateway.http.connection.active", slots, ConnectionSlots::open)
                .description("Open HTTP connections")
                .register(meters);
        log.info("HTTP listener on {}:{}{}", config.host(), port(), config.sslContext().isPresent() ? " (TLS)" : "");
    }

    private void initConnection(SocketChannel ch) {
        InetAddress from = ch.remoteAddress().getAddress();
        ConnectionSlots.Refusal refusal = slots.acquire(from);
        if (refusal != null) {
            Counter.builder("gateway.http.connection.rejected")
                    .description("HTTP connections closed on accept because a connection limit was reached")
                    .tag("reason", refusal.tag()).register(meters).increment();
            if (refusal == ConnectionSlots.Refusal.MAX_PER_ADDRESS && warnedAtCap.add(from)) {
                log.warn("{}: HTTP connection refused, {} open from this address (listeners.http."
                        + "maxConnectionsPerAddress); further refusals counted in gateway.http.connection.rejected",
                        from.getHostAddress(), config.maxConnectionsPerAddress());
            } else {
                log.debug("HTTP connection from {} refused ({}), {} open", ch.remoteAddress(), refusal.tag(),
                        slots.open());
            }
            ch.close();
            return;
        }
        ch.closeFuture().addListener((ChannelFutureListener) f -> {
            slots.release(from);
            if (slots.open(from) == 0) {
                warnedAtCap.remove(from);
            }
        });
        initPipeline(ch, config, context);
    }

    /**
     * Installs an accepted connection's handlers: TLS when configured, the idle timer, the HTTP codec with the
     * listener's limits, and the {@link HttpConnectionHandler}. The channel is expected to run with auto-read off.
     * Package-private so that tests can drive the same pipeline without a socket.
     */
    static void initPipeline(Channel ch, HttpListenerConfig config, ListenerContext context) {
        ChannelPipeline p = ch.pipeline();
        config.sslContext().ifPresent(ssl -> p.addLast("tls", ssl.get().newHandler(ch.alloc())));
        p.addLast("idle", new IdleStateHandler(0, 0, config.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        p.addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE_BYTES)
                .setMaxHeaderSize(config.maxHeaderBytes())
                .setMaxChunkSize(MAX_CHUNK_BYTES)));
        p.addLast("handler", new HttpConnectionHandler(context));
    }

    /**
     * The bound port (useful with port 0).
     *
     * @throws IllegalStateException if not started
     */
    public synchronized int port() {
        return address().getPort();
    }

    /**
     * The bound address.
     *
     * @throws IllegalStateException if not started
     */
    public synchronized InetSocketAddress address() {
        if (serverChannel == null) {
            throw new IllegalStateException("http listener: not started");
        }
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Open connections now. */
    public int activeConnections() {
        return slots.open();
    }

    /**
     * Stops accepting, closes every connection and stops the event loops, waiting up to a few seconds. Idempotent.
     * Does not shut down the handler executor (the caller owns it).
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        shutdownGroups();
        if (activeGauge != null) {
            meters.remove(activeGauge);
        }
    }

    private void shutdownGroups() {
        if (bossGroup != null) {
            bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (workerGroup != null) {
            // Closing the loops closes every child channel.
            workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
