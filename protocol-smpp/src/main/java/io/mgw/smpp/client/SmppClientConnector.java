package io.mgw.smpp.client;

import static java.util.Objects.requireNonNull;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mgw.core.config.ConnectorConfig;
import io.mgw.core.config.TlsConfig;
import io.mgw.core.model.Address;
import io.mgw.core.model.Message;
import io.mgw.core.model.ReportRequest;
import io.mgw.core.segment.Segmenter;
import io.mgw.core.spi.AdapterContext;
import io.mgw.core.spi.OutboundConnector;
import io.mgw.core.spi.SubmitOutcome;
import io.mgw.smpp.common.SmppStatus;
import io.mgw.smpp.receipt.RemoteIdNormalizer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jsmpp.DefaultPDUReader;
import org.jsmpp.InvalidResponseException;
import org.jsmpp.PDUException;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.ResponseTimeoutException;
import org.jsmpp.extra.SessionState;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.session.connection.Connection;
import org.jsmpp.session.connection.ConnectionFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.jsmpp.session.connection.socket.SocketConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway as an ESME toward one SMSC (ARCHITECTURE.md §5, PROTOCOLS.md §1, RELIABILITY.md B.4), on jSMPP.
 *
 * <pre>
 *  submit(msg) ─▶ circuit? any bind? ─▶ split (Segmenter) ─▶ virtual thread: wait for rate (segments)
 *                                                            └▶ per segment: take a window slot on a bind
 *                                                                ─▶ submit_sm ─▶ submit_sm_resp ─▶ outcome
 *  SMSC ─▶ deliver_sm / data_sm ─▶ receipt (esm_class 0x04 / 0x20) ─▶ ReceiptParser ─▶ ReceiptSink ─┐
 *                               └▶ MO ─▶ canonical Message ─▶ IngressSink ──────────────────────────┤
 *                                    deliver_sm_resp ROK when that stage completes, RX_T_APPN if not ◀┘
 * </pre>
 *
 * <p><b>Binds.</b> {@code bindsPerNode} slots, each a transceiver or a transmitter + receiver pair. Each bind has its
 * own loop (a virtual thread) that connects, binds, waits for the session to close, and rebinds after an exponential,
 * jittered, capped backoff (Resilience4j {@code IntervalFunction.ofExponentialRandomBackoff}); a failed bind (e.g.
 * wrong password) grows the backoff, so there is no reconnect storm. jSMPP sends enquire_link after
 * {@code enquireLinkInterval} of silence and closes the session when it goes unanswered.
 *
 * <p><b>Window.</b> jSMPP's submitShortMessage blocks until the response, so each segment is sent from a virtual
 * thread holding one of the bind's {@code window} permits: at most {@code window} submit_sm are outstanding per bind.
 *
 * <p><b>Outcomes.</b> All segments ROK: {@link SubmitOutcome.Accepted} with the normalised remote ids.
 * ESME_RTHROTTLED / ESME_RMSGQFUL: {@link SubmitOutcome.Throttled} and the rate is halved for a while. RSYSERR and
 * other transient codes: {@link SubmitOutcome.TemporaryFailure}; address and format errors:
 * {@link SubmitOutcome.PermanentFailure}; no response within {@code responseTimeout}: {@link SubmitOutcome.Unknown}
 * listing the segments already accepted. A refusal of a later segment, after earlier ones were accepted, is retried in
 * place (three times) so that the message is not sent twice; if it still fails the outcome is Unknown with the
 * accepted ids. No bind up or circuit open: TemporaryFailure at once.
 *
 * <p><b>Circuit breaker</b> (Resilience4j, per connector): temporary failures, timeouts and I/O errors count as
 * failures; throttling and permanent refusals do not (the SMSC is alive and answering).
 *
 * <p><b>Inbound.</b> Receipts and MO are answered only once the {@link io.mgw.core.spi.ReceiptSink} or
 * {@link io.mgw.core.spi.IngressSink} stage completes, without blocking jSMPP's threads: see
 * {@link DeferringPduSender}.
 *
 * <p><b>Rate.</b> {@code config.tps()} is the cluster-wide contract in segments per second (0 = none); this node uses
 * all of it until {@link #setRateShare} gives its share. Multi-part messages pay per segment (PAYLOAD: per SMS the
 * SMSC will make). Throttling answers and congestion_state >= 90 halve the rate for a while.
 *
 * <p><b>Metrics</b> (tag {@code connector}): {@code gateway.smpp.client.submit.sent}, {@code .submit.ok} (segments),
 * {@code .submit.failed} (tag {@code status}: 0xNN, timeout, invalid, encoding, io), {@code .submit.latency},
 * {@code .binds.up}, {@code .window.used}, {@code .window.waiting}, {@code .rate.factor}, {@code .rebinds},
 * {@code .receipts.received}, {@code .receipts.unparsable}, {@code .mo.received}, {@code .inbound.retried},
 * {@code .congestion.reported}.
 */
