package io.mgw.bench.smpp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.jsmpp.bean.BroadcastSm;
import org.jsmpp.bean.CancelBroadcastSm;
import org.jsmpp.bean.CancelSm;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.QueryBroadcastSm;
import org.jsmpp.bean.QuerySm;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.ReplaceSm;
import org.jsmpp.bean.SubmitMulti;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindRequest;
import org.jsmpp.session.BroadcastSmResult;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.QueryBroadcastSmResult;
import org.jsmpp.session.QuerySmResult;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.SMPPServerSessionListener;
import org.jsmpp.session.ServerMessageReceiverListener;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitMultiResult;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.session.connection.ServerConnection;
import org.jsmpp.session.connection.ServerConnectionFactory;
import org.jsmpp.session.connection.Connection;
import org.jsmpp.session.connection.socket.SocketConnection;
import org.jsmpp.util.MessageId;

/**
 * A throwaway SMPP server for testing {@link SmppLoad} (the real SMSC simulator lives in test-kit): accepts
 * any bind with the configured password, answers every submit_sm with a fresh id, and sends a delivery receipt
 * (text plus receipted_message_id and message_state TLVs) after a delay, to the submitting transceiver or
 * to one of the receiver binds. Knobs let it throttle, drop or duplicate receipts so the tool's accounting
 * can be checked. Also runnable as a process ({@link #main}) for measuring the tool.
 */
final class TestSmsc implements AutoCloseable {

  private static final DateTimeFormatter RECEIPT_DATE = DateTimeFormatter.ofPattern("yyMMddHHmm", Locale.ROOT);

  private final String password;
  private final long receiptDelayNanos;
  private final int throttleEvery;
  private final int dropReceiptEvery;
  private final int duplicateReceiptEvery;
  private final SMPPServerSessionListener listener;
  private final int port;
  private final List<SMPPServerSession> sessions = new CopyOnWriteArrayList<>();
  private final BlockingQueue<PendingReceipt> receipts = new LinkedBlockingQueue<>();
  private final AtomicLong ids = new AtomicLong(0x10000);
  private final AtomicLong submits = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private final LongAdder throttled = new LongAdder();
  private final LongAdder receiptsSent = new LongAdder();
  private final LongAdder receiptsFailed = new LongAdder();
  private final LongAdder receiptsDropped = new LongAdder();
  private final AtomicInteger rr = new AtomicInteger();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private record PendingReceipt(long dueNanos, String id, String source, String dest, SMPPServerSession origin,
      int copies) {}

  /**
   * @param password the password every bind must give
   * @param receiptDelayMillis delay from accepting a submit to sending its receipt
   * @param throttleEvery answer every n-th submit with ESME_RTHROTTLED (0 never)
   * @param dropReceiptEvery never send the receipt of every n-th accepted submit (0 never)
   * @param duplicateReceiptEvery send the receipt of every n-th accepted submit twice (0 never)
   * @param receiptSenders how many receipts may be in flight at once (each waits for its deliver_sm_resp)
   */
  TestSmsc(String password, long receiptDelayMillis, int throttleEvery, int dropReceiptEvery,
      int duplicateReceiptEvery, int receiptSenders, int port) throws IOException {
    this.password = password;
    this.receiptDelayNanos = TimeUnit.MILLISECONDS.toNanos(receiptDelayMillis);
    this.throttleEvery = throttleEvery;
    this.dropReceiptEvery = dropReceiptEvery;
    this.duplicateReceiptEvery = duplicateReceiptEvery;
    ServerSocket[] socket = new ServerSocket[1];
    ServerConnectionFactory factory = new ServerConnectionFactory() {
      @Override
      public ServerConnection listen(int p) throws IOException {
        ServerSocket ss = new ServerSocket(p, 50, InetAddress.getLoopbackAddress());
        socket[0] = ss;
        // like the client, switch Nagle off: jSMPP writes one small segment per PDU
        return new ServerConnection() {
          @Override
          public void setSoTimeout(int timeout) throws IOException {
            ss.setSoTimeout(timeout);
          }

          @Override
          public int getSoTimeout() throws IOException {
            return ss.getSoTimeout();
          }

          @Override
          public Connection accept() throws IOException {
            Socket s = ss.accept();
            s.setTcpNoDelay(true);
            return new SocketConnection(s);
          }

          @Override
          public void close() throws IOException {
            ss.close();
          }
        };
      }

      @Override
      public ServerConnection listen(int p, int timeout) throws IOException {
        return listen(p);
      }

      @Override
      public ServerConnection listen(int p, int timeout, int backlog) throws IOException {
        return listen(p);
      }
    };
    this.listener = new SMPPServerSessionListener(port, factory);
    this.port = socket[0].getLocalPort();
    listener.setPduProcessorDegree(8);
    listener.setQueueCapacity(2_000);
    listener.setMessageReceiverListener(new Receiver());
    threads.add(Thread.ofPlatform().daemon().name("test-smsc-accept").start(this::acceptLoop));
    for (int i = 0; i < receiptSenders; i++) {
      threads.add(Thread.ofVirtual().name("test-smsc-receipt-" + i).start(this::receiptLoop));
    }
  }

