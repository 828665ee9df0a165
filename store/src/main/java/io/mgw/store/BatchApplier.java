package io.mgw.store;

import io.mgw.core.model.Message;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.store.PartTally;
import io.mgw.store.WriteOp.AppendEvent;
import io.mgw.store.WriteOp.DeleteFragments;
import io.mgw.store.WriteOp.MarkSubmitted;
import io.mgw.store.WriteOp.Park;
import io.mgw.store.WriteOp.PartOutcome;
import io.mgw.store.WriteOp.PutCorrelation;
import io.mgw.store.WriteOp.RecordMessage;
import io.mgw.store.WriteOp.RecordSubmission;
import io.mgw.store.WriteOp.SaveFragment;
import io.mgw.store.WriteOp.Unpark;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Applies a batch of writes on one connection, inside the caller's transaction, with one JDBC batch per statement
 * type. The result must equal applying the ops one by one in queue order; statement types run in a fixed order
 * (message inserts, events, marks, correlations, part outcomes, parked receipts, fragments), which
 * is equivalent except where an op depends on an earlier op of a type that runs later. Those cases start a new
 * segment (executed before the op is added, in the same transaction):
 * <ul>
 *   <li>a fragment saved under a key deleted earlier in the segment (saves run before deletes);
 *   <li>a second part outcome for the same message (its tally must not include outcomes queued after it).
 * </ul>
 * A message's status is not written here at all: readers fold it from the history.
 */
final class BatchApplier implements AutoCloseable {

