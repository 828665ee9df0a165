package io.mgw.testkit.smsc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;

/**
 * Load for the simulator alone (not a test): B transceiver binds, T virtual threads per bind submitting as fast as
 * the simulator answers (each thread = one outstanding submit_sm), every submit asking for a receipt. Prints submits/s
 * and receipts/s per second and the totals.
 *
 * <p>Usage: {@code SmscSimulatorLoad host port binds threadsPerBind seconds [submitsPerSecond]}.
 */
public final class SmscSimulatorLoad {

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int binds = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        int rate = args.length > 5 ? Integer.parseInt(args[5]) : 0;
        long interval = rate > 0 ? 1_000_000_000L / rate : 0;
        AtomicLong nextSlot = new AtomicLong(System.nanoTime());
        LongAdder submits = new LongAdder();
        LongAdder errors = new LongAdder();
        LongAdder receipts = new LongAdder();
        AtomicLong stopAt = new AtomicLong(Long.MAX_VALUE);
        List<SMPPSession> sessions = new ArrayList<>();
        for (int b = 0; b < binds; b++) {
            SMPPSession s = new SMPPSession();
            s.setTransactionTimer(10_000);
            s.setPduProcessorDegree(4);
            s.setQueueCapacity(20_000);
            s.setMessageReceiverListener(new MessageReceiverListener() {
                @Override
                public void onAcceptDeliverSm(DeliverSm deliverSm) {
                    receipts.increment();
                }

                @Override
                public void onAcceptAlertNotification(AlertNotification alertNotification) {}

                @Override
                public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) {
                    return null;
                }
            });
            s.connectAndBind(host, port, new BindParameter(BindType.BIND_TRX, "load", "pw", "", TypeOfNumber.UNKNOWN,
                    NumberingPlanIndicator.UNKNOWN, ""));
            sessions.add(s);
        }
        byte[] text = "Load test message of moderate length".getBytes(StandardCharsets.US_ASCII);
        long start = System.nanoTime();
        stopAt.set(start + seconds * 1_000_000_000L);
        List<Thread> workers = new ArrayList<>();
        for (SMPPSession s : sessions) {
            for (int t = 0; t < threads; t++) {
                workers.add(Thread.ofVirtual().start(() -> {
                    while (System.nanoTime() < stopAt.get()) {
                        if (interval > 0) {
                            long slot = nextSlot.getAndAdd(interval);
                            long wait = slot - System.nanoTime();
                            if (wait > 0) {
                                java.util.concurrent.locks.LockSupport.parkNanos(wait);
                            }
                        }
                        try {
                            s.submitShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN,
                                    "4915100000001", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN,
                                    "4917600000002", new ESMClass(), (byte) 0, (byte) 0, null, null,
                                    new RegisteredDelivery(1), (byte) 0, DataCodings.ZERO, (byte) 0, text);
                            submits.increment();
                        } catch (Exception e) {
                            errors.increment();
                        }
                    }
                }));
            }
        }
        long lastS = 0;
        long lastR = 0;
        for (int i = 0; i < seconds; i++) {
            Thread.sleep(1000);
            long sNow = submits.sum();
            long rNow = receipts.sum();
            System.out.printf("t=%2ds submits/s %6d receipts/s %6d errors %d%n", i + 1, sNow - lastS, rNow - lastR,
                    errors.sum());
            lastS = sNow;
            lastR = rNow;
        }
        for (Thread w : workers) {
            w.join();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        Thread.sleep(2000); // let the last receipts arrive
        System.out.printf("TOTAL %d submits in %.1f s = %.0f/s; %d receipts (%.0f/s over the run); errors %d%n",
                submits.sum(), secs, submits.sum() / secs, receipts.sum(), receipts.sum() / secs, errors.sum());
        for (SMPPSession s : sessions) {
            s.unbindAndClose();
        }
        System.exit(0);
    }
}
