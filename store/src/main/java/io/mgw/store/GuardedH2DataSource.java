package io.mgw.store;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.h2.api.ErrorCode;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.message.DbException;
import org.h2.util.CloseWatcher;
import org.slf4j.LoggerFactory;

/**
 * Connections to an embedded H2 database that never run a statement on a session whose database closed under it.
 *
 * <p>H2 (2.5.252) closes its database when a write to the file fails (a full disk). A session whose transaction was
 * open at that moment keeps it, and every later statement on that session loops for ever in
 * {@code MVStore.registerVersionUsage}: one core at 100%, and the caller never comes back. The COMMIT and ROLLBACK
 * that JDBC's {@code commit()}, {@code rollback()} and {@code close()} run are such statements, and so is HikariCP's
 * rollback when it closes or takes back a connection with uncommitted work. The store writer's connection is in
 * exactly that state after a COMMIT that failed on a full disk (seen in {@code StoreDiskFullIT}: the writer hung, the
 * node needed a restart).
 *
 * <p>The connections handed out here check the state of their database first: on a closed one, every statement
 * (H2 asks the connection's {@code checkClosed} before each one it prepares or runs), {@code commit},
 * {@code rollback} and {@code setAutoCommit} fail at once with H2's "database is closed" (90098, which
 * {@link H2ClosedDatabaseEviction} has the pool evict), and {@code close} detaches the session before closing, so
 * H2's own close runs nothing (the session goes with its closed database; H2's close watcher is told to forget it,
 * or it would close it later from whichever thread opens the next connection). The next connection opens the
 * database anew. The detaching reads and writes two private fields of {@link JdbcConnection}; should a later H2
 * change them, the connection is left open instead (a pool slot lost, no thread spinning) and an error logged,
 * and {@code GuardedH2DataSourceTest} fails.
 *
 * <p>The same failure can deadlock H2: the thread whose write failed holds the store's lock while it shuts the
 * database down, and waits for the database's monitor; a thread that starts a query at that moment sees the shutdown
 * begun, takes that monitor to close the files, and waits for the store's lock. Only writes write to the file, so
 * every write on these connections (the store writer's batches and commits, the store's few writes of its own) runs
 * holding the database's monitor first ({@link #writing}): the shutdown then finds it already held, and the reader
 * waits for the write to end instead of for ever. Queries do not take that monitor (H2 takes it to open and close
 * sessions, for DDL and for the shutdown), so reads go on beside the writes as before.
 */
final class GuardedH2DataSource implements DataSource {

    private static final org.slf4j.Logger log = LoggerFactory.getLogger(GuardedH2DataSource.class);

    private final String url;
    private final String user;
    private final String password;
    private volatile int loginTimeout;

    GuardedH2DataSource(String url, String user, String password) {
        this.url = requireNonNull(url, "url");
        this.user = requireNonNull(user, "user");
        this.password = requireNonNull(password, "password");
    }

    @Override
    public Connection getConnection() throws SQLException {
        return getConnection(user, password);
    }

    @Override
    public Connection getConnection(String username, String pw) throws SQLException {
        Properties info = new Properties();
        info.setProperty("user", username);
        info.setProperty("password", pw);
        return new GuardedConnection(url, info);
    }

    /** Work on a connection that may write to the database file. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run() throws SQLException;
    }

    /**
     * What to hold while writing on {@code c} ({@link #writing}): the H2 database of one of these connections, whose
     * monitor H2 takes when it shuts the database down after a failed write; null for any other connection.
     */
    static Object writeOrder(Connection c) {
        try {
            if (c.isWrapperFor(GuardedConnection.class)
                    && c.unwrap(GuardedConnection.class).getSession() instanceof SessionLocal s) {
                return s.getDatabase();
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("store: no write order for a connection", e);
        }
        return null;
    }

    /** Runs {@code work}, a write, holding {@code order}'s monitor (see the class comment); just runs it for null. */
    static <T> T writing(Object order, SqlWork<T> work) throws SQLException {
        if (order == null) {
            return work.run();
        }
        synchronized (order) {
            return work.run();
        }
    }

    /**
     * {@code ps.executeUpdate()} in the write order of {@code ps}'s connection: for every write the store makes
     * outside its writer thread (a write that skips it can deadlock an H2 database whose file write fails).
     */
    static int executeUpdate(PreparedStatement ps) throws SQLException {
        return writing(writeOrder(ps.getConnection()), ps::executeUpdate);
    }

    /** Whether {@code c} is an H2 connection whose database has closed; false if its state cannot be read. */
    static boolean databaseClosed(JdbcConnection c) {
        try {
            return c.getSession() instanceof SessionLocal s && s.getDatabase().getStore().getMvStore().isClosed();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** An H2 connection that runs no statement once its database has closed. */
    static final class GuardedConnection extends JdbcConnection {

        GuardedConnection(String url, Properties info) throws SQLException {
            super(url, info, null, null, false);
        }

        /**
         * H2 calls this before every statement it prepares or runs and every parameter it sets, on the connection and
         * on its statements, and first thing in {@code commit}, {@code rollback} and {@code setAutoCommit}: refusing
         * here keeps any statement off a session whose database closed (its transaction could have been opened before
         * the close). H2 turns the exception into an SQLException with code 90098.
         */
        @Override
        protected void checkClosed() {
            super.checkClosed();
            if (databaseClosed(this)) {
                throw DbException.get(ErrorCode.DATABASE_IS_CLOSED);
            }
        }

        /** Nothing to clear on a closed database; HikariCP calls this as it takes a connection back. */
        @Override
        public void clearWarnings() throws SQLException {
            if (!databaseClosed(this)) {
                super.clearWarnings();
            }
        }

        @Override
        public synchronized void close() throws SQLException {
            if (databaseClosed(this) && !detach()) {
                return;
            }
            super.close();
        }

        /** Detaches the session so that H2's close runs nothing; false if that failed (then leave it open). */
        private boolean detach() {
            try {
                Field watcher = JdbcConnection.class.getDeclaredField("watcher");
                watcher.setAccessible(true);
                Field session = JdbcConnection.class.getDeclaredField("session");
                session.setAccessible(true);
                CloseWatcher.unregister((CloseWatcher) watcher.get(this));
                session.set(this, null);
                return true;
            } catch (ReflectiveOperationException | RuntimeException e) {
                log.error("store: cannot detach a session of the closed H2 database ({}); leaving the connection "
                        + "open instead of closing it, which would never return", e.toString());
                return false;
            }
        }
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // H2 logs through its own trace settings
    }

    /**
     * Kept, not used to open connections (an embedded database), because HikariCP's shutdown waits this long for a
     * connection it is adding: at 0 it did not wait, and a connection opened after the store's close opened the
     * database again (files written into a data directory being deleted, in a test one run in about ten).
     */
    @Override
    public void setLoginTimeout(int seconds) {
        loginTimeout = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeout;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no java.util.logging parent");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
