package io.mgw.smpp.server;

/**
 * A snapshot of one SMPP session for the dashboard and admin API.
 *
 * @param id                 a node-unique session id (jSMPP's), for {@link SmppServer#kick(String)}
 * @param account            the bound account, "" before bind
 * @param remote             the client's address and port
 * @param bindType           "TX", "RX", "TRX", or "" before bind
 * @param interfaceVersion   the SMPP version the session speaks (0x33, 0x34, 0x50)
 * @param outstanding        requests received and not yet answered (the window in use)
 * @param deliveriesInFlight deliver_sm sent and not yet answered
 */
public record SmppSessionInfo(String id, String account, String remote, String bindType, int interfaceVersion,
        int outstanding, int deliveriesInFlight) {}
