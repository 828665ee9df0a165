package io.mgw.bench.smpp;

import static java.util.Objects.requireNonNull;

import io.mgw.bench.smpp.LoadConfig.ReceiverMode;
import io.mgw.core.config.TlsConfig;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.extra.ResponseTimeoutException;
import org.jsmpp.extra.SessionState;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.session.connection.ConnectionFactory;
import org.jsmpp.session.connection.socket.SocketConnection;

/**
 * One load run: binds, sends open-loop (or as fast as the windows allow), waits for receipts, unbinds, and
 * returns a {@link LoadReport}.
 *
 * <pre>
 *   dispatcher thread                       virtual thread per submit
 *   ----------------                        -------------------------
 *   wait until slot i is due  --------+
 *   take a permit of bind b's window  |     submitShortMessage (blocks until submit_sm_resp)
 *   start -------------------------------&gt; count status, latency from the intended start,
 *   i++                                     register the id for its receipt, release the permit
 * </pre>
 *
 * <p>With {@code --transport jsmpp}: jSMPP's {@code submitShortMessage} blocks until the response, so each
 * outstanding submit needs its own thread: virtual threads make that cheap, and the per-bind {@link Semaphore} caps
 * them at the window. Receipts are handled on jSMPP's reader thread of the receiving session, which only parses and
 * updates a concurrent map. With {@code --transport netty} (the default) the dispatcher queues each submit on its
 * bind and hands each bind's queue to the one event loop once per schedule tick, before it waits
 * ({@link NettyBind}); the windows and everything counted are the same.
 */
final class LoadRun implements NettyBind.Events {

  private static final int BIND_TIMEOUT_MILLIS = 10_000;
  private static final int ENQUIRE_LINK_MILLIS = 30_000;
  /**
   * Granularity of the open-loop schedule. Profiling at 10,000/s showed the tool's CPU going mostly into
   * context switches; waking once per millisecond instead of once per submit removes most of the
   * dispatcher's share, and the intended start is the tick itself so no latency is hidden.
   */
  private static final long TICK_NANOS = 1_000_000L;

  /**
   * jSMPP's own factory leaves Nagle's algorithm on; with one small write per PDU that holds a submit back
   * until the previous segment is acknowledged, and with delayed ACKs that adds up to tens of milliseconds
   * per PDU at moderate rates. A load tool must not add that latency.
   */
  private static final ConnectionFactory NO_DELAY = (host, port) -> {
    Socket socket = new Socket(host, port);
    socket.setTcpNoDelay(true);
    return new SocketConnection(socket);
  };

  private final LoadConfig cfg;
  /** Plain TCP, or TLS over it with {@code --tls-trust-store}. */
  private final ConnectionFactory connections;
  private final PrintStream progress;
  private final MessageFactory messages;
  private final ReceiptTracker tracker = new ReceiptTracker();
  private final LongAdder submitted = new LongAdder();
  private final LongAdder submittedMeasured = new LongAdder();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder timeouts = new LongAdder();
  private final LongAdder windowWaits = new LongAdder();
  private final LongAdder otherDeliverSm = new LongAdder();
  private final AtomicInteger sessionsLost = new AtomicInteger();
  private final ConcurrentHashMap<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final LatencyStats submitLatency = new LatencyStats();
  private final LatencyStats serviceTime = new LatencyStats();
  private final LatencyStats dispatchLag = new LatencyStats();
  /** Submit latency (from the intended start) per ten seconds of the measured window, to see when the tail came. */
  private volatile LatencyStats[] byTenSeconds = new LatencyStats[0];
  private volatile long measureStartNanos;
  private volatile PerSecondCounter perSecond;
  private volatile boolean closing;

  /** A transmitting bind and its window: a jSMPP session or a {@link NettyBind}, as the transport says. */
  private record Bind(int index, SMPPSession session, NettyBind netty, Semaphore window) {}

  /**
   * @param cfg the run's settings
   * @param progress where a progress line goes every few seconds (stderr in the CLI)
   */
  LoadRun(LoadConfig cfg, PrintStream progress) {
    this.cfg = requireNonNull(cfg, "cfg");
    this.progress = requireNonNull(progress, "progress");
    this.messages = new MessageFactory(cfg.mix(), cfg.destPrefix(), cfg.dests());
    this.connections = cfg.tlsTrustStore().map(t -> tls(t, cfg.tlsTrustStorePassword())).orElse(NO_DELAY);
  }

