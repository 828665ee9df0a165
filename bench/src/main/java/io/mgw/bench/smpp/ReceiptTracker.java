package io.mgw.bench.smpp;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Matches delivery receipts to accepted submits by message id, and counts what is matched, missing,
 * duplicated or unknown.
 *
 * <p>A receipt may be processed before the thread that sent the submit has seen its {@code submit_sm_resp}
 * (the server can send the receipt right after the response, and the two are handled on different threads),
 * so a receipt for an id not yet accepted is kept as <em>early</em> and matched when the id arrives. An early
 * receipt that is never matched counts as {@link Snapshot#unknownReceipts() unknown}.
 *
 * <p>Ids are compared exactly after trimming white space (the tool checks that the server echoes the id it
 * gave in {@code submit_sm_resp}; SMPP 3.4 §5.3.2.12 receipted_message_id). Thread-safe.
 */
public final class ReceiptTracker {

  private sealed interface Entry permits Pending, Early, Done {}

  private record Pending(long intendedNanos, boolean measured) implements Entry {}

  private record Early(long receiptNanos, String stat) implements Entry {}

  private enum Done implements Entry { INSTANCE }

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder matched = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder duplicateIds = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final ConcurrentHashMap<String, LongAdder> stats = new ConcurrentHashMap<>();
  private final LatencyStats latency = new LatencyStats();

  /**
   * Notes that a submit was accepted with {@code messageId}.
   *
   * @param messageId the id from submit_sm_resp
   * @param intendedNanos when the submit was meant to start (receipt latency is measured from here)
   * @param measured whether the submit belongs to the measured window (only those feed the latency)
   */
  public void accepted(String messageId, long intendedNanos, boolean measured) {
    String id = key(messageId);
    accepted.increment();
    long[] matchedAt = {Long.MIN_VALUE};
    String[] stat = {null};
    entries.compute(id, (k, old) -> {
      if (old == null) {
        return new Pending(intendedNanos, measured);
      }
      if (old instanceof Early early) {
        matchedAt[0] = early.receiptNanos();
        stat[0] = early.stat();
        return Done.INSTANCE;
      }
      // the server gave the same id twice: the second acceptance can never be told apart
      duplicateIds.increment();
      return old;
    });
    if (matchedAt[0] != Long.MIN_VALUE) {
      onMatch(matchedAt[0] - intendedNanos, measured, stat[0]);
    }
  }

  /**
   * Notes a receipt for {@code messageId} that arrived at {@code receiptNanos}.
   *
   * @param stat the receipt's final state (e.g. DELIVRD), or null when it had none
   */
  public void receipt(String messageId, long receiptNanos, String stat) {
    String id = key(messageId);
    received.increment();
    long[] intended = {Long.MIN_VALUE};
    boolean[] measured = {false};
    entries.compute(id, (k, old) -> {
      if (old == null) {
        return new Early(receiptNanos, stat);
      }
      if (old instanceof Pending p) {
        intended[0] = p.intendedNanos();
        measured[0] = p.measured();
        return Done.INSTANCE;
      }
      duplicates.increment();
      return old;
    });
    if (intended[0] != Long.MIN_VALUE) {
      onMatch(receiptNanos - intended[0], measured[0], stat);
    }
  }

  private void onMatch(long latencyNanos, boolean measured, String stat) {
    matched.increment();
    if (measured) {
      latency.recordNanos(latencyNanos);
    }
    stats.computeIfAbsent(stat == null ? "(none)" : stat, s -> new LongAdder()).increment();
  }

  /** Accepted submits whose receipt has not arrived yet. */
  public long missing() {
    return accepted.sum() - duplicateIds.sum() - matched.sum();
  }

  /** A consistent-enough view of the counters (taken without stopping the writers). */
  public Snapshot snapshot() {
    long unknown = entries.values().stream().filter(e -> e instanceof Early).count();
    Map<String, Long> byStat = new TreeMap<>();
    stats.forEach((k, v) -> byStat.put(k, v.sum()));
    return new Snapshot(accepted.sum(), received.sum(), matched.sum(), missing(), duplicates.sum(), unknown,
        duplicateIds.sum(), Map.copyOf(byStat), latency.snapshot());
  }

  /**
   * Receipt counters.
   *
   * @param accepted submits accepted (submit_sm_resp ROK with an id)
   * @param received receipts received (each deliver_sm receipt counts once)
   * @param matched accepted submits that got at least one receipt
   * @param missing accepted submits without a receipt
   * @param duplicates receipts beyond the first for the same id
   * @param unknownReceipts receipts whose id was never accepted in this run
   * @param duplicateIds ids the server returned for more than one submit
   * @param byStat matched receipts by final state (the receipt's "stat:" field)
   * @param latency submit (intended start) to receipt, measured window only
   */
  public record Snapshot(long accepted, long received, long matched, long missing, long duplicates,
      long unknownReceipts, long duplicateIds, Map<String, Long> byStat, LatencyStats.Percentiles latency) {}

  private static String key(String messageId) {
    return requireNonNull(messageId, "messageId").trim();
  }
}
