package io.mgw.store;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;

/**
 * Tells the connection pool to drop a connection to an embedded H2 database that has closed under it. H2 closes its
 * database when a write to the file fails (a full disk, an I/O error): every connection to it answers "database is
 * closed" from then on, and HikariCP does not count that error as a dead connection, so it handed the same dead
 * connections out again and the store never came back after the disk had room again. Evicted, they are replaced by
 * new connections, which open the database anew (H2 recovers it to its last complete commit).
 */
public final class H2ClosedDatabaseEviction implements SQLExceptionOverride {

    /** H2's error codes for "the database has been closed" (ErrorCode.DATABASE_IS_CLOSED) and closing at shutdown. */
    static final int DATABASE_IS_CLOSED = 90098;

    static final int DATABASE_CALLED_AT_SHUTDOWN = 90121;

    @java.lang.Override // the interface's Override enum hides the annotation's simple name
    public Override adjudicate(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && (s.getErrorCode() == DATABASE_IS_CLOSED
                    || s.getErrorCode() == DATABASE_CALLED_AT_SHUTDOWN)) {
                return Override.MUST_EVICT;
            }
        }
        return Override.CONTINUE_EVICT;
    }
}
