package io.mgw.store;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mgw.core.config.StoreConfig;
import io.mgw.core.model.EventType;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.spi.TemporaryFailureException;
import io.mgw.core.store.Correlation;
import io.mgw.core.store.Fragment;
import io.mgw.core.store.MessageRecord;
import io.mgw.core.store.ParkedReceipt;
import io.mgw.core.store.PartTally;
import io.mgw.core.store.Store;
import io.mgw.core.store.UnknownSubmission;
import io.mgw.core.store.UnsettledMessage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Store} on a relational database through JDBC: H2 (embedded file database, the default) or PostgreSQL.
 * The schema is created and upgraded by Flyway when the store opens ({@code db/migration}, portable SQL; H2 runs in
 * {@code MODE=PostgreSQL}).
 *
 * <p><b>Writes are group-committed.</b> Every write goes into a bounded queue; writer threads take up to
 * {@link WriteSettings#maxBatch()} queued writes at a time, apply them in one transaction with one JDBC batch per
 * statement type, commit, and only then complete the writes' stages (on a separate completer thread, so callers'
 * callbacks never hold up the writer). A failed batch is retried write by write so one bad write fails alone; a
 * write that cannot be done completes exceptionally with {@link TemporaryFailureException} (retry later). When the
 * queue is full a write fails at once with {@link TemporaryFailureException}: back-pressure, never unbounded memory.
 * Writes on the same key (message id, correlation key, fragment key) always go to the same writer, in call order.
 * Reads go straight to the connection pool and see every write whose stage completed.
 *
 * <p>Details of the mapping:
 * <ul>
 *   <li>Instants are kept to the microsecond (truncated).
 *   <li>A message's status, update time and error code are not stored but folded from its history when read, in
 *       history order (event time, then arrival): each event sets the status unless the status so far is final and
 *       the event's is not. So events appended before the message was recorded, or arriving out of order, count
 *       where their time puts them, and an event costs one INSERT and no UPDATE.
 *   <li>A message's error code is taken from its events: an {@code err:NNN} / {@code err=NNN} token (decimal or
 *       0x-hex, as in SMPP receipt text) in the detail of an event that set the status; events without one leave
 *       it unchanged.
 *   <li>Age for {@link #purgeOlderThan} is the creation time inside the message id (the accepting node's clock at
 *       acceptance) for messages, history, marks, part outcomes and unknown submissions, and the creation time for
 *       correlations.
 *   <li>A correlation put twice under the same (connector, remote id) keeps the newer one (peers reuse ids).
 *   <li>Part outcomes: {@link PartTally#worst()} orders failures REJECTED &gt; UNDELIVERABLE &gt; EXPIRED &gt;
 *       DELETED; the first outcome recorded for a part wins.
 * </ul>
 *
 * <p>Metrics: {@code gateway.store.write.batch} (writes per transaction), {@code gateway.store.write.queue} (writes
 * waiting), {@code gateway.store.write.flush} (time per transaction, including retries), {@code
 * gateway.store.write.failed} (writes completed exceptionally), {@code gateway.store.write.invalid} (writes the
 * database rejected for their data, failed with {@link io.mgw.core.store.RejectedWriteException}), {@code
 * gateway.store.write.rejected} (writes refused because the queue was full or the store closed).
 */
public final class JdbcStore implements Store {

    private static final Logger log = LoggerFactory.getLogger(JdbcStore.class);

    private static final String H2_OBJECT_CACHE = "h2.objectCache";

    /** Read sessions kept open when the caller owns the data source (its pool size is unknown here). */
    private static final int DEFAULT_READ_SESSIONS = 4;

    /**
     * Options for H2, appended to an H2 URL that does not set MODE itself. MODE=PostgreSQL for our SQL;
     * WRITE_DELAY=0 so a commit is in the file before the write's stage completes (H2's default of 500 ms lost the
     * last commits when the process was killed, tried here); an 8 MB page cache: H2 writes every changed page anew
     * at each commit and keeps it in the cache, so a large cache keeps a stream of pages alive just long enough to
     * reach the old generation (with 64 MB: 8 MB promoted per young collection, a 250 ms full collection every
     * 25-30 s at 4,000 msg/s; with 16 MB: 0.6 MB promoted; with 8 MB: young pauses halved, the writer's CPU
     * unchanged; docs/BENCHMARKS.md); DB_CLOSE_ON_EXIT=FALSE so the node's own shutdown (drain, then close the
     * store) decides when the database closes: H2's shutdown hook closed it under the draining stages on SIGTERM.
     */
    public static final String H2_OPTIONS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
            + ";WRITE_DELAY=0;CACHE_SIZE=8192;DB_CLOSE_ON_EXIT=FALSE";

    /**
     * How writes are queued and batched.
     *
     * @param writers       writer threads (each with its own connection and queue); 1 suits H2, whose commits are
     *                      serialised anyway
     * @param queueCapacity writes that may wait, over all writers, before new ones are refused (receipt results have
     *                      a lane of their own, a tenth of this size on top: see {@link GroupCommitWriter})
     * @param maxBatch      most writes applied in one transaction
     */
    public record WriteSettings(int writers, int queueCapacity, int maxBatch) {

        public WriteSettings {
            if (writers < 1) {
                throw new IllegalArgumentException("writers: " + writers + " (expected: > 0)");
            }
            if (queueCapacity < writers) {
                throw new IllegalArgumentException(
                        "queueCapacity: " + queueCapacity + " (expected: >= writers " + writers + ")");
            }
            if (maxBatch < 1) {
                throw new IllegalArgumentException("maxBatch: " + maxBatch + " (expected: > 0)");
            }
        }

        /**
         * 1 writer for H2, 2 for PostgreSQL; 50,000 queued writes (about 5 s at the target rate); 4,000 per batch
         * (larger batches rewrite fewer H2 pages per write; in single runs of bench/run-e2e-bench.sh the receipts
         * returned went from 201k with 1,000 to 240k with 4,000, on a noisy machine).
         */
        public static WriteSettings defaults(String dialect) {
            return new WriteSettings(Dialect.of(dialect) == Dialect.H2 ? 1 : 2, 50_000, 4_000);
        }
    }

    private final DataSource dataSource;
    private final HikariDataSource ownedPool;
    private final InstantSource clock;
    private final GroupCommitWriter[] writers;
    private final ReadSessions reads;
    private final ExecutorService completer;
    private final Counter rejected;
    private final AtomicLong eventSeq = new AtomicLong();
    private volatile boolean closed;
    /** Whether the stuck writer of the current episode was logged (once per episode, not per health check). */
    private volatile boolean stuckReported;
    /** Whether the current episode of failing writes was logged (once per episode, not per health check). */
    private volatile boolean failingReported;
    /** System.nanoTime() (odd) when the last health probe write that succeeded began; 0 before the first. */
    private volatile long probedOk;

    /** The progress mark the health check writes to learn whether the database takes writes again. */
    static final String HEALTH_PROBE_MARK = "store.health-probe";

    /**
     * How long one flush of a writer may take before the store counts as unhealthy: far above a slow commit (the
     * writer's own retries included), short enough that readiness drops while the queue still has room.
     */
    static final Duration WRITER_STUCK_AFTER = Duration.ofSeconds(30);

    /** How long a close waits for the writers to write what is queued and end. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    private JdbcStore(DataSource dataSource, HikariDataSource ownedPool, MeterRegistry meters,
            InstantSource clock, WriteSettings settings, int readSessions) {
        this.dataSource = dataSource;
        this.ownedPool = ownedPool;
        this.clock = clock;
        this.completer = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform()
                .name("mgw-store-complete").daemon(true).unstarted(r));
        DistributionSummary batchSizes = DistributionSummary.builder("gateway.store.write.batch")
                .description("writes applied per store transaction").baseUnit("writes").register(meters);
        Timer flushTimer = Timer.builder("gateway.store.write.flush")
                .description("time to apply and commit one batch of store writes").register(meters);
        Counter failed = Counter.builder("gateway.store.write.failed")
                .description("store writes completed exceptionally").register(meters);
        Counter invalid = Counter.builder("gateway.store.write.invalid")
                .description("store writes the database rejected for their data, given up").register(meters);
        this.rejected = Counter.builder("gateway.store.write.rejected")
                .description("store writes refused: queue full or store closed").register(meters);
        this.writers = new GroupCommitWriter[settings.writers()];
        this.reads = new ReadSessions(dataSource, readSessions);
        int perWriter = settings.queueCapacity() / settings.writers();
        for (int i = 0; i < writers.length; i++) {
            writers[i] = new GroupCommitWriter("mgw-store-writer-" + i, dataSource, perWriter,
                    settings.maxBatch(), completer, batchSizes, flushTimer, failed, invalid);
        }
        Gauge.builder("gateway.store.write.queue", this, JdbcStore::queued)
                .description("store writes waiting to be written").register(meters);
        for (GroupCommitWriter w : writers) {
            w.start();
        }
    }

    /**
     * Opens the store described by the node's config: {@code type} "h2" uses {@code config.url()} or, when empty,
     * an embedded H2 file database under {@code dataDir/store}; "postgresql" uses the URL, user and password given.
     * Creates a HikariCP pool of {@code poolSize} connections and runs the migrations.
     *
     * @throws IllegalArgumentException for an unknown type, or "postgresql" without a URL
     * @throws TemporaryFailureException when the database cannot be reached or migrated
     */
    public static JdbcStore open(StoreConfig config, Path dataDir, MeterRegistry meters, InstantSource clock) {
        requireNonNull(config, "config");
        requireNonNull(dataDir, "dataDir");
        Dialect dialect = Dialect.of(config.type());
        String url = jdbcUrl(config, dataDir, dialect);
        if (config.poolSize() < 2) {
            throw new IllegalArgumentException("store poolSize: " + config.poolSize() + " (expected: >= 2)");
        }
        if (dialect == Dialect.H2 && System.getProperty(H2_OBJECT_CACHE) == null) {
            // H2's shared cache of small values costs a hash and a lookup per column value written or read (5% of
            // the node's CPU at 10k msg/s, bench/run-e2e-bench.sh); without it the values are short-lived garbage.
            // Read when H2 first loads, so it only takes effect if no H2 database was opened before in this JVM.
            System.setProperty(H2_OBJECT_CACHE, "false");
        }
        WriteSettings settings = WriteSettings.defaults(config.type());
        int writers = Math.max(1, Math.min(settings.writers(), config.poolSize() - 1)); // leave one for reads
        settings = new WriteSettings(writers, settings.queueCapacity(), settings.maxBatch());
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("mgw-store");
        hc.setMaximumPoolSize(config.poolSize());
        hc.setConnectionTimeout(5_000);
        hc.setInitializationFailTimeout(-1); // let migrate() report an unreachable database
        if (dialect == Dialect.H2) {
            // after a failed file write (a full disk) H2 closes the database: drop those connections (running no
            // statement on them, which could hang: GuardedH2DataSource), and let new ones open it again
            hc.setDataSource(new GuardedH2DataSource(url, config.user(), config.password()));
            hc.setExceptionOverrideClassName(H2ClosedDatabaseEviction.class.getName());
        } else {
            hc.setJdbcUrl(url);
            hc.setUsername(config.user());
            hc.setPassword(config.password());
        }
        HikariDataSource pool = new HikariDataSource(hc);
        try {
            migrate(pool);
            // the writers hold one connection each; keep two for the occasional reads, purge and health checks
            int readSessions = Math.max(1, config.poolSize() - writers - 2);
            return new JdbcStore(pool, pool, meters, clock, settings, readSessions);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * Opens a store on a data source the caller owns (and closes): for tests and embedding. Runs the migrations.
     * An H2 database must be in {@code MODE=PostgreSQL}.
     *
     * @param dialect "h2" or "postgresql"
     */
    public static JdbcStore open(DataSource dataSource, String dialect, MeterRegistry meters, InstantSource clock) {
        return open(dataSource, dialect, meters, clock, WriteSettings.defaults(dialect));
    }

    /** As {@link #open(DataSource, String, MeterRegistry, InstantSource)}, with explicit write settings. */
    public static JdbcStore open(DataSource dataSource, String dialect, MeterRegistry meters, InstantSource clock,
            WriteSettings settings) {
        requireNonNull(dataSource, "dataSource");
        requireNonNull(meters, "meters");
        requireNonNull(clock, "clock");
        requireNonNull(settings, "settings");
        Dialect.of(dialect); // validates the name
        migrate(dataSource);
        return new JdbcStore(dataSource, null, meters, clock, settings, DEFAULT_READ_SESSIONS);
    }

    static String jdbcUrl(StoreConfig config, Path dataDir, Dialect dialect) {
        Optional<String> url = config.url().filter(u -> !u.isBlank());
        if (dialect == Dialect.POSTGRESQL) {
            return url.orElseThrow(() -> new IllegalArgumentException("store url: empty (expected: a jdbc:postgresql:"
                    + " URL when type is postgresql)"));
        }
        if (url.isPresent()) {
            String u = url.get();
            return u.toUpperCase(java.util.Locale.ROOT).contains(";MODE=") ? u : u + H2_OPTIONS;
        }
        Path file = dataDir.resolve("store").resolve("mgw").toAbsolutePath();
        return "jdbc:h2:file:" + file + H2_OPTIONS;
    }

    private static void migrate(DataSource dataSource) {
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            throw new TemporaryFailureException("store: migration failed: " + e.getMessage(), e);
        }
    }

    // ---- writes ----

    @Override
    public CompletionStage<Void> recordMessage(Message message, MessageEvent first) {
        requireNonNull(first, "first");
        return recordMessage(message, List.of(first));
    }

    /** {@inheritDoc} One write: the message row and its events commit together. */
    @Override
    public CompletionStage<Void> recordMessage(Message message, List<MessageEvent> events) {
        requireNonNull(message, "message");
        if (events.isEmpty()) {
            throw new IllegalArgumentException("events: empty (expected: at least the first event)");
        }
        long[] seqs = new long[events.size()];
        for (int i = 0; i < seqs.length; i++) {
            seqs[i] = nextEventSeq();
        }
        return enqueue(new WriteOp.RecordMessage(message, events, seqs));
    }

    /**
     * {@inheritDoc}
     *
     * <p>One write. No submitted_marks row is written: the event, stored with the connector, is the mark
     * ({@link #isSubmitted} looks for a SUBMITTED or SUBMIT_UNKNOWN event of the connector), which saves a row and
     * an index entry per message.
     *
     * @throws IllegalArgumentException if the event is not SUBMITTED or SUBMIT_UNKNOWN, its connector is not
     *         {@code connector}, or {@code parts} is smaller than the number of remote ids
     */
    @Override
    public CompletionStage<Void> recordSubmission(MessageId id, String connector, List<String> remoteIds, int parts,
            MessageEvent event) {
        requireNonNull(id, "id");
        requireNonNull(connector, "connector");
        requireNonNull(event, "event");
        if (event.type() != EventType.SUBMITTED && event.type() != EventType.SUBMIT_UNKNOWN) {
            throw new IllegalArgumentException("event: " + event.type() + " (expected: SUBMITTED or SUBMIT_UNKNOWN)");
        }
        if (!event.connector().equals(connector)) {
            throw new IllegalArgumentException("event connector: " + event.connector() + " (expected: " + connector
                    + ")");
        }
        if (parts < Math.max(1, remoteIds.size())) {
            throw new IllegalArgumentException("parts: " + parts + " (expected: >= " + Math.max(1, remoteIds.size())
                    + ")");
        }
        Instant now = clock.instant();
        List<WriteOp.PutCorrelation> correlations = new ArrayList<>(remoteIds.size());
        for (int i = 0; i < remoteIds.size(); i++) {
            correlations.add(new WriteOp.PutCorrelation(connector, requireNonNull(remoteIds.get(i), "remoteId"), id,
                    i + 1, parts, now));
        }
        return enqueue(new WriteOp.RecordSubmission(id, correlations,
                new WriteOp.AppendEvent(id, event, nextEventSeq())));
    }

    @Override
    public CompletionStage<Void> appendEvent(MessageId id, MessageEvent event) {
        requireNonNull(id, "id");
        requireNonNull(event, "event");
        return enqueue(new WriteOp.AppendEvent(id, event, nextEventSeq()));
    }

    @Override
    public CompletionStage<Boolean> markSubmitted(MessageId id, String connector, int part) {
        requireNonNull(id, "id");
        requireNonNull(connector, "connector");
        return enqueue(new WriteOp.MarkSubmitted(id, connector, part));
    }

    @Override
    public CompletionStage<Void> putCorrelation(String connector, String remoteId, MessageId id, int part,
            int parts) {
        requireNonNull(connector, "connector");
        requireNonNull(remoteId, "remoteId");
        requireNonNull(id, "id");
        checkParts(part, parts);
        return enqueue(new WriteOp.PutCorrelation(connector, remoteId, id, part, parts, clock.instant()));
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code status} is not final, or part is not in 1..parts
     */
    @Override
    public CompletionStage<PartTally> recordPartOutcome(MessageId id, int part, int parts, MessageStatus status) {
        requireNonNull(id, "id");
        requireNonNull(status, "status");
        checkParts(part, parts);
        if (!status.isFinal()) {
            throw new IllegalArgumentException("status: " + status + " (expected: a final status)");
        }
        return enqueue(new WriteOp.PartOutcome(id, part, parts, status));
    }

    @Override
    public CompletionStage<Void> parkReceipt(ParkedReceipt receipt) {
        requireNonNull(receipt, "receipt");
        return enqueue(new WriteOp.Park(receipt));
    }

    @Override
    public CompletionStage<Void> deleteParkedReceipt(long parkId) {
        return enqueue(new WriteOp.Unpark(parkId));
    }

    @Override
    public CompletionStage<Void> saveFragment(Fragment fragment) {
        requireNonNull(fragment, "fragment");
        return enqueue(new WriteOp.SaveFragment(fragment));
    }

    @Override
    public CompletionStage<Void> deleteFragments(String key) {
        requireNonNull(key, "key");
        return enqueue(new WriteOp.DeleteFragments(key));
    }

    /**
     * The arrival order of events, which breaks ties between events of the same time: increasing within this node,
     * and at least the clock in microseconds, so it keeps increasing across restarts.
     */
    private long nextEventSeq() {
        long floor = clock.millis() * 1000;
        return eventSeq.updateAndGet(prev -> Math.max(prev + 1, floor));
    }

    private static void checkParts(int part, int parts) {
        if (parts < 1 || part < 1 || part > parts) {
            throw new IllegalArgumentException("part: " + part + " of " + parts + " (expected: 1 <= part <= parts)");
        }
    }

    private <T> CompletionStage<T> enqueue(WriteOp<T> op) {
        if (closed) {
            rejected.increment();
            return CompletableFuture.failedFuture(new TemporaryFailureException("store: closed"));
        }
        GroupCommitWriter w = writers[Math.floorMod(op.shardKey(), writers.length)];
        if (!w.offer(op)) {
            rejected.increment();
            return CompletableFuture.failedFuture(new TemporaryFailureException(
                    "store: write queue full (" + w.queued() + " waiting)"));
        }
        return op.future;
    }

    private double queued() {
        long n = 0;
        for (GroupCommitWriter w : writers) {
            n += w.queued();
        }
        return n;
    }

    // ---- reads ----

    private static final String SELECT_MESSAGE = "SELECT account, protocol, kind, direction, source, source_ton,"
            + " source_npi, destination, dest_ton, dest_npi, text_preview, report_request, received_at, valid_until,"
            + " first_events FROM messages WHERE id_hi = ? AND id_lo = ?";
    private static final String SELECT_HISTORY = "SELECT event_at, event_type, status, connector, detail, seq"
            + " FROM message_events WHERE id_hi = ? AND id_lo = ? ORDER BY event_at, seq";
    private static final String SELECT_MARK = "SELECT 1 FROM submitted_marks"
            + " WHERE id_hi = ? AND id_lo = ? AND connector = ? AND part = ?";
    /** Part 1 is also marked by a submission event of the connector ({@link #recordSubmission}). */
    private static final String SELECT_MARK_OR_SUBMISSION = SELECT_MARK
            + " UNION ALL SELECT 1 FROM message_events WHERE id_hi = ? AND id_lo = ? AND connector = ?"
            + " AND event_type IN ('SUBMITTED', 'SUBMIT_UNKNOWN')";
    private static final String SELECT_CORRELATION = "SELECT id_hi, id_lo, part, parts, created_at"
            + " FROM correlations WHERE connector = ? AND remote_id = ?";
    private static final String SELECT_PARKED = "SELECT park_id, connector, remote_id, payload, parked_at"
            + " FROM parked_receipts WHERE connector = ? ORDER BY parked_at, park_id LIMIT ?";
    private static final String SELECT_PARKED_BEFORE = "SELECT park_id, connector, remote_id, payload, parked_at"
            + " FROM parked_receipts WHERE parked_at < ? ORDER BY parked_at, park_id LIMIT ?";
    private static final String SELECT_FRAGMENTS = "SELECT seq, total, payload, expires_at FROM fragments"
            + " WHERE frag_key = ? ORDER BY seq";
    private static final String SELECT_EXPIRED_KEYS = "SELECT frag_key FROM fragments WHERE expires_at < ?"
            + " GROUP BY frag_key ORDER BY MIN(expires_at), frag_key LIMIT ?";

    private static final String INSERT_UNKNOWN = "INSERT INTO unknown_submissions (connector, handset, id_hi, id_lo,"
            + " part, parts, excerpt, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    private static final String SELECT_UNKNOWN = "SELECT id_hi, id_lo, part, parts, excerpt, submitted_at"
            + " FROM unknown_submissions WHERE connector = ? AND handset = ? ORDER BY submitted_at, id_hi, id_lo, part"
            + " LIMIT ?";
    private static final String DELETE_UNKNOWN = "DELETE FROM unknown_submissions"
            + " WHERE connector = ? AND handset = ? AND id_hi = ? AND id_lo = ? AND part = ?";

    private static final String SELECT_PROGRESS_MARK = "SELECT mark_at FROM progress_marks WHERE mark_name = ?";
    private static final String UPDATE_PROGRESS_MARK = "UPDATE progress_marks SET mark_at = ? WHERE mark_name = ?";
    private static final String MOVE_PROGRESS_MARK = "UPDATE progress_marks SET mark_at = ?"
            + " WHERE mark_name = ? AND mark_at = ?";
    private static final String INSERT_PROGRESS_MARK = "INSERT INTO progress_marks (mark_name, mark_at) VALUES (?, ?)"
            + " ON CONFLICT DO NOTHING";

    /**
     * MT messages by validity end without a final event. Final events are always rows of message_events (only
     * non-final first events are inlined in the message row, {@link InlineEvents}), so NOT EXISTS over that table
     * is the whole test.
     */
    private static final String SELECT_UNSETTLED_EXPIRED = "SELECT m.id_hi, m.id_lo, m.valid_until FROM messages m"
            + " WHERE m.valid_until >= ? AND m.valid_until < ? AND m.direction = 'MT'"
            + " AND NOT EXISTS (SELECT 1 FROM message_events e WHERE e.id_hi = m.id_hi AND e.id_lo = m.id_lo"
            + " AND e.status IN (" + finalStatusNames() + "))"
            + " ORDER BY m.valid_until, m.id_hi, m.id_lo LIMIT ?";

    private static String finalStatusNames() {
        StringBuilder b = new StringBuilder();
        for (MessageStatus s : MessageStatus.values()) {
            if (s.isFinal()) {
                b.append(b.isEmpty() ? "" : ", ").append('\'').append(s.name()).append('\'');
            }
        }
        return b.toString();
    }

    /**
     * {@inheritDoc}
     *
     * <p>One query over the {@code messages_by_valid_until} index; ties of validity end are ordered by id as two
     * signed numbers (hi, lo).
     *
     * @throws TemporaryFailureException when the database fails
     */
    @Override
    public List<UnsettledMessage> unsettledExpired(Instant validFrom, Instant validBefore, int limit) {
        requireNonNull(validFrom, "validFrom");
        requireNonNull(validBefore, "validBefore");
        checkLimit(limit);
        try {
            return reads.read(session -> {
                PreparedStatement ps = session.prepare(SELECT_UNSETTLED_EXPIRED);
                Sql.setInstant(ps, 1, validFrom);
                Sql.setInstant(ps, 2, validBefore);
                ps.setInt(3, limit);
                List<UnsettledMessage> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new UnsettledMessage(new MessageId(rs.getLong(1), rs.getLong(2)),
                                Sql.getInstant(rs, 3)));
                    }
                }
                return out;
            });
        } catch (SQLException e) {
            throw readFailed(e);
        }
    }

    @Override
    public Optional<MessageRecord> find(MessageId id) {
        requireNonNull(id, "id");
        try {
            return reads.read(session -> find(session, id));
        } catch (SQLException e) {
            throw readFailed(e);
        }
    }

    private static Optional<MessageRecord> find(ReadSessions.Session session, MessageId id) throws SQLException {
        PreparedStatement message = session.prepare(SELECT_MESSAGE);
        PreparedStatement events = session.prepare(SELECT_HISTORY);
        {
            message.setLong(1, id.hi());
            message.setLong(2, id.lo());
            try (ResultSet rs = message.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                events.setLong(1, id.hi());
                events.setLong(2, id.lo());
                List<InlineEvents.Sequenced> all = new ArrayList<>(InlineEvents.decode(rs.getBytes(15)));
                try (ResultSet e = events.executeQuery()) {
                    while (e.next()) {
                        all.add(new InlineEvents.Sequenced(e.getLong(6), new MessageEvent(Sql.getInstant(e, 1),
                                EventType.valueOf(e.getString(2)), MessageStatus.valueOf(e.getString(3)),
                                e.getString(4), e.getString(5))));
                    }
                }
                all.sort(InlineEvents.Sequenced.HISTORY_ORDER);
                List<MessageEvent> history = new ArrayList<>(all.size());
                for (InlineEvents.Sequenced x : all) {
                    history.add(x.event());
                }
                StatusFold status = StatusFold.of(history);
                return Optional.of(new MessageRecord(id, rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getInt(6), rs.getInt(7), rs.getString(8), rs.getInt(9),
                        rs.getInt(10), rs.getString(11), rs.getString(12), Sql.getInstant(rs, 13),
                        Sql.getInstant(rs, 14), status.status(), status.updatedAt(), status.errorCode(), history));
            }
        }
    }

    @Override
    public boolean isSubmitted(MessageId id, String connector, int part) {
        requireNonNull(id, "id");
        requireNonNull(connector, "connector");
        try {
            return reads.read(session -> isSubmitted(session, id, connector, part));
        } catch (SQLException e) {
            throw readFailed(e);
        }
    }

    private static boolean isSubmitted(ReadSessions.Session session, MessageId id, String connector, int part)
            throws SQLException {
        PreparedStatement ps = session.prepare(part == 1 ? SELECT_MARK_OR_SUBMISSION : SELECT_MARK);
        {
            ps.setLong(1, id.hi());
            ps.setLong(2, id.lo());
            Sql.setText(ps, 3, connector);
            ps.setInt(4, part);
            if (part == 1) {
                ps.setLong(5, id.hi());
                ps.setLong(6, id.lo());
                Sql.setText(ps, 7, connector);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public Optional<Correlation> findCorrelation(String connector, String remoteId) {
        requireNonNull(connector, "connector");
        requireNonNull(remoteId, "remoteId");
        try {
            return reads.read(session -> {
                PreparedStatement ps = session.prepare(SELECT_CORRELATION);
                Sql.setText(ps, 1, connector);
                Sql.setText(ps, 2, remoteId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Correlation(connector, remoteId,
                            new MessageId(rs.getLong(1), rs.getLong(2)), rs.getInt(3), rs.getInt(4),
                            Sql.getInstant(rs, 5)));
                }
            });
        } catch (SQLException e) {
            throw readFailed(e);
        }
    }

    @Override
    public List<ParkedReceipt> parkedReceipts(String connector, int limit) {
        requireNonNull(connector, "connector");
        checkLimit(limit);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SELECT_PARKED)) {
            Sql.setText(ps, 1, connector);
            ps.setInt(2, limit);
            return parked(ps);
        } catch (SQLException e) {
            throw readFailed(e);
        }
    }

    @Override
    public List<ParkedReceipt> parkedReceiptsBefore(Instant before, int limit) {
        requireNonNull(before, "before");
        checkLimit(limit);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(SELECT_PARKED_BEFORE)) {
            Sql.setInstant(ps, 1, before);
            ps.setInt(2, limit);
            return parked(ps);
        } catch (SQLException e) {
            throw readFailed(e);
        }
    }

    private static List<ParkedReceipt> parked(PreparedStatement ps) throws SQLException {
        List<ParkedReceipt> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new ParkedReceipt(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBytes(4),
                        Sql.getInstant(rs, 5)));
            }
        }
        return out;
    }

    @Override
    public List<Fragment> fragments(String key) {
        requireNonNull(key, "key");
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(SELECT_FRAGMENTS)) {
            Sql.setText(ps, 1, key);
            List<Fragment> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Fragment(key, rs.getInt(1), rs.getInt(2), rs.getBytes(3), Sql.getInstant(rs, 4)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw readFailed(e);
        }
    }

    @Override
    public List<String> expiredFragmentKeys(Instant now, int limit) {
        requireNonNull(now, "now");
        checkLimit(limit);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(SELECT_EXPIRED_KEYS)) {
            Sql.setInstant(ps, 1, now);
            ps.setInt(2, limit);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw readFailed(e);
        }
    }

    private static void checkLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
        }
    }

    private static TemporaryFailureException readFailed(SQLException e) {
        return new TemporaryFailureException("store: read failed: " + e.getMessage(), e);
    }

    // ---- housekeeping ----

    /**
     * {@inheritDoc}
     *
     * <p>Age is the time inside the message id for messages, their history, marks, part outcomes and unknown
     * submissions, and the creation time for correlations. Each table is purged in slices of about
     * {@value #PURGE_SLICE} rows, one statement (and transaction) each, oldest first: an hour of traffic at a few
     * thousand messages a second is millions of rows, and one statement for all of them would hold them all in one
     * transaction (H2 keeps its undo log until the commit; PostgreSQL holds locks and WAL that long). After each slice
     * the purge pauses as long as the slice took (at most a second), so it deletes at most about half of the time and
     * the traffic's writes get the rest: on H2 the store writer's commits also write out the pages a running delete
     * has changed. Measured with {@code StoreBench -Dbench.purge=true} (docs/BENCHMARKS.md): 5.3 million rows, writes
     * made meanwhile at 1,000/s; slices of 10,000 without pauses: 34 s, those writes' median 15-16 ms (0.3 ms before
     * the purge); slices of 2,000 with pauses: about 50 s, median 0.4 ms, p99 18 ms. A failure stops the purge; what
     * was deleted stays deleted, and the next purge goes on. An interrupt also stops it between two slices (the
     * interrupt stays set); the rows removed so far are returned.
     *
     * @throws TemporaryFailureException when the database fails
     */
    @Override
    public long purgeOlderThan(Instant before) {
        return purgeOlderThan(before, PURGE_SLICE, JdbcStore::pauseAsLong);
    }

    /** Rows deleted by one purge statement, about (rows sharing a boundary key go with the next slice). */
    static final int PURGE_SLICE = 2_000;

    /** Longest pause between two purge slices. */
    private static final long MAX_PURGE_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** What the purge does after each slice, given how long the slice took. */
    @FunctionalInterface
    interface PurgePacer {
        void afterSlice(long sliceNanos) throws InterruptedException;
    }

    private static void pauseAsLong(long sliceNanos) throws InterruptedException {
        long pause = Math.min(sliceNanos, MAX_PURGE_PAUSE_NANOS);
        TimeUnit.NANOSECONDS.sleep(pause);
    }

    /** {@link #purgeOlderThan(Instant)} with another slice size and pacer (package-private for tests). */
    long purgeOlderThan(Instant before, int slice, PurgePacer pacer) {
        requireNonNull(before, "before");
        // ids made before `before` have hi < (millis << 16): hi's top 48 bits are the creation time
        long idBound = before.toEpochMilli() << 16;
        long removed = 0;
        try (Connection c = dataSource.getConnection()) {
            for (String table : List.of("messages", "message_events", "submitted_marks", "part_outcomes",
                    "unknown_submissions")) {
                removed += purgeSlices(c, table, "id_hi", false, idBound, slice, pacer);
            }
            // rounded up: the store keeps microseconds, and a correlation made just before `before` goes too
            removed += purgeSlices(c, "correlations", "created_at", true, micros(before.plusNanos(999)), slice,
                    pacer);
        } catch (SQLException e) {
            throw new TemporaryFailureException("store: purge failed: " + e.getMessage(), e);
        }
        if (Thread.currentThread().isInterrupted()) {
            log.info("Purge interrupted after {} rows", removed);
        }
        return removed;
    }

    /**
     * Deletes the rows of {@code table} with {@code column} in {@code [0, bound)}, slice by slice: each slice ends at
     * the key of the {@code slice}-th row from its start, found through the column's index. Keys are id_hi values
     * (only the non-negative ones are ours), or with {@code time} instants as microseconds since the epoch (the
     * store's precision).
     */
    private static long purgeSlices(Connection c, String table, String column, boolean time, long bound, int slice,
            PurgePacer pacer) throws SQLException {
        String range = " FROM " + table + " WHERE " + column + " >= ? AND " + column + " < ?";
        long removed = 0;
        try (PreparedStatement nextKey = c.prepareStatement("SELECT " + column + range + " ORDER BY " + column
                + " LIMIT 1 OFFSET " + slice); PreparedStatement delete = c.prepareStatement("DELETE" + range)) {
            // an interrupted purge (the node stopping) leaves the interrupt set: the remaining tables are skipped too
            for (long from = 0; from < bound && !Thread.currentThread().isInterrupted(); ) {
                long started = System.nanoTime();
                long to = bound;
                setKey(nextKey, 1, from, time);
                setKey(nextKey, 2, bound, time);
                try (ResultSet rs = nextKey.executeQuery()) {
                    if (rs.next()) {
                        // more than a slice of rows under one key: that key goes whole
                        to = Math.max(from + 1, time ? micros(Sql.getInstant(rs, 1)) : rs.getLong(1));
                    }
                }
                setKey(delete, 1, from, time);
                setKey(delete, 2, to, time);
                removed += GuardedH2DataSource.executeUpdate(delete);
                from = to;
                if (from < bound) {
                    try {
                        pacer.afterSlice(System.nanoTime() - started);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }
        return removed;
    }

    private static void setKey(PreparedStatement ps, int index, long key, boolean time) throws SQLException {
        if (time) {
            Sql.setInstant(ps, index, Instant.EPOCH.plus(key, ChronoUnit.MICROS));
        } else {
            ps.setLong(index, key);
        }
    }

    private static long micros(Instant t) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, t);
    }

    /**
     * On a connection of its own, outside the write queue, like the marks: it happens only on a response timeout, and
     * a failure here only loses the later match, so it needs neither batching nor the queue's ordering.
     */
    @Override
    public void rememberUnknownSubmission(UnknownSubmission u) {
        requireNonNull(u, "u");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT_UNKNOWN)) {
            setUnknownKey(ps, u);
            ps.setInt(6, u.parts());
            Sql.setText(ps, 7, u.excerpt());
            Sql.setInstant(ps, 8, u.submittedAt());
            GuardedH2DataSource.executeUpdate(ps);
        } catch (SQLException e) {
            throw new TemporaryFailureException("store: remembering an unknown submission of " + u.id() + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** Parameters 1-5: the table's key (connector, handset, id, part). */
    private static void setUnknownKey(PreparedStatement ps, UnknownSubmission u) throws SQLException {
        Sql.setText(ps, 1, u.connector());
        Sql.setText(ps, 2, u.handset());
        ps.setLong(3, u.id().hi());
        ps.setLong(4, u.id().lo());
        ps.setInt(5, u.part());
    }

    @Override
    public List<UnknownSubmission> unknownSubmissions(String connector, String handset, int limit) {
        requireNonNull(connector, "connector");
        requireNonNull(handset, "handset");
        checkLimit(limit);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SELECT_UNKNOWN)) {
            Sql.setText(ps, 1, connector);
            Sql.setText(ps, 2, handset);
            ps.setInt(3, limit);
            List<UnknownSubmission> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new UnknownSubmission(new MessageId(rs.getLong(1), rs.getLong(2)), connector,
                            rs.getInt(3), rs.getInt(4), handset, rs.getString(5), Sql.getInstant(rs, 6)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw readFailed(e);
        }
    }

    @Override
    public void forgetUnknownSubmission(UnknownSubmission u) {
        requireNonNull(u, "u");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(DELETE_UNKNOWN)) {
            setUnknownKey(ps, u);
            GuardedH2DataSource.executeUpdate(ps);
        } catch (SQLException e) {
            throw new TemporaryFailureException("store: forgetting an unknown submission of " + u.id() + " failed: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Instant> mark(String name) {
        requireNonNull(name, "name");
        try {
            return reads.read(session -> {
                PreparedStatement ps = session.prepare(SELECT_PROGRESS_MARK);
                Sql.setText(ps, 1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Sql.getInstant(rs, 1)) : Optional.<Instant>empty();
                }
            });
        } catch (SQLException e) {
            throw readFailed(e);
        }
    }

    /**
     * Written on a connection of its own, outside the write queue: a mark is saved about once a minute, by one thread
     * per name (update, else insert; the insert cannot race with another writer of the same name).
     */
    @Override
    public void saveMark(String name, Instant mark) {
        requireNonNull(name, "name");
        requireNonNull(mark, "mark");
        try (Connection c = dataSource.getConnection()) {
            int updated;
            try (PreparedStatement ps = c.prepareStatement(UPDATE_PROGRESS_MARK)) {
                Sql.setInstant(ps, 1, mark);
                Sql.setText(ps, 2, name);
                updated = GuardedH2DataSource.executeUpdate(ps);
            }
            if (updated == 0) {
                insertMark(c, name, mark);
            }
        } catch (SQLException e) {
            throw new TemporaryFailureException("store: saving mark " + name + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * A conditional update, or for a first mark an insert that does nothing on a conflict: either way one row counted
     * means this call won. The expected instant was read from the store, so it compares equal at the column's
     * precision.
     */
    @Override
    public boolean claimMark(String name, Optional<Instant> expected, Instant mark) {
        requireNonNull(name, "name");
        requireNonNull(expected, "expected");
        requireNonNull(mark, "mark");
        try (Connection c = dataSource.getConnection()) {
            if (expected.isEmpty()) {
                return insertMark(c, name, mark);
            }
            try (PreparedStatement ps = c.prepareStatement(MOVE_PROGRESS_MARK)) {
                Sql.setInstant(ps, 1, mark);
                Sql.setText(ps, 2, name);
                Sql.setInstant(ps, 3, expected.get());
                return GuardedH2DataSource.executeUpdate(ps) == 1;
            }
        } catch (SQLException e) {
            throw new TemporaryFailureException("store: claiming mark " + name + " failed: " + e.getMessage(), e);
        }
    }

    /** Inserts a mark unless one of that name exists; whether it did. */
    private static boolean insertMark(Connection c, String name, Instant mark) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_PROGRESS_MARK)) {
            Sql.setText(ps, 1, name);
            Sql.setInstant(ps, 2, mark);
            return GuardedH2DataSource.executeUpdate(ps) == 1;
        }
    }

    /** Whether a writer ended, or has been in one flush for longer than {@code limit} (package-private for tests). */
    boolean writersStuckOrDead(Duration limit) {
        boolean bad = false;
        for (GroupCommitWriter w : writers) {
            if (w.died()) {
                bad = true;
            } else if (w.stuck(limit)) {
                bad = true;
                if (!stuckReported) {
                    stuckReported = true;
                    log.warn("store: a writer has been inside one flush for over {} ms (a database that does not"
                            + " answer); the store reports itself unhealthy (readiness down) until it comes back. "
                            + "Writer {}", limit.toMillis(), w.whereItIs());
                }
            }
        }
        if (!bad) {
            stuckReported = false;
        }
        return bad;
    }

    /**
     * Whether every writer thread is running and none has been stuck in one flush for {@link #WRITER_STUCK_AFTER},
     * and the database takes writes: when a write failed and no commit succeeded since, a probe write of its own
     * must succeed (a database whose disk is full still answers reads, so {@code SELECT 1} alone said "up" while
     * every write failed); otherwise a connection must answer {@code SELECT 1} within about two seconds.
     */
    @Override
    public boolean isHealthy() {
        if (closed) {
            return false;
        }
        if (writersStuckOrDead(WRITER_STUCK_AFTER)) {
            return false;
        }
        if (writesRefused()) {
            return probeWrite();
        }
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.setQueryTimeout(2);
            try (ResultSet rs = st.executeQuery("SELECT 1")) {
                return rs.next();
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("store: health check failed", e);
            return false;
        }
    }

    @Override
    public boolean writesRefused() {
        long failing = writesFailingSince();
        long probed = probedOk;
        return failing != 0 && (probed == 0 || failing - probed > 0);
    }

    /** The latest {@link GroupCommitWriter#failingSince} of the writers, 0 if none is failing. */
    private long writesFailingSince() {
        long latest = 0;
        for (GroupCommitWriter w : writers) {
            long since = w.failingSince();
            if (since != 0 && (latest == 0 || since - latest > 0)) {
                latest = since;
            }
        }
        return latest;
    }

    /**
     * Writes and commits the progress mark {@value #HEALTH_PROBE_MARK} in a transaction of its own, in the store's
     * write order; whether that succeeded. Logs the start and the end of an episode of refused writes once each.
     */
    private boolean probeWrite() {
        long start = System.nanoTime() | 1;
        try (Connection c = dataSource.getConnection()) {
            Object order = GuardedH2DataSource.writeOrder(c);
            c.setAutoCommit(false);
            try {
                GuardedH2DataSource.writing(order, () -> {
                    Instant now = clock.instant();
                    int updated;
                    try (PreparedStatement ps = c.prepareStatement(UPDATE_PROGRESS_MARK)) {
                        ps.setQueryTimeout(2);
                        Sql.setInstant(ps, 1, now);
                        Sql.setText(ps, 2, HEALTH_PROBE_MARK);
                        updated = ps.executeUpdate();
                    }
                    if (updated == 0) {
                        insertMark(c, HEALTH_PROBE_MARK, now);
                    }
                    c.commit();
                    return null;
                });
            } catch (SQLException | RuntimeException e) {
                try {
                    GuardedH2DataSource.writing(order, () -> {
                        c.rollback();
                        return null;
                    });
                } catch (SQLException | RuntimeException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            if (!failingReported) {
                failingReported = true;
                log.warn("store: writes fail and a probe write failed too: the store reports itself unhealthy"
                        + " (readiness down) until a write succeeds: {}", e.toString());
            } else {
                log.debug("store: probe write failed", e);
            }
            return false;
        }
        probedOk = start;
        if (failingReported) {
            failingReported = false;
            log.info("store: a probe write succeeded; the store takes writes again");
        }
        return true;
    }

    /**
     * Refuses new writes, writes everything already queued, completes its stages, then closes the connection pool
     * (when the store made it). Waits at most {@link #CLOSE_WAIT} for the writers: a writer still inside a flush then
     * is logged and left running, the writes queued behind it fail, and its own never complete. Idempotent.
     */
    @Override
    public void close() {
        close(CLOSE_WAIT);
    }

    /** {@link #close()} waiting up to {@code writerWait} for the writers. */
    void close(Duration writerWait) {
        if (closed) {
            return;
        }
        closed = true;
        boolean interrupted = false;
        for (GroupCommitWriter w : writers) {
            w.stop();
        }
        long deadline = System.nanoTime() + writerWait.toNanos();
        for (GroupCommitWriter w : writers) {
            try {
                if (!w.awaitStopped(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                    // a node must be able to stop: the writes in its hands are not acknowledged to anyone (their
                    // callers wait on them), and what is queued behind it fails below
                    log.error("store: a writer did not stop within {} ms of the close; left running. Writer {}",
                            writerWait.toMillis(), w.whereItIs());
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        for (GroupCommitWriter w : writers) {
            for (WriteOp<?> op : w.leftovers()) {
                op.future.completeExceptionally(new TemporaryFailureException("store: closed"));
            }
        }
        reads.close();
        completer.shutdown();
        try {
            if (!completer.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("store: write completions still running after 10 s");
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (ownedPool != null) {
            ownedPool.close();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
