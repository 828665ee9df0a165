package io.mgw.testkit.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 that puts network faults between two peers (RELIABILITY.md B.5: netem is not available on
 * the project machines, so faults are made in user space):
 *
 * <ul>
 *   <li>{@link #pause()}: a partition that heals. Nothing is forwarded either way, and new connections are held
 *       unconnected, until {@link #resume()}; bytes sent meanwhile wait in the socket buffers and arrive late, as TCP
 *       delivers them once a partition heals.
 *   <li>{@link #resetAll()}: every open connection is reset (RST to both peers), whatever was in flight lost.
 * </ul>
 *
 * <p>Each connection is relayed by two virtual threads, one per direction. Thread-safe.
 */
public final class FaultProxy implements AutoCloseable {

    private final String targetHost;
    private final int targetPort;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<Pair> open = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();
    private volatile boolean paused;
    private volatile ServerSocket server;

    /** One relayed connection: the client's socket and ours to the target. */
    private record Pair(Socket client, Socket target) {}

    public FaultProxy(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
    }

    /** Listens on a free port of 127.0.0.1. */
    public FaultProxy start() throws IOException {
        ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server = ss;
        Thread t = new Thread(this::acceptLoop, "fault-proxy-" + ss.getLocalPort());
        t.setDaemon(true);
        t.start();
        return this;
    }

    /** The port clients connect to. */
    public int port() {
        return server.getLocalPort();
    }

    /** Stops forwarding in both directions and holds new connections, until {@link #resume()}. */
    public void pause() {
        paused = true;
    }

    /** Forwards again what was held. */
    public void resume() {
        synchronized (gate) {
            paused = false;
            gate.notifyAll();
        }
    }

    /** Resets every open connection (RST to both peers). */
    public void resetAll() {
        for (Pair p : List.copyOf(open)) {
            reset(p);
        }
    }

    /** Connections relayed now. */
    public int connections() {
        return open.size();
    }

    /** Connections accepted since the start. */
    public long accepted() {
        return accepted.get();
    }

    /** Connections reset by {@link #resetAll()}. */
    public long resets() {
        return resets.get();
    }

    private void acceptLoop() {
        ServerSocket ss = server;
        while (!ss.isClosed()) {
            Socket client;
            try {
                client = ss.accept();
            } catch (IOException e) {
                continue; // closed, or a failed accept: the loop condition tells
            }
            accepted.incrementAndGet();
            threads.execute(() -> connect(client));
        }
    }

    private void connect(Socket client) {
        Socket target = new Socket();
        try {
            awaitOpen();
            client.setTcpNoDelay(true);
            target.setTcpNoDelay(true);
            target.connect(new InetSocketAddress(targetHost, targetPort), 5_000);
        } catch (IOException | InterruptedException e) {
            closeQuietly(client);
            closeQuietly(target);
            return;
        }
        Pair p = new Pair(client, target);
        open.add(p);
        threads.execute(() -> relay(p, client, target));
        threads.execute(() -> relay(p, target, client));
    }

    private void relay(Pair p, Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (;;) {
                awaitOpen();
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                awaitOpen(); // read before a pause began: held until it ends
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // reset, closed, or the other side went away
        }
        if (open.remove(p)) {
            closeQuietly(p.client());
            closeQuietly(p.target());
        }
    }

    private void awaitOpen() throws InterruptedException {
        if (!paused) {
            return;
        }
        synchronized (gate) {
            while (paused) {
                gate.wait();
            }
        }
    }

    private void reset(Pair p) {
        if (!open.remove(p)) {
            return;
        }
        resets.incrementAndGet();
        for (Socket s : List.of(p.client(), p.target())) {
            try {
                s.setSoLinger(true, 0); // close sends RST, not FIN
            } catch (IOException e) {
                // already closed
            }
            closeQuietly(s);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    @Override
    public void close() {
        resume();
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            // nothing to do
        }
        for (Pair p : List.copyOf(open)) {
            if (open.remove(p)) {
                closeQuietly(p.client());
                closeQuietly(p.target());
            }
        }
        threads.shutdownNow();
    }
}
