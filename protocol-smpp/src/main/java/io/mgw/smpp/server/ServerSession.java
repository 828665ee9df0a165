package io.mgw.smpp.server;

import static io.mgw.smpp.common.SmppStatus.*;

import io.mgw.core.concurrent.Deadlines;
import io.mgw.core.config.AccountConfig;
import io.mgw.core.log.LimitedLog;
import io.mgw.core.model.EventType;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.spi.AdapterContext;
import io.mgw.core.spi.ClientDelivery;
import io.mgw.core.spi.ClientDeliveryTarget;
import io.mgw.core.spi.DeliveryRegistry;
import io.mgw.core.spi.DeliveryResult;
import io.mgw.core.spi.TemporaryFailureException;
import io.mgw.core.store.MessageRecord;
import io.mgw.smpp.common.PduWriter;
import io.mgw.smpp.common.ShortMessageDecoder;
import io.mgw.smpp.common.ShortMessagePdu;
import io.mgw.smpp.common.SmppAddress;
import io.mgw.smpp.common.SmppCommand;
import io.mgw.smpp.common.SmppDecodeException;
import io.mgw.smpp.common.SmppTime;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jsmpp.DefaultPDUSender;
import org.jsmpp.SynchronizedPDUSender;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.extra.SessionState;
import org.jsmpp.session.BindRequest;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.Session;
import org.jsmpp.session.SessionStateListener;
import org.jsmpp.session.connection.socket.SocketConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ESME connection: the jSMPP session plus our handling of its traffic.
 *
 * <pre>
 *  OPEN ──bind ok──▶ BOUND_TX / BOUND_RX / BOUND_TRX ──unbind──▶ UNBOUND ──▶ CLOSED
 *    │ bind refused (after a delay for a wrong password), bind timeout, bad frame
 *    └──────────────────────────────────────────────────────────────────────▶ CLOSED
 * </pre>
 *
 * Requests from the ESME that carry messages or ask about them are answered by us, each counted against the
 * account's window until its response is queued; responses go out in completion order (SMPP matches them by
 * sequence_number). Toward the ESME, an RX/TRX session is a {@link ClientDeliveryTarget}: deliver_sm PDUs are written
 * without blocking and matched to their deliver_sm_resp here, at most {@code window} deliveries outstanding.
 */
final class ServerSession implements FrontPduReader.Dispatcher, SessionStateListener {

    private static final Logger log = LoggerFactory.getLogger(ServerSession.class);
    // lines a peer or an outage can cause once per PDU: shared by all sessions, ten a minute each (LimitedLog)
    private static final LimitedLog pduFailedLog = LimitedLog.warn(log);
    private static final LimitedLog ingressRefusedLog = LimitedLog.warn(log);
    private static final LimitedLog storeReadFailedLog = LimitedLog.warn(log);
    private static final LimitedLog deliverBuildFailedLog = LimitedLog.warn(log);
    /** Our deliver_sm sequence numbers live above jSMPP's own (enquire_link, unbind), which start at 1. */
    private static final int FIRST_OWN_SEQUENCE = 0x10000000;

    private final SmppServer server;
    private final AdapterContext ctx;
    private final SmppServerConfig config;
    private final Socket socket;
    private final String remote;
    private final FrontPduReader reader;
    private final SMPPServerSession jsmpp;
    private final SessionWriter writer;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicInteger deliveriesInFlight = new AtomicInteger();
    private final AtomicInteger nextSequence = new AtomicInteger(FIRST_OWN_SEQUENCE);
    private final AtomicInteger concatRefs = new AtomicInteger();
    private final ConcurrentHashMap<Integer, PendingPdu> pending = new ConcurrentHashMap<>();
    private final Object idle = new Object();

    private volatile AccountConfig account;
    private volatile BindType bindType;
    private volatile int interfaceVersion = 0x34;
    private volatile boolean bindSeen;
    private final AtomicBoolean bindReserved = new AtomicBoolean();
    private volatile boolean draining;
    private volatile boolean ended;
    private volatile DeliveryRegistry.Registration registration;

