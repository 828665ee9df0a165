package io.mgw.smpp.client;

import static io.mgw.smpp.common.SmppStatus.ESME_RMSGQFUL;
import static io.mgw.smpp.common.SmppStatus.ESME_RTHROTTLED;

/**
 * What a submit_sm_resp command_status means for the gateway (SMPP 3.4 §5.1.3, PROTOCOLS.md §1.5).
 */
final class CommandStatuses {

    /** How to react to a refused submit. */
    enum Reaction {
        /** Slow down and retry the same message: ESME_RTHROTTLED, ESME_RMSGQFUL. */
        THROTTLED,
        /** Retry later; counts against the SMSC's health. */
        TEMPORARY,
        /** The message itself is wrong or refused for good. */
        PERMANENT
    }

    private CommandStatuses() {}

    static Reaction classify(int status) {
        return switch (status) {
            case ESME_RTHROTTLED, ESME_RMSGQFUL -> Reaction.THROTTLED;
            // message length/command garbage, bad addresses, TON/NPI, esm_class, registered_delivery, service type,
            // schedule/validity, TLV errors, RX_P_APPN / RX_R_APPN, 5.0 service and DCS refusals
            case 0x01, 0x02, 0x03, 0x0A, 0x0B, 0x15, 0x42, 0x43, 0x48, 0x49, 0x50, 0x51, 0x53, 0x54, 0x61, 0x62,
                    0x63, 0x65, 0x66, 0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0x100, 0x101, 0x102, 0x103, 0x104, 0x105,
                    0x106 -> Reaction.PERMANENT;
            // RSYSERR, RINVBNDSTS (rebind), RSUBMITFAIL, RX_T_APPN, RUNKNOWNERR and anything vendor-specific
            default -> Reaction.TEMPORARY;
        };
    }

    static String hex(int status) {
        return String.format("0x%02X", status);
    }
}
