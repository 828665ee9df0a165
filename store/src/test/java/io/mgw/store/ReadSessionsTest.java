package io.mgw.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReadSessionsTest {

    private final AtomicInteger opened = new AtomicInteger();
    private JdbcDataSource h2;
    private Connection keepAlive;
    private javax.sql.DataSource counting;

    @BeforeEach
    void setUp() throws SQLException {
        h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:reads" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        keepAlive = h2.getConnection();
        try (Statement st = keepAlive.createStatement()) {
            st.execute("CREATE TABLE t (v INT)");
        }
        counting = (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {javax.sql.DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection") && (args == null || args.length == 0)) {
                        opened.incrementAndGet();
                    }
                    return method.invoke(h2, args);
                });
    }

    @AfterEach
    void tearDown() throws SQLException {
        keepAlive.close();
    }

    private static int count(ReadSessions.Session s) throws SQLException {
        try (ResultSet rs = s.prepare("SELECT COUNT(*) FROM t").executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void aSessionIsReusedWithItsStatement() throws SQLException {
        try (ReadSessions reads = new ReadSessions(counting, 2)) {
            List<Object> statements = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                reads.read(s -> statements.add(s.prepare("SELECT COUNT(*) FROM t")));
            }

            assertThat(opened).hasValue(1);
            assertThat(statements).containsOnly(statements.get(0));
        }
    }

    @Test
    void aReadSeesWritesCommittedAfterTheSessionWasOpened() throws SQLException {
        try (ReadSessions reads = new ReadSessions(counting, 2)) {
            assertThat(reads.read(ReadSessionsTest::count)).isZero();
            try (Statement st = keepAlive.createStatement()) {
                st.execute("INSERT INTO t VALUES (1)");
            }

            assertThat(reads.read(ReadSessionsTest::count)).isEqualTo(1);
        }
    }

    @Test
    void aSessionWhoseReadFailedIsClosedNotReused() throws SQLException {
        try (ReadSessions reads = new ReadSessions(counting, 2)) {
            List<Connection> sessions = new ArrayList<>();
            reads.read(s -> sessions.add(s.prepare("SELECT 1").getConnection()));
            assertThatThrownBy(() -> reads.read(s -> {
                s.prepare("SELECT * FROM no_such_table");
                return null;
            })).isInstanceOf(SQLException.class);

            reads.read(s -> sessions.add(s.prepare("SELECT 1").getConnection()));

            assertThat(opened).hasValue(2);
            assertThat(sessions.get(0).isClosed()).isTrue();
            assertThat(sessions.get(1)).isNotSameAs(sessions.get(0));
        }
    }

    @Test
    void aReadOnAKeptSessionWhoseDatabaseClosedRunsAgainOnANewSession() throws SQLException {
        try (ReadSessions reads = new ReadSessions(counting, 2)) {
            assertThat(reads.read(ReadSessionsTest::count)).isZero();
            try (Statement st = keepAlive.createStatement()) {
                st.execute("SHUTDOWN"); // the kept session's connection is now to a closed database
            }
            keepAlive = h2.getConnection(); // opens the in-memory database afresh
            try (Statement st = keepAlive.createStatement()) {
                st.execute("CREATE TABLE t (v INT)");
                st.execute("INSERT INTO t VALUES (1)");
            }

            assertThat(reads.read(ReadSessionsTest::count)).isEqualTo(1);
            assertThat(opened).hasValue(2);
        }
    }

    @Test
    void noMoreThanMaxIdleSessionsAreKept() throws Exception {
        int concurrent = 4;
        ExecutorService pool = Executors.newFixedThreadPool(concurrent);
        try (ReadSessions reads = new ReadSessions(counting, 1)) {
            CountDownLatch allIn = new CountDownLatch(concurrent);
            List<Future<Integer>> done = new ArrayList<>();
            for (int i = 0; i < concurrent; i++) {
                done.add(pool.submit(() -> reads.read(s -> {
                    allIn.countDown();
                    try {
                        allIn.await(10, TimeUnit.SECONDS); // all four hold a session at once
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return count(s);
                })));
            }
            for (Future<Integer> f : done) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isZero();
            }

            assertThat(opened).hasValue(concurrent);
            assertThat(reads.idle()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closeClosesTheIdleSessions() throws SQLException {
        ReadSessions reads = new ReadSessions(counting, 2);
        Connection c = reads.read(s -> s.prepare("SELECT 1").getConnection());

        reads.close();

        assertThat(c.isClosed()).isTrue();
        assertThat(reads.idle()).isZero();
    }
}