    ServerSession(SmppServer server, Socket socket) throws IOException {
        this.server = server;
        this.ctx = server.ctx();
        this.config = server.config();
        this.socket = socket;
        this.remote = socket.getInetAddress().getHostAddress() + ":" + socket.getPort();
        SocketConnection conn = new SocketConnection(socket);
        this.reader = new FrontPduReader(config.maxCommandLength());
        this.writer = new SessionWriter(conn.getOutputStream(), server.virtualThreads(), config.writeQueueLimit(),
                this::close);
        this.jsmpp = new SMPPServerSession(conn, this, null, null, config.pduProcessorDegree(),
                Math.max(64, config.writeQueueLimit()), new SynchronizedPDUSender(new DefaultPDUSender()), reader);
        reader.setDispatcher(this);
        jsmpp.setEnquireLinkTimer((int) config.enquireLinkInterval().toMillis());
        jsmpp.setTransactionTimer(config.responseTimeout().toMillis());
    }

    void start() {
        server.virtualThreads().execute(this::awaitBind);
    }

    boolean isBound() {
        return account != null && jsmpp.getSessionState().isBound();
    }

    String accountId() {
        AccountConfig a = account;
        return a == null ? null : a.id();
    }

    int outstanding() {
        return outstanding.get();
    }

    SmppSessionInfo info() {
        AccountConfig acc = account;
        BindType t = bindType;
        String type = t == null ? "" : switch (t) {
            case BIND_TX -> "TX";
            case BIND_RX -> "RX";
            case BIND_TRX -> "TRX";
        };
        return new SmppSessionInfo(jsmpp.getSessionId(), acc == null ? "" : acc.id(), remote, type, interfaceVersion,
                outstanding.get(), deliveriesInFlight.get());
    }

    String id() {
        return jsmpp.getSessionId();
    }

    // ---- bind ----

    private void awaitBind() {
        BindRequest request;
        try {
            request = jsmpp.waitForBind(config.bindTimeout().toMillis());
        } catch (TimeoutException e) {
            server.metrics().bindRejected("timeout");
            log.info("{}: no bind within {}", remote, config.bindTimeout());
            close();
            return;
        } catch (IllegalStateException e) {
            close();
            return;
        }
        try {
            authenticate(request);
        } catch (Exception e) {
            log.warn("{}: bind handling failed: {}", remote, e.toString());
            close();
            AccountConfig acc = account;
            if (acc != null) {
                releaseBindSlot(acc);
            }
        }
    }

    private void authenticate(BindRequest request) throws Exception {
        String systemId = request.getSystemId() == null ? "" : request.getSystemId();
        Optional<AccountConfig> found = ctx.accounts().get().find(systemId);
        if (found.isEmpty()) {
            refuse(request, ESME_RINVSYSID, "unknown_system_id", systemId);
            return;
        }
        AccountConfig acc = found.get();
        if (!IpAllowList.allows(acc.allowedIps(), socket.getInetAddress())) {
            refuse(request, ESME_RBINDFAIL, "ip_not_allowed", systemId);
            return;
        }
        String password = request.getPassword() == null ? "" : request.getPassword();
        if (!server.verifyPassword(acc, password)) {
            // This runs on a virtual thread: sleeping parks it and holds no platform thread.
            Thread.sleep(config.failedBindDelay().toMillis());
            refuse(request, ESME_RINVPASWD, "bad_password", systemId);
            return;
        }
        if (server.isDraining()) {
            refuse(request, ESME_RBINDFAIL, "draining", systemId);
            return;
        }
        if (!server.reserveBind(acc)) {
            refuse(request, ESME_RBINDFAIL, "max_binds", systemId);
            return;
        }
        bindReserved.set(true);
        if (ended) {
            releaseBindSlot(acc); // the client went away while we checked its password
            return;
        }
        account = acc;
        bindType = request.getBindType();
        InterfaceVersion answer = switch (interfaceVersion) {
            case 0x33 -> null; // SMPP 3.3 has no TLVs: no sc_interface_version in the response
            case 0x50 -> InterfaceVersion.IF_50;
            default -> InterfaceVersion.IF_34;
        };
        request.accept(config.systemId(), answer);
        server.metrics().bindAccepted(bindType.name());
        log.info("{}: bound {} as {} (interface 0x{})", remote, bindType, acc.id(),
                Integer.toHexString(interfaceVersion));
        if (bindType == BindType.BIND_RX || bindType == BindType.BIND_TRX) {
            registration = ctx.deliveries().register(acc.id(), new Target());
            if (ended) {
                registration.close();
            }
        }
    }

