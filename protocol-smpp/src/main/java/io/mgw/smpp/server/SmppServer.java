package io.mgw.smpp.server;

import static java.util.Objects.requireNonNull;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.mgw.core.net.ConnectionSlots;
import io.mgw.core.config.AccountConfig;
import io.mgw.core.config.PasswordHash;
import io.mgw.core.config.TlsContextSource;
import io.mgw.core.log.LimitedLog;
import io.mgw.core.spi.AdapterContext;
import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ServerSocketFactory;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMPP server for ESMEs (SMPP 3.3, 3.4 and 5.0 binds), built on jSMPP 3.0.2 for the session life cycle (bind
 * handshake, enquire_link, unbind) with our own PDU front ({@link FrontPduReader}) that serves the message traffic.
 *
 * <p>Life cycle: {@link #start()} binds the port and accepts connections; {@link #drain(Duration)} stops accepting,
 * waits for outstanding submits to be answered and unbinds every session so clients rebind to another node;
 * {@link #close()} does the same without waiting.
 *
 * <p>TLS: with {@link SmppServerConfig#tls()} a second port speaks SMPP over TLS (the key material is read again
 * when its file changes, for new connections); each accepted connection's handshake runs on a virtual thread,
 * bounded by the bind timeout, before its session opens. Sessions on either port are the same in every other way.
 *
 * <p>Threads: one platform thread accepts per port; jSMPP gives each session a reader thread, an enquire_link thread
 * and {@code pduProcessorDegree} workers. Submits are decoded on the reader thread, handed to the (non-blocking) ingress
 * and answered when its stage completes; nothing blocks on Kafka. Responses and deliver_sm are written by one
 * virtual thread per session at a time ({@link SessionWriter}); store look-ups (query_sm, cancel_sm) run on virtual
 * threads.
 */
public final class SmppServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SmppServer.class);
    /** First wait after a failed accept; doubled while accepts keep failing, up to {@link #ACCEPT_BACKOFF_MAX}. */
    static final Duration ACCEPT_BACKOFF_MIN = Duration.ofMillis(10);
    static final Duration ACCEPT_BACKOFF_MAX = Duration.ofSeconds(1);
    private final LimitedLog acceptFailedLog = LimitedLog.warn(log);
    private final LimitedLog noSessionLog = LimitedLog.warn(log);

    private final SmppServerConfig config;
    private final ServerSocketFactory sockets;
    private final AdapterContext ctx;
    private final SmppServerMetrics metrics;
    private final ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "smpp-server-timer");
        t.setDaemon(true);
        return t;
    });
    private final Set<ServerSession> sessions = ConcurrentHashMap.newKeySet();
    /** Connections held: sessions, and accepted sockets still in their TLS handshake. */
    private final ConnectionSlots connections;
    /** Addresses whose refusal at their cap was logged; forgotten when they hold no connection any more. */
    private final Set<InetAddress> warnedAtCap = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, Limiter> limiters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> bindCounts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, VerifiedPassword> verified = new ConcurrentHashMap<>();
    private final List<Listening> listening = new CopyOnWriteArrayList<>();
    private volatile boolean started;
    private volatile boolean draining;

    /** An open listening socket; {@code tls} is null on the port without TLS. */
    private record Listening(ServerSocket socket, TlsContextSource tls) {}

    /**
     * @param config listener settings
     * @param ctx    what the node gives adapters: ids, ingress, deliveries, store, accounts, meters, clock
     */
    public SmppServer(SmppServerConfig config, AdapterContext ctx) {
        this(config, ctx, ServerSocketFactory.getDefault());
    }

    /** With the factory of the listening sockets (tests: a socket whose accept fails as with no file descriptors). */
    SmppServer(SmppServerConfig config, AdapterContext ctx, ServerSocketFactory sockets) {
        this.sockets = requireNonNull(sockets, "sockets");
        this.config = requireNonNull(config, "config");
        this.ctx = requireNonNull(ctx, "ctx");
        this.metrics = new SmppServerMetrics(ctx.meters());
        this.connections = new ConnectionSlots(config.maxConnections(), config.maxConnectionsPerAddress());
        Gauge.builder("gateway.smpp.session.active", sessions, s -> s.stream().filter(ServerSession::isBound).count())
                .description("Bound SMPP sessions on this node").register(ctx.meters());
        Gauge.builder("gateway.smpp.connection.open", connections, ConnectionSlots::open)
                .description("Connections open on this node's SMPP ports, bound or not").register(ctx.meters());
        Gauge.builder("gateway.smpp.window.used", sessions,
                        s -> s.stream().mapToInt(ServerSession::outstanding).sum())
                .description("Requests received and not yet answered, over all sessions").register(ctx.meters());
    }

    /**
     * Binds the listening sockets (the port without TLS unless {@link SmppServerConfig#plain()} is false, and the TLS
     * port if {@link SmppServerConfig#tls()} is set) and starts accepting.
     *
     * @throws IOException if an address cannot be bound
     * @throws IllegalArgumentException if the TLS key material cannot be read
     * @throws IllegalStateException if already started
     */
    public synchronized void start() throws IOException {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        TlsContextSource tls = config.tls().map(TlsContextSource::new).orElse(null);
        try {
            if (config.plain()) {
                listen(config.port(), null);
            }
            if (tls != null) {
                listen(config.tlsPort(), tls);
            }
        } catch (IOException | RuntimeException e) {
            closeListeners();
            throw e;
        }
    }

    private void listen(int port, TlsContextSource tls) throws IOException {
        ServerSocket ss = sockets.createServerSocket();
        try {
            ss.setReuseAddress(true);
            ss.bind(new InetSocketAddress(InetAddress.getByName(config.host()), port), 128);
        } catch (IOException | RuntimeException e) {
            ss.close();
            throw e;
        }
        Listening l = new Listening(ss, tls);
        listening.add(l);
        Thread t = new Thread(() -> acceptLoop(l), "smpp-accept-" + ss.getLocalPort());
        t.setDaemon(true);
        t.start();
        log.info("SMPP server listening on {}:{}{}", config.host(), ss.getLocalPort(), tls == null ? "" : " (TLS)");
    }

    /**
     * The port actually bound without TLS (useful with port 0).
     *
     * @throws IllegalStateException if not started, or started without that port
     */
    public int port() {
        return find(false).getLocalPort();
    }

    /**
     * The TLS port actually bound.
     *
     * @throws IllegalStateException if not started, or started without TLS
     */
    public int tlsPort() {
        return find(true).getLocalPort();
    }

    private ServerSocket find(boolean tls) {
        for (Listening l : listening) {
            if ((l.tls() != null) == tls) {
                return l.socket();
            }
        }
        throw new IllegalStateException(started ? "no " + (tls ? "TLS " : "plain ") + "port" : "not started");
    }

    /** Sessions currently open (bound or binding). */
    public int sessionCount() {
        return sessions.size();
    }

    /** A snapshot of the open sessions (for the dashboard). */
    public List<SmppSessionInfo> sessions() {
        return sessions.stream().map(ServerSession::info).toList();
    }

    /**
     * Unbinds and closes one session (an operator's "kick"), on a virtual thread.
     *
     * @return false if no session has that id
     */
    public boolean kick(String sessionId) {
        for (ServerSession s : sessions) {
            if (s.id().equals(sessionId)) {
                virtualThreads.execute(s::unbindAndClose);
                return true;
            }
        }
        return false;
    }

    /** True once {@link #drain} or {@link #close} began (readiness should then be false). */
    public boolean isDraining() {
        return draining;
    }

    /**
     * Graceful stop for an in-service upgrade (RELIABILITY.md B.4 item 7): stop accepting binds, answer new submits
     * with ESME_RTHROTTLED, wait up to {@code timeout} for outstanding submits and deliveries to be answered, then
     * unbind every session (clients rebind elsewhere) and close.
     *
     * @return true if every session finished its in-flight work within the timeout
     */
    public boolean drain(Duration timeout) {
        draining = true;
        closeListeners();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ServerSession s : List.copyOf(sessions)) {
            s.startDrain();
        }
        boolean clean = true;
        for (ServerSession s : List.copyOf(sessions)) {
            clean &= s.awaitIdle(deadline);
        }
        List<java.util.concurrent.Future<?>> unbinds = new java.util.ArrayList<>();
        for (ServerSession s : List.copyOf(sessions)) {
            unbinds.add(virtualThreads.submit(s::unbindAndClose));
        }
        for (var f : unbinds) {
            try {
                f.get(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) + 2_000,
                        TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                clean = false;
            }
        }
        return clean;
    }

    /** Closes the listener and every session at once; outstanding submits are not answered (nor acknowledged). */
    @Override
    public void close() {
        draining = true;
        closeListeners();
        for (ServerSession s : List.copyOf(sessions)) {
            s.close();
        }
        timer.shutdownNow();
        virtualThreads.shutdownNow();
    }

    private void closeListeners() {
        for (Listening l : listening) {
            try {
                l.socket().close();
            } catch (IOException e) {
                log.debug("closing listener", e);
            }
        }
    }

    /**
     * Accepts until the listening socket is closed. A failed accept (no file descriptors left, no memory for the
     * socket) would fail again at once: the loop waits, 10 ms doubling to 1 s while it keeps failing, so that it
     * does not spin on a core and fill the log while the cause lasts. Counted in {@code gateway.smpp.accept.failed}.
     */
    private void acceptLoop(Listening l) {
        ServerSocket ss = l.socket();
        long backoffMillis = 0;
        while (!ss.isClosed()) {
            Socket socket;
            try {
                socket = ss.accept();
                backoffMillis = 0;
            } catch (IOException e) {
                if (ss.isClosed()) {
                    continue;
                }
                metrics.acceptFailed();
                backoffMillis = backoffMillis == 0 ? ACCEPT_BACKOFF_MIN.toMillis()
                        : Math.min(backoffMillis * 2, ACCEPT_BACKOFF_MAX.toMillis());
                acceptFailedLog.log("SMPP accept on port {} failed, accepting again in {} ms: {}", ss.getLocalPort(),
                        backoffMillis, e.toString());
                try {
                    Thread.sleep(backoffMillis);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                continue;
            }
            if (draining) {
                closeQuietly(socket);
                continue;
            }
            InetAddress from = socket.getInetAddress();
            ConnectionSlots.Refusal refusal = connections.acquire(from);
            if (refusal != null) {
                metrics.connectionRefused(refusal.tag());
                if (refusal == ConnectionSlots.Refusal.MAX_PER_ADDRESS && warnedAtCap.add(from)) {
                    log.warn("{}: connection refused, {} open from this address (listeners.smpp."
                            + "maxConnectionsPerAddress); further refusals counted in gateway.smpp.connection.refused",
                            from.getHostAddress(), config.maxConnectionsPerAddress());
                } else {
                    log.debug("{}: refused ({}), {} connections open", socket.getRemoteSocketAddress(), refusal.tag(),
                            connections.open());
                }
                closeQuietly(socket);
                continue;
            }
            try {
                socket.setTcpNoDelay(true);
            } catch (IOException e) {
                closeWithoutSession(socket);
                continue;
            }
            if (l.tls() == null) {
                open(socket);
            } else {
                // the handshake reads from the client: never on the accepting thread
                try {
                    virtualThreads.execute(() -> handshakeThenOpen(socket, l.tls()));
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    closeWithoutSession(socket);
                }
            }
        }
    }

    /** Closes an accepted socket that has no session (yet) and gives its connection slot back. */
    private void closeWithoutSession(Socket socket) {
        closeQuietly(socket);
        release(socket.getInetAddress());
    }

    private void release(InetAddress address) {
        connections.release(address);
        if (connections.open(address) == 0) {
            warnedAtCap.remove(address);
        }
    }

    /** Connections open now, bound or not, TLS handshakes included. */
    public int connectionCount() {
        return connections.open();
    }

    private void open(Socket socket) {
        ServerSession session = null;
        try {
            session = new ServerSession(this, socket);
            sessions.add(session);
            session.start();
        } catch (IOException | RuntimeException e) {
            if (draining) {
                log.debug("no session for {}: closing", socket.getRemoteSocketAddress(), e); // its threads are gone
            } else {
                metrics.connectionRefused("no_session");
                noSessionLog.log("could not open a session for {}", socket.getRemoteSocketAddress(), e);
            }
            if (session == null || sessions.remove(session)) {
                closeWithoutSession(socket);
            } else {
                closeQuietly(socket);
            }
        }
    }

    /**
     * Runs the TLS handshake of an accepted connection, then opens its session. The handshake has the bind timeout
     * in all (a client that sends nothing, or a byte now and then, is closed when it runs out); a failed one (a
     * client speaking plain SMPP to the TLS port, an untrusted or missing client certificate) is logged and counted
     * in {@code gateway.smpp.tls.handshake{result=failed}}, and the connection closed.
     */
    private void handshakeThenOpen(Socket raw, TlsContextSource tls) {
        String remote = raw.getInetAddress().getHostAddress() + ":" + raw.getPort();
        java.util.concurrent.ScheduledFuture<?> guard;
        try {
            guard = timer.schedule(() -> closeQuietly(raw), config.bindTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            closeWithoutSession(raw); // closed meanwhile
            return;
        }
        SSLSocket s;
        try {
            // server mode, layered over the accepted socket (closing it closes both)
            s = (SSLSocket) tls.current().getSocketFactory().createSocket(raw, null, true);
            tls.config().configureServer(s);
            s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, config.bindTimeout().toMillis()));
            s.startHandshake();
            s.setSoTimeout(0);
        } catch (IOException | RuntimeException e) {
            guard.cancel(false);
            metrics.tlsHandshake(false);
            log.info("{}: TLS handshake failed: {}", remote, e.getMessage());
            closeWithoutSession(raw);
            return;
        }
        if (!guard.cancel(false)) {
            // the bind timeout closed it just as the handshake ended
            metrics.tlsHandshake(false);
            closeWithoutSession(s);
            return;
        }
        metrics.tlsHandshake(true);
        log.debug("{}: TLS {} {}", remote, s.getSession().getProtocol(), s.getSession().getCipherSuite());
        if (draining) {
            closeWithoutSession(s);
            return;
        }
        open(s);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    // ---- for sessions ----

    SmppServerConfig config() {
        return config;
    }

    AdapterContext ctx() {
        return ctx;
    }

    SmppServerMetrics metrics() {
        return metrics;
    }

    ExecutorService virtualThreads() {
        return virtualThreads;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    void removed(ServerSession s) {
        if (sessions.remove(s)) {
            release(s.address());
        }
    }

    /**
     * Checks a bind password. PBKDF2 at 100,000 iterations costs tens of milliseconds of CPU, so a password that
     * verified once is remembered per account as a SHA-256 digest salted with the stored hash: a rebind storm after a
     * failover then costs a hash each, not a PBKDF2 each. A changed hash in the config invalidates the entry; a wrong
     * password always takes the full PBKDF2 path.
     */
    boolean verifyPassword(AccountConfig account, String password) {
        byte[] digest = digest(account.passwordHash(), password);
        VerifiedPassword v = verified.get(account.id());
        if (v != null && v.hash.equals(account.passwordHash()) && MessageDigest.isEqual(v.digest, digest)) {
            return true;
        }
        if (!PasswordHash.verify(password, account.passwordHash())) {
            return false;
        }
        verified.put(account.id(), new VerifiedPassword(account.passwordHash(), digest));
        return true;
    }

    private static byte[] digest(String hash, String password) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(hash.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            return md.digest(password.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private record VerifiedPassword(String hash, byte[] digest) {}

    /** Takes one of the account's maxBinds slots on this node; false if all are taken. */
    boolean reserveBind(AccountConfig account) {
        AtomicInteger n = bindCounts.computeIfAbsent(account.id(), k -> new AtomicInteger());
        int max = account.maxBinds();
        for (;;) {
            int cur = n.get();
            if (cur >= max) {
                return false;
            }
            if (n.compareAndSet(cur, cur + 1)) {
                return true;
            }
        }
    }

    void releaseBind(AccountConfig account) {
        AtomicInteger n = bindCounts.get(account.id());
        if (n != null) {
            n.decrementAndGet();
        }
    }

    /**
     * Takes {@code segments} permits from the account's rate limiter, shared by all its sessions on this node. A
     * limit of 0 means none. A message of more segments than the whole per-second limit takes the whole second.
     */
    boolean tryAcquire(AccountConfig account, int segments) {
        int limit = account.maxSegmentsPerSecond();
        if (limit <= 0) {
            return true;
        }
        Limiter l = limiters.get(account.id());
        if (l == null || l.limit != limit) {
            // Created on first use and again when a config reload changed the limit; a race makes two, one wins.
            l = new Limiter(limit, RateLimiter.of("smpp-" + account.id(), RateLimiterConfig.custom()
                    .limitForPeriod(limit)
                    .limitRefreshPeriod(Duration.ofSeconds(1))
                    .timeoutDuration(Duration.ZERO)
                    .build()));
            limiters.put(account.id(), l);
        }
        return l.limiter.acquirePermission(Math.min(segments, limit));
    }

    private record Limiter(int limit, RateLimiter limiter) {}
}
