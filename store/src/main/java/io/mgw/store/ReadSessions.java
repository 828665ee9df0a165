package io.mgw.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.api.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connections kept open with their prepared statements, for the reads made once or more per message (find,
 * correlation lookup, submitted check). Taking a pooled connection and preparing the statement for every read made
 * H2 parse and plan each query again (its per-session query cache did not hold them): about a fifth of the egress
 * thread's time in {@code bench/run-e2e-bench.sh}.
 *
 * <p>A read borrows an idle session (or opens one), runs, and gives it back; at most {@code maxIdle} sessions are
 * kept, the rest are closed after use. A session whose read failed is closed, never reused, so a broken connection
 * is replaced by the next read (or at once, see {@link #read}). Connections are in auto-commit mode, so each query
 * sees every committed write.
 */
final class ReadSessions implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReadSessions.class);

    /** A read on one session; may throw the driver's exceptions. */
    @FunctionalInterface
    interface Read<T> {
        T run(Session session) throws SQLException;
    }

    /** One open connection and the statements prepared on it so far. Used by one thread at a time. */
    static final class Session {
        private final Connection connection;
        private final Map<String, PreparedStatement> statements = new HashMap<>();

        private Session(Connection connection) {
            this.connection = connection;
        }

        /** The statement for {@code sql}, prepared on first use; its parameters are whatever the last read set. */
        PreparedStatement prepare(String sql) throws SQLException {
            PreparedStatement ps = statements.get(sql);
            if (ps == null) {
                ps = connection.prepareStatement(sql);
                statements.put(sql, ps);
            }
            return ps;
        }

        private void close() {
            try {
                connection.close(); // closes its statements too
            } catch (SQLException e) {
                log.debug("store: closing a read session", e);
            }
        }
    }

    private final DataSource dataSource;
    private final int maxIdle;
    private final ConcurrentLinkedDeque<Session> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private volatile boolean closed;

    ReadSessions(DataSource dataSource, int maxIdle) {
        if (maxIdle < 0) {
            throw new IllegalArgumentException("maxIdle: " + maxIdle + " (expected: >= 0)");
        }
        this.dataSource = dataSource;
        this.maxIdle = maxIdle;
    }

    /**
     * Runs {@code read} on a kept session, or a new one. When a kept session's connection turns out to be gone (an H2
     * database that closed and was opened again, a PostgreSQL connection the server dropped), the read runs once more
     * on a new session: a read changes nothing, and the caller should not see a failure of a connection it never chose.
     */
    <T> T read(Read<T> read) throws SQLException {
        Session kept = idle.pollFirst();
        if (kept != null) {
            idleCount.decrementAndGet();
            try {
                return runOn(kept, read);
            } catch (SQLException e) {
                if (!connectionGone(e)) {
                    throw e;
                }
                log.debug("store: a kept read session's connection is gone; reading on a new one", e);
            }
        }
        Connection c = dataSource.getConnection();
        if (!c.getAutoCommit()) {
            c.setAutoCommit(true);
        }
        return runOn(new Session(c), read);
    }

    /** Whether {@code e} says the connection is unusable rather than the read wrong (SQLState class 08, H2's 90098). */
    static boolean connectionGone(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLNonTransientConnectionException || e instanceof SQLTransientConnectionException
                || (state != null && state.startsWith("08")) || e.getErrorCode() == ErrorCode.DATABASE_IS_CLOSED;
    }

    private <T> T runOn(Session s, Read<T> read) throws SQLException {
        boolean ok = false;
        try {
            T result = read.run(s);
            ok = true;
            return result;
        } finally {
            giveBack(s, ok);
        }
    }

    private void giveBack(Session s, boolean healthy) {
        if (healthy && !closed && idleCount.incrementAndGet() <= maxIdle) {
            idle.addFirst(s);
            if (closed && idle.remove(s)) { // close() ran meanwhile and may have missed it
                idleCount.decrementAndGet();
                s.close();
            }
            return;
        }
        if (healthy && !closed) {
            idleCount.decrementAndGet();
        }
        s.close();
    }

    /** Sessions kept open now. */
    int idle() {
        return idleCount.get();
    }

    @Override
    public void close() {
        closed = true;
        Session s;
        while ((s = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            s.close();
        }
    }
}