    private void refuse(BindRequest request, int status, String reason, String systemId) throws IOException {
        server.metrics().bindRejected(reason);
        log.info("{}: bind as '{}' refused: {}", remote, systemId, reason);
        try {
            request.reject(status);
        } finally {
            close();
        }
    }

    // ---- reading (FrontPduReader.Dispatcher), on jSMPP's reader thread ----

    @Override
    public boolean dispatch(int commandId, int sequence, byte[] pdu) throws IOException {
        SessionState state = jsmpp.getSessionState();
        switch (commandId) {
            case SmppCommand.BIND_RECEIVER, SmppCommand.BIND_TRANSMITTER, SmppCommand.BIND_TRANSCEIVER -> {
                return screenBind(commandId, sequence, pdu, state);
            }
            case SmppCommand.ENQUIRE_LINK -> {
                writer.enqueue(PduWriter.header(SmppCommand.responseOf(commandId), ESME_ROK, sequence));
                return true;
            }
            case SmppCommand.UNBIND -> {
                if (state.isBound()) {
                    return false;
                }
                reply(commandId, sequence, ESME_RINVBNDSTS);
                return true;
            }
            case SmppCommand.SUBMIT_SM, SmppCommand.DATA_SM, SmppCommand.SUBMIT_MULTI, SmppCommand.QUERY_SM,
                    SmppCommand.CANCEL_SM, SmppCommand.REPLACE_SM -> {
                if (!state.isTransmittable() || account == null) {
                    reject(commandId, sequence, ESME_RINVBNDSTS);
                    return true;
                }
                request(commandId, sequence, pdu);
                return true;
            }
            case SmppCommand.DELIVER_SM -> {
                // deliver_sm goes from SMSC to ESME only; from an ESME it is illegal in every bind state.
                reject(commandId, sequence, ESME_RINVBNDSTS);
                return true;
            }
            case SmppCommand.GENERIC_NACK -> {
                PendingPdu p = pending.remove(sequence);
                if (p != null) {
                    p.complete(DeliveryResult.REFUSED, "generic_nack");
                    return true;
                }
                return !state.isBound(); // jSMPP fails its own request on it; before bind there is none
            }
            case 0x80000005 -> { // deliver_sm_resp
                PendingPdu p = pending.remove(sequence);
                if (p != null) {
                    int status = FrontPduReader.intAt(pdu, 8);
                    if (status != ESME_ROK) {
                        log.debug("{}: deliver_sm {} answered {}", remote, sequence, hex(status));
                    }
                    p.complete(resultOf(status), failureReason(status));
                } else {
                    log.debug("{}: deliver_sm_resp for unknown sequence {}", remote, sequence);
                }
                return true;
            }
            case 0x80000015, 0x80000006 -> { // enquire_link_resp, unbind_resp: jSMPP's own requests
                return false;
            }
            default -> {
                if (SmppCommand.isResponse(commandId)) {
                    log.debug("{}: dropping unexpected response 0x{}", remote, Integer.toHexString(commandId));
                    return true;
                }
                // broadcast_sm family (5.0), outbind, alert_notification: not served by an ESME-facing server
                writer.enqueue(PduWriter.header(SmppCommand.GENERIC_NACK, ESME_RINVCMDID, sequence));
                return true;
            }
        }
    }