  /** TLS over a TCP_NODELAY socket, trusting only {@code trustStore}'s certificates, the host name checked. */
  private static ConnectionFactory tls(String trustStore, String password) {
    TlsConfig tls = TlsConfig.client().withTrustStore(Path.of(trustStore), password);
    SSLContext context = tls.sslContext();
    return (host, port) -> {
      Socket raw = new Socket(host, port);
      raw.setTcpNoDelay(true);
      SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(raw, host, port, true);
      tls.configureClient(socket);
      socket.startHandshake();
      return new SocketConnection(socket);
    };
  }

  /**
   * Runs the load and returns its report.
   *
   * @throws IOException when a bind fails (every bind opened so far is closed again)
   */
  LoadReport run() throws IOException, InterruptedException {
    if (cfg.transport() == LoadConfig.Transport.NETTY) {
      return runNetty();
    }
    List<SMPPSession> all = new ArrayList<>();
    List<Bind> tx = new ArrayList<>();
    try {
      BindType txType = cfg.receiver() == ReceiverMode.TRANSCEIVER ? BindType.BIND_TRX : BindType.BIND_TX;
      for (int i = 0; i < cfg.binds(); i++) {
        SMPPSession s = bind(txType);
        all.add(s);
        tx.add(new Bind(i, s, null, new Semaphore(cfg.window())));
      }
      if (cfg.receiver() == ReceiverMode.RECEIVER) {
        for (int i = 0; i < cfg.rxBinds(); i++) {
          all.add(bind(BindType.BIND_RX));
        }
      }
      return drive(tx);
    } finally {
      closing = true;
      closeAll(all);
    }
  }