public final class SmppClientConnector implements OutboundConnector {

    private static final Logger log = LoggerFactory.getLogger(SmppClientConnector.class);
    private static final DateTimeFormatter SMPP_TIME =
            DateTimeFormatter.ofPattern("yyMMddHHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final int SEGMENT_RETRIES = 3;
    /** Permits added on close so that every segment waiting for a window slot wakes up and sees the close. */
    private static final int WAKE_ON_CLOSE = 1_000_000;
    private static final short TAG_CONGESTION_STATE = 0x0428;
    /** congestion_state from which we slow down. */
    static final int CONGESTED = 90;

    private final ConnectorConfig config;
    private final SmppClientSettings settings;
    /** The TLS context of every bind, null without TLS. */
    private final SSLContext tls;
    private final AdapterContext ctx;
    private final RemoteIdNormalizer normalizer;
    private final IntervalFunction backoff;
    private final CircuitBreaker breaker;
    private final SegmentRateLimiter limiter;
    private final InboundHandler inbound;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Link> links = new ArrayList<>();
    private final Slots slots = new Slots();
    private final AtomicInteger nextReference = new AtomicInteger();
    private final AtomicInteger nextLink = new AtomicInteger();
    private final AtomicLong rebindCount = new AtomicLong();
    private volatile boolean started;
    private volatile boolean closed;

    private final List<Gauge> gauges;
    private final Counter sent;
    private final Counter ok;
    private final Counter rebinds;
    private final Timer latency;

    /**
     * Builds the connector; binds only on {@link #start()}.
     *
     * @param config the connector's config; {@code config.settings()} holds the keys listed in
     *               {@link SmppClientSettings}
     * @param ctx    the node's adapter context (receipts, ingress, ids, meters, clock)
     * @throws IllegalArgumentException naming the key of the first bad setting
     */
    public SmppClientConnector(ConnectorConfig config, AdapterContext ctx) {
        this.config = requireNonNull(config, "config");
        this.ctx = requireNonNull(ctx, "ctx");
        if (config.tps() < 0) {
            throw new IllegalArgumentException("connectors." + config.id() + ".tps: " + config.tps()
                    + " (expected: >= 0)");
        }
        this.settings = SmppClientSettings.from(config);
        this.tls = settings.tls().map(TlsConfig::sslContext).orElse(null);
        this.normalizer = new RemoteIdNormalizer(settings.remoteIdFormat());
        this.backoff = IntervalFunction.ofExponentialRandomBackoff(settings.reconnectBackoffMin(), 2.0, 0.5,
                settings.reconnectBackoffMax());
        this.breaker = CircuitBreaker.of("smpp-" + config.id(), CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.circuitFailureRate())
                .minimumNumberOfCalls(settings.circuitMinimumCalls())
                .slidingWindowSize(Math.max(settings.circuitMinimumCalls(), 20))
                .waitDurationInOpenState(settings.circuitOpenDuration())
                .permittedNumberOfCallsInHalfOpenState(3)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .build());
        this.limiter = new SegmentRateLimiter(config.tps(), 0.1, System::nanoTime);
        this.inbound = new InboundHandler(config.id(), settings, normalizer, ctx, executor);
        for (int slot = 0; slot < settings.bindsPerNode(); slot++) {
            if (settings.bindType() == SmppClientSettings.BindMode.TRX) {
                links.add(new Link(slot, BindType.BIND_TRX));
            } else {
                links.add(new Link(slot, BindType.BIND_TX));
                links.add(new Link(slot, BindType.BIND_RX));
            }
        }

        MeterRegistry m = ctx.meters();
        String id = config.id();
        this.sent = Counter.builder("gateway.smpp.client.submit.sent").tag("connector", id)
                .description("submit_sm sent (segments)").register(m);
        this.ok = Counter.builder("gateway.smpp.client.submit.ok").tag("connector", id)
                .description("submit_sm answered ROK (segments)").register(m);
        this.rebinds = Counter.builder("gateway.smpp.client.rebinds").tag("connector", id)
                .description("rebind attempts after a lost bind or a failed bind").register(m);
        this.latency = Timer.builder("gateway.smpp.client.submit.latency").tag("connector", id)
                .description("submit_sm to submit_sm_resp").register(m);
        // gauges read this object: removed again on close, so that a connector replaced by a config reload (same
        // id) shows its own values, not those of the closed one (a registry keeps the first gauge of a name and tags)
        gauges = List.of(
                Gauge.builder("gateway.smpp.client.binds.up", this, SmppClientConnector::bindsUp).tag("connector", id)
                        .description("binds currently bound").register(m),
                Gauge.builder("gateway.smpp.client.window.used", this, SmppClientConnector::windowInUse)
                        .tag("connector", id).description("submit_sm outstanding, all binds").register(m),
                Gauge.builder("gateway.smpp.client.window.waiting", this, SmppClientConnector::windowWaiters)
                        .tag("connector", id).description("segments waiting in line for a window slot").register(m),
                Gauge.builder("gateway.smpp.client.rate.factor", limiter, SegmentRateLimiter::factor)
                        .tag("connector", id).description("adaptive rate factor after throttling (1 = full rate)")
                        .register(m));
    }

