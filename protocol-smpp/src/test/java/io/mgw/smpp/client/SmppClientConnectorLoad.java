package io.mgw.smpp.client;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mgw.core.config.ConnectorConfig;
import io.mgw.core.spi.SubmitOutcome;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;

/**
 * Load through the connector (not a test): submits as fast as the window allows to an SMSC (e.g. the simulator in
 * another process) and counts accepted submits and receipts handed to the sink.
 *
 * <p>Usage: {@code SmppClientConnectorLoad host port binds window seconds [inFlight]}.
 */
public final class SmppClientConnectorLoad {

    public static void main(String[] args) throws Exception {
        String host = args[0];
        String port = args[1];
        String binds = args[2];
        String window = args[3];
        int seconds = Integer.parseInt(args[4]);
        int inFlight = args.length > 5 ? Integer.parseInt(args[5]) : 2_000;
        LongAdder receiptCount = new LongAdder();
        io.mgw.core.spi.ReceiptSink receipts = r -> {
            receiptCount.increment();
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        };
        var c = new SmppClientConnector(new ConnectorConfig("load", "smpp", 0, 1, Map.of("host", host, "port", port,
                "systemId", "load", "password", "pw", "bindsPerNode", binds, "window", window,
                "circuitMinimumCalls", "100000")),
                new io.mgw.core.spi.AdapterContext("load", TestMessages.IDS, new RecordingIngressSink(), receipts, null,
                        null, () -> null, new SimpleMeterRegistry(), java.time.Clock.systemUTC()));
        c.start();
        while (!c.isAvailable() || c.bindsUp() < Integer.parseInt(binds)) {
            Thread.sleep(50);
        }
        LongAdder accepted = new LongAdder();
        LongAdder other = new LongAdder();
        Semaphore permits = new Semaphore(inFlight);
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        Thread producer = Thread.ofPlatform().start(() -> {
            while (System.nanoTime() < end) {
                permits.acquireUninterruptibly();
                c.submit(TestMessages.text("Load test message of moderate length")).whenComplete((o, e) -> {
                    if (o instanceof SubmitOutcome.Accepted) {
                        accepted.increment();
                    } else {
                        other.increment();
                    }
                    permits.release();
                });
            }
        });
        long lastA = 0;
        long lastR = 0;
        for (int i = 0; i < seconds; i++) {
            Thread.sleep(1000);
            long a = accepted.sum();
            long r = receiptCount.sum();
            System.out.printf("t=%2ds accepted/s %6d receipts/s %6d other %d window %d%n", i + 1, a - lastA,
                    r - lastR, other.sum(), c.windowInUse());
            lastA = a;
            lastR = r;
        }
        producer.join();
        permits.acquireUninterruptibly(inFlight);
        double secs = (System.nanoTime() - start) / 1e9;
        Thread.sleep(3000);
        System.out.printf("TOTAL accepted %d in %.1f s = %.0f/s; receipts %d; other outcomes %d%n", accepted.sum(),
                secs, accepted.sum() / secs, receiptCount.sum(), other.sum());
        c.close();
        System.exit(0);
    }
}
