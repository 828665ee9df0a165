package io.mgw.smpp.server;

import io.mgw.smpp.common.PduWriter;
import io.mgw.smpp.common.ShortMessageDecoder;
import io.mgw.smpp.common.ShortMessagePdu;
import io.mgw.smpp.common.SmppAddress;
import io.mgw.smpp.common.SmppCommand;
import io.mgw.smpp.common.Tlv;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;

/** A byte-level SMPP client for tests: sends exactly the octets it is given and reads whole PDUs back. */
final class RawClient implements AutoCloseable {

    /** A PDU as read: header fields plus the whole octets. */
    record Pdu(int commandId, int status, int sequence, byte[] bytes) {
        /** The first C-Octet String of the body (message_id in submit_sm_resp). */
        String firstCString() {
            int i = 16;
            while (i < bytes.length && bytes[i] != 0) {
                i++;
            }
            return new String(bytes, 16, i - 16, java.nio.charset.StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            return String.format("Pdu[id=0x%08X status=0x%X seq=%d len=%d]", commandId, status, sequence,
                    bytes.length);
        }
    }

    final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int sequence = 1;

    RawClient(int port, String localAddress) throws IOException {
        this(connect(port, localAddress));
    }

    /** Over a socket already connected (a TLS socket, say). */
    RawClient(Socket connected) throws IOException {
        socket = connected;
        socket.setSoTimeout(Integer.getInteger("raw.timeoutMs", 15_000));
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    private static Socket connect(int port, String localAddress) throws IOException {
        Socket s = new Socket();
        if (localAddress != null) {
            s.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return s;
    }

    int nextSequence() {
        return sequence++;
    }

    void send(byte[] pdu) throws IOException {
        out.write(pdu);
        out.flush();
    }

    /** Reads one PDU; fails the test if none comes within the read timeout (15 s; the CI machine is shared). */
    Pdu read() throws IOException {
        int len = in.readInt();
        byte[] b = new byte[len];
        b[0] = (byte) (len >>> 24);
        b[1] = (byte) (len >>> 16);
        b[2] = (byte) (len >>> 8);
        b[3] = (byte) len;
        in.readFully(b, 4, len - 4);
        return new Pdu(intAt(b, 4), intAt(b, 8), intAt(b, 12), b);
    }

    /** Reads until a PDU with this command_id arrives (skipping others, e.g. deliver_sm on a transceiver). */
    Pdu readUntil(int commandId) throws IOException {
        for (;;) {
            Pdu p = read();
            if (p.commandId() == commandId) {
                return p;
            }
        }
    }

    /** True if the server closed the connection (EOF or reset) within the timeout, after any PDUs it sent. */
    boolean closedByPeer() throws IOException {
        try {
            for (;;) {
                read();
            }
        } catch (EOFException | java.net.SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    Pdu bind(int bindCommand, String systemId, String password, int version) throws IOException {
        send(bindPdu(bindCommand, nextSequence(), systemId, password, version));
        return read();
    }

    static byte[] bindPdu(int bindCommand, int seq, String systemId, String password, int version) {
        return new PduWriter(bindCommand, 0, seq).cString(systemId).cString(password).cString("").u8(version).u8(0)
                .u8(0).cString("").toBytes();
    }

    /** submit_sm with the given destination, data_coding, esm_class, short_message and TLVs. */
    static byte[] submitPdu(int seq, String destination, int dataCoding, int esmClass, byte[] sm, Tlv... tlvs) {
        return submitPdu(seq, destination, dataCoding, esmClass, 0, "", sm, tlvs);
    }

    static byte[] submitPdu(int seq, String destination, int dataCoding, int esmClass, int registeredDelivery,
            String validity, byte[] sm, Tlv... tlvs) {
        return ShortMessageDecoder.encode(new ShortMessagePdu(SmppCommand.SUBMIT_SM, seq, "",
                new SmppAddress(5, 0, "Sender"), List.of(new ShortMessagePdu.Destination.Sme(
                        new SmppAddress(1, 1, destination))), esmClass, 0, 0, "", validity, registeredDelivery, 0,
                dataCoding, 0, sm, List.of(tlvs)));
    }

    Pdu submit(String destination, String asciiText) throws IOException {
        send(submitPdu(nextSequence(), destination, 1, 0, asciiText.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        return readUntil(0x80000004);
    }

    static int intAt(byte[] b, int i) {
        return ((b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
