package io.mgw.testkit.smsc;

import static java.util.Objects.requireNonNull;

import io.mgw.core.log.LimitedLog;
import io.mgw.core.model.Content;
import io.mgw.core.segment.Segment;
import io.mgw.core.segment.SegmentationMode;
import io.mgw.core.segment.SegmentationPolicy;
import io.mgw.core.segment.Segmenter;
import io.mgw.core.text.EncodingPreference;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jsmpp.DefaultPDUReader;
import org.jsmpp.DefaultPDUSender;
import org.jsmpp.InvalidResponseException;
import org.jsmpp.PDUException;
import org.jsmpp.PDUStringException;
import org.jsmpp.SMPPConstant;
import org.jsmpp.SynchronizedPDUSender;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.BroadcastSm;
import org.jsmpp.bean.CancelBroadcastSm;
import org.jsmpp.bean.CancelSm;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.QueryBroadcastSm;
import org.jsmpp.bean.QuerySm;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.ReplaceSm;
import org.jsmpp.bean.SubmitMulti;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.extra.ResponseTimeoutException;
import org.jsmpp.extra.SessionState;
import org.jsmpp.session.BindRequest;
import org.jsmpp.session.BroadcastSmResult;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.QueryBroadcastSmResult;
import org.jsmpp.session.QuerySmResult;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.ServerMessageReceiverListener;
import org.jsmpp.session.ServerResponseDeliveryAdapter;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitMultiResult;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.session.connection.Connection;
import org.jsmpp.session.connection.socket.SocketConnection;
import org.jsmpp.util.MessageId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SMSC that ESMEs (our client connector, load tools, third-party clients) bind to: for tests, the demo node, the
 * benchmark and {@code ./gateway sim smsc}. Built on jSMPP's server session.
 *
 * <p>What it does:
 * <ul>
 *   <li>accepts bind_transmitter/receiver/transceiver (SMPP 3.4 §4.1), checking system_id and password when set;
 *   <li>answers submit_sm with a fresh message id in the configured {@link IdFormat}, or with ESME_RTHROTTLED (0x58)
 *       above {@code maxTps} or while throttling, ESME_RMSGQFUL (0x14) while "queue full", or not at all while told
 *       not to respond (to test response timeouts), or takes it and loses the response ({@link #loseResponses});
 *   <li>when registered_delivery asks for it, sends a delivery receipt {@code receiptDelay} later: deliver_sm with
 *       esm_class 0x04, the usual "id:.. sub:001 dlvrd:.. submit date:.. done date:.. stat:.. err:.. text:.." text
 *       and the receipted_message_id, message_state (and for failures network_error_code) TLVs; a share
 *       {@code failureRatio} of them UNDELIV; receipts nacked by the ESME are sent again a second later;
 *   <li>sends MO messages ({@link #sendMo}) to a bound receiver, long ones as UDH-concatenated parts.
 * </ul>
 *
 * <p>Threads: one platform thread accepts; jSMPP gives each session a reader thread and one PDU worker, whose work
 * (answering submits) never blocks, so more workers would only add hand-offs (docs/BENCHMARKS.md: four cost about 7%
 * more of the simulator's CPU); receipts wait in a timer, then in a queue per system_id, drained by
 * {@code receiptWindow} virtual threads per receiver session (jSMPP's deliverShortMessage blocks until the response).
 */
public final class SmscSimulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SmscSimulator.class);
    private final LimitedLog acceptFailedLog = LimitedLog.warn(log);
    private static final DateTimeFormatter RECEIPT_DATE = DateTimeFormatter.ofPattern("yyMMddHHmm", Locale.ROOT);
    private static final SegmentationPolicy MO_POLICY =
            new SegmentationPolicy(EncodingPreference.GSM7_OR_UCS2, SegmentationMode.UDH8, 255, false);
    private static final SegmentationPolicy MO_POLICY_PACKED =
            new SegmentationPolicy(EncodingPreference.GSM7_OR_UCS2, SegmentationMode.UDH8, 255, true);

    /** How the simulator writes its message ids. */
    public enum IdFormat {
        /** Decimal in submit_sm_resp and receipts. */
        DECIMAL,
        /** Upper-case hex, zero-padded to 8 digits, in both. */
        HEX,
        /** Zero-padded hex in submit_sm_resp, the same number in decimal in receipts (the SMPP 3.3-era habit). */
        HEX_RESP_DECIMAL_RECEIPT
    }

    /**
     * Simulator settings.
     *
     * @param host          listen address
     * @param port          listen port, 0 for a free one
     * @param systemId      system_id binds must give; "" accepts any
     * @param password      password binds must give; "" accepts any
     * @param receiptDelay  delay between submit_sm_resp and the receipt
     * @param failureRatio  share (0..1) of receipts that say UNDELIV
     * @param maxTps        submits per second (all sessions) above which it answers ESME_RTHROTTLED; 0 for none
     * @param idFormat      how message ids are written
     * @param seed          seed for the failure draw and the first message id
     * @param recordLimit   how many recent submits {@link #receivedSubmits()} keeps (0 keeps none)
     * @param receiptWindow receipts outstanding (sent, unanswered) per receiver session
     */
    public record Settings(
            String host,
            int port,
            String systemId,
            String password,
            Duration receiptDelay,
            double failureRatio,
            int maxTps,
            IdFormat idFormat,
            long seed,
            int recordLimit,
            int receiptWindow) {

        public Settings {
            requireNonNull(host, "host");
            requireNonNull(systemId, "systemId");
            requireNonNull(password, "password");
            requireNonNull(receiptDelay, "receiptDelay");
            requireNonNull(idFormat, "idFormat");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
            }
            if (receiptDelay.isNegative()) {
                throw new IllegalArgumentException("receiptDelay: " + receiptDelay + " (expected: >= 0)");
            }
            if (!(failureRatio >= 0 && failureRatio <= 1)) {
                throw new IllegalArgumentException("failureRatio: " + failureRatio + " (expected: 0..1)");
            }
            if (maxTps < 0) {
                throw new IllegalArgumentException("maxTps: " + maxTps + " (expected: >= 0)");
            }
            if (recordLimit < 0) {
                throw new IllegalArgumentException("recordLimit: " + recordLimit + " (expected: >= 0)");
            }
            if (receiptWindow < 1) {
                throw new IllegalArgumentException("receiptWindow: " + receiptWindow + " (expected: >= 1)");
            }
        }

        /**
         * The settings of the node's built-in simulator ({@code simulator:} in the node config): any credentials,
         * decimal ids, nothing recorded.
         */
        public static Settings of(io.mgw.core.config.SimulatorConfig c) {
            return defaults().withHost(c.host()).withPort(c.port())
                    .withReceiptDelay(Duration.ofMillis(c.receiptDelayMs())).withFailureRatio(c.failureRatio())
                    .withMaxTps(c.maxTps()).withRecordLimit(0);
        }

        /** Loopback, a free port, any credentials, receipts after 100 ms, no failures, no limit, decimal ids. */
        public static Settings defaults() {
            return new Settings("127.0.0.1", 0, "", "", Duration.ofMillis(100), 0, 0, IdFormat.DECIMAL, 42L, 10_000,
                    64);
        }

        public Settings withHost(String v) {
            return new Settings(v, port, systemId, password, receiptDelay, failureRatio, maxTps, idFormat, seed,
                    recordLimit, receiptWindow);
        }

        public Settings withPort(int v) {
            return new Settings(host, v, systemId, password, receiptDelay, failureRatio, maxTps, idFormat, seed,
                    recordLimit, receiptWindow);
        }

        public Settings withCredentials(String sid, String pw) {
            return new Settings(host, port, sid, pw, receiptDelay, failureRatio, maxTps, idFormat, seed,
                    recordLimit, receiptWindow);
        }

        public Settings withReceiptDelay(Duration v) {
            return new Settings(host, port, systemId, password, v, failureRatio, maxTps, idFormat, seed,
                    recordLimit, receiptWindow);
        }

        public Settings withFailureRatio(double v) {
            return new Settings(host, port, systemId, password, receiptDelay, v, maxTps, idFormat, seed,
                    recordLimit, receiptWindow);
        }

        public Settings withMaxTps(int v) {
            return new Settings(host, port, systemId, password, receiptDelay, failureRatio, v, idFormat, seed,
                    recordLimit, receiptWindow);
        }

        public Settings withIdFormat(IdFormat v) {
            return new Settings(host, port, systemId, password, receiptDelay, failureRatio, maxTps, v, seed,
                    recordLimit, receiptWindow);
        }

        public Settings withSeed(long v) {
            return new Settings(host, port, systemId, password, receiptDelay, failureRatio, maxTps, idFormat, v,
                    recordLimit, receiptWindow);
        }

        public Settings withRecordLimit(int v) {
            return new Settings(host, port, systemId, password, receiptDelay, failureRatio, maxTps, idFormat, seed,
                    v, receiptWindow);
        }

        public Settings withReceiptWindow(int v) {
            return new Settings(host, port, systemId, password, receiptDelay, failureRatio, maxTps, idFormat, seed,
                    recordLimit, v);
        }
    }

    /** A receipt waiting to go out. */
    private record PendingReceipt(String systemId, String messageId, String source, int sourceTon, int sourceNpi,
            String destination, int destTon, int destNpi, boolean failed, long submittedAtMillis, String excerpt) {}

    private final Settings settings;
    private final Random random;
    private final AtomicLong nextId;
    private final List<SimSession> sessions = new CopyOnWriteArrayList<>();
    private final Map<String, BlockingDeque<PendingReceipt>> receiptQueues = new ConcurrentHashMap<>();
    private final ArrayDeque<ReceivedSubmit> recorded = new ArrayDeque<>();
    private final ScheduledExecutorService timer;
    private final ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicBoolean running = new AtomicBoolean();

    private final AtomicLong submits = new AtomicLong();
    private final AtomicLong submitsRefused = new AtomicLong();
    private final AtomicLong receiptsSent = new AtomicLong();
    private final AtomicLong receiptsAcked = new AtomicLong();
    private final AtomicLong receiptsNacked = new AtomicLong();
    private final AtomicLong bindAttempts = new AtomicLong();
    private final AtomicLong bindsRefused = new AtomicLong();

    private volatile boolean throttling;
    private volatile boolean respondToSubmits = true;
    private final AtomicInteger responsesToLose = new AtomicInteger();
    private volatile boolean messageQueueFull;

    private final Object tpsLock = new Object();
    private long tpsWindowStart;
    private int tpsCount;

    private ServerSocket serverSocket;
    private Thread acceptor;

    public SmscSimulator(Settings settings) {
        this.settings = requireNonNull(settings, "settings");
        this.random = new Random(settings.seed());
        this.nextId = new AtomicLong(1_000_000L + Math.floorMod(settings.seed(), 1_000_000L));
        var stpe = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "smsc-sim-timer");
            t.setDaemon(true);
            return t;
        });
        stpe.setRemoveOnCancelPolicy(true);
        this.timer = stpe;
    }

    /**
     * Starts listening; returns once the port is bound.
     *
     * @throws IOException if the address cannot be bound
     */
    public SmscSimulator start() throws IOException {
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        serverSocket = new ServerSocket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(InetAddress.getByName(settings.host()), settings.port()), 200);
        acceptor = new Thread(this::acceptLoop, "smsc-sim-accept-" + serverSocket.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        log.info("SMSC simulator listening on {}:{}", settings.host(), serverSocket.getLocalPort());
        return this;
    }

    /** The port it listens on (useful with port 0). */
    public int port() {
        return serverSocket.getLocalPort();
    }

    public Settings settings() {
        return settings;
    }

    /** Stops listening, closes every session, drops pending receipts. */
    @Override
    public void close() {
        if (!running.compareAndSet(true, false)) {
            return;
        }
        try {
            serverSocket.close();
        } catch (IOException e) {
            log.debug("closing listener", e);
        }
        for (SimSession s : sessions) {
            s.session.close();
        }
        sessions.clear();
        timer.shutdownNow();
        virtualThreads.shutdownNow();
    }

    /** Drops every bound session (as if the SMSC restarted) but keeps listening. */
    public void kickAll() {
        for (SimSession s : sessions) {
            s.session.close();
        }
    }

    /** While true, every submit_sm is answered ESME_RTHROTTLED (0x58). */
    public void setThrottling(boolean on) {
        throttling = on;
    }

    /** While false, submit_sm gets no response at all (the ESME's response timer must fire). */
    public void setRespondToSubmits(boolean on) {
        respondToSubmits = on;
    }

    /**
     * The next {@code n} submit_sm are taken (given an id, counted, receipted as usual) but their submit_sm_resp is
     * never sent, as when a response is lost on the way: the ESME cannot know the message was taken, yet its receipt
     * comes, under an id the ESME never learned.
     */
    public void loseResponses(int n) {
        responsesToLose.set(n);
    }

    /** While true, every submit_sm is answered ESME_RMSGQFUL (0x14). */
    public void setMessageQueueFull(boolean on) {
        messageQueueFull = on;
    }

    /** Submits accepted (answered ROK). */
    public long submitCount() {
        return submits.get();
    }

    /** Submits answered with an error (throttled, queue full). */
    public long submitsRefused() {
        return submitsRefused.get();
    }

    /** Receipt deliver_sm sent (including re-sends). */
    public long receiptsSent() {
        return receiptsSent.get();
    }

    /** Receipts answered ROK by the ESME. */
    public long receiptsAcked() {
        return receiptsAcked.get();
    }

    /** Receipts answered with an error (e.g. RX_T_APPN) or not at all; each is sent again. */
    public long receiptsNacked() {
        return receiptsNacked.get();
    }

    /** Bind requests seen, accepted or not. */
    public long bindAttempts() {
        return bindAttempts.get();
    }

    /** Bind requests refused (bad credentials). */
    public long bindsRefused() {
        return bindsRefused.get();
    }

    /** Sessions currently bound. */
    public int boundSessions() {
        return (int) sessions.stream().filter(s -> s.session.getSessionState().isBound()).count();
    }

    /** Receipts waiting for a receiver or for their delay to pass. */
    public int receiptsPending() {
        return receiptQueues.values().stream().mapToInt(BlockingDeque::size).sum();
    }

    /** The most recent submits (up to {@link Settings#recordLimit()}), oldest first. */
    public List<ReceivedSubmit> receivedSubmits() {
        synchronized (recorded) {
            return List.copyOf(recorded);
        }
    }

    /** Forgets recorded submits. */
    public void clearReceivedSubmits() {
        synchronized (recorded) {
            recorded.clear();
        }
    }

    /**
     * Sends a mobile-originated text to a bound receiver (RX or TRX) as deliver_sm, GSM 7-bit unpacked (data_coding
     * 0) or UCS-2 (0x08) as the text needs; a long text goes as UDH-concatenated parts (IEI 0x00, esm_class 0x40).
     * Blocks until every part was answered.
     *
     * @return the command_status of each part's deliver_sm_resp (0 = ROK), in order
     * @throws IllegalStateException if no receiver is bound
     * @throws IOException if sending failed or a response timed out
     */
    public List<Integer> sendMo(String from, String to, String text) throws IOException {
        return sendMo(from, to, text, false);
    }

    /**
     * As {@link #sendMo(String, String, String)}, with GSM 7-bit text packed when {@code packGsm7} is true (8 septets
     * in 7 octets; after a UDH, from the next septet boundary, TS 23.040 §9.2.3.24).
     */
    public List<Integer> sendMo(String from, String to, String text, boolean packGsm7) throws IOException {
        SimSession target = sessions.stream().filter(SimSession::canReceive).findFirst()
                .orElseThrow(() -> new IllegalStateException("no receiver bound"));
        int reference = (int) (nextId.get() & 0xFF);
        List<Segment> parts = Segmenter.split(new Content.Text(text), packGsm7 ? MO_POLICY_PACKED : MO_POLICY,
                reference);
        List<Integer> statuses = new ArrayList<>();
        for (Segment p : parts) {
            byte esm = (byte) (p.udhi() ? 0x40 : 0x00);
            try {
                target.session.deliverShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, from,
                        TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, to, new ESMClass(esm), (byte) 0,
                        (byte) 0, new RegisteredDelivery(0), DataCodings.newInstance((byte) p.dataCoding()),
                        p.shortMessage());
                statuses.add(0);
            } catch (NegativeResponseException e) {
                statuses.add(e.getCommandStatus());
            } catch (PDUException | InvalidResponseException | ResponseTimeoutException e) {
                throw new IOException("MO part " + p.sequence() + ": " + e.getMessage(), e);
            }
        }
        return statuses;
    }

    // ---------------------------------------------------------------------------------------------------------------

    private void acceptLoop() {
        while (running.get()) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (running.get()) {
                    // e.g. no file descriptors left: it would fail again at once, so wait instead of spinning
                    acceptFailedLog.log("accept failed, accepting again in 100 ms: {}", e.toString());
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                continue;
            }
            try {
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(5_000);
                Connection conn = new SocketConnection(socket);
                virtualThreads.execute(() -> handshake(conn));
            } catch (IOException | RuntimeException e) {
                closeQuietly(socket);
            }
        }
    }

    private void handshake(Connection conn) {
        var sender = new SilencingPduSender();
        var sim = new SimSession(sender);
        SMPPServerSession session = new SMPPServerSession(conn, sim::onStateChange, new Receiver(sim),
                new ServerResponseDeliveryAdapter() {}, 1, 10_000, sender, new DefaultPDUReader());
        sim.session = session;
        session.setTransactionTimer(10_000);
        session.setEnquireLinkTimer(60_000);
        try {
            BindRequest bind = session.waitForBind(5_000);
            bindAttempts.incrementAndGet();
            if (!settings.systemId().isEmpty() && !settings.systemId().equals(bind.getSystemId())) {
                bindsRefused.incrementAndGet();
                bind.reject(SMPPConstant.STAT_ESME_RINVSYSID);
                closeLater(session);
                return;
            }
            if (!settings.password().isEmpty() && !settings.password().equals(bind.getPassword())) {
                bindsRefused.incrementAndGet();
                bind.reject(SMPPConstant.STAT_ESME_RINVPASWD);
                closeLater(session);
                return;
            }
            sim.systemId = bind.getSystemId();
            sim.bindType = bind.getBindType();
            sessions.add(sim);
            InterfaceVersion v = bind.getInterfaceVersion() == InterfaceVersion.IF_50
                    ? InterfaceVersion.IF_50 : InterfaceVersion.IF_34;
            bind.accept("mgwsim", v);
            if (sim.canReceive()) {
                for (int i = 0; i < settings.receiptWindow(); i++) {
                    virtualThreads.execute(() -> receiptWorker(sim));
                }
            }
        } catch (TimeoutException e) {
            log.debug("no bind within 5 s, closing");
            session.close();
        } catch (PDUStringException | IOException | IllegalStateException e) {
            log.debug("bind failed: {}", e.toString());
            session.close();
        } catch (java.util.concurrent.RejectedExecutionException e) {
            session.close();
        }
    }

    /**
     * Closes a refused session a little later: a jSMPP ESME whose socket closes right after the negative bind_resp
     * may drop that response unread and wait for its bind timeout instead.
     */
    private void closeLater(SMPPServerSession session) {
        try {
            timer.schedule(session::close, 500, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            session.close();
        }
    }

    private SubmitSmResult onSubmit(SimSession sim, SubmitSm submit) throws ProcessRequestException {
        if (!respondToSubmits) {
            sim.sender.silence(submit.getSequenceNumber());
            if (settings.recordLimit() > 0) {
                record(sim, submit, "");
            }
            return resultFor("0");
        }
        if (messageQueueFull) {
            submitsRefused.incrementAndGet();
            throw new ProcessRequestException("message queue full", SMPPConstant.STAT_ESME_RMSGQFUL);
        }
        if (throttling || overRate()) {
            submitsRefused.incrementAndGet();
            throw new ProcessRequestException("throttled", SMPPConstant.STAT_ESME_RTHROTTLED);
        }
        long n = nextId.getAndIncrement();
        String respId = switch (settings.idFormat()) {
            case DECIMAL -> Long.toString(n);
            case HEX, HEX_RESP_DECIMAL_RECEIPT -> String.format("%08X", n);
        };
        String receiptId = settings.idFormat() == IdFormat.HEX_RESP_DECIMAL_RECEIPT ? Long.toString(n) : respId;
        submits.incrementAndGet();
        if (settings.recordLimit() > 0) {
            record(sim, submit, respId);
        }
        int rd = submit.getRegisteredDelivery() & 0x03;
        if (rd != 0) {
            boolean failed = settings.failureRatio() > 0 && random.nextDouble() < settings.failureRatio();
            // 1 = always, 2 = failure only, 3 = success only (SMPP 5.0)
            if (rd == 1 || (rd == 2 && failed) || (rd == 3 && !failed)) {
                var pr = new PendingReceipt(sim.systemId, receiptId, submit.getSourceAddr(),
                        submit.getSourceAddrTon(), submit.getSourceAddrNpi(), submit.getDestAddress(),
                        submit.getDestAddrTon(), submit.getDestAddrNpi(), failed, System.currentTimeMillis(),
                        excerpt(submit));
                scheduleReceipt(pr, settings.receiptDelay().toMillis());
            }
        }
        if (responsesToLose.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
            sim.sender.silence(submit.getSequenceNumber());
        }
        return resultFor(respId);
    }

    private static SubmitSmResult resultFor(String id) {
        try {
            return new SubmitSmResult(new MessageId(id), new OptionalParameter[0]);
        } catch (PDUStringException e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean overRate() {
        int max = settings.maxTps();
        if (max <= 0) {
            return false;
        }
        long now = System.nanoTime();
        synchronized (tpsLock) {
            if (now - tpsWindowStart >= 1_000_000_000L) {
                tpsWindowStart = now;
                tpsCount = 0;
            }
            return ++tpsCount > max;
        }
    }

    private void record(SimSession sim, SubmitSm s, String id) {
        Map<Integer, byte[]> tlvs = new HashMap<>();
        OptionalParameter[] ops = s.getOptionalParameters();
        if (ops != null) {
            for (OptionalParameter p : ops) {
                byte[] all = p.serialize();
                tlvs.put(p.tag & 0xFFFF, java.util.Arrays.copyOfRange(all, 4, all.length));
            }
        }
        var r = new ReceivedSubmit(sim.systemId, s.getSequenceNumber(), nullToEmpty(s.getServiceType()),
                s.getSourceAddrTon(), s.getSourceAddrNpi(), nullToEmpty(s.getSourceAddr()), s.getDestAddrTon(),
                s.getDestAddrNpi(), nullToEmpty(s.getDestAddress()), s.getEsmClass() & 0xFF,
                s.getRegisteredDelivery() & 0xFF, s.getDataCoding() & 0xFF,
                s.getShortMessage() == null ? new byte[0] : s.getShortMessage(), tlvs, id,
                nullToEmpty(s.getValidityPeriod()), s.getPriorityFlag());
        synchronized (recorded) {
            if (recorded.size() >= settings.recordLimit()) {
                recorded.pollFirst();
            }
            recorded.addLast(r);
        }
    }

    /** First 20 printable ASCII characters of the short message (non-printables as '.'), as many SMSCs do. */
    private static String excerpt(SubmitSm s) {
        byte[] b = s.getShortMessage();
        if (b == null || b.length == 0 || (s.getEsmClass() & 0x40) != 0) {
            return "";
        }
        int dc = s.getDataCoding() & 0xFF;
        StringBuilder sb = new StringBuilder(20);
        if (dc == 0x08) {
            for (int i = 0; i + 1 < b.length && sb.length() < 20; i += 2) {
                char c = (char) (((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF));
                sb.append(c >= 0x20 && c < 0x7F ? c : '.');
            }
        } else {
            for (int i = 0; i < b.length && sb.length() < 20; i++) {
                int c = b[i] & 0xFF;
                sb.append(c >= 0x20 && c < 0x7F ? (char) c : '.');
            }
        }
        return sb.toString();
    }

    private void scheduleReceipt(PendingReceipt r, long delayMillis) {
        BlockingDeque<PendingReceipt> q = receiptQueues.computeIfAbsent(r.systemId(), k -> new LinkedBlockingDeque<>());
        if (delayMillis <= 0) {
            q.offerLast(r);
            return;
        }
        try {
            timer.schedule(() -> q.offerLast(r), delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.debug("simulator closed, receipt dropped");
        }
    }

    private void receiptWorker(SimSession sim) {
        BlockingDeque<PendingReceipt> q = receiptQueues.computeIfAbsent(sim.systemId, k -> new LinkedBlockingDeque<>());
        while (running.get() && sim.canReceive()) {
            PendingReceipt r;
            try {
                r = q.pollFirst(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (r == null) {
                continue;
            }
            if (!sim.canReceive()) {
                q.offerFirst(r);
                return;
            }
            try {
                sendReceipt(sim.session, r);
                receiptsAcked.incrementAndGet();
            } catch (NegativeResponseException | ResponseTimeoutException | InvalidResponseException e) {
                receiptsNacked.incrementAndGet();
                scheduleReceipt(r, 1_000);
            } catch (PDUException e) {
                log.warn("receipt for {} cannot be encoded: {}", r.messageId(), e.toString());
            } catch (IOException | IllegalStateException e) {
                q.offerFirst(r);
                return;
            }
        }
    }

    private void sendReceipt(SMPPServerSession session, PendingReceipt r) throws PDUException,
            ResponseTimeoutException, InvalidResponseException, NegativeResponseException, IOException {
        String now = RECEIPT_DATE.format(LocalDateTime.now(ZoneOffset.UTC));
        String submitted = RECEIPT_DATE.format(
                LocalDateTime.ofEpochSecond(r.submittedAtMillis() / 1000, 0, ZoneOffset.UTC));
        String text = "id:" + r.messageId() + " sub:001 dlvrd:" + (r.failed() ? "000" : "001") + " submit date:"
                + submitted + " done date:" + now + " stat:" + (r.failed() ? "UNDELIV" : "DELIVRD") + " err:"
                + (r.failed() ? "001" : "000") + " text:" + r.excerpt();
        OptionalParameter[] tlvs = r.failed()
                ? new OptionalParameter[] {
                    new OptionalParameter.Receipted_message_id(r.messageId()),
                    new OptionalParameter.Message_state((byte) 5),
                    new OptionalParameter.Network_error_code(
                            OptionalParameter.Network_error_code.Network_error_code_type.GSM, (short) 1)}
                : new OptionalParameter[] {
                    new OptionalParameter.Receipted_message_id(r.messageId()),
                    new OptionalParameter.Message_state((byte) 2)};
        receiptsSent.incrementAndGet();
        session.deliverShortMessage("", TypeOfNumber.valueOf((byte) r.destTon()),
                NumberingPlanIndicator.valueOf((byte) r.destNpi()), r.destination(),
                TypeOfNumber.valueOf((byte) r.sourceTon()), NumberingPlanIndicator.valueOf((byte) r.sourceNpi()),
                r.source(), new ESMClass(0x04), (byte) 0, (byte) 0, new RegisteredDelivery(0), DataCodings.ZERO,
                text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), tlvs);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            log.trace("close", e);
        }
    }

    /** One ESME connection. */
    private final class SimSession {
        final SilencingPduSender sender;
        volatile SMPPServerSession session;
        volatile String systemId = "";
        volatile BindType bindType;

        SimSession(SilencingPduSender sender) {
            this.sender = sender;
        }

        boolean canReceive() {
            SMPPServerSession s = session;
            return s != null && (bindType == BindType.BIND_RX || bindType == BindType.BIND_TRX)
                    && s.getSessionState().isBound();
        }

        void onStateChange(SessionState newState, SessionState oldState, Session source) {
            if (newState == SessionState.CLOSED) {
                sessions.remove(this);
            }
        }
    }

    /** Answers submits from the session's PDU pool; never blocks. */
    private final class Receiver implements ServerMessageReceiverListener {
        private final SimSession sim;

        Receiver(SimSession sim) {
            this.sim = sim;
        }

        @Override
        public SubmitSmResult onAcceptSubmitSm(SubmitSm submitSm, SMPPServerSession source)
                throws ProcessRequestException {
            return onSubmit(sim, submitSm);
        }

        @Override
        public SubmitMultiResult onAcceptSubmitMulti(SubmitMulti submitMulti, SMPPServerSession source)
                throws ProcessRequestException {
            throw new ProcessRequestException("submit_multi not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }

        @Override
        public QuerySmResult onAcceptQuerySm(QuerySm querySm, SMPPServerSession source)
                throws ProcessRequestException {
            throw new ProcessRequestException("query_sm not supported", SMPPConstant.STAT_ESME_RQUERYFAIL);
        }

        @Override
        public void onAcceptReplaceSm(ReplaceSm replaceSm, SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("replace_sm not supported", SMPPConstant.STAT_ESME_RREPLACEFAIL);
        }

        @Override
        public void onAcceptCancelSm(CancelSm cancelSm, SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("cancel_sm not supported", SMPPConstant.STAT_ESME_RCANCELFAIL);
        }

        @Override
        public BroadcastSmResult onAcceptBroadcastSm(BroadcastSm broadcastSm, SMPPServerSession source)
                throws ProcessRequestException {
            throw new ProcessRequestException("broadcast_sm not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }

        @Override
        public void onAcceptCancelBroadcastSm(CancelBroadcastSm cancelBroadcastSm, SMPPServerSession source)
                throws ProcessRequestException {
            throw new ProcessRequestException("cancel_broadcast_sm not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }

        @Override
        public QueryBroadcastSmResult onAcceptQueryBroadcastSm(QueryBroadcastSm queryBroadcastSm,
                SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("query_broadcast_sm not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }

        @Override
        public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
            throw new ProcessRequestException("data_sm not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }
    }

    /** jSMPP always answers once the listener returns; this drops the submit_sm_resp of "silenced" sequences. */
    private static final class SilencingPduSender extends SynchronizedPDUSender {
        private final Set<Integer> silenced = ConcurrentHashMap.newKeySet();

        SilencingPduSender() {
            super(new DefaultPDUSender());
        }

        void silence(int sequence) {
            silenced.add(sequence);
        }

        @Override
        public byte[] sendSubmitSmResp(OutputStream os, int sequenceNumber, String messageId,
                OptionalParameter... optionalParameters) throws PDUStringException, IOException {
            if (silenced.remove(sequenceNumber)) {
                return new byte[0];
            }
            return super.sendSubmitSmResp(os, sequenceNumber, messageId, optionalParameters);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Runs the simulator until killed. Flags: --host 127.0.0.1 --port 2776 --receipt-delay-ms 100
     * --failure-ratio 0 --max-tps 0 --system-id "" --password "" --id-format decimal|hex|hex-decimal --seed 42
     * --stats-interval-s 0 (print counters every N seconds; 0 = never).
     */
    public static void main(String[] args) throws Exception {
        Settings s = Settings.defaults().withPort(2776).withRecordLimit(0);
        int statsEvery = 0;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                usage(System.out);
                return;
            }
            if (i + 1 >= args.length) {
                usage(System.err);
                throw new IllegalArgumentException(flag + ": missing value");
            }
            String v = args[++i];
            s = switch (flag) {
                case "--host" -> s.withHost(v);
                case "--port" -> s.withPort(Integer.parseInt(v));
                case "--receipt-delay-ms" -> s.withReceiptDelay(Duration.ofMillis(Long.parseLong(v)));
                case "--failure-ratio" -> s.withFailureRatio(Double.parseDouble(v));
                case "--max-tps" -> s.withMaxTps(Integer.parseInt(v));
                case "--system-id" -> s.withCredentials(v, s.password());
                case "--password" -> s.withCredentials(s.systemId(), v);
                case "--seed" -> s.withSeed(Long.parseLong(v));
                case "--receipt-window" -> s.withReceiptWindow(Integer.parseInt(v));
                case "--id-format" -> s.withIdFormat(switch (v.toLowerCase(Locale.ROOT)) {
                    case "decimal" -> IdFormat.DECIMAL;
                    case "hex" -> IdFormat.HEX;
                    case "hex-decimal" -> IdFormat.HEX_RESP_DECIMAL_RECEIPT;
                    default -> throw new IllegalArgumentException(
                            "--id-format: '" + v + "' (expected: decimal, hex or hex-decimal)");
                });
                case "--stats-interval-s" -> {
                    statsEvery = Integer.parseInt(v);
                    yield s;
                }
                default -> {
                    usage(System.err);
                    throw new IllegalArgumentException("unknown flag: " + flag);
                }
            };
        }
        SmscSimulator sim = new SmscSimulator(s).start();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.close();
            stop.countDown();
        }));
        System.out.println("SMSC simulator listening on " + s.host() + ":" + sim.port());
        if (statsEvery > 0) {
            long lastSubmits = 0;
            long lastAcked = 0;
            while (!stop.await(statsEvery, TimeUnit.SECONDS)) {
                long sub = sim.submitCount();
                long ack = sim.receiptsAcked();
                System.out.printf("submits %d (%d/s), receipts acked %d (%d/s), pending %d, refused %d%n", sub,
                        (sub - lastSubmits) / statsEvery, ack, (ack - lastAcked) / statsEvery, sim.receiptsPending(),
                        sim.submitsRefused());
                lastSubmits = sub;
                lastAcked = ack;
            }
        }
        stop.await();
    }

    private static void usage(PrintStream out) {
        out.println("usage: smsc-sim [--host 127.0.0.1] [--port 2776] [--receipt-delay-ms 100] [--failure-ratio 0]"
                + " [--max-tps 0] [--system-id ID] [--password PW] [--id-format decimal|hex|hex-decimal]"
                + " [--seed 42] [--receipt-window 64] [--stats-interval-s 0]");
    }
}