    @Override
    public String id() {
        return config.id();
    }

    /** The validated settings (for the dashboard; the password is never shown by its toString). */
    public SmppClientSettings settings() {
        return settings;
    }

    @Override
    public synchronized void start() {
        if (started || closed) {
            return;
        }
        started = true;
        for (Link l : links) {
            l.thread = Thread.ofVirtual().name("smpp-" + config.id() + "-" + l.name()).start(l::run);
        }
    }

    @Override
    public boolean isAvailable() {
        CircuitBreaker.State st = breaker.getState();
        return !closed && st != CircuitBreaker.State.OPEN && st != CircuitBreaker.State.FORCED_OPEN
                && links.stream().anyMatch(Link::canTransmit);
    }

    /** The circuit breaker's state name (CLOSED, OPEN, HALF_OPEN...), for the dashboard. */
    public String circuitState() {
        return breaker.getState().name();
    }

    /** Binds currently bound (transmitters, receivers and transceivers). */
    public int bindsUp() {
        return (int) links.stream().filter(Link::isBound).count();
    }

    /** submit_sm outstanding over all binds. */
    public int windowInUse() {
        return links.stream().mapToInt(l -> settings.window() - l.window.availablePermits()).sum();
    }

    /** Segments waiting in line for a window slot (an estimate while threads come and go). */
    public int windowWaiters() {
        return slots.getQueueLength();
    }

    /** Times a bind was lost or a bind attempt failed since start. */
    public long rebindCount() {
        return rebindCount.get();
    }

    /** The rate in force now, segments per second (0 = unlimited), after this node's share and throttling. */
    public double effectiveRate() {
        return limiter.effectiveRate();
    }

