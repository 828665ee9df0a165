package io.mgw.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.spi.TemporaryFailureException;
import io.mgw.core.store.Fragment;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.SQLNonTransientConnectionException;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The group-commit writer's own behaviour: back-pressure when the queue is full, one bad write failing alone in a
 * batch, database failures reported as {@link TemporaryFailureException}, and its metrics. Uses an in-memory H2
 * behind a data source the test can hold up or break.
 */
class GroupCommitTest {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    private final GateDataSource gate = new GateDataSource();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private JdbcStore store;

    @BeforeEach
    void createDatabase() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:groupcommit" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1"
                + JdbcStore.H2_OPTIONS);
        gate.target = h2;
    }

    @AfterEach
    void closeStore() {
        gate.release();
        if (store != null) {
            store.close();
        }
    }

    private void open(int queueCapacity, int maxBatch) {
        store = JdbcStore.open(gate, "h2", meters, InstantSource.fixed(T0),
                new JdbcStore.WriteSettings(1, queueCapacity, maxBatch));
    }

    private static MessageId id(int n) {
        return new MessageId((T0.toEpochMilli() << 16) | 1, n);
    }

    /** Holds the writer inside getConnection (its first connection is taken lazily, on its first batch). */
    private void holdWriter() {
        gate.hold();
    }

    @Test
    void aFullQueueRefusesWritesAtOnce() throws Exception {
        open(2, 10);
        holdWriter();
        CompletableFuture<Boolean> first = store.markSubmitted(id(1), "c", 1).toCompletableFuture();
        gate.awaitHeld();
        // the writer took the first write and is held; the queue holds two more
        var queued = List.of(store.markSubmitted(id(2), "c", 1).toCompletableFuture(),
                store.markSubmitted(id(3), "c", 1).toCompletableFuture());

        CompletableFuture<Boolean> refused = store.markSubmitted(id(4), "c", 1).toCompletableFuture();

        assertThat(refused).isCompletedExceptionally();
        assertThat(refused).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(TemporaryFailureException.class).withMessageContaining("queue full");
        assertThat(meters.get("gateway.store.write.rejected").counter().count()).isEqualTo(1);
        assertThat(meters.get("gateway.store.write.queue").gauge().value()).isEqualTo(2);

        gate.release();
        assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
        for (var q : queued) {
            assertThat(q.get(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(store.isSubmitted(id(4), "c", 1)).isFalse();
    }

    @Test
    void queuedWritesAreCommittedInOneBatch() throws Exception {
        open(1000, 1000);
        holdWriter();
        CompletableFuture<Boolean> first = store.markSubmitted(id(0), "c", 1).toCompletableFuture();
        gate.awaitHeld();
        List<CompletableFuture<Boolean>> rest = new ArrayList<>();
        for (int i = 1; i <= 300; i++) {
            rest.add(store.markSubmitted(id(i), "c", 1).toCompletableFuture());
        }

        gate.release();

        first.get(10, TimeUnit.SECONDS);
        CompletableFuture.allOf(rest.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        var batches = meters.get("gateway.store.write.batch").summary();
        assertThat(batches.count()).isEqualTo(2);
        assertThat(batches.max()).isEqualTo(300);
        // the flush time is recorded after the stages are handed to the completer, so it may come a moment later
        await().atMost(Duration.ofSeconds(10))
                .until(() -> meters.get("gateway.store.write.flush").timer().count() == 2);
    }

    @Test
    void receiptWritesGoAheadOfQueuedRoutingWrites() throws Exception {
        open(1000, 100);
        holdWriter();
        var first = store.markSubmitted(id(0), "c", 1).toCompletableFuture();
        gate.awaitHeld();
        var completed = new java.util.concurrent.ConcurrentLinkedQueue<String>();
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (int i = 1; i <= 300; i++) {
            String label = "bulk-" + i;
            all.add(store.markSubmitted(id(i), "c", 1).toCompletableFuture().thenRun(() -> completed.add(label)));
        }
        // a receipt's result, queued after three batches' worth of routing writes
        all.add(store.appendEvent(id(1), new io.mgw.core.model.MessageEvent(T0, io.mgw.core.model.EventType.REPORT,
                MessageStatus.DELIVERED, "c", "receipt")).toCompletableFuture()
                .thenRun(() -> completed.add("receipt")));
        // a non-receipt event takes its turn in the bulk lane
        all.add(store.appendEvent(id(2), new io.mgw.core.model.MessageEvent(T0, io.mgw.core.model.EventType.EXPIRED,
                MessageStatus.EXPIRED, "c", "sweeper")).toCompletableFuture()
                .thenRun(() -> completed.add("sweeper")));

        gate.release();

        first.get(10, TimeUnit.SECONDS);
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        List<String> order = List.copyOf(completed);
        // the first batch after the held one holds the receipt and the first 99 routing writes
        assertThat(order.indexOf("receipt")).isLessThan(order.indexOf("bulk-100"));
        assertThat(order.indexOf("sweeper")).isGreaterThan(order.indexOf("bulk-300"));
        assertThat(store.find(id(1))).isEmpty(); // events only; the message itself was never recorded
        assertThat(meters.get("gateway.store.write.batch").summary().count()).isEqualTo(5);
    }

    @Test
    void writesInOneBatchTakeEffectInCallOrder() throws Exception {
        open(1000, 1000);
        holdWriter();
        var first = store.markSubmitted(id(0), "c", 1).toCompletableFuture();
        gate.awaitHeld();
        // all of these wait in the queue and are applied in one batch
        var frag1 = store.saveFragment(new Fragment("k", 1, 2, new byte[] {1}, T0)).toCompletableFuture();
        var delete = store.deleteFragments("k").toCompletableFuture();
        var frag2 = store.saveFragment(new Fragment("k", 2, 2, new byte[] {2}, T0)).toCompletableFuture();
        var mark1 = store.markSubmitted(id(1), "c", 1).toCompletableFuture();
        var mark2 = store.markSubmitted(id(1), "c", 1).toCompletableFuture();
        var part1 = store.recordPartOutcome(id(2), 1, 2, MessageStatus.DELIVERED).toCompletableFuture();
        var part2 = store.recordPartOutcome(id(2), 2, 2, MessageStatus.EXPIRED).toCompletableFuture();

        gate.release();

        CompletableFuture.allOf(first, frag1, delete, frag2, mark1, mark2, part1, part2).get(10, TimeUnit.SECONDS);
        assertThat(meters.get("gateway.store.write.batch").summary().max()).isEqualTo(7);
        assertThat(store.fragments("k")).extracting(Fragment::sequence).containsExactly(2);
        assertThat(mark1.get()).isTrue();
        assertThat(mark2.get()).isFalse();
        assertThat(part1.get().complete()).isFalse();
        assertThat(part2.get().complete()).isTrue();
        assertThat(part2.get().overall()).isEqualTo(MessageStatus.EXPIRED);
    }

    @Test
    void aBadWriteFailsAloneAndTheRestOfItsBatchCommits() throws Exception {
        open(1000, 1000);
        holdWriter();
        CompletableFuture<Boolean> first = store.markSubmitted(id(0), "c", 1).toCompletableFuture();
        gate.awaitHeld();
        var before = store.markSubmitted(id(1), "c", 1).toCompletableFuture();
        // a null payload breaks the NOT NULL constraint: only this write can fail
        var bad = store.saveFragment(new Fragment("k", 1, 2, null, T0)).toCompletableFuture();
        var after = store.recordPartOutcome(id(2), 1, 1, MessageStatus.DELIVERED).toCompletableFuture();

        gate.release();

        assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(before.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(after.get(10, TimeUnit.SECONDS).complete()).isTrue();
        // rejected for its data: trying it again would fail the same way
        assertThat(bad).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(io.mgw.core.store.RejectedWriteException.class);
        assertThat(meters.get("gateway.store.write.failed").counter().count()).isEqualTo(1);
        assertThat(meters.get("gateway.store.write.invalid").counter().count()).isEqualTo(1);
        assertThat(store.isSubmitted(id(1), "c", 1)).isTrue();
        assertThat(store.fragments("k")).isEmpty();
    }

    @Test
    void anUnreachableDatabaseFailsWritesAndTheWriterRecovers() throws Exception {
        open(1000, 1000);
        gate.broken.set(true);

        var failed = store.markSubmitted(id(1), "c", 1).toCompletableFuture();

        assertThat(failed).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(TemporaryFailureException.class);
        gate.broken.set(false);
        assertThat(store.markSubmitted(id(1), "c", 1).toCompletableFuture().get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aConnectionThatCannotBeSetUpFailsTheWriteAndTheWriterRecovers() throws Exception {
        open(1000, 1000);
        gate.setupFails.set(true); // what a pooled connection to an H2 database that closed under it does

        var failed = store.markSubmitted(id(1), "c", 1).toCompletableFuture();

        assertThat(failed).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(TemporaryFailureException.class);
        gate.setupFails.set(false);
        // before: the writer ended on a NullPointerException dropping the half set-up connection, and this waited
        assertThat(store.markSubmitted(id(1), "c", 1).toCompletableFuture().get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(store.isHealthy()).isTrue();
    }

    @Test
    void writesRefusedByADatabaseThatStillAnswersMakeTheStoreUnhealthyUntilAWriteSucceeds() throws Exception {
        open(10, 10);
        assertThat(store.isHealthy()).isTrue();
        // as PostgreSQL on a full disk: every commit fails, the connection stays valid and SELECT 1 answers
        gate.commitsFail.set(true);

        var refused = store.markSubmitted(id(1), "c", 1).toCompletableFuture();

        assertThat(refused).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(TemporaryFailureException.class);
        assertThat(store.isHealthy()).as("while the database refuses writes").isFalse();
        assertThat(store.isHealthy()).as("asked again: the probe write fails too").isFalse();
        gate.commitsFail.set(false);
        // no write of the gateway's has come since: the health check's own probe write finds the database back
        assertThat(store.isHealthy()).as("once a write can be made again").isTrue();
        assertThat(store.mark(JdbcStore.HEALTH_PROBE_MARK)).isPresent();
    }

    @Test
    void oneBadWriteAloneDoesNotMakeTheStoreUnhealthy() throws Exception {
        open(10, 10);
        // a null payload breaks the NOT NULL constraint: the write fails, the database is fine
        var bad = store.saveFragment(new Fragment("k", 1, 2, null, T0)).toCompletableFuture();

        assertThat(bad).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(io.mgw.core.store.RejectedWriteException.class);
        // a write rejected for its data says nothing about the store: its writes are not refused
        assertThat(store.writesRefused()).isFalse();
        assertThat(store.isHealthy()).isTrue();
    }

    @Test
    void healthIsFalseWhenTheDatabaseDoesNotAnswer() {
        open(10, 10);
        assertThat(store.isHealthy()).isTrue();

        gate.broken.set(true);

        assertThat(store.isHealthy()).isFalse();
    }

    @Test
    void aWriterStoppedByAnUnexpectedErrorMakesTheStoreUnhealthy() {
        open(10, 10);
        assertThat(store.isHealthy()).isTrue();
        gate.fatal.set(true);

        store.markSubmitted(id(1), "c", 1);

        // the writer thread ends on the error (rethrown, so it is not swallowed): readiness must see it
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(10)).until(() -> !store.isHealthy());
        gate.fatal.set(false);
        assertThat(store.isHealthy()).isFalse();
    }

    @Test
    void aWriterHeldInOneFlushCountsAsStuckUntilItComesBack() throws Exception {
        open(10, 10);
        holdWriter();
        var write = store.markSubmitted(id(1), "c", 1).toCompletableFuture();
        gate.awaitHeld();

        await().atMost(Duration.ofSeconds(10)).until(() -> store.writersStuckOrDead(Duration.ofMillis(200)));

        gate.release();
        assertThat(write.get(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> !store.writersStuckOrDead(Duration.ofMillis(200)));
    }

    @Test
    void aCloseDoesNotWaitForEverForAWriterThatDoesNotComeBack() throws Exception {
        open(10, 10);
        holdWriter();
        var inHand = store.markSubmitted(id(1), "c", 1).toCompletableFuture();
        gate.awaitHeld();
        var queued = store.markSubmitted(id(2), "c", 1).toCompletableFuture();

        // before: the close joined the writer thread without a limit, and a node whose database hung never stopped
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> store.close(Duration.ofMillis(200)));

        assertThat(queued).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(TemporaryFailureException.class).withMessageContaining("store: closed");
        assertThat(inHand).as("the write in the stuck writer's hands is not answered").isNotDone();
        gate.release();
    }

    @Test
    void callbacksDoNotRunOnTheWriterThread() throws Exception {
        open(10, 10);
        holdWriter(); // so the callback is attached before the write completes (else it runs on this thread)
        var thread = store.markSubmitted(id(1), "c", 1).thenApply(x -> Thread.currentThread().getName());
        gate.awaitHeld();
        gate.release();

        assertThat(thread.toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo("mgw-store-complete");
    }

    @Test
    void writeSettingsAreChecked() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new JdbcStore.WriteSettings(0, 10, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("writers: 0");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new JdbcStore.WriteSettings(2, 1, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queueCapacity");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new JdbcStore.WriteSettings(1, 10, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBatch");
    }

    /** A data source that can hold callers in getConnection until released, or fail them. */
    static final class GateDataSource implements DataSource {
        volatile DataSource target;
        final AtomicBoolean broken = new AtomicBoolean();
        /** While set, getConnection throws an Error: a driver failing in a way nobody planned for. */
        final AtomicBoolean fatal = new AtomicBoolean();
        /** While set, the connections handed out refuse setAutoCommit, as on a database that has closed. */
        final AtomicBoolean setupFails = new AtomicBoolean();
        /** While set, every connection's commit fails and nothing else does, as on PostgreSQL with a full disk. */
        final AtomicBoolean commitsFail = new AtomicBoolean();
        private volatile CountDownLatch open = new CountDownLatch(0);
        private final AtomicInteger held = new AtomicInteger();

        void hold() {
            open = new CountDownLatch(1);
        }

        void awaitHeld() {
            await().atMost(Duration.ofSeconds(10)).until(() -> held.get() > 0);
        }

        void release() {
            open.countDown();
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (broken.get()) {
                throw new SQLTransientConnectionException("test: database unreachable", "08001");
            }
            if (fatal.get()) {
                throw new AssertionError("test: a driver's unexpected error");
            }
            CountDownLatch latch = open;
            if (latch.getCount() > 0) {
                held.incrementAndGet();
                try {
                    latch.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted", e);
                }
            }
            Connection c = failingCommits(target.getConnection());
            return setupFails.get() ? refusingSetup(c) : c;
        }

        private Connection failingCommits(Connection c) {
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        if (method.getName().equals("commit") && commitsFail.get()) {
                            throw new SQLException("test: could not extend file: No space left on device", "53100");
                        }
                        try {
                            return method.invoke(c, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        private static Connection refusingSetup(Connection c) {
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        if (method.getName().equals("setAutoCommit")) {
                            throw new SQLNonTransientConnectionException("test: database closed", "90098", 90098);
                        }
                        try {
                            return method.invoke(c, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {}

        @Override
        public void setLoginTimeout(int seconds) {}

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
