package io.mgw.bench.smpp;

import static java.util.Objects.requireNonNull;

import io.mgw.bench.smpp.LatencyStats.Percentiles;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of one {@link SmppLoad} run: counts, rates and latencies, printable as text and as JSON.
 *
 * @param config the settings of the run
 * @param startedAt wall-clock start of sending
 * @param sendSeconds how long sending took (warm-up included)
 * @param submitted submit_sm sent over the whole run
 * @param submittedMeasured submit_sm whose intended start fell in the measured window
 * @param notSent open-loop slots that fell due before the end of sending but were never sent (windows full)
 * @param responses submit_sm_resp by command_status name (ROK, THROTTLED, MSGQFUL, 0x...), whole run
 * @param timeouts submits with no response within the response timeout (outcome unknown)
 * @param errors other failures by kind (I/O, session closed, invalid response), whole run
 * @param accepted submit_sm_resp ROK over the whole run
 * @param perSecond accepted responses per second of the measured window
 * @param perSecondSeries the same, one value per second
 * @param submitLatency intended start to submit_sm_resp, every response, measured window
 * @param submitP99ByTenSeconds p99 of the same, per ten seconds of the measured window (when the tail came)
 * @param serviceTime actual send to submit_sm_resp, every response, measured window
 * @param dispatchLag how late submits left compared with the schedule (windows full, or the tool itself
 *     late), measured window
 * @param windowWaits times the sender found a bind's window full and had to wait
 * @param receipts receipt counters, when receipts were requested
 * @param receiptWaitMillis how long the run waited for missing receipts after sending
 * @param otherDeliverSm deliver_sm that were not receipts (MO), or receipts without an id
 * @param sessionsLost binds that closed during the run
 * @param toolCpuCores CPU used by the tool's JVM while sending, in cores (CPU seconds per wall second),
 *     to tell whether the tool itself could be the limit
 */
