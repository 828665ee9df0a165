package io.mgw.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.mgw.testkit.store.FullDiskFileSystem;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link GuardedH2DataSource}'s connections do when their transaction is open as H2 closes the database after a
 * failed file write: refuse commit and rollback at once, and close without running anything. Pooled by HikariCP as
 * {@link JdbcStore} pools them; the disk fills through {@link FullDiskFileSystem}. In this single-threaded
 * arrangement H2 itself happens to fail those calls (general error 50000) rather than loop in
 * {@code MVStore.registerVersionUsage}; the loop needs the concurrent writes of a node under traffic, and
 * {@code StoreDiskFullIT} is the test that the store writer comes through it.
 */
class GuardedH2DataSourceTest {

    @TempDir
    Path dir;

    private String url;

    private HikariDataSource pool;

    @BeforeEach
    void openPool() {
        HikariConfig hc = new HikariConfig();
        url = FullDiskFileSystem.url(dir.resolve("db")) + JdbcStore.H2_OPTIONS;
        hc.setDataSource(new GuardedH2DataSource(url, "sa", ""));
        hc.setMaximumPoolSize(3);
        hc.setExceptionOverrideClassName(H2ClosedDatabaseEviction.class.getName());
        pool = new HikariDataSource(hc);
    }

    @AfterEach
    void tearDown() {
        FullDiskFileSystem.setFull(false);
        pool.close();
    }

    /**
     * The store writer's situation in a node whose disk fills: its transaction is open (a row inserted, not
     * committed) when another connection's write fails and H2 closes the database.
     */
    private Connection writerCaughtByAClosedDatabase() throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v VARCHAR)");
            s.execute("INSERT INTO t VALUES (1, 'kept')");
        }
        Connection writer = pool.getConnection();
        writer.setAutoCommit(false);
        try (Statement s = writer.createStatement()) {
            s.execute("INSERT INTO t VALUES (2, 'open')");
        }
        closeTheDatabaseByAFailedWrite();
        assertThat(GuardedH2DataSource.databaseClosed(writer.unwrap(GuardedH2DataSource.GuardedConnection.class)))
                .isTrue();
        return writer;
    }

    /** Fills the disk and has another connection write enough for H2 to write a chunk: it fails, H2 closes. */
    private void closeTheDatabaseByAFailedWrite() throws SQLException {
        FullDiskFileSystem.setFull(true);
        try (Connection other = pool.getConnection(); Statement s = other.createStatement()) {
            String bulk = "INSERT INTO t SELECT \"X\" + 10, SPACE(1000) FROM SYSTEM_RANGE(1, 2000)";
            assertThatThrownBy(() -> s.execute(bulk)).hasMessageContaining("Writing to");
        }
    }

    /**
     * HikariCP rolls back a connection with uncommitted work as it takes it back: refused here, so the pool evicts
     * the connection (throwing the refusal if it had not evicted it before) and closes it, which runs nothing.
     */
    private static void closeReturns(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            assertThat(e.getErrorCode()).isEqualTo(H2ClosedDatabaseEviction.DATABASE_IS_CLOSED);
        }
    }

    @Test
    void thePoolsShutdownWaitsForAConnectionItIsAdding() {
        GuardedH2DataSource guarded = new GuardedH2DataSource(url, "sa", "");
        HikariConfig hc = new HikariConfig();
        hc.setDataSource(guarded);
        hc.setConnectionTimeout(5_000);

        try (HikariDataSource other = new HikariDataSource(hc)) {
            // HikariCP sets it from the connection timeout and waits that long at shutdown for a connection being
            // added; a data source that answered 0 (as this one did) had it not wait, and the database opened again
            // after the store's close
            assertThat(guarded.getLoginTimeout()).isEqualTo(5);
        }
    }

    @Test
    void commitAndRollbackOnAClosedDatabaseFailAtOnceAndCloseReturns() throws Exception {
        Connection writer = writerCaughtByAClosedDatabase();
        var h2 = writer.unwrap(GuardedH2DataSource.GuardedConnection.class);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertThatThrownBy(writer::commit).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(90098));
            assertThatThrownBy(writer::rollback).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> writer.setAutoCommit(true)).isInstanceOf(SQLException.class);
            closeReturns(writer);
        });
        assertThat(writer.isClosed()).isTrue();
        // evicted and closed by the pool: the session detached, so H2's own close ran nothing
        await().atMost(Duration.ofSeconds(10)).until(h2::isClosed);
    }

    /**
     * The writer's next batch on its open transaction, and any statement on such a session: each is refused before H2
     * runs it (H2 would register the statement with the closed store first, the call that can loop). The connection
     * is not pooled here, so that no eviction closes it between the calls and each call meets the guard.
     */
    @Test
    void statementsOnAClosedDatabaseAreRefusedBeforeTheyRun() throws Exception {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v VARCHAR)");
        }
        Connection writer = new GuardedH2DataSource(url, "sa", "").getConnection();
        writer.setAutoCommit(false);
        PreparedStatement batch = writer.prepareStatement("INSERT INTO t VALUES (?, ?)");
        batch.setLong(1, 1);
        batch.setString(2, "open");
        batch.executeUpdate();
        batch.setLong(1, 2);
        batch.addBatch();
        Statement plain = writer.createStatement();
        closeTheDatabaseByAFailedWrite();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertThatThrownBy(batch::executeBatch).satisfies(GuardedH2DataSourceTest::databaseIsClosed);
            assertThatThrownBy(batch::executeUpdate).satisfies(GuardedH2DataSourceTest::databaseIsClosed);
            assertThatThrownBy(() -> batch.setLong(1, 3)).satisfies(GuardedH2DataSourceTest::databaseIsClosed);
            assertThatThrownBy(() -> plain.executeQuery("SELECT COUNT(*) FROM t"))
                    .satisfies(GuardedH2DataSourceTest::databaseIsClosed);
            assertThatThrownBy(() -> writer.prepareStatement("SELECT 1"))
                    .satisfies(GuardedH2DataSourceTest::databaseIsClosed);
            assertThat(writer.isValid(1)).as("the pool's validity check").isFalse();
            writer.close();
        });
        assertThat(writer.isClosed()).isTrue();
    }

    private static void databaseIsClosed(Throwable e) {
        assertThat(e).isInstanceOf(SQLException.class);
        assertThat(((SQLException) e).getErrorCode()).isEqualTo(H2ClosedDatabaseEviction.DATABASE_IS_CLOSED);
    }

    @Test
    void onceTheDiskHasRoomNewConnectionsOpenTheDatabaseAtItsLastCommit() throws Exception {
        Connection writer = writerCaughtByAClosedDatabase();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> closeReturns(writer));
        FullDiskFileSystem.setFull(false);
        // the pool's other connections to the closed database fail once each and are evicted
        List<Long> ids = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            ids.clear();
            try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT id FROM t ORDER BY id")) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        });
        assertThat(ids).as("the committed row, not the one whose transaction was open").containsExactly(1L);
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO t VALUES (3, 'after')");
            }
            c.commit();
        }
    }

    @Test
    void onAnOpenDatabaseTheConnectionsBehaveAsH2s() throws Exception {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE u (id BIGINT)");
                s.execute("INSERT INTO u VALUES (1)");
            }
            c.commit();
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO u VALUES (2)");
            }
            c.rollback();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM u")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
            assertThat(GuardedH2DataSource.databaseClosed(c.unwrap(GuardedH2DataSource.GuardedConnection.class)))
                    .isFalse();
        }
    }
}
