package io.mgw.smpp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mgw.smpp.common.SmppCommand;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;

/**
 * A load probe, run by hand (not part of the suite: the name matches neither *Test nor *IT):
 * <pre>
 * ./mvnw -o -q -pl protocol-smpp -am test -Dtest=SubmitThroughputProbe -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dprobe.binds=4 -Dprobe.window=64 -Dprobe.seconds=20 -Dprobe.ingressDelayMs=3
 * </pre>
 * Each bind is a pipelined raw client (one writer, one reader thread) keeping {@code window} submit_sm outstanding;
 * the ingress double completes each message after {@code ingressDelayMs}. Prints submits/s and response latency
 * percentiles measured at the client (send to submit_sm_resp).
 */
class SubmitThroughputProbe {

    @Test
    void probe() throws Exception {
        int binds = Integer.getInteger("probe.binds", 4);
        int window = Integer.getInteger("probe.window", 64);
        int seconds = Integer.getInteger("probe.seconds", 15);
        int warmup = Integer.getInteger("probe.warmup", 5);
        int delayMs = Integer.getInteger("probe.ingressDelayMs", 3);
        try (ServerHarness h = new ServerHarness(
                ServerHarness.account("load", window, 0, List.of(), List.of(), "hex", binds))) {
            h.ingress.mode = TestIngress.Mode.DELAYED;
            h.ingress.delay = Duration.ofMillis(delayMs);
            h.ingress.keep = false;
            List<Load> loads = new ArrayList<>();
            for (int i = 0; i < binds; i++) {
                loads.add(new Load(h, window));
            }
            loads.forEach(Load::start);
            Thread.sleep(warmup * 1000L);
            loads.forEach(Load::reset);
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long elapsed = System.nanoTime() - t0;
            long total = 0;
            long[] all = new long[0];
            for (Load l : loads) {
                total += l.done.get();
                all = concat(all, l.latencies());
            }
            loads.forEach(Load::stop);
            Arrays.sort(all);
            double rate = total / (elapsed / 1e9);
            System.out.printf("PROBE binds=%d window=%d ingressDelay=%dms: %.0f submit_sm/s over %ds; resp latency"
                    + " p50=%.2fms p99=%.2fms p99.9=%.2fms max=%.2fms (n=%d)%n", binds, window, delayMs, rate,
                    seconds, pct(all, 0.50), pct(all, 0.99), pct(all, 0.999), all.length == 0 ? 0 : all[all.length - 1] / 1e6,
                    all.length);
            assertThat(total).isPositive();
        }
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
    }

    private static long[] concat(long[] a, long[] b) {
        long[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** One pipelined bind. */
    private static final class Load {
        private static final int SLOTS = 1 << 16;
        final RawClient client;
        final Semaphore window;
        final AtomicReferenceArray<Long> sentAt = new AtomicReferenceArray<>(SLOTS);
        final AtomicLong done = new AtomicLong();
        final long[] samples = new long[2_000_000];
        final AtomicLong sampleCount = new AtomicLong();
        volatile boolean running = true;
        Thread writer;
        Thread reader;

        Load(ServerHarness h, int window) throws IOException {
            this.client = h.bound("load", SmppCommand.BIND_TRANSMITTER, 0x34);
            this.window = new Semaphore(window);
        }

        void start() {
            writer = new Thread(this::write, "probe-writer");
            reader = new Thread(this::read, "probe-reader");
            reader.start();
            writer.start();
        }

        void reset() {
            done.set(0);
            sampleCount.set(0);
        }

        long[] latencies() {
            return Arrays.copyOf(samples, (int) Math.min(samples.length, sampleCount.get()));
        }

        void stop() {
            running = false;
            try {
                client.close();
                writer.join(2000);
                reader.join(2000);
            } catch (Exception ignored) {
                // done
            }
        }

        private void write() {
            byte[] template = RawClient.submitPdu(1, "4915100000001", 0, 0,
                    "Load test message 0123456789".getBytes(StandardCharsets.US_ASCII));
            try {
                OutputStream out = new BufferedOutputStream(client.socket.getOutputStream(), 16384);
                int seq = 1;
                while (running) {
                    if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        continue;
                    }
                    byte[] pdu = template.clone();
                    pdu[12] = (byte) (seq >>> 24);
                    pdu[13] = (byte) (seq >>> 16);
                    pdu[14] = (byte) (seq >>> 8);
                    pdu[15] = (byte) seq;
                    sentAt.set(seq & (SLOTS - 1), System.nanoTime());
                    out.write(pdu);
                    if (window.availablePermits() == 0 || seq % 16 == 0) {
                        out.flush();
                    }
                    seq = seq == 0x7FFFFFFF ? 1 : seq + 1;
                }
            } catch (Exception e) {
                if (running) {
                    e.printStackTrace();
                }
            }
        }

        private void read() {
            try {
                DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(
                        client.socket.getInputStream(), 65536));
                client.socket.setSoTimeout(0);
                byte[] buf = new byte[256];
                while (running) {
                    int len = in.readInt();
                    in.readFully(buf, 0, len - 4);
                    int status = RawClient.intAt(buf, 4);
                    int seq = RawClient.intAt(buf, 8);
                    Long t = sentAt.get(seq & (SLOTS - 1));
                    if (status == 0) {
                        done.incrementAndGet();
                        long n = sampleCount.getAndIncrement();
                        if (t != null && n < samples.length) {
                            samples[(int) n] = System.nanoTime() - t;
                        }
                    }
                    window.release();
                }
            } catch (Exception e) {
                if (running) {
                    e.printStackTrace();
                }
            }
        }
    }
}