  private LoadReport runNetty() throws IOException, InterruptedException {
    EventLoopGroup group = NettyBind.group();
    List<NettyBind> all = new ArrayList<>();
    List<Bind> tx = new ArrayList<>();
    try {
      int txType = cfg.receiver() == ReceiverMode.TRANSCEIVER
          ? NettyBind.BIND_TRANSCEIVER : NettyBind.BIND_TRANSMITTER;
      for (int i = 0; i < cfg.binds(); i++) {
        Semaphore window = new Semaphore(cfg.window());
        NettyBind b = NettyBind.open(group, cfg, txType, window, this, "bind " + i, BIND_TIMEOUT_MILLIS);
        all.add(b);
        tx.add(new Bind(i, null, b, window));
      }
      if (cfg.receiver() == ReceiverMode.RECEIVER) {
        for (int i = 0; i < cfg.rxBinds(); i++) {
          all.add(NettyBind.open(group, cfg, NettyBind.BIND_RECEIVER, null, this, "receiver " + i,
              BIND_TIMEOUT_MILLIS));
        }
      }
      return drive(tx);
    } finally {
      closing = true;
      List<Thread> closers = new ArrayList<>();
      for (NettyBind b : all) {
        closers.add(Thread.ofVirtual().start(b::unbindAndClose));
      }
      for (Thread t : closers) {
        t.join(10_000);
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
  }

  private SMPPSession bind(BindType type) throws IOException {
    SMPPSession s = new SMPPSession(connections);
    s.setTransactionTimer(cfg.responseTimeout().toMillis());
    s.setEnquireLinkTimer(ENQUIRE_LINK_MILLIS);
    // responses and deliver_sm share one processing queue per session; when it is full jSMPP answers
    // deliver_sm with ESME_RTHROTTLED, so leave room for a window of responses plus a burst of receipts
    s.setQueueCapacity(Math.max(1_000, cfg.window() * 8));
    // jSMPP grows a bound session's PDU pool to 3 threads by default; the work per PDU here is tiny (wake
    // the submitter, or match a receipt), so more threads only add context switches (measured: one thread
    // per session cut the tool's CPU at 10,000/s)
    s.setPduProcessorDegree(1);
    s.setMessageReceiverListener(new Listener());
    s.addSessionStateListener((newState, oldState, source) -> {
      if (newState == SessionState.CLOSED && oldState.isBound() && !closing) {
        sessionsLost.incrementAndGet();
        progress.println("session " + source.getSessionId() + " closed during the run");
      }
    });
    s.connectAndBind(cfg.host(), cfg.port(), new BindParameter(type, cfg.systemId(), cfg.password(),
        cfg.systemType(), TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null), BIND_TIMEOUT_MILLIS);
    return s;
  }

  private LoadReport drive(List<Bind> tx) throws InterruptedException {
    long warmupNanos = cfg.warmup().toNanos();
    long durationNanos = cfg.duration().toNanos();
    int seconds = (int) Math.max(1, (durationNanos + 999_999_999L) / 1_000_000_000L);
    long start = System.nanoTime() + 20_000_000L;
    Instant startedAt = Instant.now().plusMillis(20);
    long measureStart = start + warmupNanos;
    long sendEnd = measureStart + durationNanos;
    PerSecondCounter perSecond = new PerSecondCounter(measureStart, seconds);
    this.perSecond = perSecond;
    LatencyStats[] tens = new LatencyStats[(seconds + 9) / 10];
    Arrays.setAll(tens, i -> new LatencyStats());
    measureStartNanos = measureStart;
    byTenSeconds = tens;
    WarmupSchedule schedule = cfg.rate() > 0
        ? new WarmupSchedule(start, measureStart, cfg.warmupRate(), cfg.rate(), TICK_NANOS) : null;

    Thread reporter = Thread.ofPlatform().daemon().name("smpp-load-progress")
        .start(() -> reportProgress(start));
    long notSent = 0;
    long cpuStart = processCpuNanos();
    try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
      long slot = 0;
      long messageNo = 0;
      List<MessageFactory.Part> parts = List.of();
      int partIndex = 0;
      Bind bind = tx.get(0);
      while (true) {
        long intended;
        if (schedule != null) {
          intended = schedule.intendedNanos(slot);
          if (intended >= sendEnd) {
            break;
          }
          if (intended - System.nanoTime() > 0) {
            flush(tx); // this tick's submits go out before the wait for the next
          }
          waitUntil(intended);
        } else if (System.nanoTime() >= sendEnd) {
          break;
        } else {
          intended = 0; // set once the window admits the submit
        }
        boolean admitted = false;
        if (partIndex == parts.size()) {
          parts = messages.message(messageNo);
          // round robin, but skip a bind whose window is full so one slow bind does not hold up the rest;
          // the later parts of a long message follow the first part on its bind
          int first = (int) (messageNo % tx.size());
          bind = tx.get(first);
          for (int k = 0; k < tx.size() && !admitted; k++) {
            Bind candidate = tx.get((first + k) % tx.size());
            if (candidate.window().tryAcquire()) {
              bind = candidate;
              admitted = true;
            }
          }
          messageNo++;
          partIndex = 0;
        }
        if (!admitted && !bind.window().tryAcquire()) {
          flush(tx); // what is queued must go out before waiting for a permit its responses release
          if (!acquire(bind.window(), sendEnd)) {
            break; // the end came while the window was full
          }
        }
        long now = System.nanoTime();
        if (schedule == null) {
          intended = now;
        }
        boolean measured = intended >= measureStart;
        if (measured) {
          dispatchLag.recordNanos(now - intended);
          submittedMeasured.increment();
        }
        submitted.increment();
        MessageFactory.Part part = parts.get(partIndex++);
        Bind b = bind;
        long intendedAt = intended;
        if (b.netty() != null) {
          b.netty().enqueue(part, intendedAt, measured);
        } else {
          senders.execute(() -> submit(b, part, intendedAt, measured));
        }
        slot++;
      }
      flush(tx);
      if (schedule != null) {
        notSent = Math.max(0, schedule.slotsDueBefore(sendEnd) - slot);
      }
      long sendStop = System.nanoTime();
      double sendSeconds = (sendStop - start) / 1e9;
      double cpuCores = (processCpuNanos() - cpuStart) / (double) (sendStop - start);
      drainWindows(tx);
      senders.shutdown();
      if (!senders.awaitTermination(cfg.responseTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS)) {
        progress.println("some submits did not finish within the response timeout");
      }
      long waitStart = System.nanoTime();
      if (cfg.waitsForReceipts()) {
        long deadline = waitStart + cfg.waitReceipts().toNanos();
        while (tracker.missing() > 0 && System.nanoTime() < deadline) {
          LockSupport.parkNanos(5_000_000L);
        }
      }
      long receiptWaitMillis = (System.nanoTime() - waitStart) / 1_000_000;
      reporter.interrupt();
      return new LoadReport(cfg, startedAt, sendSeconds, submitted.sum(), submittedMeasured.sum(), notSent,
          statusNames(), timeouts.sum(), sums(errors), accepted.sum(), perSecond.summary(), perSecond.series(),
          submitLatency.snapshot(), p99s(byTenSeconds), serviceTime.snapshot(), dispatchLag.snapshot(),
          windowWaits.sum(),
          cfg.requestsReceipts() ? Optional.of(tracker.snapshot()) : Optional.empty(), receiptWaitMillis,
          otherDeliverSm.sum(), sessionsLost.get(), cpuCores);
    } finally {
      reporter.interrupt();
    }
  }

  private static void flush(List<Bind> tx) {
    for (Bind b : tx) {
      if (b.netty() != null) {
        b.netty().flush();
      }
    }
  }

  @Override
  public void response(int status, String messageId, long intended, long sent, long done, boolean measured) {
    if (status == 0) {
      accepted.increment();
      perSecond.increment(done);
      if (cfg.requestsReceipts()) {
        tracker.accepted(messageId, intended, measured);
      }
    }
    record(measured, intended, sent, done);
    statuses.computeIfAbsent(status, k -> new LongAdder()).increment();
  }

  @Override
  public void timeout() {
    timeouts.increment();
  }

  @Override
  public void deliverSm(boolean receipt, byte[] text, byte[] receiptedId, long now) {
    Optional<ReceiptParser.Receipt> r = ReceiptParser.parse(receipt, text, receiptedId);
    if (r.isPresent()) {
      tracker.receipt(r.get().messageId(), now, r.get().stat());
    } else {
      otherDeliverSm.increment();
    }
  }

  @Override
  public void other() {
    otherDeliverSm.increment();
  }

  @Override
  public void lost(String which) {
    if (!closing) {
      sessionsLost.incrementAndGet();
      progress.println(which + " closed during the run");
    }
  }

  private static double[] p99s(LatencyStats[] stats) {
    return Arrays.stream(stats).mapToDouble(s -> s.snapshot().p99()).toArray();
  }

  /** CPU time used by this JVM so far (all threads), or 0 when the platform does not tell. */
  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.max(0, os.getProcessCpuTime());
    }
    return 0;
  }

  /**
   * Parks until {@code nanos}. No spinning: on a small machine the server needs the core more than the
   * schedule needs microsecond accuracy; a late wake-up only makes the due slots go out together, their
   * intended times (and so the latency measurement) stay exact.
   */
  private static void waitUntil(long nanos) {
    long left;
    while ((left = nanos - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
    }
  }

  /** Takes a window permit, waiting while the window is full, but not beyond {@code deadline}. */
  private boolean acquire(Semaphore window, long deadline) throws InterruptedException {
    if (window.tryAcquire()) {
      return true;
    }
    windowWaits.increment();
    while (System.nanoTime() < deadline) {
      if (window.tryAcquire(10, TimeUnit.MILLISECONDS)) {
        return true;
      }
    }
    return false;
  }

  private void drainWindows(List<Bind> tx) throws InterruptedException {
    long deadline = System.nanoTime() + cfg.responseTimeout().toNanos() + 1_000_000_000L;
    for (Bind b : tx) {
      long left = deadline - System.nanoTime();
      if (!b.window().tryAcquire(cfg.window(), Math.max(0, left), TimeUnit.NANOSECONDS)) {
        progress.println("bind " + b.index() + ": submits still outstanding after the response timeout");
      }
    }
  }

  private void submit(Bind bind, MessageFactory.Part part, long intended, boolean measured) {
    long sent = System.nanoTime();
    int status = -1;
    try {
      SubmitSmResult r = bind.session().submitShortMessage("",
          sourceTon(), NumberingPlanIndicator.UNKNOWN, cfg.sourceAddr(),
          TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, part.destination(),
          new ESMClass(part.esmClass()), (byte) 0, (byte) 0, null, null,
          new RegisteredDelivery((byte) cfg.registeredDelivery()), (byte) 0,
          DataCodings.newInstance(part.dataCoding()), (byte) 0, part.shortMessage());
      long done = System.nanoTime();
      status = 0;
      accepted.increment();
      perSecond.increment(done);
      record(measured, intended, sent, done);
      if (cfg.requestsReceipts()) {
        tracker.accepted(r.getMessageId(), intended, measured);
      }
    } catch (NegativeResponseException e) {
      status = e.getCommandStatus();
      record(measured, intended, sent, System.nanoTime());
    } catch (ResponseTimeoutException e) {
      timeouts.increment();
    } catch (IOException e) {
      error(bind.session().getSessionState().isBound() ? "io" : "session-not-bound");
    } catch (Exception e) {
      error(e.getClass().getSimpleName());
    } finally {
      if (status >= 0) {
        statuses.computeIfAbsent(status, k -> new LongAdder()).increment();
      }
      bind.window().release();
    }
  }

  private void record(boolean measured, long intended, long sent, long done) {
    if (measured) {
      submitLatency.recordNanos(done - intended);
      LatencyStats[] tens = byTenSeconds;
      int i = (int) ((intended - measureStartNanos) / 10_000_000_000L);
      if (i < tens.length) {
        tens[i].recordNanos(done - intended);
      }
      serviceTime.recordNanos(done - sent);
    }
  }

  @Override
  public void error(String kind) {
    errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  private TypeOfNumber sourceTon() {
    return cfg.sourceAddr().chars().allMatch(Character::isDigit)
        ? TypeOfNumber.UNKNOWN : TypeOfNumber.ALPHANUMERIC;
  }

  private Map<String, Long> statusNames() {
    Map<String, Long> out = new TreeMap<>();
    statuses.forEach((k, v) -> out.put(statusName(k), v.sum()));
    return out;
  }

  /** A readable name for an SMPP command_status (SMPP 3.4 §5.1.3). */
  static String statusName(int status) {
    return switch (status) {
      case 0x00 -> "ROK";
      case 0x58 -> "THROTTLED";
      case 0x14 -> "MSGQFUL";
      case 0x08 -> "SYSERR";
      case 0x45 -> "SUBMITFAIL";
      case 0x0B -> "INVDSTADR";
      default -> String.format(Locale.ROOT, "0x%08X", status);
    };
  }

  private static Map<String, Long> sums(Map<String, LongAdder> m) {
    Map<String, Long> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  private void reportProgress(long start) {
    long lastAccepted = 0;
    long last = System.nanoTime();
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(5_000);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      long acc = accepted.sum();
      progress.printf(Locale.ROOT, "t=%4.0fs submitted %d accepted %d (%.0f/s last %.0fs) timeouts %d"
              + " errors %d receipts missing %d%n",
          (now - start) / 1e9, submitted.sum(), acc, (acc - lastAccepted) / ((now - last) / 1e9),
          (now - last) / 1e9, timeouts.sum(), errors.values().stream().mapToLong(LongAdder::sum).sum(),
          cfg.requestsReceipts() ? tracker.missing() : 0);
      lastAccepted = acc;
      last = now;
    }
  }

  private static void closeAll(List<SMPPSession> sessions) throws InterruptedException {
    List<Thread> closers = new ArrayList<>();
    for (SMPPSession s : sessions) {
      closers.add(Thread.ofVirtual().start(s::unbindAndClose));
    }
    for (Thread t : closers) {
      t.join(5_000);
    }
  }

  /** Receives deliver_sm on a bind: receipts go to the tracker, anything else is only counted. */
  private final class Listener implements MessageReceiverListener {
    @Override
    public void onAcceptDeliverSm(DeliverSm deliverSm) {
      long now = System.nanoTime();
      Optional<ReceiptParser.Receipt> r = ReceiptParser.parse(deliverSm);
      if (r.isPresent()) {
        tracker.receipt(r.get().messageId(), now, r.get().stat());
      } else {
        otherDeliverSm.increment();
      }
    }

    @Override
    public void onAcceptAlertNotification(AlertNotification alertNotification) {
      // not used by the load tool
    }

    @Override
    public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
      otherDeliverSm.increment();
      throw new ProcessRequestException("data_sm is not handled by the load tool", 0x03);
    }
  }
}
