package io.mgw.smpp.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes the PDUs our own code produces (responses completed later, deliver_sm) to one session's socket without
 * blocking whoever produced them: {@link #enqueue} returns at once, and one drain task at a time (on a virtual
 * thread) writes everything queued in one go, so a burst of responses costs one syscall.
 *
 * <p>Writes hold the monitor of the socket's {@link OutputStream}, the same lock jSMPP's
 * {@code SynchronizedPDUSender} takes, so our PDUs never interleave with jSMPP's own (bind_resp, enquire_link).
 *
 * <p>The queue is bounded by back-pressure, not by dropping: {@link #awaitCapacity} lets the session's reader wait
 * while more than {@code limit} PDUs are queued, so a client that stops reading stops being read.
 */
final class SessionWriter {

    private final OutputStream out;
    private final Executor executor;
    private final int limit;
    private final Runnable onFailure;
    private final ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition space = lock.newCondition();
    private volatile boolean failed;

    SessionWriter(OutputStream out, Executor executor, int limit, Runnable onFailure) {
        this.out = out;
        this.executor = executor;
        this.limit = limit;
        this.onFailure = onFailure;
    }

    /** Queues a PDU for writing; never blocks. Dropped silently once the socket failed (the session is closing). */
    void enqueue(byte[] pdu) {
        if (failed) {
            return;
        }
        queue.add(pdu);
        size.incrementAndGet();
        if (draining.compareAndSet(false, true)) {
            executor.execute(this::drain);
        }
    }

    /**
     * Writes a PDU at once on the calling thread, ahead of anything queued (generic_nack before closing a session
     * whose framing is lost). Blocks while the socket does.
     */
    void writeDirect(byte[] pdu) throws IOException {
        synchronized (out) {
            out.write(pdu);
            out.flush();
        }
    }

    /** PDUs queued and not yet written. */
    int queued() {
        return size.get();
    }

    /**
     * Waits while the queue is over its limit (back-pressure on the reader). Returns false if the wait timed out.
     */
    boolean awaitCapacity(long timeoutMillis) throws InterruptedException {
        if (size.get() <= limit || failed) {
            return true;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        lock.lock();
        try {
            while (size.get() > limit && !failed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                space.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void drain() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(4096);
        for (;;) {
            int n = 0;
            byte[] pdu;
            while (buf.size() < 65_536 && (pdu = queue.poll()) != null) {
                buf.writeBytes(pdu);
                n++;
            }
            if (n > 0) {
                try {
                    synchronized (out) {
                        out.write(buf.toByteArray());
                        out.flush();
                    }
                } catch (IOException e) {
                    failed = true;
                    queue.clear();
                    size.set(0);
                    signal();
                    draining.set(false);
                    onFailure.run();
                    return;
                }
                buf.reset();
                size.addAndGet(-n);
                signal();
                continue;
            }
            draining.set(false);
            // A producer may have queued after our last poll but before the flag dropped: take over again.
            if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
                return;
            }
        }
    }

    private void signal() {
        lock.lock();
        try {
            space.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