public record LoadReport(
    LoadConfig config,
    Instant startedAt,
    double sendSeconds,
    long submitted,
    long submittedMeasured,
    long notSent,
    Map<String, Long> responses,
    long timeouts,
    Map<String, Long> errors,
    long accepted,
    PerSecondCounter.Summary perSecond,
    long[] perSecondSeries,
    Percentiles submitLatency,
    double[] submitP99ByTenSeconds,
    Percentiles serviceTime,
    Percentiles dispatchLag,
    long windowWaits,
    Optional<ReceiptTracker.Snapshot> receipts,
    long receiptWaitMillis,
    long otherDeliverSm,
    int sessionsLost,
    double toolCpuCores) {

  /** Checks the references are present. */
  public LoadReport {
    requireNonNull(config, "config");
    requireNonNull(startedAt, "startedAt");
    requireNonNull(responses, "responses");
    requireNonNull(errors, "errors");
    requireNonNull(perSecond, "perSecond");
    requireNonNull(perSecondSeries, "perSecondSeries");
    requireNonNull(submitLatency, "submitLatency");
    requireNonNull(submitP99ByTenSeconds, "submitP99ByTenSeconds");
    requireNonNull(serviceTime, "serviceTime");
    requireNonNull(dispatchLag, "dispatchLag");
    requireNonNull(receipts, "receipts");
  }

  /** Accepted submits per second over the measured window. */
  public double acceptedPerSecond() {
    return perSecond.total() / (config.duration().toMillis() / 1000.0);
  }

  /**
   * Whether the run succeeded: something was accepted and, when receipts were waited for, every accepted
   * submit got its receipt.
   */
  public boolean passed() {
    if (accepted == 0) {
      return false;
    }
    if (!config.waitsForReceipts()) {
      return true;
    }
    return receipts.map(r -> r.missing() == 0).orElse(false);
  }

  /** Process exit code: 0 when {@link #passed()}, 1 otherwise. */
  public int exitCode() {
    return passed() ? 0 : 1;
  }

  /** A human summary, a few lines. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    LoadConfig c = config;
    sb.append(String.format(Locale.ROOT,
        "SmppLoad %s:%d as %s: %d %s binds x window %d, rate %s, warmup %.1fs%s + measured %.1fs, mix %s%n",
        c.host(), c.port(), c.systemId(), c.binds(),
        c.receiver() == LoadConfig.ReceiverMode.TRANSCEIVER ? "TRX" : "TX (+" + c.rxBinds() + " RX)",
        c.window(), c.rate() == 0 ? "unlimited" : c.rate() + "/s", c.warmup().toMillis() / 1000.0,
        c.warmupRate() != c.rate() ? " at " + c.warmupRate() + "/s" : "", c.duration().toMillis() / 1000.0,
        c.mix()));
    sb.append(String.format(Locale.ROOT,
        "submitted   %d (measured %d, offered %.0f/s), not sent %d, send time %.1fs%n",
        submitted, submittedMeasured, submittedMeasured / (c.duration().toMillis() / 1000.0), notSent,
        sendSeconds));
    sb.append("responses   ").append(responses).append(", timeouts ").append(timeouts)
        .append(", errors ").append(errors).append('\n');
    sb.append(String.format(Locale.ROOT,
        "throughput  %.0f accepted/s over the measured window; per second min %d, median %d, max %d%n",
        acceptedPerSecond(), perSecond.min(), perSecond.median(), perSecond.max()));
    sb.append("submit_sm_resp latency ms (from intended start) ").append(text(submitLatency)).append('\n');
    sb.append("  p99 by 10 s of the measured window             ");
    for (double p99 : submitP99ByTenSeconds) {
      sb.append(String.format(Locale.ROOT, " %.1f", p99));
    }
    sb.append('\n');
    sb.append("service time ms (from actual send)               ").append(text(serviceTime)).append('\n');
    sb.append("send lag ms (schedule -> send)                   ").append(text(dispatchLag))
        .append(", window-full waits ").append(windowWaits)
        .append(String.format(Locale.ROOT, ", tool CPU %.2f cores%n", toolCpuCores));
    receipts.ifPresentOrElse(r -> {
      sb.append(String.format(Locale.ROOT,
          "receipts    accepted %d, received %d, matched %d, missing %d, duplicates %d, unknown %d,"
              + " waited %.1fs, by stat %s%n",
          r.accepted(), r.received(), r.matched(), r.missing(), r.duplicates(), r.unknownReceipts(),
          receiptWaitMillis / 1000.0, r.byStat()));
      if (r.duplicateIds() > 0) {
        sb.append("            server returned ").append(r.duplicateIds()).append(" message ids twice\n");
      }
      sb.append("receipt latency ms (submit -> receipt)           ").append(text(r.latency())).append('\n');
    }, () -> sb.append("receipts    not requested (registered_delivery ").append(c.registeredDelivery())
        .append(")\n"));
    if (otherDeliverSm > 0 || sessionsLost > 0) {
      sb.append("other deliver_sm ").append(otherDeliverSm).append(", sessions lost ").append(sessionsLost)
          .append('\n');
    }
    sb.append(passed() ? "RESULT: PASS" : "RESULT: FAIL");
    if (!passed()) {
      sb.append(accepted == 0 ? " (nothing accepted)" : " (receipts missing)");
    }
    return sb.append('\n').toString();
  }

  private static String text(Percentiles p) {
    return String.format(Locale.ROOT, "p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  (n=%d)",
        p.p50(), p.p90(), p.p99(), p.p999(), p.max(), p.count());
  }

  /** The report as a JSON tree (maps and lists), for {@link Json}. */
  public Map<String, Object> toJsonTree() {
    Map<String, Object> root = new LinkedHashMap<>();
    LoadConfig c = config;
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("host", c.host());
    cfg.put("port", c.port());
    cfg.put("systemId", c.systemId());
    cfg.put("binds", c.binds());
    cfg.put("window", c.window());
    cfg.put("rate", c.rate());
    cfg.put("durationSeconds", c.duration().toMillis() / 1000.0);
    cfg.put("warmupSeconds", c.warmup().toMillis() / 1000.0);
    cfg.put("warmupRate", c.warmupRate());
    cfg.put("mix", c.mix().toString());
    cfg.put("destPrefix", c.destPrefix());
    cfg.put("dests", c.dests());
    cfg.put("registeredDelivery", c.registeredDelivery());
    cfg.put("waitReceiptsSeconds", c.waitReceipts().toMillis() / 1000.0);
    cfg.put("receiver", c.receiver().name().toLowerCase(Locale.ROOT));
    cfg.put("rxBinds", c.receiver() == LoadConfig.ReceiverMode.RECEIVER ? c.rxBinds() : 0);
    cfg.put("responseTimeoutSeconds", c.responseTimeout().toMillis() / 1000.0);
    root.put("config", cfg);
    root.put("startedAt", startedAt.toString());
    root.put("sendSeconds", sendSeconds);
    root.put("submitted", submitted);
    root.put("submittedMeasured", submittedMeasured);
    root.put("notSent", notSent);
    root.put("responses", responses);
    root.put("timeouts", timeouts);
    root.put("errors", errors);
    root.put("accepted", accepted);
    Map<String, Object> tp = new LinkedHashMap<>();
    tp.put("acceptedPerSecond", acceptedPerSecond());
    tp.put("perSecondMin", perSecond.min());
    tp.put("perSecondMedian", perSecond.median());
    tp.put("perSecondMax", perSecond.max());
    tp.put("perSecondSeries", perSecondSeries);
    root.put("throughput", tp);
    root.put("submitLatencyMs", json(submitLatency));
    root.put("submitP99ByTenSecondsMs", java.util.Arrays.stream(submitP99ByTenSeconds).boxed().toList());
    root.put("serviceTimeMs", json(serviceTime));
    root.put("sendLagMs", json(dispatchLag));
    root.put("windowWaits", windowWaits);
    root.put("toolCpuCores", toolCpuCores);
    receipts.ifPresent(r -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("accepted", r.accepted());
      m.put("received", r.received());
      m.put("matched", r.matched());
      m.put("missing", r.missing());
      m.put("duplicates", r.duplicates());
      m.put("unknown", r.unknownReceipts());
      m.put("duplicateIds", r.duplicateIds());
      m.put("byStat", r.byStat());
      m.put("waitedSeconds", receiptWaitMillis / 1000.0);
      m.put("latencyMs", json(r.latency()));
      root.put("receipts", m);
    });
    root.put("otherDeliverSm", otherDeliverSm);
    root.put("sessionsLost", sessionsLost);
    root.put("passed", passed());
    return root;
  }

  private static Map<String, Object> json(Percentiles p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", p.count());
    m.put("p50", p.p50());
    m.put("p90", p.p90());
    m.put("p99", p.p99());
    m.put("p999", p.p999());
    m.put("max", p.max());
    m.put("mean", p.mean());
    return m;
  }

  /** {@link #toJsonTree()} as JSON text. */
  public String toJson() {
    return Json.write(toJsonTree());
  }
}