    @Override
    public void setRateShare(double share) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("share: " + share + " (expected: (0, 1])");
        }
        limiter.setRate(config.tps() * share);
    }

    /** SMS this message makes on this connector (with PAYLOAD: the SMS the SMSC will make of the one PDU). */
    @Override
    public int segmentsFor(Message message) {
        if (message.concat().isPresent()) {
            return 1;
        }
        try {
            return Segmenter.count(message.content(), settings.segmentation());
        } catch (IllegalArgumentException e) {
            return 1;
        }
    }

    @Override
    public CompletionStage<SubmitOutcome> submit(Message message) {
        requireNonNull(message, "message");
        if (closed) {
            return CompletableFuture.completedFuture(new SubmitOutcome.TemporaryFailure(0, "connector closed"));
        }
        if (links.stream().noneMatch(Link::canTransmit)) {
            return CompletableFuture.completedFuture(new SubmitOutcome.TemporaryFailure(0, "no bind up"));
        }
        List<SubmitPdu> pdus;
        try {
            pdus = SubmitPdu.of(message, settings.segmentation(), nextReference.getAndIncrement() & 0xFFFF);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new SubmitOutcome.PermanentFailure(0, e.getMessage()));
        }
        if (!breaker.tryAcquirePermission()) {
            return CompletableFuture.completedFuture(new SubmitOutcome.TemporaryFailure(0, "circuit open"));
        }
        int cost = Math.max(pdus.size(), segmentsFor(message));
        var result = new CompletableFuture<SubmitOutcome>();
        try {
            executor.execute(() -> {
                SubmitOutcome o;
                try {
                    o = send(message, pdus, cost);
                } catch (RuntimeException e) {
                    log.error("connector {}: submit of {} failed unexpectedly", config.id(), message.id(), e);
                    breaker.onError(0, TimeUnit.NANOSECONDS, e);
                    o = new SubmitOutcome.Unknown("internal error: " + e, List.of());
                }
                result.complete(o);
            });
        } catch (RejectedExecutionException e) {
            breaker.releasePermission();
            return CompletableFuture.completedFuture(new SubmitOutcome.TemporaryFailure(0, "connector closed"));
        }
        return result;
    }

    /** Runs on a virtual thread: paces, then sends every segment in order. */
    private SubmitOutcome send(Message message, List<SubmitPdu> pdus, int cost) {
        long wait = limiter.reserve(cost);
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                breaker.releasePermission();
                return new SubmitOutcome.TemporaryFailure(0, "interrupted (closing)");
            }
        }
        List<String> ids = new ArrayList<>(pdus.size());
        // time the circuit breaker sees: only time on the wire (from each submit_sm to its answer), never the pacing
        // or the wait for our own window, which say nothing about the SMSC's health
        long[] onWire = {0};
        for (int i = 0; i < pdus.size(); i++) {
            SegmentResult r = sendSegment(message, pdus.get(i), onWire);
            int retries = 0;
            while (!ids.isEmpty() && retries < SEGMENT_RETRIES
                    && (r instanceof SegmentResult.Throttled || r instanceof SegmentResult.Temporary)) {
                // earlier parts are with the SMSC: retry this one in place rather than resending the message
                retries++;
                if (!sleep(settings.throttleRetryAfter())) {
                    break;
                }
                r = sendSegment(message, pdus.get(i), onWire);
            }
            long took = onWire[0];
            switch (r) {
                case SegmentResult.Ok(String remoteId) -> ids.add(normalizer.fromSubmitResponse(remoteId));
                case SegmentResult.Throttled(int status) -> {
                    breaker.releasePermission();
                    if (!ids.isEmpty()) {
                        return new SubmitOutcome.Unknown(partMsg(i, pdus.size(), "throttled " + status), ids);
                    }
                    return new SubmitOutcome.Throttled(settings.throttleRetryAfter(),
                            status == SmppStatus.ESME_RMSGQFUL ? "ESME_RMSGQFUL" : "ESME_RTHROTTLED");
                }
                case SegmentResult.Temporary(int status, String reason) -> {
                    breaker.onError(took, TimeUnit.NANOSECONDS, new IOException(reason));
                    if (!ids.isEmpty()) {
                        return new SubmitOutcome.Unknown(partMsg(i, pdus.size(), reason), ids);
                    }
                    return new SubmitOutcome.TemporaryFailure(status, reason);
                }
                case SegmentResult.Permanent(int status, String reason) -> {
                    breaker.onSuccess(took, TimeUnit.NANOSECONDS);
                    String why = ids.isEmpty() ? reason : partMsg(i, pdus.size(), reason);
                    return new SubmitOutcome.PermanentFailure(status, why);
                }
                case SegmentResult.NotSent(String reason) -> {
                    // never reached the SMSC (closing): not a call the breaker should judge
                    breaker.releasePermission();
                    if (!ids.isEmpty()) {
                        return new SubmitOutcome.Unknown(partMsg(i, pdus.size(), reason), ids);
                    }
                    return new SubmitOutcome.TemporaryFailure(0, reason);
                }
                case SegmentResult.NoAnswer(String reason) -> {
                    breaker.onError(took, TimeUnit.NANOSECONDS, new IOException(reason));
                    return new SubmitOutcome.Unknown(ids.isEmpty() ? reason : partMsg(i, pdus.size(), reason), ids);
                }
            }
        }
        breaker.onSuccess(onWire[0], TimeUnit.NANOSECONDS);
        return new SubmitOutcome.Accepted(ids);
    }

    private static String partMsg(int index, int total, String reason) {
        return "segment " + (index + 1) + " of " + total + " after " + index + " accepted: " + reason;
    }

    /** The answer to one submit_sm. */
    private sealed interface SegmentResult {
        record Ok(String remoteId) implements SegmentResult {}
        record Throttled(int status) implements SegmentResult {}
        record Temporary(int status, String reason) implements SegmentResult {}
        record Permanent(int status, String reason) implements SegmentResult {}
        record NoAnswer(String reason) implements SegmentResult {}
        /** Not sent for a reason of our own (closing): no SMSC call happened. */
        record NotSent(String reason) implements SegmentResult {}
    }

    /**
     * Sends one segment: waits for a window slot (as long as a bind is up; see {@link #acquireLink}), then sends and
     * waits up to responseTimeout for the answer. Adds the time from send to answer to {@code onWire[0]}.
     */
    private SegmentResult sendSegment(Message message, SubmitPdu pdu, long[] onWire) {
        Link link = acquireLink();
        if (link == null) {
            return closed ? new SegmentResult.NotSent("connector closed")
                    : new SegmentResult.Temporary(0, "no bind up");
        }
        SMPPSession session = link.session;
        long t0 = System.nanoTime();
        try {
            if (session == null) {
                return new SegmentResult.Temporary(0, "bind lost");
            }
            sent.increment();
            SubmitSmResult r = submitSm(session, message, pdu);
            ok.increment();
            slowDownIfCongested(r);
            latency.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            return new SegmentResult.Ok(r.getMessageId());
        } catch (NegativeResponseException e) {
            int status = e.getCommandStatus();
            failed(CommandStatuses.hex(status));
            return switch (CommandStatuses.classify(status)) {
                case THROTTLED -> {
                    // lowered here, where the answer arrives: once per throttling answer, whatever happens next
                    limiter.onThrottled();
                    yield new SegmentResult.Throttled(status);
                }
                case TEMPORARY -> new SegmentResult.Temporary(status, "SMSC refused: " + CommandStatuses.hex(status));
                case PERMANENT -> new SegmentResult.Permanent(status, "SMSC refused: " + CommandStatuses.hex(status));
            };
        } catch (ResponseTimeoutException e) {
            failed("timeout");
            return new SegmentResult.NoAnswer("no submit_sm_resp within " + settings.responseTimeout());
        } catch (InvalidResponseException e) {
            failed("invalid");
            return new SegmentResult.NoAnswer("invalid response: " + e.getMessage());
        } catch (PDUException e) {
            failed("encoding");
            return new SegmentResult.Permanent(0, "cannot encode submit_sm: " + e.getMessage());
        } catch (IOException e) {
            failed("io");
            return new SegmentResult.Temporary(0, "bind lost: " + e.getMessage());
        } finally {
            onWire[0] += System.nanoTime() - t0;
            releaseLink(link);
        }
    }

    /**
     * SMPP 5.0 congestion_state (TLV 0x0428, 0..100) in a response: at {@value #CONGESTED} or more the SMSC is asking
     * for less traffic, which is treated like a throttling answer for the rate (RELIABILITY.md B.4 item 4).
     */
    private void slowDownIfCongested(SubmitSmResult r) {
        OptionalParameter[] tlvs = r.getOptionalParameters();
        if (tlvs == null) {
            return;
        }
        for (OptionalParameter p : tlvs) {
            if (p.tag == TAG_CONGESTION_STATE) {
                byte[] all = p.serialize();
                if (all.length == 5 && (all[4] & 0xFF) >= CONGESTED) {
                    limiter.onThrottled();
                    Counter.builder("gateway.smpp.client.congestion.reported").tag("connector", config.id())
                            .register(ctx.meters()).increment();
                }
            }
        }
    }

    private void failed(String status) {
        Counter.builder("gateway.smpp.client.submit.failed").tag("connector", config.id()).tag("status", status)
                .register(ctx.meters()).increment();
    }

    private SubmitSmResult submitSm(SMPPSession session, Message message, SubmitPdu pdu) throws PDUException,
            ResponseTimeoutException, InvalidResponseException, NegativeResponseException, IOException {
        Address src = message.source();
        Address dst = message.destination();
        int srcTon = settings.sourceTon().orElse(src.ton() == 0 && src.type() == io.mgw.core.model.AddressType.ALPHANUMERIC
                ? 5 : src.ton());
        int srcNpi = settings.sourceNpi().orElse(src.npi());
        int dstTon = settings.destTon().orElse(dst.ton());
        int dstNpi = settings.destNpi().orElse(dst.npi());
        int registered = 0;
        if (settings.receiptsAlways() || message.reportRequest() != ReportRequest.NONE) {
            registered = 0x01;
        }
        if (message.reportRequest() == ReportRequest.INTERMEDIATE) {
            registered |= 0x10;
        }
        String validity = settings.sendValidity() ? SMPP_TIME.format(message.validUntil()) + "000+" : null;
        String schedule = message.scheduleAt().filter(t -> t.isAfter(ctx.clock().instant()))
                .map(t -> SMPP_TIME.format(t) + "000+").orElse(null);
        List<OptionalParameter> tlvs = new ArrayList<>(3);
        pdu.sar().ifPresent(s -> {
            tlvs.add(new OptionalParameter.Sar_msg_ref_num((short) s.reference()));
            tlvs.add(new OptionalParameter.Sar_total_segments((byte) s.total()));
            tlvs.add(new OptionalParameter.Sar_segment_seqnum((byte) s.sequence()));
        });
        pdu.payload().ifPresent(p -> tlvs.add(new OptionalParameter.Message_payload(p)));
        return session.submitShortMessage(message.attribute("smpp.service_type").orElse(""),
                TypeOfNumber.valueOf((byte) srcTon), NumberingPlanIndicator.valueOf((byte) srcNpi), src.value(),
                TypeOfNumber.valueOf((byte) dstTon), NumberingPlanIndicator.valueOf((byte) dstNpi), dst.value(),
                new ESMClass(pdu.esmClass()), (byte) 0, (byte) message.priority(), schedule, validity,
                new RegisteredDelivery(registered), (byte) 0, DataCodings.newInstance((byte) pdu.dataCoding()),
                (byte) 0, pdu.shortMessage(), tlvs.toArray(new OptionalParameter[0]));
    }

    /**
     * Waits for a window slot on a bound transmitter, in arrival order. Waiting for our own window is not an SMSC
     * failure and has no time limit of its own while a bind is up (each slot comes back within responseTimeout of its
     * send); the responseTimeout starts only at the send. A waiter therefore stays in line (a timed wait would put it
     * at the back of the line each time it ran out, behind messages that came after it) until it gets a slot, the
     * connector closes, or no bind has been able to transmit for a whole responseTimeout (the {@link Slots} outage
     * watch wakes it); then it gives up (null).
     */
    private Link acquireLink() {
        long patience = settings.responseTimeout().toNanos();
        long noBindDeadline = System.nanoTime() + patience;
        while (true) {
            if (closed) {
                return null;
            }
            long now = System.nanoTime();
            boolean up = links.stream().anyMatch(Link::canTransmit);
            if (up) {
                noBindDeadline = now + patience;
            } else if (now - noBindDeadline >= 0) {
                return null;
            }
            try {
                if (up) {
                    slots.acquire();
                } else if (!slots.tryAcquire(Math.max(1, noBindDeadline - now), TimeUnit.NANOSECONDS)) {
                    continue;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            if (closed) {
                slots.release();
                return null;
            }
            if (slots.takeWakeToken()) {
                if (links.stream().noneMatch(Link::canTransmit)) {
                    return null; // woken by the outage watch: no bind for a whole responseTimeout
                }
                slots.returnWakeToken(); // the bind that is back has not added its window yet
                if (!sleep(Duration.ofMillis(1))) {
                    return null;
                }
                continue;
            }
            int first = nextLink.getAndIncrement();
            int n = links.size();
            for (int k = 0; k < n; k++) {
                Link l = links.get(Math.floorMod(first + k, n));
                if (l.canTransmit() && l.window.tryAcquire()) {
                    return l;
                }
            }
            // a bind went down or still has answers of its old session outstanding: give the slot back, look again
            slots.release();
            if (!sleep(Duration.ofMillis(1))) {
                return null;
            }
        }
    }

    /** Gives back a segment's window slot on {@code link}. */
    private void releaseLink(Link link) {
        link.window.release();
        slots.release();
    }

    /**
     * Window slots over all bound transmitters, fair (FIFO) so that waiting messages go in arrival order. Waiters
     * block without a time limit while a bind is up, so an outage must wake them: when the last transmitter goes
     * down, a watch wakes every waiter once per responseTimeout for as long as none is back, by adding "wake tokens"
     * (permits that stand for no window slot). A waiter that takes one while no bind can transmit gives up and keeps
     * it; a bind coming up takes back the tokens nobody took before adding its window.
     */
    private final class Slots extends Semaphore {
        private int wakeTokens; // guarded by this
        private long outage; // guarded by this; changes whenever a watch must stop

        Slots() {
            super(0, true);
        }

        synchronized void transmitterUp(int window) {
            outage++;
            reducePermits(wakeTokens);
            wakeTokens = 0;
            release(window);
        }

        void transmitterDown(int window) {
            long watch;
            synchronized (this) {
                reducePermits(window);
                if (links.stream().anyMatch(Link::canTransmit)) {
                    return;
                }
                watch = ++outage;
            }
            Thread.ofVirtual().name("smpp-outage-" + config.id()).start(() -> {
                while (sleep(settings.responseTimeout()) && wakeWaiters(watch)) {
                    // once per responseTimeout while the outage lasts
                }
            });
        }

        /** Wakes everyone waiting now; false once a bind is back, another watch took over or the connector closed. */
        private synchronized boolean wakeWaiters(long watch) {
            if (watch != outage || closed || links.stream().anyMatch(Link::canTransmit)) {
                return false;
            }
            int n = getQueueLength();
            wakeTokens += n;
            release(n);
            return true;
        }

        /** True if the permit just acquired stands for a wake token (spent by this call). */
        synchronized boolean takeWakeToken() {
            if (wakeTokens == 0) {
                return false;
            }
            wakeTokens--;
            return true;
        }

        /** Gives back a token taken by a waiter that found a bind after all. */
        synchronized void returnWakeToken() {
            wakeTokens++;
            release();
        }
    }

    private boolean sleep(Duration d) {
        try {
            Thread.sleep(d);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Stops rebinding, waits up to {@code closeTimeout} for outstanding submit_sm responses, unbinds every session
     * (unbind / unbind_resp, bounded by responseTimeout) and closes.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        slots.release(WAKE_ON_CLOSE); // segments waiting for a window slot see 'closed' and give up
        long deadline = System.nanoTime() + settings.closeTimeout().toNanos();
        for (Link l : links) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                if (l.window.tryAcquire(settings.window(), left, TimeUnit.NANOSECONDS)) {
                    l.window.release(settings.window());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<Thread> unbinders = new ArrayList<>();
        for (Link l : links) {
            SMPPSession s = l.session;
            if (s != null) {
                unbinders.add(Thread.ofVirtual().start(s::unbindAndClose));
            }
            if (l.thread != null) {
                l.thread.interrupt();
            }
        }
        for (Thread t : unbinders) {
            try {
                t.join(settings.responseTimeout().plusSeconds(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        executor.shutdown();
        gauges.forEach(ctx.meters()::remove);
        log.info("connector {}: closed", config.id());
    }

    /**
     * Opens TCP with a connect timeout and TCP_NODELAY (one PDU per write, no Nagle delay); with {@code tls}, runs
     * the TLS handshake over it within the bind timeout, checking the SMSC's certificate (and unless
     * {@code tlsVerifyHostname} is false, that it names {@code host}). A failed handshake fails the bind attempt
     * like a refused connection: logged, and tried again after the backoff.
     */
    private final class SocketFactory implements ConnectionFactory {
        @Override
        public Connection createConnection(String host, int port) throws IOException {
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                int timeout = (int) Math.min(Integer.MAX_VALUE, settings.bindTimeout().toMillis());
                socket.connect(new InetSocketAddress(host, port), timeout);
                if (tls == null) {
                    return new SocketConnection(socket);
                }
                SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(socket, host, port, true);
                settings.tls().orElseThrow().configureClient(s);
                s.setSoTimeout(timeout);
                s.startHandshake();
                s.setSoTimeout(0);
                return new SocketConnection(s);
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }
    }

    /** One SMPP session slot and its rebind loop. */
    private final class Link {
        final int slot;
        final BindType bindType;
        final Semaphore window = new Semaphore(settings.window());
        volatile SMPPSession session;
        volatile Thread thread;

        Link(int slot, BindType bindType) {
            this.slot = slot;
            this.bindType = bindType;
        }

        String name() {
            return bindType.name().substring(5) + slot;
        }

        boolean isBound() {
            SMPPSession s = session;
            return s != null && s.getSessionState().isBound();
        }

        boolean canTransmit() {
            return bindType != BindType.BIND_RX && isBound();
        }

        void run() {
            int attempt = 0;
            while (!closed) {
                var sender = new DeferringPduSender();
                var s = new SMPPSession(sender, new DefaultPDUReader(), new SocketFactory());
                s.setTransactionTimer(settings.responseTimeout().toMillis());
                s.setEnquireLinkTimer((int) Math.min(Integer.MAX_VALUE, settings.enquireLinkInterval().toMillis()));
                // one jSMPP worker per bind: its work per PDU never blocks (a submit_sm_resp wakes the submitter;
                // a deliver_sm is handed to the receipt or MO sink, which only queue it, and answered later), and
                // more workers only add hand-offs (docs/BENCHMARKS.md, session 14: 5% less node CPU than with 3)
                s.setPduProcessorDegree(1);
                s.setQueueCapacity(Math.max(1_000, settings.window() * 4));
                s.setMessageReceiverListener(inbound.listenerFor(sender));
                var down = new CountDownLatch(1);
                s.addSessionStateListener((newState, oldState, source) -> {
                    if (newState == SessionState.CLOSED) {
                        down.countDown();
                    }
                });
                try {
                    s.connectAndBind(settings.host(), settings.port(), new BindParameter(bindType,
                            settings.systemId(), settings.password(), settings.systemType(), TypeOfNumber.UNKNOWN,
                            NumberingPlanIndicator.UNKNOWN, settings.addressRange(),
                            InterfaceVersion.valueOf((byte) settings.interfaceVersion())),
                            settings.bindTimeout().toMillis());
                } catch (IOException | RuntimeException e) {
                    s.close();
                    attempt++;
                    rebinds.increment();
                    rebindCount.incrementAndGet();
                    long pause = backoff.apply(attempt);
                    log.warn("connector {} {}: bind to {}:{} as {} failed ({}); retry in {} ms", config.id(), name(),
                            settings.host(), settings.port(), settings.systemId(), e.getMessage(), pause);
                    if (!pause(pause)) {
                        return;
                    }
                    continue;
                }
                attempt = 0;
                session = s;
                if (bindType != BindType.BIND_RX) {
                    slots.transmitterUp(settings.window());
                }
                log.info("connector {} {}: bound to {}:{} as {}", config.id(), name(), settings.host(),
                        settings.port(), settings.systemId());
                if (closed) {
                    s.unbindAndClose(); // close() may have looked before this session existed
                    return;
                }
                try {
                    down.await();
                } catch (InterruptedException e) {
                    return; // closing: close() unbinds the session
                }
                session = null;
                if (bindType != BindType.BIND_RX) {
                    slots.transmitterDown(settings.window());
                }
                if (closed) {
                    return;
                }
                rebinds.increment();
                rebindCount.incrementAndGet();
                long pause = backoff.apply(1);
                log.warn("connector {} {}: bind lost; rebinding in {} ms", config.id(), name(), pause);
                if (!pause(pause)) {
                    return;
                }
            }
        }

        private boolean pause(long millis) {
            try {
                Thread.sleep(millis);
                return !closed;
            } catch (InterruptedException e) {
                return false;
            }
        }
    }

    @Override
    public String toString() {
        return "SmppClientConnector[" + config.id() + ", " + settings + "]";
    }
}
