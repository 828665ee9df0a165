package io.mgw.server;

import static org.awaitility.Awaitility.await;

import io.mgw.core.text.Gsm7;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;

/**
 * The clients of the fault tests (jSMPP ESMEs bound as account demo) and the client's half of their oracle
 * (RELIABILITY.md B.7 item 1): submitters on transmitter binds, each submit logged as ok (ESME_ROK, with the id we
 * gave), refused (an error status, by its text) or unanswered (no response in the ESME's time: the outcome is
 * unknown); receipts collected on receiver binds, by {@code receipted_message_id} and by the text they quote.
 * {@link #close} stops the submitters and unbinds everything.
 */
final class Esmes implements AutoCloseable {

    /** A receipt's text field: the first 20 characters of the message it reports on. */
    private static final Pattern RECEIPT_TEXT = Pattern.compile("text:(.*)$");

    /** Ids of receipts received. */
    final Set<String> receipted = ConcurrentHashMap.newKeySet();
    /** The message texts the receipts quote (submit texts are short enough to be quoted whole). */
    final Set<String> receiptTexts = ConcurrentHashMap.newKeySet();
    /** Receipts received, repeats included. */
    final AtomicInteger receipts = new AtomicInteger();

    private final List<SMPPSession> sessions = new ArrayList<>();
    private final ExecutorService submitters = Executors.newCachedThreadPool();
    private final ExecutorService receivers = Executors.newCachedThreadPool();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger seq = new AtomicInteger();
    private volatile boolean closed;

    /** What the submitters of one transmitter got back. */
    static final class Outcomes {
        /** Ids answered ESME_ROK. */
        final Set<String> ok = ConcurrentHashMap.newKeySet();
        /** Texts of submits answered with an error status. */
        final Set<String> refused = ConcurrentHashMap.newKeySet();
        /** Submits without an answer. */
        final AtomicInteger unanswered = new AtomicInteger();
    }

    /** A listener that collects receipts here, for a receiver bound by the caller. */
    MessageReceiverListener collector() {
        return new Collector();
    }

    /** Binds a receiver to the node's SMPP port; its receipts are collected here. */
    void receiver(int port) throws Exception {
        bind(port, BindType.BIND_RX, 10_000, new Collector());
    }

    /**
     * Keeps a receiver bound to the node's SMPP port until {@link #close}: binds, and binds again whenever the session
     * ends (a reset link, an unbind); its receipts are collected here. Counts its binds in {@link #receiverBinds}.
     */
    void rebindingReceiver(int port) {
        receivers.submit(() -> {
            MessageReceiverListener collector = new Collector();
            while (!closed) {
                SMPPSession rx;
                try {
                    rx = bind(port, BindType.BIND_RX, 10_000, collector);
                } catch (Exception e) {
                    continue; // the link is held or refused: the bind timed out or failed; try again
                }
                receiverBinds.incrementAndGet();
                CountDownLatch gone = new CountDownLatch(1);
                rx.addSessionStateListener((now, before, source) -> {
                    if (!now.isBound()) {
                        gone.countDown();
                    }
                });
                while (!closed && rx.getSessionState().isBound() && !gone.await(200, TimeUnit.MILLISECONDS)) {
                    // receipts arrive on jSMPP's threads
                }
                rx.unbindAndClose();
            }
            return null;
        });
    }

    /** Binds of {@link #rebindingReceiver}s so far. */
    final AtomicInteger receiverBinds = new AtomicInteger();

    /**
     * Binds a transmitter to the node's SMPP port and starts {@code threads} submitters on it, each sending one
     * submit_sm at a time (text {@code textPrefix + n}, to one of 500 destinations, a receipt requested) until
     * {@link #stopSubmitting}, or until the bind is lost.
     *
     * @param transactionTimerMs how long the ESME waits for each response
     */
    Outcomes transmitter(int port, int threads, int transactionTimerMs, String textPrefix) throws Exception {
        SMPPSession tx = bind(port, BindType.BIND_TX, transactionTimerMs, null);
        Outcomes out = new Outcomes();
        for (int t = 0; t < threads; t++) {
            submitters.submit(() -> submitUntilStopped(tx, textPrefix, out));
        }
        return out;
    }

