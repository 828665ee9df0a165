package io.mgw.bench.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mgw.core.config.StoreConfig;
import io.mgw.core.model.Address;
import io.mgw.core.model.EventType;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageIdGenerator;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.model.Origin;
import io.mgw.core.model.ReportRequest;
import io.mgw.core.spi.TemporaryFailureException;
import io.mgw.core.store.Store;
import io.mgw.store.JdbcStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Pushes messages through the store writes a single-part MT message makes in the node (recordMessage with ACCEPTED and
 * ROUTED, recordSubmission with the correlation and SUBMITTED, appendEvent REPORT, appendEvent DELIVERED_TO_CLIENT)
 * from several threads against an embedded H2 file database
 * in a temporary directory, and prints writes/s, messages/s and the process CPU spent per message (the figure that
 * matters on a shared machine).
 *
 * <p>As in the node, a message's writes come in three stages far apart in time (accepted; submit answered; receipt
 * came), so they land in different batches: stage 2 runs {@code inflightPerThread/4} messages behind stage 1, and
 * stage 3 as far again behind stage 2.
 *
 * <pre>
 * java -cp ... io.mgw.bench.store.StoreBench [messages=200000] [threads=4] [inflightPerThread=2000]
 * java -Dbench.purge=true -cp ... io.mgw.bench.store.StoreBench 1000000     (then times a purge of it all)
 * </pre>
 *
 * Each thread keeps up to {@code inflightPerThread} messages in flight (writes are issued without waiting, as the
 * node's pipeline does), and retries a write refused with {@link TemporaryFailureException} (queue full) after 1 ms.
 */
public final class StoreBench {

    /**
     * -Dbench.reads=true: also make the node's reads, on the issuing thread (the egress reads a message before
     * submitting it; the receipt path looks up the correlation, then the message).
     */
    private static final boolean READS = Boolean.getBoolean("bench.reads");

    /** Which of the four writes to issue (for finding what costs what): -Dbench.ops=record,submission,... */
    private static final String OPS = System.getProperty("bench.ops", "record,submission,report,delivered");

    /**
     * -Dbench.purge=true: after the run, purge everything it wrote ({@link Store#purgeOlderThan}, as the hourly purge
     * does with rows past the retention) and print how long it took, its CPU per row, and the latency of writes
     * made meanwhile at {@value #PACED_PER_SECOND}/s, next to the same writes' latency over a few seconds before it.
     */
    private static final boolean PURGE = Boolean.getBoolean("bench.purge");

    /** Rate of the writes timed before and during the purge. */
    private static final int PACED_PER_SECOND = 1_000;

    private StoreBench() {}

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int inflight = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
        Path dir = Files.createTempDirectory("mgw-store-bench");
        try {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            // -Dbench.h2options=";PAGE_SIZE=4096" adds H2 settings to the node's own (JdbcStore.H2_OPTIONS; H2 refuses
            // a setting given twice, so those cannot be changed this way)
            String extra = System.getProperty("bench.h2options", "");
            String h2Url = "jdbc:h2:file:" + dir.resolve("store/mgw").toAbsolutePath() + JdbcStore.H2_OPTIONS + extra;
            Optional<String> url = extra.isEmpty() ? Optional.empty() : Optional.of(h2Url);
            // -Dbench.url=jdbc:postgresql://... -Dbench.user=... -Dbench.password=...: run against PostgreSQL instead
            String pgUrl = System.getProperty("bench.url", "");
            var config = pgUrl.isEmpty() ? new StoreConfig("h2", url, "sa", "", 4, 7)
                    : new StoreConfig("postgresql", Optional.of(pgUrl), System.getProperty("bench.user", "postgres"),
                            System.getProperty("bench.password", "postgres"), 6, 7);
            // -Dbench.writers=N -Dbench.batch=M: open on our own pool with explicit write settings
            int writers = Integer.getInteger("bench.writers", 0);
            HikariDataSource pool = null;
            Store opened;
            if (writers > 0 && pgUrl.isEmpty()) {
                HikariConfig hc = new HikariConfig();
                hc.setJdbcUrl(h2Url);
                hc.setUsername("sa");
                hc.setMaximumPoolSize(writers + 2);
                pool = new HikariDataSource(hc);
                opened = JdbcStore.open(pool, "h2", meters, Clock.systemUTC(), new JdbcStore.WriteSettings(writers,
                        50_000, Integer.getInteger("bench.batch", 1_000)));
            } else {
                opened = JdbcStore.open(config, dir, meters, Clock.systemUTC());
            }
            // resources close in reverse: the store (its writers drain on their connections), then the pool
            try (HikariDataSource ignored = pool; Store store = opened) {
                MessageIdGenerator ids = new MessageIdGenerator(1, 1, Clock.systemUTC());
                System.out.printf("warm-up: %d messages%n", Math.min(messages / 5, 50_000));
                run(store, ids, Math.min(messages / 5, 50_000), threads, inflight);
                DistributionSummary batch = meters.get("gateway.store.write.batch").summary();
                Timer flush = meters.get("gateway.store.write.flush").timer();
                long batches0 = batch.count();
                double writes0 = batch.totalAmount();
                double flushMs0 = flush.totalTime(TimeUnit.MILLISECONDS);
                var os = (com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
                long cpu0 = os.getProcessCpuTime();
                long start = System.nanoTime();
                MessageId last = run(store, ids, messages, threads, inflight);
                double seconds = (System.nanoTime() - start) / 1e9;
                int perMessage = OPS.split(",").length;
                System.out.printf("messages: %d in %.2f s on %d threads -> %.0f messages/s, %.0f writes/s (%s)%n",
                        messages, seconds, threads, messages / seconds, perMessage * messages / seconds, OPS);
                double cpuSeconds = (os.getProcessCpuTime() - cpu0) / 1e9;
                System.out.printf("cpu: %.1f s of process CPU -> %.0f us CPU per message, %.0f messages per CPU-second"
                        + " (load average %.1f on %d cores)%n", cpuSeconds, cpuSeconds * 1e6 / messages,
                        messages / cpuSeconds, os.getSystemLoadAverage(), os.getAvailableProcessors());
                store.find(last).ifPresent(r -> System.out.printf("check: last message %s is %s with %d events%n",
                        last, r.status(), r.history().size()));
                long batches = batch.count() - batches0;
                System.out.printf("batches: %d, mean %.0f writes; flush mean %.2f ms (whole-run max %.0f writes,"
                        + " %.1f ms)%n", batches, (batch.totalAmount() - writes0) / batches,
                        (flush.totalTime(TimeUnit.MILLISECONDS) - flushMs0) / batches, batch.max(),
                        flush.max(TimeUnit.MILLISECONDS));
                if (PURGE) {
                    purge(store, ids, os, last);
                }
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // temp dir
            }
        }
    }

    /** Times a purge of everything written so far, and writes made while it runs (see {@link #PURGE}). */
    private static void purge(Store store, MessageIdGenerator ids, com.sun.management.OperatingSystemMXBean os,
            MessageId last) throws InterruptedException {
        Paced before = Paced.start(store, ids);
        Thread.sleep(5_000);
        before.stop();
        Paced during = Paced.start(store, ids);
        long cpu0 = os.getProcessCpuTime();
        long start = System.nanoTime();
        long rows = store.purgeOlderThan(Instant.now());
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (os.getProcessCpuTime() - cpu0) / 1e9;
        during.stop();
        System.out.printf("purge: %d rows in %.2f s -> %.0f rows/s, %.1f us process CPU per row (writes included)%n",
                rows, seconds, rows / seconds, cpuSeconds * 1e6 / rows);
        System.out.printf("check: last message %s %s after the purge%n", last,
                store.find(last).isPresent() ? "is still there" : "is gone");
        System.out.println("writes at " + PACED_PER_SECOND + "/s, 5 s before the purge: " + before.latencies());
        System.out.println("writes at " + PACED_PER_SECOND + "/s, during the purge:     " + during.latencies());
    }

    /** Records one message every {@code 1/PACED_PER_SECOND} s and keeps each write's latency until stopped. */
    private static final class Paced {
        private final List<Long> micros = Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger pending = new AtomicInteger();
        private final AtomicLong retries = new AtomicLong();
        private volatile boolean running = true;
        private Thread thread;

        static Paced start(Store store, MessageIdGenerator ids) {
            Paced p = new Paced();
            p.thread = Thread.ofPlatform().name("bench-paced").start(() -> {
                long period = 1_000_000_000L / PACED_PER_SECOND;
                long next = System.nanoTime();
                for (int i = 0; p.running; i++) {
                    LockSupport.parkNanos(next - System.nanoTime());
                    // latency from the intended start, so a stalled store is not hidden by a late send
                    long intended = next;
                    next += period;
                    p.pending.incrementAndGet();
                    accept(store, ids.next(), 9, i, p.retries, () -> {
                        p.micros.add((System.nanoTime() - intended) / 1_000);
                        p.pending.decrementAndGet();
                    });
                }
            });
            return p;
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
            while (pending.get() > 0) {
                Thread.sleep(10);
            }
        }

        String latencies() {
            List<Long> sorted = new ArrayList<>(micros);
            sorted.sort(null);
            if (sorted.isEmpty()) {
                return "none";
            }
            return String.format("n %d, p50 %.1f ms, p99 %.1f ms, max %.1f ms", sorted.size(),
                    sorted.get(sorted.size() / 2) / 1e3, sorted.get((int) (sorted.size() * 0.99)) / 1e3,
                    sorted.get(sorted.size() - 1) / 1e3);
        }
    }

    private static MessageId run(Store store, MessageIdGenerator ids, int messages, int threads, int inflight)
            throws InterruptedException {
        CountDownLatch done = new CountDownLatch(threads);
        AtomicLong retries = new AtomicLong();
        MessageId[] lastIds = new MessageId[threads];
        for (int t = 0; t < threads; t++) {
            int thread = t;
            int share = messages / threads + (t < messages % threads ? 1 : 0);
            Thread.ofPlatform().name("bench-" + t).start(() -> {
                Semaphore window = new Semaphore(inflight);
                int lag = Math.max(1, inflight / 4);
                MessageId[] mine = new MessageId[share];
                for (int i = 0; i < share + 2 * lag; i++) {
                    if (i < share) {
                        window.acquireUninterruptibly();
                        mine[i] = ids.next();
                        lastIds[thread] = mine[i];
                        accept(store, mine[i], thread, i, retries);
                    }
                    int s = i - lag;
                    if (s >= 0 && s < share) {
                        if (READS) {
                            store.find(mine[s]);
                        }
                        submit(store, mine[s], remote(mine[s]), retries);
                    }
                    int r = i - 2 * lag;
                    if (r >= 0 && r < share) {
                        if (READS) {
                            store.findCorrelation("smsc-a", remote(mine[r]));
                            store.find(mine[r]);
                        }
                        report(store, mine[r], retries).whenComplete((v, e) -> {
                            if (e != null) {
                                System.err.println("write failed: " + e);
                            }
                            window.release();
                        });
                    }
                }
                window.acquireUninterruptibly(inflight); // all of this thread's messages written
                done.countDown();
            });
        }
        done.await();
        if (retries.get() > 0) {
            System.out.printf("  writes retried after a full queue: %d%n", retries.get());
        }
        return lastIds[0];
    }

    /** A remote id as an SMSC would give it: unique, hex. */
    private static String remote(MessageId id) {
        return Long.toHexString(id.lo() & 0xFFFF_FFFF_FFFFL).toUpperCase(java.util.Locale.ROOT);
    }

    /** Stage 1, when the message is accepted: recordMessage. */
    private static void accept(Store store, MessageId id, int thread, int i, AtomicLong retries) {
        accept(store, id, thread, i, retries, () -> { });
    }

    private static void accept(Store store, MessageId id, int thread, int i, AtomicLong retries, Runnable written) {
        Instant now = Instant.now();
        Message m = Message.builder().id(id)
                .origin(new Origin("smpp", "acct" + (i % 10), "node-1", Integer.toString(i)))
                .source(Address.msisdn("4470000" + thread)).destination(Address.msisdn("44790" + i))
                .text("Your code is " + i + ", valid for ten minutes").receivedAt(now)
                .reportRequest(ReportRequest.FINAL).build();
        if (OPS.contains("record")) {
            retrying(() -> store.recordMessage(m, List.of(
                    new MessageEvent(now, EventType.ACCEPTED, MessageStatus.ACCEPTED, "", ""),
                    new MessageEvent(now, EventType.ROUTED, MessageStatus.ENROUTE, "smsc-a", "route all"))), retries)
                    .whenComplete((v, e) -> written.run());
        } else {
            written.run();
        }
    }

    /** Stage 2, when the SMSC answered the submit: correlation, mark and event SUBMITTED in one write. */
    private static void submit(Store store, MessageId id, String remote, AtomicLong retries) {
        Instant now = Instant.now();
        if (OPS.contains("submission")) {
            retrying(() -> store.recordSubmission(id, "smsc-a", List.of(remote), 1, new MessageEvent(now,
                    EventType.SUBMITTED, MessageStatus.ENROUTE, "smsc-a", "remote ids: " + remote)), retries);
        }
    }

    /**
     * Stage 3, when the receipt came and its report reached the client: event REPORT, event DELIVERED_TO_CLIENT
     * (a single part writes no part outcome). Completes when both are written.
     */
    private static CompletableFuture<?> report(Store store, MessageId id, AtomicLong retries) {
        Instant now = Instant.now();
        List<CompletableFuture<?>> writes = new ArrayList<>(2);
        if (OPS.contains("report")) {
            writes.add(retrying(() -> store.appendEvent(id, new MessageEvent(now, EventType.REPORT,
                    MessageStatus.DELIVERED, "smsc-a", "part 1/1 remote id " + id.lo())), retries));
        }
        if (OPS.contains("delivered")) {
            writes.add(retrying(() -> store.appendEvent(id, new MessageEvent(now, EventType.DELIVERED_TO_CLIENT,
                    MessageStatus.DELIVERED, "", "smpp bind 3")), retries));
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
    }

    /** Issues a write, retrying while the store refuses it with a full queue. */
    private static <T> CompletableFuture<T> retrying(Supplier<CompletionStage<T>> write, AtomicLong retries) {
        while (true) {
            CompletableFuture<T> f = write.get().toCompletableFuture();
            if (!f.isCompletedExceptionally()) {
                return f;
            }
            try {
                f.join();
            } catch (RuntimeException e) {
                if (!(e.getCause() instanceof TemporaryFailureException)) {
                    return f;
                }
            }
            retries.incrementAndGet();
            LockSupport.parkNanos(1_000_000);
        }
    }
}
