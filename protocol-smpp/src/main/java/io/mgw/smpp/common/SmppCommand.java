package io.mgw.smpp.common;

/** SMPP command_id values (SMPP 3.4 §5.1.2, SMPP 5.0 §4.7.5). A response id is the request id | 0x80000000. */
public final class SmppCommand {

    public static final int GENERIC_NACK = 0x80000000;
    public static final int BIND_RECEIVER = 0x00000001;
    public static final int BIND_TRANSMITTER = 0x00000002;
    public static final int QUERY_SM = 0x00000003;
    public static final int SUBMIT_SM = 0x00000004;
    public static final int DELIVER_SM = 0x00000005;
    public static final int UNBIND = 0x00000006;
    public static final int REPLACE_SM = 0x00000007;
    public static final int CANCEL_SM = 0x00000008;
    public static final int BIND_TRANSCEIVER = 0x00000009;
    public static final int OUTBIND = 0x0000000B;
    public static final int ENQUIRE_LINK = 0x00000015;
    public static final int SUBMIT_MULTI = 0x00000021;
    public static final int ALERT_NOTIFICATION = 0x00000102;
    public static final int DATA_SM = 0x00000103;
    public static final int BROADCAST_SM = 0x00000111;
    public static final int QUERY_BROADCAST_SM = 0x00000112;
    public static final int CANCEL_BROADCAST_SM = 0x00000113;
    public static final int RESPONSE_MASK = 0x80000000;

    private SmppCommand() {}

    /** The response command_id for a request command_id. */
    public static int responseOf(int commandId) {
        return commandId | RESPONSE_MASK;
    }

    public static boolean isResponse(int commandId) {
        return (commandId & RESPONSE_MASK) != 0;
    }

    /** Whether the id is one SMPP 3.3, 3.4 or 5.0 defines (requests and their responses). */
    public static boolean isKnown(int commandId) {
        int request = commandId & ~RESPONSE_MASK;
        if (commandId == GENERIC_NACK) {
            return true;
        }
        return switch (request) {
            case BIND_RECEIVER, BIND_TRANSMITTER, QUERY_SM, SUBMIT_SM, DELIVER_SM, UNBIND, REPLACE_SM, CANCEL_SM,
                    BIND_TRANSCEIVER, ENQUIRE_LINK, SUBMIT_MULTI, DATA_SM, BROADCAST_SM, QUERY_BROADCAST_SM,
                    CANCEL_BROADCAST_SM -> true;
            case OUTBIND, ALERT_NOTIFICATION -> !isResponse(commandId);
            default -> false;
        };
    }
}
