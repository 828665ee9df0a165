package io.mgw.core.wire;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.mgw.core.model.Address;
import io.mgw.core.model.Concat;
import io.mgw.core.model.Content;
import io.mgw.core.model.DeliveryReport;
import io.mgw.core.model.Direction;
import io.mgw.core.model.Kind;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.model.Origin;
import io.mgw.core.model.ReportRequest;
import io.mgw.core.spi.ClientDelivery;
import io.mgw.core.spi.SouthReceipt;
import io.mgw.core.wire.WireSchema.AddressFields;
import io.mgw.core.wire.WireSchema.BinaryContentFields;
import io.mgw.core.wire.WireSchema.ClientDeliveryFields;
import io.mgw.core.wire.WireSchema.ConcatFields;
import io.mgw.core.wire.WireSchema.DeliveryReportFields;
import io.mgw.core.wire.WireSchema.MapEntryFields;
import io.mgw.core.wire.WireSchema.MessageFields;
import io.mgw.core.wire.WireSchema.MobileOriginatedDeliveryFields;
import io.mgw.core.wire.WireSchema.MultipartContentFields;
import io.mgw.core.wire.WireSchema.OriginFields;
import io.mgw.core.wire.WireSchema.PartFields;
import io.mgw.core.wire.WireSchema.ReportDeliveryFields;
import io.mgw.core.wire.WireSchema.SouthReceiptFields;
import io.mgw.core.wire.WireSchema.TextContentFields;
import io.mgw.core.wire.WireSchema.TimestampFields;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The versioned, evolvable byte form of the gateway's records on Kafka (ARCHITECTURE.md §4): {@link Message},
 * {@link DeliveryReport}, {@link ClientDelivery} and {@link SouthReceipt}.
 *
 * <p>The bytes are Protobuf wire format (proto3 semantics), written and read by hand with protobuf-java's
 * {@link CodedOutputStream} and {@link CodedInputStream}; there is no protoc step. The schema, with every field
 * number and type and the evolution rules, is in {@code src/main/resources/io/mgw/core/wire/schema.proto}
 * (documentation only; a test keeps it equal to the numbers used here). In short:
 *
 * <pre>
 *  Message         1 format_version  2/3 id hi/lo (fixed64)  4 kind  5 direction  6 origin  7 source
 *                  8 destinations*  9|10|11 text|binary|multipart  12 priority  13 received_at  14 valid_until
 *                  15 schedule_at?  16 report_request  17 concat?  18 attributes (map)
 *  DeliveryReport  1 format_version  2/3 message id  4 status  5 error_code  6 error_source  7 submitted_at
 *                  8 done_at  9 parts_delivered  10 parts_total  11 reason
 *  ClientDelivery  1 format_version  2 account  3 report {report, source, destination, text_preview}
 *                  | 4 mobile_originated {message}
 *  SouthReceipt    1 format_version  2 connector  3 remote_id  4 status  5 error_code  6 submit_date?
 *                  7 done_date?  8 received_at  9 handset  10 excerpt
 *  Instants are {seconds int64, nanos int32} like google.protobuf.Timestamp; enums carry explicit numbers
 *  (0 = not set), MessageStatus uses the SMPP 3.4 message_state numbers (§5.2.28).
 * </pre>
 *
 * <p>Compatibility, so old and new nodes read each other during a rolling upgrade: writers put
 * {@code format_version} (currently {@value WireSchema#CURRENT_VERSION}) first; readers require it but accept any
 * version, skip fields they do not know, and fill defaults for fields an older writer did not send (empty optionals,
 * empty attributes, priority 0, report request NONE, empty strings). Unknown enum numbers fall back: address type
 * and status to UNKNOWN, report request to FINAL, kind to the one the content implies; an unknown direction or a
 * record with no content it knows is rejected. Empty strings, zeros and empty byte arrays are not written
 * (proto3 style), so they cost nothing.
 *
 * <p>Encoding computes the exact size first and writes into one {@code byte[]} of that size (no intermediate
 * buffers). Encoders throw {@link NullPointerException} for null arguments and nothing else. Decoders throw
 * {@link WireFormatException} for any input that is not a valid record, and never another exception type; they
 * read only the given array, so they cannot hang. Thread-safe (stateless).
 */
public final class WireFormat {

    /** The schema revision this code writes (the {@code format_version} field of every record). */
    public static final int FORMAT_VERSION = WireSchema.CURRENT_VERSION;

    private static final int VARINT = 0;
    private static final int I64 = 1;
    private static final int LEN = 2;
    private static final int GROUP_START = 3;
    private static final int GROUP_END = 4;

    private static final byte[] NO_BYTES = new byte[0];

    private WireFormat() {}

    // =================================================================================================
    // public API
    // =================================================================================================

    /** The wire form of a message. */
    public static byte[] encodeMessage(Message m) {
        requireNonNull(m, "m");
        byte[] buf = new byte[messageSize(m)];
        CodedOutputStream out = CodedOutputStream.newInstance(buf);
        try {
            writeMessage(out, m);
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("wire: computed size does not match the bytes written", e);
        }
        return buf;
    }

    /**
     * Reads a message written by {@link #encodeMessage} of this or any other schema revision.
     *
     * @throws WireFormatException if the bytes are not a valid message record
     */
    public static Message decodeMessage(byte[] bytes) {
        requireNonNull(bytes, "bytes");
        return decode("message", bytes, WireFormat::readMessage);
    }

    /** The wire form of a delivery report. */
    public static byte[] encodeReport(DeliveryReport r) {
        requireNonNull(r, "r");
        byte[] buf = new byte[reportSize(r)];
        CodedOutputStream out = CodedOutputStream.newInstance(buf);
        try {
            writeReport(out, r);
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("wire: computed size does not match the bytes written", e);
        }
        return buf;
    }

    /**
     * Reads a delivery report written by {@link #encodeReport}.
     *
     * @throws WireFormatException if the bytes are not a valid report record
     */
    public static DeliveryReport decodeReport(byte[] bytes) {
        requireNonNull(bytes, "bytes");
        return decode("delivery report", bytes, WireFormat::readReport);
    }

    /** The wire form of something to hand to a client account (a report or an MO message). */
    public static byte[] encodeClientDelivery(ClientDelivery d) {
        requireNonNull(d, "d");
        byte[] buf = new byte[clientDeliverySize(d)];
        CodedOutputStream out = CodedOutputStream.newInstance(buf);
        try {
            writeClientDelivery(out, d);
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("wire: computed size does not match the bytes written", e);
        }
        return buf;
    }

    /**
     * Reads a client delivery written by {@link #encodeClientDelivery}.
     *
     * @throws WireFormatException if the bytes are not a valid client delivery record
     */
    public static ClientDelivery decodeClientDelivery(byte[] bytes) {
        requireNonNull(bytes, "bytes");
        return decode("client delivery", bytes, WireFormat::readClientDelivery);
    }

    /** The wire form of a south receipt (kept while it waits for its correlation). */
    public static byte[] encodeReceipt(SouthReceipt r) {
        requireNonNull(r, "r");
        requireNonNull(r.connector(), "r.connector");
        requireNonNull(r.remoteId(), "r.remoteId");
        requireNonNull(r.status(), "r.status");
        requireNonNull(r.submitDate(), "r.submitDate");
        requireNonNull(r.doneDate(), "r.doneDate");
        requireNonNull(r.receivedAt(), "r.receivedAt");
        requireNonNull(r.handset(), "r.handset");
        requireNonNull(r.excerpt(), "r.excerpt");
        byte[] buf = new byte[receiptSize(r)];
        CodedOutputStream out = CodedOutputStream.newInstance(buf);
        try {
            writeReceipt(out, r);
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("wire: computed size does not match the bytes written", e);
        }
        return buf;
    }

    /**
     * Reads a south receipt written by {@link #encodeReceipt}.
     *
     * @throws WireFormatException if the bytes are not a valid receipt record
     */
    public static SouthReceipt decodeReceipt(byte[] bytes) {
        requireNonNull(bytes, "bytes");
        return decode("south receipt", bytes, WireFormat::readReceipt);
    }

    // =================================================================================================
    // Message
    // =================================================================================================

    private static int messageSize(Message m) {
        int size = uint32Size(MessageFields.FORMAT_VERSION, FORMAT_VERSION)
                + fixed64Size(MessageFields.ID_HI, m.id().hi())
                + fixed64Size(MessageFields.ID_LO, m.id().lo())
                + uint32Size(MessageFields.KIND, WireSchema.code(m.kind()))
                + uint32Size(MessageFields.DIRECTION, WireSchema.code(m.direction()))
                + nestedSize(MessageFields.ORIGIN, originSize(m.origin()))
                + nestedSize(MessageFields.SOURCE, addressSize(m.source()));
        for (Address a : m.destinations()) {
            size += nestedSize(MessageFields.DESTINATIONS, addressSize(a));
        }
        size += switch (m.content()) {
            case Content.Text t -> nestedSize(MessageFields.TEXT, textSize(t));
            case Content.Binary b -> nestedSize(MessageFields.BINARY, binarySize(b));
            case Content.Multipart mp -> nestedSize(MessageFields.MULTIPART, multipartSize(mp));
        };
        size += uint32Size(MessageFields.PRIORITY, m.priority())
                + nestedSize(MessageFields.RECEIVED_AT, timestampSize(m.receivedAt()))
                + nestedSize(MessageFields.VALID_UNTIL, timestampSize(m.validUntil()));
        if (m.scheduleAt().isPresent()) {
            size += nestedSize(MessageFields.SCHEDULE_AT, timestampSize(m.scheduleAt().get()));
        }
        size += uint32Size(MessageFields.REPORT_REQUEST, WireSchema.code(m.reportRequest()));
        if (m.concat().isPresent()) {
            size += nestedSize(MessageFields.CONCAT, concatSize(m.concat().get()));
        }
        for (Map.Entry<String, String> e : m.attributes().entrySet()) {
            size += nestedSize(MessageFields.ATTRIBUTES, entrySize(e));
        }
        return size;
    }

    private static void writeMessage(CodedOutputStream out, Message m) throws IOException {
        writeUInt32(out, MessageFields.FORMAT_VERSION, FORMAT_VERSION);
        writeFixed64(out, MessageFields.ID_HI, m.id().hi());
        writeFixed64(out, MessageFields.ID_LO, m.id().lo());
        writeUInt32(out, MessageFields.KIND, WireSchema.code(m.kind()));
        writeUInt32(out, MessageFields.DIRECTION, WireSchema.code(m.direction()));
        writeOrigin(out, MessageFields.ORIGIN, m.origin());
        writeAddress(out, MessageFields.SOURCE, m.source());
        for (Address a : m.destinations()) {
            writeAddress(out, MessageFields.DESTINATIONS, a);
        }
        switch (m.content()) {
            case Content.Text t -> writeText(out, MessageFields.TEXT, t);
            case Content.Binary b -> writeBinary(out, MessageFields.BINARY, b);
            case Content.Multipart mp -> writeMultipart(out, MessageFields.MULTIPART, mp);
        }
        writeUInt32(out, MessageFields.PRIORITY, m.priority());
        writeTimestamp(out, MessageFields.RECEIVED_AT, m.receivedAt());
        writeTimestamp(out, MessageFields.VALID_UNTIL, m.validUntil());
        if (m.scheduleAt().isPresent()) {
            writeTimestamp(out, MessageFields.SCHEDULE_AT, m.scheduleAt().get());
        }
        writeUInt32(out, MessageFields.REPORT_REQUEST, WireSchema.code(m.reportRequest()));
        if (m.concat().isPresent()) {
            writeConcat(out, MessageFields.CONCAT, m.concat().get());
        }
        for (Map.Entry<String, String> e : m.attributes().entrySet()) {
            writeEntry(out, MessageFields.ATTRIBUTES, e);
        }
    }

    private static Message readMessage(CodedInputStream in) throws IOException {
        int version = 0;
        long idHi = 0;
        long idLo = 0;
        boolean hasIdHi = false;
        boolean hasIdLo = false;
        Kind kind = null;
        Direction direction = null;
        Origin origin = null;
        Address source = null;
        List<Address> destinations = new ArrayList<>(1);
        Content content = null;
        int priority = 0;
        Instant receivedAt = null;
        Instant validUntil = null;
        Optional<Instant> scheduleAt = Optional.empty();
        ReportRequest reportRequest = ReportRequest.NONE;
        Optional<Concat> concat = Optional.empty();
        Map<String, String> attributes = new HashMap<>();
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (tag) {
                case MessageFields.FORMAT_VERSION << 3 | VARINT -> version = in.readUInt32();
                case MessageFields.ID_HI << 3 | I64 -> {
                    idHi = in.readFixed64();
                    hasIdHi = true;
                }
                case MessageFields.ID_LO << 3 | I64 -> {
                    idLo = in.readFixed64();
                    hasIdLo = true;
                }
                case MessageFields.KIND << 3 | VARINT -> kind = WireSchema.kind(in.readUInt32());
                case MessageFields.DIRECTION << 3 | VARINT -> direction = WireSchema.direction(in.readUInt32());
                case MessageFields.ORIGIN << 3 | LEN -> origin = nested(in, WireFormat::readOrigin);
                case MessageFields.SOURCE << 3 | LEN -> source = nested(in, WireFormat::readAddress);
                case MessageFields.DESTINATIONS << 3 | LEN -> destinations.add(nested(in, WireFormat::readAddress));
                case MessageFields.TEXT << 3 | LEN -> content = nested(in, WireFormat::readText);
                case MessageFields.BINARY << 3 | LEN -> content = nested(in, WireFormat::readBinary);
                case MessageFields.MULTIPART << 3 | LEN -> content = nested(in, WireFormat::readMultipart);
                case MessageFields.PRIORITY << 3 | VARINT -> priority = in.readUInt32();
                case MessageFields.RECEIVED_AT << 3 | LEN -> receivedAt = nested(in, WireFormat::readTimestamp);
                case MessageFields.VALID_UNTIL << 3 | LEN -> validUntil = nested(in, WireFormat::readTimestamp);
                case MessageFields.SCHEDULE_AT << 3 | LEN ->
                        scheduleAt = Optional.of(nested(in, WireFormat::readTimestamp));
                case MessageFields.REPORT_REQUEST << 3 | VARINT ->
                        reportRequest = WireSchema.reportRequest(in.readUInt32());
                case MessageFields.CONCAT << 3 | LEN -> concat = Optional.of(nested(in, WireFormat::readConcat));
                case MessageFields.ATTRIBUTES << 3 | LEN -> {
                    String[] kv = nested(in, WireFormat::readEntry);
                    attributes.put(kv[0], kv[1]);
                }
                default -> skip(in, tag);
            }
        }
        requireVersion(version);
        if (!hasIdHi || !hasIdLo) {
            throw new WireFormatException("message: id missing");
        }
        if (direction == null) {
            throw new WireFormatException("message: direction missing or unknown");
        }
        require(origin, "message: origin");
        require(source, "message: source");
        if (destinations.isEmpty()) {
            throw new WireFormatException("message: destinations missing (expected: at least one)");
        }
        require(content, "message: content");
        require(receivedAt, "message: received_at");
        require(validUntil, "message: valid_until");
        if (kind == null) {
            kind = switch (content) {
                case Content.Text t -> Kind.SMS_TEXT;
                case Content.Binary b -> Kind.SMS_BINARY;
                case Content.Multipart mp -> Kind.MMS;
            };
        }
        return new Message(new MessageId(idHi, idLo), kind, direction, origin, source, destinations, content,
                priority, receivedAt, validUntil, scheduleAt, reportRequest, concat, attributes);
    }

    // =================================================================================================
    // DeliveryReport
    // =================================================================================================

    private static int reportSize(DeliveryReport r) {
        return uint32Size(DeliveryReportFields.FORMAT_VERSION, FORMAT_VERSION)
                + fixed64Size(DeliveryReportFields.MESSAGE_ID_HI, r.messageId().hi())
                + fixed64Size(DeliveryReportFields.MESSAGE_ID_LO, r.messageId().lo())
                + uint32Size(DeliveryReportFields.STATUS, WireSchema.code(r.status()))
                + int32Size(DeliveryReportFields.ERROR_CODE, r.errorCode())
                + stringSize(DeliveryReportFields.ERROR_SOURCE, r.errorSource())
                + nestedSize(DeliveryReportFields.SUBMITTED_AT, timestampSize(r.submittedAt()))
                + nestedSize(DeliveryReportFields.DONE_AT, timestampSize(r.doneAt()))
                + uint32Size(DeliveryReportFields.PARTS_DELIVERED, r.partsDelivered())
                + uint32Size(DeliveryReportFields.PARTS_TOTAL, r.partsTotal())
                + stringSize(DeliveryReportFields.REASON, r.reason());
    }

    private static void writeReport(CodedOutputStream out, DeliveryReport r) throws IOException {
        writeUInt32(out, DeliveryReportFields.FORMAT_VERSION, FORMAT_VERSION);
        writeFixed64(out, DeliveryReportFields.MESSAGE_ID_HI, r.messageId().hi());
        writeFixed64(out, DeliveryReportFields.MESSAGE_ID_LO, r.messageId().lo());
        writeUInt32(out, DeliveryReportFields.STATUS, WireSchema.code(r.status()));
        writeInt32(out, DeliveryReportFields.ERROR_CODE, r.errorCode());
        writeString(out, DeliveryReportFields.ERROR_SOURCE, r.errorSource());
        writeTimestamp(out, DeliveryReportFields.SUBMITTED_AT, r.submittedAt());
        writeTimestamp(out, DeliveryReportFields.DONE_AT, r.doneAt());
        writeUInt32(out, DeliveryReportFields.PARTS_DELIVERED, r.partsDelivered());
        writeUInt32(out, DeliveryReportFields.PARTS_TOTAL, r.partsTotal());
        writeString(out, DeliveryReportFields.REASON, r.reason());
    }

    private static DeliveryReport readReport(CodedInputStream in) throws IOException {
        int version = 0;
        long idHi = 0;
        long idLo = 0;
        boolean hasIdHi = false;
        boolean hasIdLo = false;
        MessageStatus status = MessageStatus.UNKNOWN;
        int errorCode = 0;
        String errorSource = "";
        Instant submittedAt = null;
        Instant doneAt = null;
        int partsDelivered = 0;
        int partsTotal = 0;
        String reason = "";
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (tag) {
                case DeliveryReportFields.FORMAT_VERSION << 3 | VARINT -> version = in.readUInt32();
                case DeliveryReportFields.MESSAGE_ID_HI << 3 | I64 -> {
                    idHi = in.readFixed64();
                    hasIdHi = true;
                }
                case DeliveryReportFields.MESSAGE_ID_LO << 3 | I64 -> {
                    idLo = in.readFixed64();
                    hasIdLo = true;
                }
                case DeliveryReportFields.STATUS << 3 | VARINT -> status = WireSchema.messageStatus(in.readUInt32());
                case DeliveryReportFields.ERROR_CODE << 3 | VARINT -> errorCode = in.readInt32();
                case DeliveryReportFields.ERROR_SOURCE << 3 | LEN -> errorSource = in.readStringRequireUtf8();
                case DeliveryReportFields.SUBMITTED_AT << 3 | LEN -> submittedAt = nested(in, WireFormat::readTimestamp);
                case DeliveryReportFields.DONE_AT << 3 | LEN -> doneAt = nested(in, WireFormat::readTimestamp);
                case DeliveryReportFields.PARTS_DELIVERED << 3 | VARINT -> partsDelivered = in.readUInt32();
                case DeliveryReportFields.PARTS_TOTAL << 3 | VARINT -> partsTotal = in.readUInt32();
                case DeliveryReportFields.REASON << 3 | LEN -> reason = in.readStringRequireUtf8();
                default -> skip(in, tag);
            }
        }
        requireVersion(version);
        if (!hasIdHi || !hasIdLo) {
            throw new WireFormatException("delivery report: message id missing");
        }
        require(submittedAt, "delivery report: submitted_at");
        require(doneAt, "delivery report: done_at");
        return new DeliveryReport(new MessageId(idHi, idLo), status, errorCode, errorSource, submittedAt, doneAt,
                partsDelivered, partsTotal, reason);
    }

    // =================================================================================================
    // ClientDelivery
    // =================================================================================================

    private static int clientDeliverySize(ClientDelivery d) {
        int size = uint32Size(ClientDeliveryFields.FORMAT_VERSION, FORMAT_VERSION)
                + stringSize(ClientDeliveryFields.ACCOUNT, requireNonNull(d.account(), "d.account"));
        return size + switch (d) {
            case ClientDelivery.Report r -> nestedSize(ClientDeliveryFields.REPORT, reportDeliverySize(r));
            case ClientDelivery.MobileOriginated mo -> nestedSize(ClientDeliveryFields.MOBILE_ORIGINATED,
                    nestedSize(MobileOriginatedDeliveryFields.MESSAGE,
                            messageSize(requireNonNull(mo.message(), "d.message"))));
        };
    }

    private static int reportDeliverySize(ClientDelivery.Report r) {
        return nestedSize(ReportDeliveryFields.REPORT, reportSize(requireNonNull(r.report(), "d.report")))
                + nestedSize(ReportDeliveryFields.SOURCE, addressSize(requireNonNull(r.source(), "d.source")))
                + nestedSize(ReportDeliveryFields.DESTINATION,
                        addressSize(requireNonNull(r.destination(), "d.destination")))
                + stringSize(ReportDeliveryFields.TEXT_PREVIEW, requireNonNull(r.textPreview(), "d.textPreview"));
    }

    private static void writeClientDelivery(CodedOutputStream out, ClientDelivery d) throws IOException {
        writeUInt32(out, ClientDeliveryFields.FORMAT_VERSION, FORMAT_VERSION);
        writeString(out, ClientDeliveryFields.ACCOUNT, d.account());
        switch (d) {
            case ClientDelivery.Report r -> {
                writeLengthDelimitedHeader(out, ClientDeliveryFields.REPORT, reportDeliverySize(r));
                writeLengthDelimitedHeader(out, ReportDeliveryFields.REPORT, reportSize(r.report()));
                writeReport(out, r.report());
                writeAddress(out, ReportDeliveryFields.SOURCE, r.source());
                writeAddress(out, ReportDeliveryFields.DESTINATION, r.destination());
                writeString(out, ReportDeliveryFields.TEXT_PREVIEW, r.textPreview());
            }
            case ClientDelivery.MobileOriginated mo -> {
                int messageSize = messageSize(mo.message());
                writeLengthDelimitedHeader(out, ClientDeliveryFields.MOBILE_ORIGINATED,
                        nestedSize(MobileOriginatedDeliveryFields.MESSAGE, messageSize));
                writeLengthDelimitedHeader(out, MobileOriginatedDeliveryFields.MESSAGE, messageSize);
                writeMessage(out, mo.message());
            }
        }
    }

    private static ClientDelivery readClientDelivery(CodedInputStream in) throws IOException {
        int version = 0;
        String account = "";
        ClientDelivery delivery = null;
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (tag) {
                case ClientDeliveryFields.FORMAT_VERSION << 3 | VARINT -> version = in.readUInt32();
                case ClientDeliveryFields.ACCOUNT << 3 | LEN -> account = in.readStringRequireUtf8();
                // the account is filled in below: it may come after the oneof on the wire
                case ClientDeliveryFields.REPORT << 3 | LEN -> delivery = nested(in, WireFormat::readReportDelivery);
                case ClientDeliveryFields.MOBILE_ORIGINATED << 3 | LEN ->
                        delivery = nested(in, WireFormat::readMobileOriginatedDelivery);
                default -> skip(in, tag);
            }
        }
        requireVersion(version);
        require(delivery, "client delivery: report or mobile_originated");
        return switch (delivery) {
            case ClientDelivery.Report r ->
                    new ClientDelivery.Report(account, r.report(), r.source(), r.destination(), r.textPreview());
            case ClientDelivery.MobileOriginated mo -> new ClientDelivery.MobileOriginated(account, mo.message());
        };
    }

    private static ClientDelivery.Report readReportDelivery(CodedInputStream in) throws IOException {
        DeliveryReport report = null;
        Address source = null;
        Address destination = null;
        String textPreview = "";
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (tag) {
                case ReportDeliveryFields.REPORT << 3 | LEN -> report = nested(in, WireFormat::readReport);
                case ReportDeliveryFields.SOURCE << 3 | LEN -> source = nested(in, WireFormat::readAddress);
                case ReportDeliveryFields.DESTINATION << 3 | LEN -> destination = nested(in, WireFormat::readAddress);
                case ReportDeliveryFields.TEXT_PREVIEW << 3 | LEN -> textPreview = in.readStringRequireUtf8();
                default -> skip(in, tag);
            }
        }
        require(report, "report delivery: report");
        require(source, "report delivery: source");
        require(destination, "report delivery: destination");
        return new ClientDelivery.Report("", report, source, destination, textPreview);
    }

    private static ClientDelivery.MobileOriginated readMobileOriginatedDelivery(CodedInputStream in)
            throws IOException {
        Message message = null;
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == (MobileOriginatedDeliveryFields.MESSAGE << 3 | LEN)) {
                message = nested(in, WireFormat::readMessage);
            } else {
                skip(in, tag);
            }
        }
        require(message, "mobile originated delivery: message");
        return new ClientDelivery.MobileOriginated("", message);
    }

    // =================================================================================================
    // SouthReceipt
    // =================================================================================================

    private static int receiptSize(SouthReceipt r) {
        int size = uint32Size(SouthReceiptFields.FORMAT_VERSION, FORMAT_VERSION)
                + stringSize(SouthReceiptFields.CONNECTOR, r.connector())
                + stringSize(SouthReceiptFields.REMOTE_ID, r.remoteId())
                + uint32Size(SouthReceiptFields.STATUS, WireSchema.code(r.status()))
                + int32Size(SouthReceiptFields.ERROR_CODE, r.errorCode());
        if (r.submitDate().isPresent()) {
            size += nestedSize(SouthReceiptFields.SUBMIT_DATE, timestampSize(r.submitDate().get()));
        }
        if (r.doneDate().isPresent()) {
            size += nestedSize(SouthReceiptFields.DONE_DATE, timestampSize(r.doneDate().get()));
        }
        return size + nestedSize(SouthReceiptFields.RECEIVED_AT, timestampSize(r.receivedAt()))
                + stringSize(SouthReceiptFields.HANDSET, r.handset())
                + stringSize(SouthReceiptFields.EXCERPT, r.excerpt());
    }

    private static void writeReceipt(CodedOutputStream out, SouthReceipt r) throws IOException {
        writeUInt32(out, SouthReceiptFields.FORMAT_VERSION, FORMAT_VERSION);
        writeString(out, SouthReceiptFields.CONNECTOR, r.connector());
        writeString(out, SouthReceiptFields.REMOTE_ID, r.remoteId());
        writeUInt32(out, SouthReceiptFields.STATUS, WireSchema.code(r.status()));
        writeInt32(out, SouthReceiptFields.ERROR_CODE, r.errorCode());
        if (r.submitDate().isPresent()) {
            writeTimestamp(out, SouthReceiptFields.SUBMIT_DATE, r.submitDate().get());
        }
        if (r.doneDate().isPresent()) {
            writeTimestamp(out, SouthReceiptFields.DONE_DATE, r.doneDate().get());
        }
        writeTimestamp(out, SouthReceiptFields.RECEIVED_AT, r.receivedAt());
        writeString(out, SouthReceiptFields.HANDSET, r.handset());
        writeString(out, SouthReceiptFields.EXCERPT, r.excerpt());
    }

    private static SouthReceipt readReceipt(CodedInputStream in) throws IOException {
        int version = 0;
        String connector = "";
        String remoteId = "";
        MessageStatus status = MessageStatus.UNKNOWN;
        int errorCode = 0;
        Optional<Instant> submitDate = Optional.empty();
        Optional<Instant> doneDate = Optional.empty();
        Instant receivedAt = null;
        String handset = "";
        String excerpt = "";
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (tag) {
                case SouthReceiptFields.HANDSET << 3 | LEN -> handset = in.readStringRequireUtf8();
                case SouthReceiptFields.EXCERPT << 3 | LEN -> excerpt = in.readStringRequireUtf8();
                case SouthReceiptFields.FORMAT_VERSION << 3 | VARINT -> version = in.readUInt32();
                case SouthReceiptFields.CONNECTOR << 3 | LEN -> connector = in.readStringRequireUtf8();
                case SouthReceiptFields.REMOTE_ID << 3 | LEN -> remoteId = in.readStringRequireUtf8();
                case SouthReceiptFields.STATUS << 3 | VARINT -> status = WireSchema.messageStatus(in.readUInt32());
                case SouthReceiptFields.ERROR_CODE << 3 | VARINT -> errorCode = in.readInt32();
                case SouthReceiptFields.SUBMIT_DATE << 3 | LEN ->
                        submitDate = Optional.of(nested(in, WireFormat::readTimestamp));
                case SouthReceiptFields.DONE_DATE << 3 | LEN ->
                        doneDate = Optional.of(nested(in, WireFormat::readTimestamp));
                case SouthReceiptFields.RECEIVED_AT << 3 | LEN -> receivedAt = nested(in, WireFormat::readTimestamp);
                default -> skip(in, tag);
            }
        }
        requireVersion(version);
        require(receivedAt, "south receipt: received_at");
        return new SouthReceipt(connector, remoteId, status, errorCode, submitDate, doneDate, receivedAt, handset,
                excerpt);
    }

    // =================================================================================================
    // nested messages
    // =================================================================================================

    private static int timestampSize(Instant t) {
        return int64Size(TimestampFields.SECONDS, t.getEpochSecond()) + int32Size(TimestampFields.NANOS, t.getNano());
    }

    private static void writeTimestamp(CodedOutputStream out, int field, Instant t) throws IOException {
        writeLengthDelimitedHeader(out, field, timestampSize(t));
        if (t.getEpochSecond() != 0) {
            out.writeInt64(TimestampFields.SECONDS, t.getEpochSecond());
        }
        writeInt32(out, TimestampFields.NANOS, t.getNano());
    }

    private static Instant readTimestamp(CodedInputStream in) throws IOException {
        long seconds = 0;
        int nanos = 0;
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (tag) {
                case TimestampFields.SECONDS << 3 | VARINT -> seconds = in.readInt64();
                case TimestampFields.NANOS << 3 | VARINT -> nanos = in.readInt32();
                default -> skip(in, tag);
            }
        }
        if (nanos < 0 || nanos > 999_999_999) {
            throw new WireFormatException("timestamp: nanos " + nanos + " (expected: 0..999999999)");
        }
        return Instant.ofEpochSecond(seconds, nanos);
    }

    private static int originSize(Origin o) {
        return stringSize(OriginFields.PROTOCOL, o.protocol())
                + stringSize(OriginFields.ACCOUNT, o.account())
                + stringSize(OriginFields.NODE, o.node())
                + stringSize(OriginFields.REFERENCE, o.reference());
    }

    private static void writeOrigin(CodedOutputStream out, int field, Origin o) throws IOException {
        writeLengthDelimitedHeader(out, field, originSize(o));
        writeString(out, OriginFields.PROTOCOL, o.protocol());
        writeString(out, OriginFields.ACCOUNT, o.account());
        writeString(out, OriginFields.NODE, o.node());
        writeString(out, OriginFields.REFERENCE, o.reference());
    }

    private static Origin readOrigin(CodedInputStream in) throws IOException {
        String protocol = "";
        String account = "";
        String node = "";
        String reference = "";
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (tag) {
                case OriginFields.PROTOCOL << 3 | LEN -> protocol = in.readStringRequireUtf8();
                case OriginFields.ACCOUNT << 3 | LEN -> account = in.readStringRequireUtf8();
                case OriginFields.NODE << 3 | LEN -> node = in.readStringRequireUtf8();
                case OriginFields.REFERENCE << 3 | LEN -> reference = in.readStringRequireUtf8();
                default -> skip(in, tag);
            }
        }
        return new Origin(protocol, account, node, reference);
    }

    private static int addressSize(Address a) {
        return uint32Size(AddressFields.TYPE, WireSchema.code(a.type()))
                + stringSize(AddressFields.VALUE, a.value())
                + uint32Size(AddressFields.TON, a.ton())
                + uint32Size(AddressFields.NPI, a.npi());
    }

    private static void writeAddress(CodedOutputStream out, int field, Address a) throws IOException {
        writeLengthDelimitedHeader(out, field, addressSize(a));
        writeUInt32(out, AddressFields.TYPE, WireSchema.code(a.type()));
        writeString(out, AddressFields.VALUE, a.value());
        writeUInt32(out, AddressFields.TON, a.ton());
        writeUInt32(out, AddressFields.NPI, a.npi());
    }

    private static Address readAddress(CodedInputStream in) throws IOException {
        int type = 0;
        String value = "";
        int ton = 0;
        int npi = 0;
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (tag) {
                case AddressFields.TYPE << 3 | VARINT -> type = in.readUInt32();
                case AddressFields.VALUE << 3 | LEN -> value = in.readStringRequireUtf8();
                case AddressFields.TON << 3 | VARINT -> ton = in.readUInt32();
                case AddressFields.NPI << 3 | VARINT -> npi = in.readUInt32();
                default -> skip(in, tag);
            }
        }
        return new Address(WireSchema.addressType(type), value, ton, npi);
    }

    private static int textSize(Content.Text t) {
        return stringSize(TextContentFields.TEXT, t.text());
    }

    private static void writeText(CodedOutputStream out, int field, Content.Text t) throws IOException {
        writeLengthDelimitedHeader(out, field, textSize(t));
        writeString(out, TextContentFields.TEXT, t.text());
    }

    private static Content.Text readText(CodedInputStream in) throws IOException {
        String text = "";
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == (TextContentFields.TEXT << 3 | LEN)) {
                text = in.readStringRequireUtf8();
            } else {
                skip(in, tag);
            }
        }
        return new Content.Text(text);
    }

    private static int binarySize(Content.Binary b) {
        return bytesSize(BinaryContentFields.UDH, b.udh())
                + bytesSize(BinaryContentFields.DATA, b.data())
                + uint32Size(BinaryContentFields.DATA_CODING, b.dataCoding());
    }

    private static void writeBinary(CodedOutputStream out, int field, Content.Binary b) throws IOException {
        writeLengthDelimitedHeader(out, field, binarySize(b));
        writeBytes(out, BinaryContentFields.UDH, b.udh());
        writeBytes(out, BinaryContentFields.DATA, b.data());
        writeUInt32(out, BinaryContentFields.DATA_CODING, b.dataCoding());
    }

    private static Content.Binary readBinary(CodedInputStream in) throws IOException {
        byte[] udh = NO_BYTES;
        byte[] data = NO_BYTES;
        int dataCoding = 0;
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (tag) {
                case BinaryContentFields.UDH << 3 | LEN -> udh = in.readByteArray();
                case BinaryContentFields.DATA << 3 | LEN -> data = in.readByteArray();
                case BinaryContentFields.DATA_CODING << 3 | VARINT -> dataCoding = in.readUInt32();
                default -> skip(in, tag);
            }
        }
        return new Content.Binary(udh, data, dataCoding);
    }

    private static int multipartSize(Content.Multipart mp) {
        int size = stringSize(MultipartContentFields.SUBJECT, mp.subject());
        for (Content.Part p : mp.parts()) {
            size += nestedSize(MultipartContentFields.PARTS, partSize(p));
        }
        return size;
    }

    private static void writeMultipart(CodedOutputStream out, int field, Content.Multipart mp) throws IOException {
        writeLengthDelimitedHeader(out, field, multipartSize(mp));
        writeString(out, MultipartContentFields.SUBJECT, mp.subject());
        for (Content.Part p : mp.parts()) {
            writeLengthDelimitedHeader(out, MultipartContentFields.PARTS, partSize(p));
            writeString(out, PartFields.CONTENT_TYPE, p.contentType());
            writeString(out, PartFields.CONTENT_ID, p.contentId());
            writeBytes(out, PartFields.BYTES, p.bytes());
        }
    }

    private static Content.Multipart readMultipart(CodedInputStream in) throws IOException {
        String subject = "";
        List<Content.Part> parts = new ArrayList<>();
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (tag) {
                case MultipartContentFields.SUBJECT << 3 | LEN -> subject = in.readStringRequireUtf8();
                case MultipartContentFields.PARTS << 3 | LEN -> parts.add(nested(in, WireFormat::readPart));
                default -> skip(in, tag);
            }
        }
        return new Content.Multipart(subject, parts);
    }

    private static int partSize(Content.Part p) {
        return stringSize(PartFields.CONTENT_TYPE, p.contentType())
                + stringSize(PartFields.CONTENT_ID, p.contentId())
                + bytesSize(PartFields.BYTES, p.bytes());
    }

    private static Content.Part readPart(CodedInputStream in) throws IOException {
        String contentType = "";
        String contentId = "";
        byte[] bytes = NO_BYTES;
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (tag) {
                case PartFields.CONTENT_TYPE << 3 | LEN -> contentType = in.readStringRequireUtf8();
                case PartFields.CONTENT_ID << 3 | LEN -> contentId = in.readStringRequireUtf8();
                case PartFields.BYTES << 3 | LEN -> bytes = in.readByteArray();
                default -> skip(in, tag);
            }
        }
        return new Content.Part(contentType, contentId, bytes);
    }

    private static int concatSize(Concat c) {
        return uint32Size(ConcatFields.REFERENCE, c.reference())
                + uint32Size(ConcatFields.TOTAL, c.total())
                + uint32Size(ConcatFields.SEQUENCE, c.sequence())
                + (c.wide() ? CodedOutputStream.computeBoolSize(ConcatFields.WIDE, true) : 0);
    }

    private static void writeConcat(CodedOutputStream out, int field, Concat c) throws IOException {
        writeLengthDelimitedHeader(out, field, concatSize(c));
        writeUInt32(out, ConcatFields.REFERENCE, c.reference());
        writeUInt32(out, ConcatFields.TOTAL, c.total());
        writeUInt32(out, ConcatFields.SEQUENCE, c.sequence());
        if (c.wide()) {
            out.writeBool(ConcatFields.WIDE, true);
        }
    }

    private static Concat readConcat(CodedInputStream in) throws IOException {
        int reference = 0;
        int total = 0;
        int sequence = 0;
        boolean wide = false;
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (tag) {
                case ConcatFields.REFERENCE << 3 | VARINT -> reference = in.readUInt32();
                case ConcatFields.TOTAL << 3 | VARINT -> total = in.readUInt32();
                case ConcatFields.SEQUENCE << 3 | VARINT -> sequence = in.readUInt32();
                case ConcatFields.WIDE << 3 | VARINT -> wide = in.readBool();
                default -> skip(in, tag);
            }
        }
        return new Concat(reference, total, sequence, wide);
    }

    private static int entrySize(Map.Entry<String, String> e) {
        return stringSize(MapEntryFields.KEY, e.getKey()) + stringSize(MapEntryFields.VALUE, e.getValue());
    }

    private static void writeEntry(CodedOutputStream out, int field, Map.Entry<String, String> e) throws IOException {
        writeLengthDelimitedHeader(out, field, entrySize(e));
        writeString(out, MapEntryFields.KEY, e.getKey());
        writeString(out, MapEntryFields.VALUE, e.getValue());
    }

    private static String[] readEntry(CodedInputStream in) throws IOException {
        String key = "";
        String value = "";
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (tag) {
                case MapEntryFields.KEY << 3 | LEN -> key = in.readStringRequireUtf8();
                case MapEntryFields.VALUE << 3 | LEN -> value = in.readStringRequireUtf8();
                default -> skip(in, tag);
            }
        }
        return new String[] {key, value};
    }

    // =================================================================================================
    // primitives: proto3 style, zero / empty values are not written
    // =================================================================================================

    @FunctionalInterface
    private interface Reader<T> {
        T read(CodedInputStream in) throws IOException;
    }

    private static <T> T decode(String what, byte[] bytes, Reader<T> reader) {
        try {
            return reader.read(CodedInputStream.newInstance(bytes));
        } catch (WireFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // RuntimeException: a record constructor refusing a decoded value (e.g. priority 9, concat 3 of 2)
            throw new WireFormatException(what + ": " + e.getMessage(), e);
        }
    }

    /** Reads one length-delimited nested message, confined to its length. */
    private static <T> T nested(CodedInputStream in, Reader<T> reader) throws IOException {
        int length = in.readRawVarint32();
        int oldLimit = in.pushLimit(length); // throws for a negative length or one past the enclosing limit
        T value = reader.read(in);
        in.popLimit(oldLimit);
        return value;
    }

    /**
     * Skips a field this reader does not know. Groups (wire types 3 and 4) are refused: we never write them, and
     * refusing them keeps skipping non-recursive, so deeply nested garbage cannot exhaust the stack.
     */
    private static void skip(CodedInputStream in, int tag) throws IOException {
        int wireType = tag & 7;
        if (wireType == GROUP_START || wireType == GROUP_END) {
            throw new WireFormatException("field " + (tag >>> 3) + ": group wire type " + wireType + " not supported");
        }
        in.skipField(tag); // throws for the invalid wire types 6 and 7
    }

    private static void requireVersion(int version) {
        if (version < 1) {
            throw new WireFormatException("format_version: " + Integer.toUnsignedString(version)
                    + " (expected: >= 1)");
        }
    }

    private static void require(Object value, String what) {
        if (value == null) {
            throw new WireFormatException(what + " missing");
        }
    }

    private static int nestedSize(int field, int bodySize) {
        return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(bodySize) + bodySize;
    }

    private static void writeLengthDelimitedHeader(CodedOutputStream out, int field, int bodySize)
            throws IOException {
        out.writeTag(field, LEN);
        out.writeUInt32NoTag(bodySize);
    }

    private static int uint32Size(int field, int v) {
        return v == 0 ? 0 : CodedOutputStream.computeUInt32Size(field, v);
    }

    private static void writeUInt32(CodedOutputStream out, int field, int v) throws IOException {
        if (v != 0) {
            out.writeUInt32(field, v);
        }
    }

    private static int int32Size(int field, int v) {
        return v == 0 ? 0 : CodedOutputStream.computeInt32Size(field, v);
    }

    private static void writeInt32(CodedOutputStream out, int field, int v) throws IOException {
        if (v != 0) {
            out.writeInt32(field, v);
        }
    }

    private static int int64Size(int field, long v) {
        return v == 0 ? 0 : CodedOutputStream.computeInt64Size(field, v);
    }

    private static int fixed64Size(int field, long v) {
        // ids are always written, even 0, so a reader can tell "id 0" from "no id"
        return CodedOutputStream.computeFixed64Size(field, v);
    }

    private static void writeFixed64(CodedOutputStream out, int field, long v) throws IOException {
        out.writeFixed64(field, v);
    }

    private static int stringSize(int field, String s) {
        return s.isEmpty() ? 0 : CodedOutputStream.computeStringSize(field, s);
    }

    private static void writeString(CodedOutputStream out, int field, String s) throws IOException {
        if (!s.isEmpty()) {
            out.writeString(field, s);
        }
    }

    private static int bytesSize(int field, byte[] b) {
        return b.length == 0 ? 0 : CodedOutputStream.computeByteArraySize(field, b);
    }

    private static void writeBytes(CodedOutputStream out, int field, byte[] b) throws IOException {
        if (b.length != 0) {
            out.writeByteArray(field, b);
        }
    }
}
