package io.mgw.core.wire;

import io.mgw.core.model.AddressType;
import io.mgw.core.model.Direction;
import io.mgw.core.model.Kind;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.model.ReportRequest;

/**
 * Field and enum numbers of the wire schema, one nested class per Protobuf message of
 * {@code io/mgw/core/wire/schema.proto} (named after it plus "Fields"), one constant per field (its name in upper
 * case). {@code WireSchemaTest} checks both directions against the .proto file, so the documentation cannot drift.
 * Numbers are never reused or renumbered (see the evolution rules in the .proto file).
 */
final class WireSchema {

    private WireSchema() {}

    /** The schema revision writers put in every record's {@code format_version} field. */
    static final int CURRENT_VERSION = 1;

    static final class MessageFields {
        static final int FORMAT_VERSION = 1;
        static final int ID_HI = 2;
        static final int ID_LO = 3;
        static final int KIND = 4;
        static final int DIRECTION = 5;
        static final int ORIGIN = 6;
        static final int SOURCE = 7;
        static final int DESTINATIONS = 8;
        static final int TEXT = 9;
        static final int BINARY = 10;
        static final int MULTIPART = 11;
        static final int PRIORITY = 12;
        static final int RECEIVED_AT = 13;
        static final int VALID_UNTIL = 14;
        static final int SCHEDULE_AT = 15;
        static final int REPORT_REQUEST = 16;
        static final int CONCAT = 17;
        static final int ATTRIBUTES = 18;

        private MessageFields() {}
    }

    static final class DeliveryReportFields {
        static final int FORMAT_VERSION = 1;
        static final int MESSAGE_ID_HI = 2;
        static final int MESSAGE_ID_LO = 3;
        static final int STATUS = 4;
        static final int ERROR_CODE = 5;
        static final int ERROR_SOURCE = 6;
        static final int SUBMITTED_AT = 7;
        static final int DONE_AT = 8;
        static final int PARTS_DELIVERED = 9;
        static final int PARTS_TOTAL = 10;
        static final int REASON = 11;

        private DeliveryReportFields() {}
    }

    static final class ClientDeliveryFields {
        static final int FORMAT_VERSION = 1;
        static final int ACCOUNT = 2;
        static final int REPORT = 3;
        static final int MOBILE_ORIGINATED = 4;

        private ClientDeliveryFields() {}
    }

    static final class SouthReceiptFields {
        static final int FORMAT_VERSION = 1;
        static final int CONNECTOR = 2;
        static final int REMOTE_ID = 3;
        static final int STATUS = 4;
        static final int ERROR_CODE = 5;
        static final int SUBMIT_DATE = 6;
        static final int DONE_DATE = 7;
        static final int RECEIVED_AT = 8;
        static final int HANDSET = 9;
        static final int EXCERPT = 10;

        private SouthReceiptFields() {}
    }

    static final class ReportDeliveryFields {
        static final int REPORT = 1;
        static final int SOURCE = 2;
        static final int DESTINATION = 3;
        static final int TEXT_PREVIEW = 4;

        private ReportDeliveryFields() {}
    }

    static final class MobileOriginatedDeliveryFields {
        static final int MESSAGE = 1;

        private MobileOriginatedDeliveryFields() {}
    }

    static final class TimestampFields {
        static final int SECONDS = 1;
        static final int NANOS = 2;

        private TimestampFields() {}
    }

    static final class OriginFields {
        static final int PROTOCOL = 1;
        static final int ACCOUNT = 2;
        static final int NODE = 3;
        static final int REFERENCE = 4;

        private OriginFields() {}
    }

    static final class AddressFields {
        static final int TYPE = 1;
        static final int VALUE = 2;
        static final int TON = 3;
        static final int NPI = 4;

        private AddressFields() {}
    }

    static final class TextContentFields {
        static final int TEXT = 1;

        private TextContentFields() {}
    }

