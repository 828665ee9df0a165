package io.mgw.smpp.server;

import io.mgw.smpp.common.PduWriter;
import io.mgw.smpp.common.SmppCommand;
import io.mgw.smpp.common.SmppStatus;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import org.jsmpp.PDUReader;
import org.jsmpp.bean.Command;

/**
 * The PDU reader we give jSMPP's server session: it frames and screens every PDU before jSMPP sees it, and handles
 * the message-carrying requests itself.
 *
 * <pre>
 *  socket ─▶ readPDUHeader (this, on jSMPP's reader thread)
 *             ├─ command_length &lt; 16 or &gt; max ─▶ generic_nack ESME_RINVCMDLEN, close (frame lost)
 *             ├─ unknown command_id            ─▶ generic_nack ESME_RINVCMDID, keep reading
 *             ├─ consumed by {@link Dispatcher}  ─▶ (submit_sm, data_sm, query_sm, deliver_sm_resp...) keep reading
 *             └─ anything else                 ─▶ returned to jSMPP (bind, enquire_link, unbind, their responses)
 * </pre>
 *
 * Why: jSMPP 3.0.2 reads any command_length up to 2 GiB into memory, nacks a bad length with sequence 0, closes the
 * session on a submit_sm before bind instead of answering ESME_RINVBNDSTS, loses the response (and a worker thread)
 * on a truncated body, and answers submit_sm only when its listener returns. Screening here fixes all of these at
 * the cost of one extra branch per PDU.
 */
final class FrontPduReader implements PDUReader {

    /** Handles PDUs the gateway serves itself. */
    interface Dispatcher {
        /** True if the PDU was consumed; false to hand it to jSMPP. Called on the reader thread; must not block. */
        boolean dispatch(int commandId, int sequence, byte[] pdu) throws IOException;

        /** Writes a PDU built by the reader (generic_nack) immediately, before a close. */
        void writeNow(byte[] pdu) throws IOException;

        /** Called before each read; may wait for write capacity (back-pressure). */
        void beforeRead() throws IOException;

        /** Reads and discards what the client already sent, so that closing does not reset our last write. */
        void discardInput(DataInputStream in);
    }

    private static final int MAX_TIMEOUTS_INSIDE_PDU = 3;

    private final int maxCommandLength;
    private volatile Dispatcher dispatcher;
    private byte[] handedOver;

    FrontPduReader(int maxCommandLength) {
        this.maxCommandLength = maxCommandLength;
    }

    void setDispatcher(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public Command readPDUHeader(DataInputStream in) throws IOException {
        for (;;) {
            dispatcher.beforeRead();
            // A read timeout before the first octet (idle link) goes to jSMPP, which sends enquire_link.
            int first = in.read();
            if (first < 0) {
                throw new java.io.EOFException("connection closed");
            }
            byte[] len = new byte[4];
            len[0] = (byte) first;
            readFully(in, len, 1, 3);
            int length = intAt(len, 0);
            if (length < 16 || length > maxCommandLength) {
                int sequence = 0;
                if (length >= 16) {
                    byte[] rest = new byte[12];
                    readFully(in, rest, 0, 12);
                    sequence = ((rest[8] & 0xFF) << 24) | ((rest[9] & 0xFF) << 16) | ((rest[10] & 0xFF) << 8)
                            | (rest[11] & 0xFF);
                }
                dispatcher.writeNow(PduWriter.header(SmppCommand.GENERIC_NACK, SmppStatus.ESME_RINVCMDLEN, sequence));
                dispatcher.discardInput(in);
                throw new IOException("command_length " + length + " outside 16.." + maxCommandLength);
            }
            byte[] pdu = new byte[length];
            pdu[0] = (byte) (length >>> 24);
            pdu[1] = (byte) (length >>> 16);
            pdu[2] = (byte) (length >>> 8);
            pdu[3] = (byte) length;
            readFully(in, pdu, 4, length - 4);
            int commandId = intAt(pdu, 4);
            int sequence = intAt(pdu, 12);
            if (!SmppCommand.isKnown(commandId)) {
                dispatcher.writeNow(PduWriter.header(SmppCommand.GENERIC_NACK, SmppStatus.ESME_RINVCMDID, sequence));
                continue;
            }
            if (dispatcher.dispatch(commandId, sequence, pdu)) {
                continue;
            }
            handedOver = pdu;
            Command header = new Command();
            header.setCommandLength(length);
            header.setCommandId(commandId);
            header.setCommandStatus(intAt(pdu, 8));
            header.setSequenceNumber(sequence);
            return header;
        }
    }

    @Override
    public byte[] readPDU(DataInputStream in, Command pduHeader) {
        byte[] pdu = handedOver;
        handedOver = null;
        return pdu;
    }

    @Override
    public byte[] readPDU(DataInputStream in, int commandLength, int commandId, int commandStatus, int sequenceNumber) {
        byte[] pdu = handedOver;
        handedOver = null;
        return pdu;
    }

    /** Like readFully, but a read timeout inside a PDU does not lose the octets already read. */
    private static void readFully(DataInputStream in, byte[] b, int off, int len) throws IOException {
        int timeouts = 0;
        while (len > 0) {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (SocketTimeoutException e) {
                if (++timeouts >= MAX_TIMEOUTS_INSIDE_PDU) {
                    throw new IOException("peer stalled inside a PDU", e);
                }
                continue;
            }
            if (n < 0) {
                throw new java.io.EOFException("connection closed inside a PDU");
            }
            off += n;
            len -= n;
        }
    }

    static int intAt(byte[] b, int i) {
        return ((b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
    }
}
