package io.mgw.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.SQLExceptionOverride.Override;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import org.junit.jupiter.api.Test;

class H2ClosedDatabaseEvictionTest {

    private final H2ClosedDatabaseEviction eviction = new H2ClosedDatabaseEviction();

    @Test
    void aClosedDatabaseEvictsTheConnection() {
        assertThat(eviction.adjudicate(new SQLNonTransientConnectionException("The database has been closed",
                "90098", 90098))).isEqualTo(Override.MUST_EVICT);
        assertThat(eviction.adjudicate(new SQLException("Database is already closed", "90121", 90121)))
                .isEqualTo(Override.MUST_EVICT);
    }

    @Test
    void aClosedDatabaseFurtherDownTheCausesEvictsToo() {
        SQLException batch = new SQLException("batch failed", "HY000", 50000,
                new SQLException("The database has been closed", "90098", 90098));
        assertThat(eviction.adjudicate(batch)).isEqualTo(Override.MUST_EVICT);
    }

    @Test
    void otherErrorsAreLeftToThePool() {
        assertThat(eviction.adjudicate(new SQLException("Unique index violation", "23505", 23505)))
                .isEqualTo(Override.CONTINUE_EVICT);
        assertThat(eviction.adjudicate(new SQLException("General error", "HY000", 50000)))
                .isEqualTo(Override.CONTINUE_EVICT);
    }
}