    static final class BinaryContentFields {
        static final int UDH = 1;
        static final int DATA = 2;
        static final int DATA_CODING = 3;

        private BinaryContentFields() {}
    }

    static final class MultipartContentFields {
        static final int SUBJECT = 1;
        static final int PARTS = 2;

        private MultipartContentFields() {}
    }

    static final class PartFields {
        static final int CONTENT_TYPE = 1;
        static final int CONTENT_ID = 2;
        static final int BYTES = 3;

        private PartFields() {}
    }

    static final class ConcatFields {
        static final int REFERENCE = 1;
        static final int TOTAL = 2;
        static final int SEQUENCE = 3;
        static final int WIDE = 4;

        private ConcatFields() {}
    }

    /** Fields of the map entries that {@code map<string, string>} stands for on the wire. */
    static final class MapEntryFields {
        static final int KEY = 1;
        static final int VALUE = 2;

        private MapEntryFields() {}
    }

    // ---- enums: explicit numbers, never ordinals, so reordering a Java enum cannot change the wire ----

    static int code(Kind kind) {
        return switch (kind) {
            case SMS_TEXT -> 1;
            case SMS_BINARY -> 2;
            case PAGE -> 3;
            case MMS -> 4;
            case EMAIL -> 5;
        };
    }

    /** The kind for a wire number, or null for 0 (not set) and numbers this reader does not know. */
    static Kind kind(int code) {
        return switch (code) {
            case 1 -> Kind.SMS_TEXT;
            case 2 -> Kind.SMS_BINARY;
            case 3 -> Kind.PAGE;
            case 4 -> Kind.MMS;
            case 5 -> Kind.EMAIL;
            default -> null;
        };
    }

    static int code(Direction direction) {
        return switch (direction) {
            case MT -> 1;
            case MO -> 2;
        };
    }

    /** The direction for a wire number, or null for 0 (not set) and numbers this reader does not know. */
    static Direction direction(int code) {
        return switch (code) {
            case 1 -> Direction.MT;
            case 2 -> Direction.MO;
            default -> null;
        };
    }

    static int code(AddressType type) {
        return switch (type) {
            case MSISDN -> 1;
            case SHORT_CODE -> 2;
            case ALPHANUMERIC -> 3;
            case PAGER_ID -> 4;
            case EMAIL -> 5;
            case UNKNOWN -> 6;
        };
    }

    /** The address type for a wire number; UNKNOWN for 0 and numbers this reader does not know. */
    static AddressType addressType(int code) {
        return switch (code) {
            case 1 -> AddressType.MSISDN;
            case 2 -> AddressType.SHORT_CODE;
            case 3 -> AddressType.ALPHANUMERIC;
            case 4 -> AddressType.PAGER_ID;
            case 5 -> AddressType.EMAIL;
            default -> AddressType.UNKNOWN;
        };
    }

    static int code(ReportRequest request) {
        return switch (request) {
            case NONE -> 1;
            case FINAL -> 2;
            case FAILURE -> 3;
            case SUCCESS -> 4;
            case INTERMEDIATE -> 5;
        };
    }

    /**
     * The report request for a wire number: NONE for 0 (a writer that did not know the field), FINAL for a number
     * this reader does not know (a newer kind of request: sending the final report is the closest we can do).
     */
    static ReportRequest reportRequest(int code) {
        return switch (code) {
            case 0, 1 -> ReportRequest.NONE;
            case 3 -> ReportRequest.FAILURE;
            case 4 -> ReportRequest.SUCCESS;
            case 5 -> ReportRequest.INTERMEDIATE;
            default -> ReportRequest.FINAL;
        };
    }

    /** SMPP 3.4 message_state (§5.2.28), which {@link MessageStatus} already numbers by. */
    static int code(MessageStatus status) {
        return status.smppState();
    }

    /** The status for a wire number; UNKNOWN for 0 and numbers this reader does not know. */
    static MessageStatus messageStatus(int code) {
        return MessageStatus.fromSmppState(code);
    }
}