    private Void submitUntilStopped(SMPPSession tx, String textPrefix, Outcomes out) {
        while (!stop.get() && tx.getSessionState().isBound()) {
            int n = seq.incrementAndGet();
            String text = textPrefix + n;
            try {
                var r = tx.submitShortMessage("", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, "mgw",
                        TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "4479" + (1000000 + n % 500),
                        new ESMClass(), (byte) 0, (byte) 0, null, null,
                        new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE), (byte) 0, DataCodings.ZERO,
                        (byte) 0, Gsm7.encode(text), new OptionalParameter[0]);
                out.ok.add(r.getMessageId());
            } catch (NegativeResponseException e) {
                out.refused.add(text);
            } catch (Exception e) {
                out.unanswered.incrementAndGet(); // Jepsen's :info: it may or may not have been taken
            }
        }
        return null;
    }

    /** Stops the submitters and waits (up to 60 s) until each has its last answer or gave up on it. */
    void stopSubmitting() throws InterruptedException {
        stop.set(true);
        submitters.shutdown();
        if (!submitters.awaitTermination(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("submitters still running 60 s after the stop");
        }
    }

    /**
     * Waits up to {@code atMost} until every id in {@code acknowledged} has its receipt, and returns those that have
     * not (the lost ones: the test asserts this is empty).
     */
    Set<String> awaitReceipts(Set<String> acknowledged, Duration atMost) {
        try {
            await().atMost(atMost).pollInterval(Duration.ofSeconds(1)).until(() -> receipted.containsAll(acknowledged));
        } catch (ConditionTimeoutException e) {
            // the caller's assertion names what is missing
        }
        Set<String> lost = new HashSet<>(acknowledged);
        lost.removeAll(receipted);
        return lost;
    }

    /** Prints where up to five lost messages stand in the store, for a failure's diagnosis. */
    static void printLost(Set<String> lost, io.mgw.core.store.Store store) {
        lost.stream().limit(5).forEach(id -> System.out.println("missing receipt for " + id + ": "
                + store.find(io.mgw.core.model.MessageId.parse(id)).map(r -> r.status() + " " + r.history())
                        .orElse("not in the store")));
    }

    private SMPPSession bind(int port, BindType type, int transactionTimerMs, MessageReceiverListener listener)
            throws Exception {
        SMPPSession s = new SMPPSession();
        s.setTransactionTimer(transactionTimerMs);
        if (listener != null) {
            s.setMessageReceiverListener(listener);
        }
        try {
            s.connectAndBind("127.0.0.1", port, new BindParameter(type, "demo", "demopass", "", TypeOfNumber.UNKNOWN,
                    NumberingPlanIndicator.UNKNOWN, null), 10_000);
        } catch (Exception e) {
            s.close();
            throw e;
        }
        synchronized (sessions) {
            sessions.add(s);
        }
        return s;
    }

    @Override
    public void close() {
        closed = true;
        stop.set(true);
        submitters.shutdownNow();
        receivers.shutdownNow();
        synchronized (sessions) {
            for (SMPPSession s : sessions) {
                s.unbindAndClose();
            }
        }
    }

    /** Collects receipts: their receipted_message_id, and the text they quote. */
    private final class Collector implements MessageReceiverListener {
        @Override
        public void onAcceptDeliverSm(DeliverSm d) {
            OptionalParameter p = d.getOptionalParameter(OptionalParameter.Tag.RECEIPTED_MESSAGE_ID);
            if (p instanceof OptionalParameter.COctetString s) {
                receipted.add(s.getValueAsString());
                receipts.incrementAndGet();
            }
            Matcher m = RECEIPT_TEXT.matcher(Gsm7.decode(d.getShortMessage()));
            if (m.find()) {
                receiptTexts.add(m.group(1));
            }
        }

        @Override
        public void onAcceptAlertNotification(AlertNotification a) {}

        @Override
        public DataSmResult onAcceptDataSm(DataSm d, Session s) {
            return null;
        }
    }
}