    /**
     * Checks a bind body before jSMPP decodes it (its decoder throws on a truncated one), refuses a second bind,
     * and maps values jSMPP cannot represent ({@link RequestBodies#screenBind}): interface versions below 0x33 and
     * 0x35-0x4F are taken as 3.4 (0x34), above 0x50 as 5.0, and logged; unknown addr_ton/addr_npi become 0.
     */
    private boolean screenBind(int commandId, int sequence, byte[] pdu, SessionState state) throws IOException {
        if (state.isBound() || bindSeen) {
            reply(commandId, sequence, ESME_RALYBND);
            return true;
        }
        try {
            RequestBodies.Bind bind = RequestBodies.screenBind(pdu);
            if (bind.effectiveVersion() != bind.interfaceVersion()) {
                log.info("{}: interface_version 0x{} taken as 0x{}", remote,
                        Integer.toHexString(bind.interfaceVersion()), Integer.toHexString(bind.effectiveVersion()));
            }
            interfaceVersion = bind.effectiveVersion();
        } catch (SmppDecodeException e) {
            server.metrics().bindRejected("malformed");
            reply(commandId, sequence, e.status());
            return true;
        }
        bindSeen = true;
        return false;
    }

    @Override
    public void writeNow(byte[] pdu) throws IOException {
        writer.writeDirect(pdu);
    }