  /** Starts on a free loopback port with immediate, faithful receipts. */
  static TestSmsc start(String password) throws IOException {
    return new TestSmsc(password, 0, 0, 0, 0, 64, 0);
  }

  int port() {
    return port;
  }

  long accepted() {
    return accepted.get();
  }

  long throttled() {
    return throttled.sum();
  }

  long receiptsSent() {
    return receiptsSent.sum();
  }

  long receiptsFailed() {
    return receiptsFailed.sum();
  }

  long receiptsDropped() {
    return receiptsDropped.sum();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        SMPPServerSession s = listener.accept();
        Thread.ofVirtual().start(() -> handshake(s));
      } catch (IOException e) {
        if (!closed) {
          System.err.println("test-smsc: accept failed: " + e);
        }
        return;
      }
    }
  }

  private void handshake(SMPPServerSession s) {
    try {
      BindRequest req = s.waitForBind(5_000);
      if (!password.equals(req.getPassword())) {
        // leave the closing to the client: closing right away can make it lose the bind_resp
        req.reject(0x0E); // ESME_RINVPASWD
        sessions.add(s);
        return;
      }
      req.accept("testsmsc");
      sessions.add(s);
    } catch (Exception e) {
      s.close();
    }
  }

  private void receiptLoop() {
    while (!closed) {
      PendingReceipt r;
      try {
        r = receipts.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (r == null) {
        continue;
      }
      long wait;
      while ((wait = r.dueNanos() - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      for (int i = 0; i < r.copies(); i++) {
        deliver(r);
      }
    }
  }

  private void deliver(PendingReceipt r) {
    SMPPServerSession target = r.origin().getSessionState().isReceivable() ? r.origin() : anyReceiver();
    if (target == null) {
      receiptsFailed.increment();
      return;
    }
    String now = LocalDateTime.now().format(RECEIPT_DATE);
    String text = "id:" + r.id() + " sub:001 dlvrd:001 submit date:" + now + " done date:" + now
        + " stat:DELIVRD err:000 text:mgw bench";
    try {
      target.deliverShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, r.dest(),
          TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, r.source(), new ESMClass(0x04), (byte) 0,
          (byte) 0, new RegisteredDelivery(0), DataCodings.ZERO, text.getBytes(StandardCharsets.US_ASCII),
          new OptionalParameter.Receipted_message_id(r.id()), new OptionalParameter.Message_state((byte) 2));
      receiptsSent.increment();
    } catch (Exception e) {
      receiptsFailed.increment();
    }
  }

  private SMPPServerSession anyReceiver() {
    List<SMPPServerSession> rx = sessions.stream().filter(s -> s.getSessionState().isReceivable()).toList();
    return rx.isEmpty() ? null : rx.get(Math.floorMod(rr.getAndIncrement(), rx.size()));
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
    for (SMPPServerSession s : sessions) {
      s.unbindAndClose();
    }
    threads.forEach(Thread::interrupt);
  }

  private final class Receiver implements ServerMessageReceiverListener {
    @Override
    public SubmitSmResult onAcceptSubmitSm(SubmitSm submitSm, SMPPServerSession source)
        throws ProcessRequestException {
      long n = submits.incrementAndGet();
      if (throttleEvery > 0 && n % throttleEvery == 0) {
        throttled.increment();
        throw new ProcessRequestException("throttled", 0x58);
      }
      String id = Long.toHexString(ids.getAndIncrement());
      long k = accepted.incrementAndGet();
      if ((submitSm.getRegisteredDelivery() & 0x03) != 0) {
        if (dropReceiptEvery > 0 && k % dropReceiptEvery == 0) {
          receiptsDropped.increment();
        } else {
          int copies = duplicateReceiptEvery > 0 && k % duplicateReceiptEvery == 0 ? 2 : 1;
          receipts.add(new PendingReceipt(System.nanoTime() + receiptDelayNanos, id, submitSm.getSourceAddr(),
              submitSm.getDestAddress(), source, copies));
        }
      }
      try {
        return new SubmitSmResult(new MessageId(id), new OptionalParameter[0]);
      } catch (Exception e) {
        throw new ProcessRequestException("bad id " + id, 0x08);
      }
    }

    @Override
    public SubmitMultiResult onAcceptSubmitMulti(SubmitMulti submitMulti, SMPPServerSession source)
        throws ProcessRequestException {
      throw new ProcessRequestException("not supported", 0x03);
    }

    @Override
    public QuerySmResult onAcceptQuerySm(QuerySm querySm, SMPPServerSession source)
        throws ProcessRequestException {
      throw new ProcessRequestException("not supported", 0x03);
    }

    @Override
    public void onAcceptReplaceSm(ReplaceSm replaceSm, SMPPServerSession source) throws ProcessRequestException {
      throw new ProcessRequestException("not supported", 0x03);
    }

    @Override
    public void onAcceptCancelSm(CancelSm cancelSm, SMPPServerSession source) throws ProcessRequestException {
      throw new ProcessRequestException("not supported", 0x03);
    }

    @Override
    public BroadcastSmResult onAcceptBroadcastSm(BroadcastSm broadcastSm, SMPPServerSession source)
        throws ProcessRequestException {
      throw new ProcessRequestException("not supported", 0x03);
    }

    @Override
    public void onAcceptCancelBroadcastSm(CancelBroadcastSm cancelBroadcastSm, SMPPServerSession source)
        throws ProcessRequestException {
      throw new ProcessRequestException("not supported", 0x03);
    }

    @Override
    public QueryBroadcastSmResult onAcceptQueryBroadcastSm(QueryBroadcastSm queryBroadcastSm,
        SMPPServerSession source) throws ProcessRequestException {
      throw new ProcessRequestException("not supported", 0x03);
    }

    @Override
    public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
      throw new ProcessRequestException("not supported", 0x03);
    }
  }

  /**
   * Runs the server as a process for measuring the tool:
   * {@code TestSmsc <port> [receiptDelayMillis] [receiptSenders]}; password "bench"; stops on Ctrl-C.
   */
  public static void main(String[] args) throws Exception {
    QuietLogging.apply();
    int p = Integer.parseInt(args[0]);
    long delay = args.length > 1 ? Long.parseLong(args[1]) : 0;
    int senders = args.length > 2 ? Integer.parseInt(args[2]) : 256;
    TestSmsc smsc = new TestSmsc("bench", delay, 0, 0, 0, senders, p);
    System.err.println("test-smsc listening on 127.0.0.1:" + smsc.port());
    while (true) {
      Thread.sleep(10_000);
      System.err.printf("test-smsc accepted %d receipts sent %d failed %d%n", smsc.accepted(),
          smsc.receiptsSent(), smsc.receiptsFailed());
    }
  }
}