    static final String INSERT_MESSAGE = "INSERT INTO messages (id_hi, id_lo, account, protocol, kind, direction,"
            + " source, source_ton, source_npi, destination, dest_ton, dest_npi, text_preview, report_request,"
            + " received_at, valid_until, first_events)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    static final String INSERT_EVENT = "INSERT INTO message_events (id_hi, id_lo, seq, event_at, event_type,"
            + " status, connector, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    static final String INSERT_MARK = "INSERT INTO submitted_marks (id_hi, id_lo, connector, part)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING";
    static final String INSERT_CORRELATION = "INSERT INTO correlations (connector, remote_id, id_hi, id_lo, part,"
            + " parts, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    static final String REPLACE_CORRELATION = "UPDATE correlations SET id_hi = ?, id_lo = ?, part = ?, parts = ?,"
            + " created_at = ? WHERE connector = ? AND remote_id = ?";
    static final String INSERT_OUTCOME = "INSERT INTO part_outcomes (id_hi, id_lo, part, status)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING";
    static final String SELECT_OUTCOMES = "SELECT status FROM part_outcomes WHERE id_hi = ? AND id_lo = ?";
    static final String INSERT_PARK = "INSERT INTO parked_receipts (connector, remote_id, payload, parked_at)"
            + " VALUES (?, ?, ?, ?)";
    static final String DELETE_PARK = "DELETE FROM parked_receipts WHERE park_id = ?";
    static final String INSERT_FRAGMENT = "INSERT INTO fragments (frag_key, seq, total, payload, expires_at)"
            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    static final String DELETE_FRAGMENTS = "DELETE FROM fragments WHERE frag_key = ?";

    private final Connection connection;
    private final List<PreparedStatement> prepared = new ArrayList<>();
    private PreparedStatement insertMessage;
    private PreparedStatement insertEvent;
    private PreparedStatement insertMark;
    private PreparedStatement insertCorrelation;
    private PreparedStatement insertOutcome;
    private PreparedStatement selectOutcomes;

    BatchApplier(Connection connection) {
        this.connection = connection;
    }

    /** Applies the ops in order; sets each op's result. Does not commit. */
    void apply(List<WriteOp<?>> ops) throws SQLException {
        Segment segment = new Segment();
        for (WriteOp<?> op : ops) {
            if (segment.dependsOnLaterPhase(op)) {
                segment.execute();
                segment = new Segment();
            }
            segment.add(op);
        }
        segment.execute();
    }

    @Override
    public void close() {
        for (PreparedStatement ps : prepared) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // the connection is being dropped anyway
            }
        }
        prepared.clear();
    }

    /** The hot statements stay prepared for the connection's life; the rare ones are prepared when needed. */
    private PreparedStatement hot(PreparedStatement current, String sql) throws SQLException {
        if (current != null) {
            return current;
        }
        PreparedStatement ps = connection.prepareStatement(sql);
        prepared.add(ps);
        return ps;
    }

    /** Ops that can be applied phase by phase without changing the outcome of applying them in order. */
    private final class Segment {
        final List<WriteOp<?>> messageOps = new ArrayList<>();
        final List<RecordMessage> records = new ArrayList<>();
        final List<AppendEvent> appends = new ArrayList<>();
        final List<MarkSubmitted> marks = new ArrayList<>();
        final List<PutCorrelation> correlations = new ArrayList<>();
        final List<PartOutcome> outcomes = new ArrayList<>();
        final Set<MessageId> outcomeIds = new HashSet<>();
        final List<Park> parks = new ArrayList<>();
        final List<Unpark> unparks = new ArrayList<>();
        final List<SaveFragment> fragments = new ArrayList<>();
        final List<DeleteFragments> fragmentDeletes = new ArrayList<>();
        final Set<String> deletedKeys = new HashSet<>();

        boolean dependsOnLaterPhase(WriteOp<?> op) {
            return switch (op) {
                case SaveFragment s -> deletedKeys.contains(s.fragment.key());
                case PartOutcome p -> outcomeIds.contains(p.id);
                default -> false;
            };
        }

        void add(WriteOp<?> op) {
            switch (op) {
                case RecordMessage r -> {
                    messageOps.add(r);
                    records.add(r);
                }
                case AppendEvent a -> {
                    messageOps.add(a);
                    appends.add(a);
                }
                case MarkSubmitted m -> marks.add(m);
                case PutCorrelation c -> correlations.add(c);
                case RecordSubmission r -> {
                    // its parts are written by their phases, all in this transaction; the op completes at commit
                    correlations.addAll(r.correlations);
                    messageOps.add(r.event);
                    appends.add(r.event);
                }
                case PartOutcome p -> {
                    outcomes.add(p);
                    outcomeIds.add(p.id);
                }
                case Park p -> parks.add(p);
                case Unpark u -> unparks.add(u);
                case SaveFragment s -> fragments.add(s);
                case DeleteFragments d -> {
                    fragmentDeletes.add(d);
                    deletedKeys.add(d.key);
                }
            }
        }

        void execute() throws SQLException {
            if (!records.isEmpty()) {
                insertMessages();
            }
            if (!messageOps.isEmpty()) {
                insertEvents();
            }
            if (!marks.isEmpty()) {
                insertMarks();
            }
            if (!correlations.isEmpty()) {
                upsertCorrelations();
            }
            if (!outcomes.isEmpty()) {
                recordOutcomes();
            }
            if (!parks.isEmpty() || !unparks.isEmpty()) {
                parkAndUnpark();
            }
            if (!fragments.isEmpty() || !fragmentDeletes.isEmpty()) {
                saveAndDeleteFragments();
            }
        }

        private void insertMessages() throws SQLException {
            PreparedStatement ps = insertMessage = hot(insertMessage, INSERT_MESSAGE);
            for (RecordMessage r : records) {
                Message m = r.message;
                ps.setLong(1, m.id().hi());
                ps.setLong(2, m.id().lo());
                Sql.setText(ps, 3, m.origin().account());
                Sql.setText(ps, 4, m.origin().protocol());
                Sql.setText(ps, 5, m.kind().name());
                Sql.setText(ps, 6, m.direction().name());
                Sql.setText(ps, 7, m.source().value());
                ps.setInt(8, m.source().ton());
                ps.setInt(9, m.source().npi());
                Sql.setText(ps, 10, m.destination().value());
                ps.setInt(11, m.destination().ton());
                ps.setInt(12, m.destination().npi());
                Sql.setText(ps, 13, Sql.preview(m));
                Sql.setText(ps, 14, m.reportRequest().name());
                Sql.setInstant(ps, 15, m.receivedAt());
                Sql.setInstant(ps, 16, m.validUntil());
                List<InlineEvents.Sequenced> inline = new ArrayList<>(r.events.size());
                for (int i = 0; i < r.events.size(); i++) {
                    if (!r.events.get(i).status().isFinal()) {
                        inline.add(new InlineEvents.Sequenced(r.seqs[i], r.events.get(i)));
                    }
                }
                if (inline.isEmpty()) {
                    ps.setNull(17, Types.BINARY);
                } else {
                    ps.setBytes(17, InlineEvents.encode(inline));
                }
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            for (int i = 0; i < counts.length; i++) {
                records.get(i).inserted = counted(counts[i]);
            }
        }

        private void insertEvents() throws SQLException {
            PreparedStatement ps = insertEvent = hot(insertEvent, INSERT_EVENT);
            int n = 0;
            for (WriteOp<?> op : messageOps) {
                if (op instanceof RecordMessage r && r.inserted) {
                    // the non-final ones went into the message row (first_events)
                    for (int i = 0; i < r.events.size(); i++) {
                        if (r.events.get(i).status().isFinal()) {
                            addEvent(ps, r.message.id(), r.seqs[i], r.events.get(i));
                            n++;
                        }
                    }
                } else if (op instanceof AppendEvent a) {
                    addEvent(ps, a.id, a.seq, a.event);
                    n++;
                }
            }
            if (n > 0) {
                ps.executeBatch();
            }
        }

        private static void addEvent(PreparedStatement ps, MessageId id, long seq, MessageEvent e)
                throws SQLException {
            ps.setLong(1, id.hi());
            ps.setLong(2, id.lo());
            ps.setLong(3, seq);
            Sql.setInstant(ps, 4, e.at());
            Sql.setText(ps, 5, e.type().name());
            Sql.setText(ps, 6, e.status().name());
            Sql.setText(ps, 7, e.connector());
            Sql.setText(ps, 8, e.detail());
            ps.addBatch();
        }

        private void insertMarks() throws SQLException {
            PreparedStatement ps = insertMark = hot(insertMark, INSERT_MARK);
            for (MarkSubmitted m : marks) {
                ps.setLong(1, m.id.hi());
                ps.setLong(2, m.id.lo());
                Sql.setText(ps, 3, m.connector);
                ps.setInt(4, m.part);
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            for (int i = 0; i < counts.length; i++) {
                marks.get(i).result = counted(counts[i]);
            }
        }

        /** Insert; where the peer reused a remote id, replace the old mapping (rare, so a second batch). */
        private void upsertCorrelations() throws SQLException {
            PreparedStatement ps = insertCorrelation = hot(insertCorrelation, INSERT_CORRELATION);
            for (PutCorrelation c : correlations) {
                Sql.setText(ps, 1, c.connector);
                Sql.setText(ps, 2, c.remoteId);
                ps.setLong(3, c.id.hi());
                ps.setLong(4, c.id.lo());
                ps.setInt(5, c.part);
                ps.setInt(6, c.parts);
                Sql.setInstant(ps, 7, c.createdAt);
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            List<PutCorrelation> reused = new ArrayList<>();
            for (int i = 0; i < counts.length; i++) {
                if (!counted(counts[i])) {
                    reused.add(correlations.get(i));
                }
            }
            if (reused.isEmpty()) {
                return;
            }
            try (PreparedStatement replace = connection.prepareStatement(REPLACE_CORRELATION)) {
                for (PutCorrelation c : reused) {
                    replace.setLong(1, c.id.hi());
                    replace.setLong(2, c.id.lo());
                    replace.setInt(3, c.part);
                    replace.setInt(4, c.parts);
                    Sql.setInstant(replace, 5, c.createdAt);
                    Sql.setText(replace, 6, c.connector);
                    Sql.setText(replace, 7, c.remoteId);
                    replace.addBatch();
                }
                replace.executeBatch();
            }
        }

        private void recordOutcomes() throws SQLException {
            PreparedStatement ps = insertOutcome = hot(insertOutcome, INSERT_OUTCOME);
            for (PartOutcome p : outcomes) {
                ps.setLong(1, p.id.hi());
                ps.setLong(2, p.id.lo());
                ps.setInt(3, p.part);
                Sql.setText(ps, 4, p.status.name());
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            // each message appears once per segment, so what is stored now is exactly the tally after this op
            PreparedStatement select = null;
            for (int i = 0; i < counts.length; i++) {
                PartOutcome p = outcomes.get(i);
                if (p.parts == 1 && counted(counts[i])) {
                    p.result = tally(1, List.of(p.status)); // the usual single part: nothing else to read
                    continue;
                }
                select = selectOutcomes = hot(selectOutcomes, SELECT_OUTCOMES);
                select.setLong(1, p.id.hi());
                select.setLong(2, p.id.lo());
                List<MessageStatus> stored = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        stored.add(MessageStatus.valueOf(rs.getString(1)));
                    }
                }
                p.result = tally(p.parts, stored);
            }
        }

        private void parkAndUnpark() throws SQLException {
            if (!parks.isEmpty()) {
                try (PreparedStatement ps = connection.prepareStatement(INSERT_PARK)) {
                    for (Park p : parks) {
                        Sql.setText(ps, 1, p.receipt.connector());
                        Sql.setText(ps, 2, p.receipt.remoteId());
                        ps.setBytes(3, p.receipt.payload());
                        Sql.setInstant(ps, 4, p.receipt.parkedAt());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            if (!unparks.isEmpty()) {
                try (PreparedStatement ps = connection.prepareStatement(DELETE_PARK)) {
                    for (Unpark u : unparks) {
                        ps.setLong(1, u.parkId);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
        }

        private void saveAndDeleteFragments() throws SQLException {
            if (!fragments.isEmpty()) {
                try (PreparedStatement ps = connection.prepareStatement(INSERT_FRAGMENT)) {
                    for (SaveFragment s : fragments) {
                        Sql.setText(ps, 1, s.fragment.key());
                        ps.setInt(2, s.fragment.sequence());
                        ps.setInt(3, s.fragment.total());
                        ps.setBytes(4, s.fragment.payload());
                        Sql.setInstant(ps, 5, s.fragment.expiresAt());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            if (!fragmentDeletes.isEmpty()) {
                try (PreparedStatement ps = connection.prepareStatement(DELETE_FRAGMENTS)) {
                    for (DeleteFragments d : fragmentDeletes) {
                        Sql.setText(ps, 1, d.key);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
        }
    }

    /** An update count that says whether the row was written; drivers that hide counts are not supported. */
    private static boolean counted(int count) {
        if (count == Statement.SUCCESS_NO_INFO) {
            throw new IllegalStateException("store: the JDBC driver hides batch update counts"
                    + " (PostgreSQL: do not set reWriteBatchedInserts)");
        }
        return count > 0;
    }

    static PartTally tally(int parts, List<MessageStatus> outcomes) {
        int delivered = 0;
        int failed = 0;
        MessageStatus worst = MessageStatus.DELIVERED;
        for (MessageStatus s : outcomes) {
            if (s == MessageStatus.DELIVERED) {
                delivered++;
            } else {
                failed++;
                if (Severity.of(s) > Severity.of(worst)) {
                    worst = s;
                }
            }
        }
        return new PartTally(parts, delivered, failed, worst);
    }

    /** How bad a failed part's final status is, for {@link PartTally#worst()}. */
    static final class Severity {
        private Severity() {}

        /** REJECTED > UNDELIVERABLE > EXPIRED > DELETED > anything else (DELIVERED, non-final). */
        static int of(MessageStatus s) {
            return switch (s) {
                case REJECTED -> 4;
                case UNDELIVERABLE -> 3;
                case EXPIRED -> 2;
                case DELETED -> 1;
                default -> 0;
            };
        }
    }
}
