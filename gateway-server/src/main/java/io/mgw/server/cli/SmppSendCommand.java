package io.mgw.server.cli;

import io.mgw.core.text.DataCoding;
import io.mgw.core.text.Gsm7;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
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
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;

/**
 * {@code ./gateway send}: a tiny SMPP client for the walkthrough. Binds as a transceiver, submits one message
 * asking for a receipt, prints the message id at once, then waits for the delivery receipt and prints it.
 *
 * <pre>
 *   ./gateway send [--host 127.0.0.1] [--port 2775] [--system-id demo] [--password demopass]
 *                  [--from 12345] [--to 447700900123] [--text "hello"] [--wait 30]
 * </pre>
 *
 * It uses jSMPP, which is also what the gateway's server is built on; the test suite additionally checks the
 * server against an independent SMPP implementation (cloudhopper).
 */
public final class SmppSendCommand {

    private SmppSendCommand() {}

    public static int run(String[] args) throws Exception {
        Map<String, String> o = options(args);
        String host = o.getOrDefault("host", "127.0.0.1");
        int port = Integer.parseInt(o.getOrDefault("port", "2775"));
        String systemId = o.getOrDefault("system-id", "demo");
        String password = o.getOrDefault("password", "demopass");
        String from = o.getOrDefault("from", "12345");
        String to = o.getOrDefault("to", "447700900123");
        String text = o.getOrDefault("text", "Hello from mgw");
        int waitSeconds = Integer.parseInt(o.getOrDefault("wait", "30"));

        BlockingQueue<String> receipts = new ArrayBlockingQueue<>(16);
        SMPPSession session = new SMPPSession();
        session.setMessageReceiverListener(new MessageReceiverListener() {
            @Override
            public void onAcceptDeliverSm(DeliverSm deliverSm) throws ProcessRequestException {
                if (MessageReceiverListenerSupport.isReceipt(deliverSm.getEsmClass())) {
                    receipts.offer(Gsm7.decode(deliverSm.getShortMessage()));
                } else {
                    System.out.println("MO from " + deliverSm.getSourceAddr() + ": "
                            + DataCoding.decode(deliverSm.getShortMessage(), deliverSm.getDataCoding() & 0xFF));
                }
            }

            @Override
            public void onAcceptAlertNotification(AlertNotification alertNotification) {}

            @Override
            public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
                throw new ProcessRequestException("data_sm not supported by this client", 0x03);
            }
        });
        try {
            session.connectAndBind(host, port, new BindParameter(BindType.BIND_TRX, systemId, password, "",
                    TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null), 10_000);
            System.out.println("bound to " + host + ":" + port + " as " + systemId);
            long t0 = System.nanoTime();
            var result = session.submitShortMessage("", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, from,
                    TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, to, new ESMClass(), (byte) 0, (byte) 0,
                    null, null, new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE), (byte) 0,
                    DataCodings.ZERO, (byte) 0, gsmBytes(text), new OptionalParameter[0]);
            System.out.printf("submitted: message id %s (%.1f ms)%n", result.getMessageId(),
                    (System.nanoTime() - t0) / 1e6);
            String receipt = receipts.poll(waitSeconds, TimeUnit.SECONDS);
            if (receipt == null) {
                System.out.println("no receipt within " + waitSeconds + " s");
                return 1;
            }
            System.out.println("receipt: " + receipt);
            return 0;
        } finally {
            session.unbindAndClose();
        }
    }

    /** GSM 7-bit unpacked (data_coding 0) when the text fits the GSM alphabet, else UCS-2 would be needed. */
    private static byte[] gsmBytes(String text) {
        if (!Gsm7.canEncode(text)) {
            throw new IllegalArgumentException("--text: only GSM 03.38 characters are supported by this demo client");
        }
        return Gsm7.encode(text);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: send [--host H] [--port P] [--system-id S] "
                        + "[--password P] [--from A] [--to B] [--text T] [--wait SECONDS]");
            }
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }

    /** Helpers for reading jSMPP beans. */
    static final class MessageReceiverListenerSupport {
        private MessageReceiverListenerSupport() {}

        static boolean isReceipt(byte esmClass) {
            return (esmClass & 0x3C) == 0x04 || (esmClass & 0x3C) == 0x20;
        }
    }
}
