package io.mgw.smpp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.api.Jazzer;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mgw.core.config.AccountConfig;
import io.mgw.core.model.MessageId;
import io.mgw.smpp.common.PduBodyReader;
import io.mgw.smpp.common.PduWriter;
import io.mgw.smpp.common.SmppAddress;
import io.mgw.smpp.common.SmppDecodeException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.jsmpp.PDUStringException;
import org.jsmpp.bean.Bind;
import org.jsmpp.bean.Command;
import org.jsmpp.session.BindRequest;
import org.jsmpp.util.DefaultDecomposer;

/**
 * Coverage-guided fuzzing (Jazzer) of what the SMPP server reads from a client before anything else sees it: the
 * framing ({@link FrontPduReader}: command_length, command_id, PDUs cut into any reads, read timeouts), the bind
 * screening ({@link RequestBodies#screenBind}, then jSMPP's own bind decoder on what passed), and the query_sm and
 * cancel_sm bodies ({@link RequestBodies#query}, {@link RequestBodies#cancel}, then the message id as the account's
 * format reads it).
 *
 * <p>The oracles are worked out here from the octets alone: which PDUs are dispatched with which octets, which are
 * nacked, and where the stream is refused or ends; which field a body is refused at and with which status; the
 * fields' values and their SMPP lengths. What decodes is encoded again with {@link PduWriter} and must give the same
 * octets. Seeds (and any input that once failed) are in
 * {@code src/test/resources/io/mgw/smpp/server/SmppFrontFuzzTestInputs/}; see docs/FUZZING.md to fuzz.
 */
class SmppFrontFuzzTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final int[] BINDS = {0x00000001, 0x00000002, 0x00000009};
    /** command_ids SMPP 3.3, 3.4 and 5.0 define, written out again: requests, then the two without a response. */
    private static final Set<Integer> REQUESTS =
            Set.of(0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x15, 0x21, 0x103, 0x111, 0x112, 0x113);
    private static final Set<Integer> NO_RESPONSE = Set.of(0x0B, 0x102);
    private static final List<Integer> KNOWN = Stream.concat(Stream.of(0x80000000),
            Stream.concat(NO_RESPONSE.stream(), REQUESTS.stream().flatMap(r -> Stream.of(r, r | 0x80000000))))
            .sorted().toList();
    private static final AccountConfig HEX_IDS = account("hex");
    private static final AccountConfig DECIMAL_IDS = account("decimal");
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final ClassLoadingMXBean CLASSES = ManagementFactory.getClassLoadingMXBean();

    // ---- framing ----

    @FuzzTest(maxDuration = "60s")
    void framing(FuzzedDataProvider in) throws IOException {
        int max = in.consumeInt(272, 8192); // SmppServerConfig: maxCommandLength >= 272
        long handOver = in.consumeLong(); // bit i: the dispatcher hands the i-th known PDU to jSMPP
        byte[] reads = in.consumeBytes(48); // the sizes of the stream's reads, or a read timeout
        byte[] octets = in.consumeRemainingAsBytes();
        Frames expected = frames(octets, max, handOver);

        ChoppyStream stream = new ChoppyStream(octets, reads);
        DataInputStream din = new DataInputStream(stream);
        FrontPduReader reader = new FrontPduReader(max);
        List<String> log = new ArrayList<>();
        byte[][] lastDispatched = new byte[1][];
        reader.setDispatcher(new FrontPduReader.Dispatcher() {
            private int dispatched;

            @Override
            public boolean dispatch(int commandId, int sequence, byte[] pdu) {
                boolean handed = ((handOver >>> (dispatched++ & 63)) & 1) != 0;
                lastDispatched[0] = pdu;
                if (!handed) {
                    log.add(consumed(commandId, sequence, pdu));
                }
                return !handed;
            }

            @Override
            public void writeNow(byte[] pdu) {
                log.add("write " + HEX.formatHex(pdu));
            }

            @Override
            public void beforeRead() {}

            @Override
            public void discardInput(DataInputStream ignored) {
                log.add("discard");
            }
        });

        for (int call = 0; ; call++) {
            assertThat(call).as("readPDUHeader calls").isLessThanOrEqualTo(octets.length / 16 + reads.length + 2);
            long loaded = CLASSES.getTotalLoadedClassCount();
            long before = THREADS.getCurrentThreadAllocatedBytes();
            Command header;
            try {
                header = reader.readPDUHeader(din);
            } catch (SocketTimeoutException e) {
                // an idle link: only ever before a PDU's first octet, after the PDUs before it were handled
                Jazzer.exploreState((byte) 1, 3);
                assertThat(expected.starts()).as("timeout escaped inside a PDU").contains(stream.position());
                assertThat(log).isEqualTo(expected.eventsBefore(stream.position()));
                continue;
            } catch (EOFException e) {
                assertThat(expected.end()).as("ended at %d", stream.position()).isEqualTo(End.EOF);
                assertThat(log).isEqualTo(expected.events());
                return;
            } catch (IOException e) {
                if (e.getCause() instanceof SocketTimeoutException) {
                    // a stalled peer: only after three read timeouts inside one PDU; what came before stands
                    Jazzer.exploreState((byte) 2, 3);
                    int start = expected.startBefore(stream.position());
                    assertThat(stream.timeoutsAfter(start)).as("timeouts inside the PDU at %d", start)
                            .isGreaterThanOrEqualTo(3);
                    assertThat(log).isEqualTo(expected.eventsBefore(start));
                    return;
                }
                assertThat(e.getClass()).isEqualTo(IOException.class);
                assertThat(expected.end()).as("refused at %d: %s", stream.position(), e.getMessage())
                        .isEqualTo(End.REFUSED);
                assertThat(log).isEqualTo(expected.events());
                return;
            } finally {
                // no allocation sized by a command_length above the limit; a call that loaded (and so instrumented)
                // a class the first time is not measured
                long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
                if (CLASSES.getTotalLoadedClassCount() == loaded) {
                    assertThat(allocated).as("allocated by one readPDUHeader").isLessThan(8L * (octets.length + max)
                            + 4 * 1024 * 1024);
                }
            }
            byte[] pdu = reader.readPDU(din, header);
            assertThat(pdu).as("handed to jSMPP: the PDU it was dispatched").isSameAs(lastDispatched[0]);
            assertThat(header.getCommandLength()).isEqualTo(pdu.length);
            assertThat(header.getCommandStatus()).isEqualTo(intAt(pdu, 8));
            log.add(handedOver(header.getCommandId(), header.getSequenceNumber(), pdu));
            assertThat(log).isEqualTo(expected.events().subList(0, log.size()));
        }
    }

    enum End {
        EOF,
        REFUSED
    }

    /**
     * What the reader's documented behaviour makes of the octets: an event per PDU, where each PDU starts, and how the
     * stream ends.
     */
    record Frames(List<String> events, List<Integer> starts, List<Integer> eventCounts, End end) {

        /** The start of the PDU that holds the octet just before {@code position}. */
        int startBefore(int position) {
            int s = 0;
            for (int start : starts) {
                if (start < position) {
                    s = start;
                }
            }
            return s;
        }

        List<String> eventsBefore(int start) {
            return events.subList(0, eventCounts.get(starts.indexOf(start)));
        }
    }

    /** The simple re-parse: command_length, then command_id and sequence_number, as SMPP 3.4 §3.2 frames them. */
    private static Frames frames(byte[] s, int max, long handOver) {
        List<String> events = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        int p = 0;
        int dispatched = 0;
        for (;;) {
            starts.add(p);
            counts.add(events.size());
            int left = s.length - p;
            // Jazzer.exploreState: each way to end, and each command_id class, counts as coverage (for the corpus)
            if (left < 4) {
                Jazzer.exploreState((byte) (left == 0 ? 0 : 1), 1);
                return new Frames(events, starts, counts, End.EOF);
            }
            int length = intAt(s, p);
            if (length < 16) {
                Jazzer.exploreState((byte) (length < 0 ? 2 : length == 15 ? 3 : 4), 1);
                events.add("write " + nack(0x02, 0)); // ESME_RINVCMDLEN, no sequence read
                events.add("discard");
                return new Frames(events, starts, counts, End.REFUSED);
            }
            if (length > max) {
                if (left < 16) {
                    Jazzer.exploreState((byte) 5, 1);
                    return new Frames(events, starts, counts, End.EOF);
                }
                Jazzer.exploreState((byte) (length == max + 1 ? 6 : 7), 1);
                events.add("write " + nack(0x02, intAt(s, p + 12)));
                events.add("discard");
                return new Frames(events, starts, counts, End.REFUSED);
            }
            if (left < length) {
                Jazzer.exploreState((byte) 8, 1);
                return new Frames(events, starts, counts, End.EOF);
            }
            Jazzer.exploreState((byte) (length == 16 ? 9 : length == max ? 10 : 11), 1);
            Jazzer.exploreState((byte) KNOWN.indexOf(commandIdAt(s, p)), 2);
            byte[] pdu = Arrays.copyOfRange(s, p, p + length);
            int commandId = intAt(pdu, 4);
            int sequence = intAt(pdu, 12);
            if (!known(commandId)) {
                events.add("write " + nack(0x03, sequence)); // ESME_RINVCMDID, and the next PDU is read
            } else if (((handOver >>> (dispatched++ & 63)) & 1) != 0) {
                events.add(handedOver(commandId, sequence, pdu));
            } else {
                events.add(consumed(commandId, sequence, pdu));
            }
            p += length;
        }
    }

    private static int commandIdAt(byte[] s, int p) {
        return intAt(s, p + 4);
    }

    private static boolean known(int commandId) {
        if (commandId == 0x80000000) {
            return true; // generic_nack
        }
        int request = commandId & 0x7FFFFFFF;
        return REQUESTS.contains(request) || (commandId == request && NO_RESPONSE.contains(request));
    }

    private static String nack(int status, int sequence) {
        return HEX.formatHex(ByteBuffer.allocate(16).putInt(16).putInt(0x80000000).putInt(status).putInt(sequence)
                .array());
    }

    private static String consumed(int commandId, int sequence, byte[] pdu) {
        return "consumed " + Integer.toHexString(commandId) + " " + sequence + " " + HEX.formatHex(pdu);
    }

    private static String handedOver(int commandId, int sequence, byte[] pdu) {
        return "handed " + Integer.toHexString(commandId) + " " + sequence + " " + HEX.formatHex(pdu);
    }

    /**
     * The fuzzed octets as a socket gives them: each read returns at most the next size from {@code reads} (an octet
     * of 0xF0 or more is a read timeout instead), then as much as asked once those are used up.
     */
    private static final class ChoppyStream extends InputStream {

        private final byte[] data;
        private final byte[] reads;
        private final List<Integer> timeouts = new ArrayList<>();
        private int pos;
        private int next;

        ChoppyStream(byte[] data, byte[] reads) {
            this.data = data;
            this.reads = reads;
        }

        int position() {
            return pos;
        }

        /** Read timeouts thrown with more than {@code start} octets read. */
        long timeoutsAfter(int start) {
            return timeouts.stream().filter(t -> t > start).count();
        }

        @Override
        public int read() throws IOException {
            byte[] b = new byte[1];
            return read(b, 0, 1) < 0 ? -1 : b[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n = len;
            if (next < reads.length) {
                int r = reads[next++] & 0xFF;
                if (r >= 0xF0) {
                    timeouts.add(pos);
                    throw new SocketTimeoutException("read timed out");
                }
                n = Math.min(len, r % 48 + 1);
            }
            if (pos >= data.length) {
                return -1;
            }
            n = Math.min(n, data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    // ---- bind screening ----

    @FuzzTest(maxDuration = "60s")
    void bindScreening(FuzzedDataProvider in) throws PDUStringException {
        int command = BINDS[in.consumeInt(0, BINDS.length - 1)];
        byte[] pdu = pdu(command, in.consumeBoolean() ? fields(in, 16, 9, 13, 0, 0, 0, 41)
                : in.consumeRemainingAsBytes());
        byte[] sent = pdu.clone();
        Body expected = new Body(sent, 10);
        String systemId = expected.cString(16, 0x0F); // ESME_RINVSYSID
        String password = expected.cString(9, 0x0E); // ESME_RINVPASWD
        String systemType = expected.cString(13, 0x53); // ESME_RINVSYSTYP
        int versionAt = expected.pos;
        int version = expected.u8();
        int ton = expected.u8();
        int npi = expected.u8();
        String addressRange = expected.cString(41, 0x0D); // ESME_RBINDFAIL

        RequestBodies.Bind b;
        try {
            b = RequestBodies.screenBind(pdu);
        } catch (SmppDecodeException e) {
            assertThat(e.status()).as("refusal: %s", e.getMessage()).isNotZero().isEqualTo(expected.refusal);
            assertThat(pdu).as("a refused bind is left as it came").isEqualTo(sent);
            return;
        }
        assertThat(expected.refusal).as("expected refusal").isZero();
        assertThat(b.systemId()).isEqualTo(systemId).hasSizeLessThanOrEqualTo(15);
        assertThat(b.password()).isEqualTo(password).hasSizeLessThanOrEqualTo(8);
        assertThat(b.systemType()).isEqualTo(systemType).hasSizeLessThanOrEqualTo(12);
        assertThat(b.addressRange()).isEqualTo(addressRange).hasSizeLessThanOrEqualTo(40);
        assertThat(List.of(b.interfaceVersion(), b.addrTon(), b.addrNpi())).containsExactly(version, ton, npi);
        int effective = version == 0x33 || version == 0x34 || version == 0x50 ? version
                : version > 0x50 ? 0x50 : 0x34;
        assertThat(b.effectiveVersion()).isEqualTo(effective);
        int servedTon = ton <= 6 ? ton : 0;
        int servedNpi = Set.of(0, 1, 3, 4, 6, 8, 9, 10, 14, 18).contains(npi) ? npi : 0;
        // the values on each side of the documented boundaries count as coverage, so that the corpus keeps them
        Jazzer.exploreState((byte) (version < 0x32 ? 0 : version <= 0x35 ? version - 0x31 : version < 0x4F ? 5
                : version <= 0x51 ? version - 0x49 : 9), 13);
        Jazzer.exploreState((byte) Math.min(ton, 8), 14);
        Jazzer.exploreState((byte) Math.min(npi, 20), 15);

        // only interface_version, addr_ton and addr_npi may have changed, to what jSMPP can represent
        byte[] rewritten = sent.clone();
        rewritten[versionAt] = (byte) effective;
        rewritten[versionAt + 1] = (byte) servedTon;
        rewritten[versionAt + 2] = (byte) servedNpi;
        assertThat(pdu).isEqualTo(rewritten);

        // what passed, jSMPP decodes and takes as a bind request (the point of the screening)
        Bind decoded = new DefaultDecomposer().bind(pdu);
        BindRequest request = new BindRequest(decoded, null);
        assertThat(request.getSystemId()).isEqualTo(asJsmppReads(systemId));
        assertThat(request.getPassword()).isEqualTo(asJsmppReads(password));
        assertThat(request.getSystemType()).isEqualTo(asJsmppReads(systemType));
        assertThat(request.getAddressRange()).isEqualTo(asJsmppReads(addressRange));
        assertThat(request.getInterfaceVersion().value()).isEqualTo((byte) effective);
        assertThat(request.getAddrTon().value()).isEqualTo((byte) servedTon);
        assertThat(request.getAddrNpi().value()).isEqualTo((byte) servedNpi);
        assertThat(request.getBindType().commandId()).isEqualTo(command);
    }

    /** jSMPP reads a C-Octet String with the platform charset, and an empty one as null. */
    private static String asJsmppReads(String latin1) {
        return latin1.isEmpty() ? null
                : new String(latin1.getBytes(StandardCharsets.ISO_8859_1), Charset.defaultCharset());
    }

    // ---- query_sm, cancel_sm ----

    @FuzzTest(maxDuration = "60s")
    void queryAndCancel(FuzzedDataProvider in) throws SmppDecodeException {
        boolean cancel = in.consumeBoolean();
        int sequence = in.consumeInt();
        byte[] body = !in.consumeBoolean() ? in.consumeRemainingAsBytes()
                : cancel ? fields(in, 6, 65, 0, 0, 21, 0, 0, 21) : fields(in, 65, 0, 0, 21);
        byte[] pdu = pdu(cancel ? 0x08 : 0x03, body);
        ByteBuffer.wrap(pdu).putInt(12, sequence);
        Body expected = new Body(pdu, cancel ? 12 : 11);
        String serviceType = cancel ? expected.cString(6, 0x15) : ""; // ESME_RINVSERTYP
        String messageId = expected.cString(65, 0x0C); // ESME_RINVMSGID
        SmppAddress source = new SmppAddress(expected.u8(), expected.u8(), expected.cString(21, 0x0A));
        SmppAddress destination = cancel ? new SmppAddress(expected.u8(), expected.u8(), expected.cString(21, 0x0B))
                : null;
        if (cancel && expected.refusal == 0 && messageId.isEmpty()) {
            expected.refusal = 0x11; // ESME_RCANCELFAIL: cancelling without message_id is not supported
        }

        String idText;
        byte[] again;
        try {
            if (cancel) {
                RequestBodies.Cancel c = RequestBodies.cancel(pdu);
                assertThat(expected.refusal).as("expected refusal").isZero();
                assertThat(c).isEqualTo(new RequestBodies.Cancel(serviceType, messageId, source, destination));
                assertThat(c.serviceType()).hasSizeLessThanOrEqualTo(5);
                assertThat(c.destination().address()).hasSizeLessThanOrEqualTo(20);
                again = new PduWriter(0x08, 0, sequence).cString(c.serviceType()).cString(c.messageId())
                        .u8(c.source().ton()).u8(c.source().npi()).cString(c.source().address())
                        .u8(c.destination().ton()).u8(c.destination().npi()).cString(c.destination().address())
                        .toBytes();
                idText = c.messageId();
            } else {
                RequestBodies.Query q = RequestBodies.query(pdu);
                assertThat(expected.refusal).as("expected refusal").isZero();
                assertThat(q).isEqualTo(new RequestBodies.Query(messageId, source));
                again = new PduWriter(0x03, 0, sequence).cString(q.messageId()).u8(q.source().ton())
                        .u8(q.source().npi()).cString(q.source().address()).toBytes();
                idText = q.messageId();
            }
        } catch (SmppDecodeException e) {
            assertThat(e.status()).as("refusal: %s", e.getMessage()).isNotZero().isEqualTo(expected.refusal);
            return;
        }
        assertThat(idText).hasSizeLessThanOrEqualTo(64).doesNotContain("\0");
        assertThat(source.address()).hasSizeLessThanOrEqualTo(20);
        // encoded again: the same octets up to the last field read (what follows it is ignored), the same fields
        assertThat(Arrays.copyOfRange(pdu, 16, again.length)).isEqualTo(Arrays.copyOfRange(again, 16, again.length));
        assertThat(cancel ? RequestBodies.cancel(again) : RequestBodies.query(again))
                .isEqualTo(cancel ? RequestBodies.cancel(pdu) : RequestBodies.query(pdu));

        // the id as the session then reads it, in either of the accounts' formats
        String s = idText.strip();
        Optional<MessageId> hex = MessageIds.parse(idText, HEX_IDS);
        assertThat(hex.isPresent()).as("hex id '%s'", idText).isEqualTo(s.matches("[0-9a-fA-F]{32}"));
        hex.ifPresent(id -> assertThat(MessageIds.render(id, HEX_IDS)).isEqualToIgnoringCase(s));
        Optional<MessageId> decimal = MessageIds.parse(idText, DECIMAL_IDS);
        boolean isDecimal = s.matches("[0-9]{1,39}") && new BigInteger(s).bitLength() <= 128;
        Jazzer.exploreState((byte) ((hex.isPresent() ? 1 : 0) | (decimal.isPresent() ? 2 : 0)
                | (s.equals(idText) ? 0 : 4) | (s.length() == 32 ? 8 : 0) | (s.length() == 39 ? 16 : 0)
                | (cancel ? 32 : 0)), 16);
        assertThat(decimal.isPresent()).as("decimal id '%s'", idText).isEqualTo(isDecimal);
        decimal.ifPresent(id -> assertThat(new BigInteger(MessageIds.render(id, DECIMAL_IDS)))
                .isEqualTo(new BigInteger(s)));
        // query_sm_resp echoes the id as sent: it must read back within the field's 65 octets
        if (!cancel) {
            byte[] resp = new PduWriter(0x80000003, 0, sequence).cString(idText).cString("").u8(2).u8(0).toBytes();
            assertThat(new PduBodyReader(resp, 16).cString("message_id", 65, 0x0C)).isEqualTo(idText);
        }
    }

    // ---- helpers ----

    /**
     * The oracle's own reader of a body: C-Octet Strings and octets; the first field that does not fit sets
     * {@code refusal} (the string's status when none of its {@code max} octets is a NUL, ESME_RINVCMDLEN when the
     * body ends first) and every later read gives "" or 0. Each field's outcome (read, read at its longest, body
     * ended, one octet too long, longer) counts as coverage for the fuzzer, so that the corpus keeps each one.
     */
    private static final class Body {

        private final byte[] pdu;
        private final int explore;
        private int pos = 16;
        private int field;
        private int refusal;

        Body(byte[] pdu, int explore) {
            this.pdu = pdu;
            this.explore = explore;
        }

        String cString(int max, int tooLong) {
            if (refusal != 0) {
                return "";
            }
            int avail = Math.min(max, pdu.length - pos);
            for (int i = 0; i < avail; i++) {
                if (pdu[pos + i] == 0) {
                    String s = new String(pdu, pos, i, StandardCharsets.ISO_8859_1);
                    pos += i + 1;
                    outcome(i == max - 1 ? 1 : 0);
                    return s;
                }
            }
            refusal = avail < max ? 0x02 : tooLong;
            outcome(avail < max ? 2 : pdu.length > pos + max && pdu[pos + max] == 0 ? 3 : 4);
            return "";
        }

        int u8() {
            if (refusal != 0) {
                return 0;
            }
            if (pos >= pdu.length) {
                refusal = 0x02;
                outcome(2);
                return 0;
            }
            outcome(0);
            return pdu[pos++] & 0xFF;
        }

        private void outcome(int kind) {
            Jazzer.exploreState((byte) (field++ * 8 + kind), explore); // a counter of its own for each field
        }
    }

    /**
     * A body built field by field, so that every length the oracle tells apart is one mutation away: a C-Octet String
     * of at most {@code max} octets (NUL included) gets 0 to max + 1 octets other than NUL, then a NUL; a field
     * given as 0 is one octet; the octets left follow.
     */
    private static byte[] fields(FuzzedDataProvider in, int... maxes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int max : maxes) {
            if (max == 0) {
                out.write(in.consumeByte());
                continue;
            }
            for (byte b : in.consumeBytes(in.consumeInt(0, max + 1))) {
                out.write(b == 0 ? '0' : b);
            }
            out.write(0);
        }
        out.writeBytes(in.consumeRemainingAsBytes());
        return out.toByteArray();
    }

    private static byte[] pdu(int commandId, byte[] body) {
        return ByteBuffer.allocate(16 + body.length).putInt(16 + body.length).putInt(commandId).putInt(0).putInt(7)
                .put(body).array();
    }

    private static int intAt(byte[] b, int i) {
        return ByteBuffer.wrap(b, i, 4).getInt();
    }

    private static AccountConfig account(String idFormat) {
        return new AccountConfig("esme", "-", List.of(), 0, 10, 5, List.of(), idFormat, Duration.ofHours(48));
    }
}
