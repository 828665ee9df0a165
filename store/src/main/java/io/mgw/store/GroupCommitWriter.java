package io.mgw.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.mgw.core.log.LimitedLog;
import io.mgw.core.spi.TemporaryFailureException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer thread with its bounded queue: takes whatever is queued (up to {@code maxBatch} ops), applies it in one
 * transaction with one JDBC batch per statement type ({@link BatchApplier}), commits, then completes the ops' stages
 * on the completer executor. A failed batch is rolled back and retried op by op, so one bad op fails alone and the
 * others still commit; every op that cannot be written completes exceptionally with a
 * {@link TemporaryFailureException}, or, when the database rejected its data, a
 * {@link io.mgw.core.store.RejectedWriteException} (counted in {@code gateway.store.write.invalid}).
 *
 * <pre>
 *  callers ──offer──▶ [ urgent lane ] ─┐
 *                     [ bulk lane   ] ─┴─drain ≤ maxBatch, urgent first──▶ BEGIN; batches...; COMMIT ──▶ complete
 *           full? ──▶ TemporaryFailureException (back-pressure)
 * </pre>
 *
 * <p>Two lanes, each bounded: {@linkplain WriteOp#urgent urgent} ops (a submission's correlations and receipt
 * results, the delivery half of the pipeline) are drained before bulk ops (mostly the router's, whose Kafka consumer
 * keeps thousands queued). With one FIFO queue, at 10k msg/s on 2 cores, a receipt's write waited behind the whole
 * routing backlog while its SMSC waited for the answer (docs/BENCHMARKS.md); receipts now reach the store through
 * {@code gw.report} (ADR 0013), and the lane still lets the delivery half keep pace with the ingress. Urgent ops
 * cannot starve the bulk lane: there are never more of them than the egress and receipt consumers keep in flight.
 */
