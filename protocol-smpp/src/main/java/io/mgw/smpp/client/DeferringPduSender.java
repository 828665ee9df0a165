package io.mgw.smpp.client;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ConcurrentHashMap;
import org.jsmpp.DefaultPDUSender;
import org.jsmpp.PDUStringException;
import org.jsmpp.SMPPConstant;
import org.jsmpp.SynchronizedPDUSender;
import org.jsmpp.bean.OptionalParameter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a deliver_sm / data_sm be answered later, when the receipt or MO is durable, without blocking jSMPP.
 *
 * <p>jSMPP sends deliver_sm_resp as soon as {@code onAcceptDeliverSm} returns, on its PDU pool thread. Blocking that
 * thread until the receipt stage completes would also stall the submit_sm_resp processed by the same small pool.
 * Instead the listener {@link #defer defers} the sequence number and returns at once; when jSMPP then asks this
 * sender to write the response, the write is held back, and it happens when {@link #complete} gives the real
 * command_status (whichever of the two comes second does the write):
 *
 * <pre>
 *   reader ─▶ pool: onAcceptDeliverSm ─ defer(seq) ─▶ return ─▶ sendDeliverSmResp(seq)  ── held (no status yet)
 *                       └─ sink stage ......................... complete(seq, ROK) ──────▶ write resp(seq, ROK)
 * </pre>
 *
 * <p>Writes go through {@link SynchronizedPDUSender}, which serialises them per output stream.
 */
final class DeferringPduSender extends SynchronizedPDUSender {

    private static final Logger log = LoggerFactory.getLogger(DeferringPduSender.class);

    private enum Kind { DELIVER_SM, DATA_SM }

    /** Meeting point of jSMPP's write and our status, for one sequence number. */
    private static final class Slot {
        final Kind kind;
        OutputStream out;
        Integer status;

        Slot(Kind kind) {
            this.kind = kind;
        }
    }

    private final ConcurrentHashMap<Integer, Slot> slots = new ConcurrentHashMap<>();

    DeferringPduSender() {
        super(new DefaultPDUSender());
    }

    /** Holds back the deliver_sm_resp for {@code sequence} until {@link #complete}. */
    void deferDeliverSm(int sequence) {
        slots.put(sequence, new Slot(Kind.DELIVER_SM));
    }

    /** Holds back the data_sm_resp for {@code sequence} until {@link #complete}. */
    void deferDataSm(int sequence) {
        slots.put(sequence, new Slot(Kind.DATA_SM));
    }

    /** Requests whose response is still held back. */
    int pending() {
        return slots.size();
    }

    /** Gives the command_status for a deferred request; writes the response if jSMPP already asked for it. */
    void complete(int sequence, int commandStatus) {
        Slot slot = slots.get(sequence);
        if (slot == null) {
            return;
        }
        OutputStream out;
        synchronized (slot) {
            if (slot.out == null) {
                slot.status = commandStatus;
                return;
            }
            out = slot.out;
        }
        slots.remove(sequence, slot);
        write(slot.kind, out, commandStatus, sequence);
    }

    @Override
    public byte[] sendDeliverSmResp(OutputStream os, int commandStatus, int sequenceNumber, String messageId)
            throws IOException {
        return hold(os, sequenceNumber) ? new byte[0]
                : super.sendDeliverSmResp(os, commandStatus, sequenceNumber, messageId);
    }

    @Override
    public byte[] sendDataSmResp(OutputStream os, int commandStatus, int sequenceNumber, String messageId,
            OptionalParameter... optionalParameters) throws PDUStringException, IOException {
        return hold(os, sequenceNumber) ? new byte[0]
                : super.sendDataSmResp(os, commandStatus, sequenceNumber, messageId, optionalParameters);
    }

    /** True when the write is held (status not known yet) or was done here with the real status. */
    private boolean hold(OutputStream os, int sequence) {
        Slot slot = slots.get(sequence);
        if (slot == null) {
            return false;
        }
        Integer status;
        synchronized (slot) {
            if (slot.status == null) {
                slot.out = os;
                return true;
            }
            status = slot.status;
        }
        slots.remove(sequence, slot);
        write(slot.kind, os, status, sequence);
        return true;
    }

    private void write(Kind kind, OutputStream out, int status, int sequence) {
        try {
            if (kind == Kind.DELIVER_SM) {
                super.sendDeliverSmResp(out, status, sequence, null);
            } else if (status == SMPPConstant.STAT_ESME_ROK) {
                super.sendDataSmResp(out, status, sequence, "");
            } else {
                super.sendHeader(out, SMPPConstant.CID_DATA_SM_RESP, status, sequence);
            }
        } catch (IOException | PDUStringException e) {
            // The session is gone; the SMSC will send the receipt or MO again on another bind.
            log.debug("response to sequence {} not sent: {}", sequence, e.toString());
        }
    }
}