    @Override
    public void beforeRead() throws IOException {
        try {
            // Back-pressure: a client that does not read its responses is not read either.
            while (!writer.awaitCapacity(config.responseTimeout().toMillis())) {
                if (ended) {
                    throw new IOException("session closed");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void discardInput(DataInputStream in) {
        try {
            socket.setSoTimeout(50);
            byte[] sink = new byte[8192];
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
            while (System.nanoTime() < until && in.read(sink) >= 0) {
                // discard
            }
        } catch (IOException ignored) {
            // timed out or closed: nothing more to discard
        }
    }

    // ---- requests ----

    private void request(int commandId, int sequence, byte[] pdu) {
        long start = System.nanoTime();
        AccountConfig acc = account;
        // Counted before the drain check, not after: a drain sets its flag and then waits for the count to reach
        // zero, so a request either sees the flag or is counted before the drain looks. Checking first would let a
        // submit read just as the drain began slip past both: taken, and its answer lost with the unbind.
        if (outstanding.incrementAndGet() > acc.window()) {
            outstanding.decrementAndGet();
            reject(commandId, sequence, ESME_RTHROTTLED);
            return;
        }
        if (draining || server.isDraining()) {
            answer(commandId, sequence, ESME_RTHROTTLED); // queued, then the count drops: written before the unbind
            return;
        }
        try {
            switch (commandId) {
                case SmppCommand.SUBMIT_SM -> submit(ShortMessageDecoder.submitOrDeliver(pdu), acc, start);
                case SmppCommand.DATA_SM -> submit(ShortMessageDecoder.dataSm(pdu), acc, start);
                case SmppCommand.SUBMIT_MULTI -> submitMulti(ShortMessageDecoder.submitMulti(pdu), acc, start);
                case SmppCommand.QUERY_SM -> query(sequence, pdu, acc);
                case SmppCommand.CANCEL_SM -> cancel(sequence, pdu, acc);
                default -> answer(commandId, sequence, ESME_RREPLACEFAIL); // replace_sm: not supported
            }
        } catch (SmppDecodeException e) {
            log.debug("{}: 0x{} seq {} refused: {}", remote, Integer.toHexString(commandId), sequence, e.getMessage());
            answer(commandId, sequence, e.status());
        } catch (RuntimeException e) {
            server.metrics().requestFailed(commandId);
            pduFailedLog.log("{}: 0x{} seq {} failed", remote, Integer.toHexString(commandId), sequence, e);
            answer(commandId, sequence, ESME_RSYSERR);
        }
    }

    private void submit(ShortMessagePdu p, AccountConfig acc, long start) throws SmppDecodeException {
        Instant now = ctx.clock().instant();
        SubmitMapper.Prepared prep = SubmitMapper.prepare(p, acc, interfaceVersion, now);
        SmppAddress dest = p.destination();
        SubmitMapper.checkDestination(dest, acc);
        if (!server.tryAcquire(acc, prep.segments())) {
            throw new SmppDecodeException(ESME_RTHROTTLED, "account rate limit");
        }
        MessageId id = ctx.ids().next();
        Message message = SubmitMapper.message(p, prep, dest, acc, ctx.nodeId(), id, now);
        accept(message).whenComplete((v, err) -> {
            if (err == null) {
                server.metrics().submitAccepted(1, start);
                respond(new PduWriter(SmppCommand.responseOf(p.commandId()), ESME_ROK, p.sequence())
                        .cString(MessageIds.render(id, acc)).toBytes());
            } else {
                ingressRefusedLog.log("{}: ingress refused message {}: {}", remote, id, rootMessage(err));
                answer(p.commandId(), p.sequence(), ESME_RSYSERR);
            }
        });
    }

    /**
     * submit_multi: one canonical message (with its own id) per SME destination, all accepted independently. The
     * response carries the id of the first accepted destination; destinations refused here (distribution lists:
     * ESME_RINVDLNAME, not allowed: ESME_RINVDSTADR) or whose ingress failed (ESME_RSYSERR) are listed as
     * unsuccessful. If none was accepted, the response is the first destination's error with no body.
     */
    private void submitMulti(ShortMessagePdu p, AccountConfig acc, long start) throws SmppDecodeException {
        Instant now = ctx.clock().instant();
        SubmitMapper.Prepared prep = SubmitMapper.prepare(p, acc, interfaceVersion, now);
        int n = p.destinations().size();
        Message[] messages = new Message[n];
        int[] errors = new int[n];
        int accepted = 0;
        for (int i = 0; i < n; i++) {
            if (p.destinations().get(i) instanceof ShortMessagePdu.Destination.Sme sme) {
                try {
                    SubmitMapper.checkDestination(sme.address(), acc);
                    messages[i] = SubmitMapper.message(p, prep, sme.address(), acc, ctx.nodeId(), ctx.ids().next(),
                            now);
                    accepted++;
                } catch (SmppDecodeException e) {
                    errors[i] = e.status();
                }
            } else {
                errors[i] = ESME_RINVDLNAME;
            }
        }
        if (accepted == 0) {
            throw new SmppDecodeException(errors[0], "no destination accepted");
        }
        if (!server.tryAcquire(acc, prep.segments() * accepted)) {
            throw new SmppDecodeException(ESME_RTHROTTLED, "account rate limit");
        }
        List<CompletableFuture<Void>> stages = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (messages[i] != null) {
                int index = i;
                stages.add(accept(messages[i]).toCompletableFuture().handle((v, err) -> {
                    if (err != null) {
                        errors[index] = ESME_RSYSERR;
                        messages[index] = null;
                    }
                    return null;
                }));
            }
        }
        CompletableFuture.allOf(stages.toArray(new CompletableFuture[0])).whenComplete((v, err) -> {
            String firstId = null;
            List<Integer> failed = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (messages[i] != null) {
                    if (firstId == null) {
                        firstId = MessageIds.render(messages[i].id(), acc);
                    }
                } else {
                    failed.add(i);
                }
            }
            if (firstId == null) {
                answer(p.commandId(), p.sequence(), ESME_RSYSERR);
                return;
            }
            server.metrics().submitAccepted(n - failed.size(), start);
            PduWriter w = new PduWriter(SmppCommand.responseOf(p.commandId()), ESME_ROK, p.sequence())
                    .cString(firstId).u8(failed.size());
            for (int i : failed) {
                switch (p.destinations().get(i)) {
                    case ShortMessagePdu.Destination.Sme sme ->
                            w.u8(sme.address().ton()).u8(sme.address().npi()).cString(sme.address().address());
                    case ShortMessagePdu.Destination.DistributionList dl -> w.u8(0).u8(0).cString(dl.name());
                }
                w.u32(errors[i]);
            }
            respond(w.toBytes());
        });
    }

    private CompletionStage<Void> accept(Message message) {
        try {
            return ctx.ingress().accept(message);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** query_sm (SMPP 3.4 §4.8): only the owning account may ask; store reads run on a virtual thread. */
    private void query(int sequence, byte[] pdu, AccountConfig acc) throws SmppDecodeException {
        String idText = RequestBodies.query(pdu).messageId();
        Optional<MessageId> id = MessageIds.parse(idText, acc);
        if (id.isEmpty()) {
            throw new SmppDecodeException(ESME_RINVMSGID, "not a message id: " + idText);
        }
        server.virtualThreads().execute(() -> {
            Optional<MessageRecord> rec;
            try {
                rec = ctx.store().find(id.get()).filter(m -> m.account().equals(acc.id()));
            } catch (RuntimeException e) {
                server.metrics().requestFailed(SmppCommand.QUERY_SM);
                storeReadFailedLog.log("{}: query_sm store read failed", remote, e);
                answer(SmppCommand.QUERY_SM, sequence, ESME_RSYSERR);
                return;
            }
            if (rec.isEmpty()) {
                answer(SmppCommand.QUERY_SM, sequence, ESME_RQUERYFAIL);
                return;
            }
            MessageRecord m = rec.get();
            String finalDate = m.status().isFinal() ? SmppTime.formatAbsolute(m.updatedAt()) : "";
            respond(new PduWriter(SmppCommand.responseOf(SmppCommand.QUERY_SM), ESME_ROK, sequence)
                    .cString(idText).cString(finalDate).u8(m.status().smppState())
                    .u8(Math.min(m.errorCode(), 0xFF)).toBytes());
        });
    }

    /**
     * cancel_sm (SMPP 3.4 §4.9): marks a message of this account that has not reached a final state DELETED with a
     * CANCELLED event. The egress must check the status before it submits; a message already handed to an SMSC is
     * not recalled from it. Cancelling by service_type/addresses without a message_id is not supported
     * (ESME_RCANCELFAIL).
     */
    private void cancel(int sequence, byte[] pdu, AccountConfig acc) throws SmppDecodeException {
        RequestBodies.Cancel body = RequestBodies.cancel(pdu);
        String idText = body.messageId();
        String source = body.source().address();
        Optional<MessageId> id = MessageIds.parse(idText, acc);
        if (id.isEmpty()) {
            throw new SmppDecodeException(ESME_RINVMSGID, "not a message id: " + idText);
        }
        server.virtualThreads().execute(() -> {
            Optional<MessageRecord> rec;
            try {
                rec = ctx.store().find(id.get()).filter(m -> m.account().equals(acc.id()));
            } catch (RuntimeException e) {
                server.metrics().requestFailed(SmppCommand.CANCEL_SM);
                storeReadFailedLog.log("{}: cancel_sm store read failed", remote, e);
                answer(SmppCommand.CANCEL_SM, sequence, ESME_RSYSERR);
                return;
            }
            if (rec.isEmpty() || rec.get().status().isFinal()
                    || (!source.isEmpty() && !source.equals(rec.get().source()))) {
                answer(SmppCommand.CANCEL_SM, sequence, ESME_RCANCELFAIL);
                return;
            }
            MessageEvent event = new MessageEvent(ctx.clock().instant(), EventType.CANCELLED, MessageStatus.DELETED,
                    "", "cancel_sm from " + acc.id());
            CompletionStage<Void> write;
            try {
                write = ctx.store().appendEvent(id.get(), event);
            } catch (RuntimeException e) {
                write = CompletableFuture.failedFuture(e);
            }
            write.whenComplete((v, err) -> answer(SmppCommand.CANCEL_SM, sequence, err == null ? ESME_ROK : ESME_RSYSERR));
        });
    }

    // ---- writing ----

    /** A response to a windowed request: queued for writing, then the request leaves the window. */
    private void respond(byte[] pdu) {
        writer.enqueue(pdu);
        release();
    }

    /** A header-only response to a windowed request (ESME_ROK for cancel_sm, or an error). */
    private void answer(int commandId, int sequence, int status) {
        if (status != ESME_ROK && isSubmit(commandId)) {
            server.metrics().submitRejected(status);
        }
        respond(PduWriter.header(SmppCommand.responseOf(commandId), status, sequence));
    }

    /** A header-only response to a request that never entered the window. */
    private void reject(int commandId, int sequence, int status) {
        if (isSubmit(commandId)) {
            server.metrics().submitRejected(status);
        }
        reply(commandId, sequence, status);
    }

    private void reply(int commandId, int sequence, int status) {
        writer.enqueue(PduWriter.header(SmppCommand.responseOf(commandId), status, sequence));
    }

    private static boolean isSubmit(int commandId) {
        return commandId == SmppCommand.SUBMIT_SM || commandId == SmppCommand.DATA_SM
                || commandId == SmppCommand.SUBMIT_MULTI;
    }

    private void release() {
        if (outstanding.decrementAndGet() == 0 && draining) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    // ---- delivery toward the ESME ----

    /** The client's address (its connection's slot is counted against it). */
    java.net.InetAddress address() {
        return socket.getInetAddress();
    }

    /** An RX or TRX bind as a place to deliver receipts and MO for its account. */
    private final class Target implements ClientDeliveryTarget {

        @Override
        public String describe() {
            return "smpp:" + accountId() + "@" + remote + "#" + (bindType == BindType.BIND_RX ? "RX" : "TRX");
        }

        @Override
        public boolean isReady() {
            AccountConfig acc = account;
            return acc != null && !ended && !draining && jsmpp.getSessionState().isReceivable()
                    && deliveriesInFlight.get() < acc.window();
        }

        @Override
        public CompletionStage<DeliveryResult> deliver(ClientDelivery delivery) {
            AccountConfig acc = account;
            if (acc == null || ended || draining || !jsmpp.getSessionState().isReceivable()) {
                return CompletableFuture.completedFuture(DeliveryResult.RETRY);
            }
            if (deliveriesInFlight.incrementAndGet() > acc.window()) {
                deliveriesInFlight.decrementAndGet();
                return CompletableFuture.completedFuture(DeliveryResult.RETRY);
            }
            List<Integer> sequences = new ArrayList<>(1);
            List<byte[]> pdus;
            try {
                pdus = DeliverSmFactory.build(delivery, acc, interfaceVersion, () -> {
                    int s = nextSequence();
                    sequences.add(s);
                    return s;
                }, concatRefs::incrementAndGet);
            } catch (RuntimeException e) {
                deliveriesInFlight.decrementAndGet();
                deliverBuildFailedLog.log("{}: cannot build deliver_sm: {}", remote, e.getMessage());
                server.metrics().deliverFailed("REFUSED");
                return CompletableFuture.completedFuture(DeliveryResult.REFUSED);
            }
            List<CompletableFuture<DeliveryResult>> parts = new ArrayList<>(pdus.size());
            for (int i = 0; i < pdus.size(); i++) {
                int seq = sequences.get(i);
                PendingPdu p = new PendingPdu();
                pending.put(seq, p);
                // a timeout per deliver_sm: Deadlines, not the server's scheduled executor, whose thread woke for
                // every deliver_sm once its time came, answered or not (a cancelled task stays queued until due)
                p.timeout = Deadlines.orTimeout(new CompletableFuture<>(), config.responseTimeout());
                p.timeout.exceptionally(e -> {
                    if (pending.remove(seq, p)) {
                        log.debug("{}: deliver_sm {} not answered within {}", remote, seq, config.responseTimeout());
                        p.complete(DeliveryResult.RETRY, "timeout");
                    }
                    return null;
                });
                parts.add(p.result);
                writer.enqueue(pdus.get(i));
                server.metrics().deliverSent();
            }
            return CompletableFuture.allOf(parts.toArray(new CompletableFuture[0])).thenApply(v -> {
                DeliveryResult result = DeliveryResult.DELIVERED;
                for (CompletableFuture<DeliveryResult> f : parts) {
                    DeliveryResult r = f.join();
                    if (r == DeliveryResult.REFUSED) {
                        result = r;
                    } else if (r == DeliveryResult.RETRY && result == DeliveryResult.DELIVERED) {
                        result = r;
                    }
                }
                if (result == DeliveryResult.DELIVERED) {
                    server.metrics().deliverAcked();
                } else {
                    server.metrics().deliverFailed(result.name());
                }
                if (deliveriesInFlight.decrementAndGet() == 0 && draining) {
                    synchronized (idle) {
                        idle.notifyAll();
                    }
                }
                return result;
            });
        }
    }

    private int nextSequence() {
        return nextSequence.getAndUpdate(s -> s >= 0x7FFFFFFF ? FIRST_OWN_SEQUENCE : s + 1);
    }

    /**
     * deliver_sm_resp status to result: ESME_ROK delivered; ESME_RX_P_APPN and ESME_RX_R_APPN refused; anything
     * else (ESME_RX_T_APPN, throttling, system errors) retried.
     */
    static DeliveryResult resultOf(int status) {
        return switch (status) {
            case ESME_ROK -> DeliveryResult.DELIVERED;
            case ESME_RX_P_APPN, ESME_RX_R_APPN -> DeliveryResult.REFUSED;
            default -> DeliveryResult.RETRY;
        };
    }

    /**
     * Why a deliver_sm answered with {@code status} did not succeed, as a metric tag: a fixed set, whatever a client
     * sends.
     */
    static String failureReason(int status) {
        return switch (status) {
            case ESME_RTHROTTLED -> "throttled";
            case ESME_RMSGQFUL -> "queue_full";
            case ESME_RX_P_APPN, ESME_RX_R_APPN -> "refused";
            default -> "other_status";
        };
    }

    /** One deliver_sm awaiting its response. */
    private final class PendingPdu {
        final CompletableFuture<DeliveryResult> result = new CompletableFuture<>();
        /** Fails when the response is overdue; completed (and so forgotten by Deadlines) when the PDU is settled. */
        volatile CompletableFuture<Void> timeout;

        /**
         * Completes; {@code reason} tags gateway.smpp.deliver.unsuccessful when it is not DELIVERED (counted first, so
         * whoever waits on the result sees the count). Only the caller that removed this from {@code pending} calls
         * it, so it runs once.
         */
        void complete(DeliveryResult r, String reason) {
            CompletableFuture<Void> t = timeout;
            if (t != null) {
                t.complete(null);
            }
            if (r != DeliveryResult.DELIVERED) {
                server.metrics().deliverUnsuccessful(reason);
            }
            result.complete(r);
        }
    }

    // ---- life cycle ----

    @Override
    public void onStateChange(SessionState newState, SessionState oldState, Session source) {
        if (newState == SessionState.UNBOUND || newState == SessionState.CLOSED) {
            ended = true;
            DeliveryRegistry.Registration reg = registration;
            if (reg != null) {
                reg.close();
            }
            for (Integer seq : List.copyOf(pending.keySet())) {
                PendingPdu p = pending.remove(seq);
                if (p != null) {
                    p.complete(DeliveryResult.RETRY, "session_ended");
                }
            }
        }
        if (newState == SessionState.CLOSED) {
            AccountConfig acc = account;
            if (acc != null) {
                releaseBindSlot(acc);
            }
            server.removed(this);
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    private void releaseBindSlot(AccountConfig acc) {
        if (bindReserved.compareAndSet(true, false)) {
            server.releaseBind(acc);
        }
    }

    void startDrain() {
        draining = true;
    }

    /**
     * Waits until no request or delivery is outstanding and every response queued for this session is written, or the
     * deadline ({@link System#nanoTime()}) passes. The unbind that follows goes through jSMPP's own sender, not our
     * {@link SessionWriter}: sent while responses still waited in its queue, it could reach the client before them,
     * and the client, unbound, would never see the answers to submits we took.
     */
    boolean awaitIdle(long deadlineNanos) {
        synchronized (idle) {
            while (!ended && (outstanding.get() > 0 || deliveriesInFlight.get() > 0 || writer.queued() > 0)) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                try {
                    // the writer does not notify: while only its queue is left, look again shortly
                    idle.wait(outstanding.get() > 0 || deliveriesInFlight.get() > 0 ? left : Math.min(left, 5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** Sends unbind, waits (bounded by the response timeout) for unbind_resp, closes. */
    void unbindAndClose() {
        jsmpp.unbindAndClose();
    }

    void close() {
        jsmpp.close();
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof java.util.concurrent.ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        return (c instanceof TemporaryFailureException ? "temporary: " : "") + c;
    }
}