final class GroupCommitWriter implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
    private final LimitedLog rejectedLog = LimitedLog.warn(log);

    private final String name;
    private final DataSource dataSource;
    private final ArrayBlockingQueue<WriteOp<?>> urgent;
    private final ArrayBlockingQueue<WriteOp<?>> bulk;
    /** One permit per offer: what the idle writer waits on (a hint; the lanes are the truth). */
    private final Semaphore offered = new Semaphore(0);
    private final int maxBatch;
    private final Executor completer;
    private final DistributionSummary batchSizes;
    private final Timer flushTimer;
    private final Counter failed;
    private final Counter invalid;

    private volatile boolean stopping;
    private volatile boolean died;
    /** System.nanoTime() when the flush in progress began; 0 between flushes. */
    private volatile long flushStarted;
    private Thread thread;
    private Connection connection;
    private BatchApplier applier;
    /** What to hold while writing on {@code connection} ({@link GuardedH2DataSource#writing}). */
    private Object writeOrder;
    /** System.nanoTime() (odd, so never 0) when the writer's connection broke; 0 once a commit succeeded since. */
    private long brokenSince;
    /** System.nanoTime() (odd, so never 0) of the last commit that succeeded; 0 before the first. */
    private volatile long lastCommitted;
    /** System.nanoTime() (odd, so never 0) when a write last failed; 0 if none has. */
    private volatile long lastFailed;

    GroupCommitWriter(String name, DataSource dataSource, int queueCapacity, int maxBatch,
            Executor completer, DistributionSummary batchSizes, Timer flushTimer, Counter failed, Counter invalid) {
        this.name = name;
        this.dataSource = dataSource;
        // the urgent lane is bounded by the peers' windows in practice: a tenth more than the bulk lane is plenty
        this.urgent = new ArrayBlockingQueue<>(Math.max(1, queueCapacity / 10));
        this.bulk = new ArrayBlockingQueue<>(queueCapacity);
        this.maxBatch = maxBatch;
        this.completer = completer;
        this.batchSizes = batchSizes;
        this.flushTimer = flushTimer;
        this.failed = failed;
        this.invalid = invalid;
    }

    void start() {
        thread = Thread.ofPlatform().name(name).daemon(true).start(this);
    }

    /** Queues an op in its lane; false when that lane is full. */
    boolean offer(WriteOp<?> op) {
        if (!(op.urgent() ? urgent : bulk).offer(op)) {
            return false;
        }
        offered.release();
        return true;
    }

    int queued() {
        return urgent.size() + bulk.size();
    }

    /** Lets the thread write what is queued, then end (see {@link #awaitStopped}). */
    void stop() {
        stopping = true;
    }

    /**
     * Waits up to {@code timeout} for the thread to end after {@link #stop}; false if it is still running (a
     * database that does not answer, or a driver that does not come back: the thread is left to it, as a daemon).
     */
    boolean awaitStopped(Duration timeout) throws InterruptedException {
        return thread.join(timeout);
    }

    /** The writer thread's name and where it is now, for a log line about a writer that does not come back. */
    String whereItIs() {
        StringBuilder b = new StringBuilder(name);
        StackTraceElement[] frames = thread.getStackTrace();
        for (int i = 0; i < Math.min(frames.length, 24); i++) {
            b.append("\n\tat ").append(frames[i]);
        }
        return b.toString();
    }

    /** Ops still queued (after the thread ended: those offered in a race with close). */
    List<WriteOp<?>> leftovers() {
        List<WriteOp<?>> rest = new ArrayList<>();
        urgent.drainTo(rest);
        bulk.drainTo(rest);
        return rest;
    }

    @Override
    public void run() {
        List<WriteOp<?>> batch = new ArrayList<>(maxBatch);
        try {
            while (true) {
                if (urgent.isEmpty() && bulk.isEmpty() && !offered.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                    if (stopping) {
                        return;
                    }
                    continue;
                }
                offered.drainPermits();
                urgent.drainTo(batch, maxBatch);
                bulk.drainTo(batch, maxBatch - batch.size());
                if (batch.isEmpty()) {
                    continue;
                }
                flush(batch);
                batch = new ArrayList<>(maxBatch); // the completer owns the previous list now
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            // nothing here is meant to throw (flush turns failures into failed writes): a writer that stops now
            // leaves every later write queued, so say so loudly and let the health check fail the node's readiness
            died = true;
            log.error("store: writer {} stopped; writes queued to it will not be made", name, e);
            throw e;
        } finally {
            closeConnection();
        }
    }

    /** Whether the thread ended on an unexpected throwable (the store is then unhealthy). */
    boolean died() {
        return died;
    }

    /**
     * When (System.nanoTime(), odd) a write failed with no commit succeeding since, or 0: the writer's database
     * refuses its writes (a full disk), or the last write it was given was bad. Either way only a write can tell
     * which, since reads may go on working (see {@code JdbcStore.isHealthy}).
     */
    long failingSince() {
        long failed = lastFailed;
        long committed = lastCommitted;
        return failed != 0 && (committed == 0 || failed - committed > 0) ? failed : 0;
    }

    private static long stamp() {
        return System.nanoTime() | 1;
    }

    private void flush(List<WriteOp<?>> batch) {
        long start = System.nanoTime();
        flushStarted = start == 0 ? 1 : start;
        batchSizes.record(batch.size());
        try {
            applyAndCommit(batch);
            completeAll(batch);
        } catch (SQLException | RuntimeException e) {
            rollback(e);
            if (batch.size() == 1) {
                failAlone(batch.get(0), e);
            } else {
                log.debug("store: batch of {} failed, retrying one by one", batch.size(), e);
                retryOneByOne(batch);
            }
        }
        flushTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        flushStarted = 0;
    }

    /**
     * Whether the thread has been inside one flush (apply, commit, the retries, a rollback) for longer than
     * {@code limit}: a database that stopped answering, or a driver that does not come back (as H2 2.5.252 did,
     * rolling back a transaction its database closed under, before {@link GuardedH2DataSource}). The writes queued
     * behind it wait as long, so the store is then unhealthy.
     */
    boolean stuck(Duration limit) {
        long started = flushStarted;
        return started != 0 && System.nanoTime() - started > limit.toNanos();
    }

    private void retryOneByOne(List<WriteOp<?>> batch) {
        for (int i = 0; i < batch.size(); i++) {
            WriteOp<?> op = batch.get(i);
            try {
                applyAndCommit(List.of(op));
                completeAll(List.of(op));
            } catch (SQLException | RuntimeException e) {
                rollback(e);
                failAlone(op, e);
                if (connection == null) {
                    // the database is gone, not this op: fail the rest at once instead of waiting on each
                    for (WriteOp<?> rest : batch.subList(i + 1, batch.size())) {
                        fail(rest, e);
                    }
                    return;
                }
            }
        }
    }

    private void applyAndCommit(List<WriteOp<?>> ops) throws SQLException {
        if (connection == null) {
            Connection c = dataSource.getConnection();
            try {
                c.setAutoCommit(false);
            } catch (SQLException | RuntimeException e) {
                // not taken on (an H2 database that has closed refuses it): hand it back, try a new one next flush
                try {
                    c.close();
                } catch (SQLException | RuntimeException closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
            connection = c;
            applier = new BatchApplier(c);
            writeOrder = GuardedH2DataSource.writeOrder(c);
        }
        GuardedH2DataSource.writing(writeOrder, () -> {
            applier.apply(ops);
            connection.commit();
            return null;
        });
        lastCommitted = stamp();
        if (brokenSince != 0) {
            log.info("store: writer commits again, {} s after its connection broke",
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - brokenSince));
            brokenSince = 0;
        }
    }

    private void completeAll(List<WriteOp<?>> ops) {
        completer.execute(() -> {
            for (WriteOp<?> op : ops) {
                op.complete();
            }
        });
    }

    /**
     * Fails an op that was written alone: with a {@link RejectedWriteException} when the database rejected its data
     * (SQLState class 22, data exception, or 23, integrity constraint violation: it will fail so every time, and the
     * store is fine, so it does not count as a failing write for the store's health), else as {@link #fail}.
     */
    private void failAlone(WriteOp<?> op, Exception cause) {
        String state = sqlState(cause);
        if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
            failed.increment();
            invalid.increment();
            rejectedLog.log("store: a write was rejected for its data and is given up (SQLState {}): {}", state,
                    cause.getMessage());
            var failure = new io.mgw.core.store.RejectedWriteException("store: write rejected: " + cause.getMessage(),
                    cause);
            completer.execute(() -> op.future.completeExceptionally(failure));
            return;
        }
        fail(op, cause);
    }

    /** The SQLState of the first SQLException in {@code t}'s causes (a batch's own, or the one it wraps). */
    static String sqlState(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.sql.SQLException sql) {
                for (java.sql.SQLException n = sql; n != null; n = n.getNextException()) {
                    if (n.getSQLState() != null && !n.getSQLState().startsWith("HY")) {
                        return n.getSQLState();
                    }
                }
                if (sql.getSQLState() != null) {
                    return sql.getSQLState();
                }
            }
        }
        return null;
    }

    private void fail(WriteOp<?> op, Exception cause) {
        lastFailed = stamp();
        failed.increment();
        var failure = new TemporaryFailureException("store: write failed: " + cause.getMessage(), cause);
        completer.execute(() -> op.future.completeExceptionally(failure));
    }

    /** A rollback writes to the database too (it undoes the batch's changes): in the write order. */
    private void rollbackInWriteOrder() throws SQLException {
        GuardedH2DataSource.writing(writeOrder, () -> {
            connection.rollback();
            return null;
        });
    }

    /** Rolls back; drops the connection when it is broken (or the rollback fails) so the next flush takes a new one. */
    private void rollback(Exception cause) {
        if (connection == null) {
            return;
        }
        boolean broken = cause instanceof SQLException sql && sql.getSQLState() != null
                && sql.getSQLState().startsWith("08");
        try {
            rollbackInWriteOrder();
            if (!broken && !connection.isValid(2)) {
                broken = true;
            }
        } catch (SQLException e) {
            broken = true;
        }
        if (broken) {
            // once per outage at WARN: a database that stays away (a full disk) breaks every new connection too
            if (brokenSince == 0) {
                brokenSince = stamp();
                log.warn("store: writer connection broken, reconnecting (until a commit succeeds, further breaks are "
                        + "logged at DEBUG): {}", cause.toString());
            } else {
                log.debug("store: writer connection broken again, reconnecting: {}", cause.toString());
            }
            closeConnection();
        }
    }

    private void closeConnection() {
        if (connection == null) {
            return;
        }
        applier.close();
        // a driver whose database is gone may throw anything here: the connection is dropped either way
        try {
            rollbackInWriteOrder();
        } catch (SQLException | RuntimeException e) {
            log.debug("store: rollback before closing the writer connection", e);
        }
        try {
            connection.close();
        } catch (SQLException | RuntimeException e) {
            log.debug("store: closing writer connection", e);
        }
        connection = null;
        applier = null;
        writeOrder = null;
    }
}
