package io.mgw.smpp.common;

/**
 * SMPP command_status values used by the gateway (SMPP 3.4 §5.1.3; SMPP 5.0 §4.7.6 for 0x100 and up). Kept as plain
 * ints so they go on the wire without conversion.
 */
public final class SmppStatus {

    public static final int ESME_ROK = 0x00;
    public static final int ESME_RINVMSGLEN = 0x01;
    public static final int ESME_RINVCMDLEN = 0x02;
    public static final int ESME_RINVCMDID = 0x03;
    public static final int ESME_RINVBNDSTS = 0x04;
    public static final int ESME_RALYBND = 0x05;
    public static final int ESME_RINVPRTFLG = 0x06;
    public static final int ESME_RINVREGDLVFLG = 0x07;
    public static final int ESME_RSYSERR = 0x08;
    public static final int ESME_RINVSRCADR = 0x0A;
    public static final int ESME_RINVDSTADR = 0x0B;
    public static final int ESME_RINVMSGID = 0x0C;
    public static final int ESME_RBINDFAIL = 0x0D;
    public static final int ESME_RINVPASWD = 0x0E;
    public static final int ESME_RINVSYSID = 0x0F;
    public static final int ESME_RCANCELFAIL = 0x11;
    public static final int ESME_RREPLACEFAIL = 0x13;
    public static final int ESME_RMSGQFUL = 0x14;
    public static final int ESME_RINVSERTYP = 0x15;
    public static final int ESME_RINVNUMDESTS = 0x33;
    public static final int ESME_RINVDLNAME = 0x34;
    public static final int ESME_RINVDESTFLAG = 0x40;
    public static final int ESME_RINVESMCLASS = 0x43;
    public static final int ESME_RSUBMITFAIL = 0x45;
    public static final int ESME_RINVSRCTON = 0x48;
    public static final int ESME_RINVSRCNPI = 0x49;
    public static final int ESME_RINVDSTTON = 0x50;
    public static final int ESME_RINVDSTNPI = 0x51;
    public static final int ESME_RINVSYSTYP = 0x53;
    public static final int ESME_RTHROTTLED = 0x58;
    public static final int ESME_RINVSCHED = 0x61;
    public static final int ESME_RINVEXPIRY = 0x62;
    public static final int ESME_RX_T_APPN = 0x64;
    public static final int ESME_RX_P_APPN = 0x65;
    public static final int ESME_RX_R_APPN = 0x66;
    public static final int ESME_RQUERYFAIL = 0x67;
    public static final int ESME_RINVTLVSTREAM = 0xC0;
    public static final int ESME_RTLVNOTALLWD = 0xC1;
    public static final int ESME_RINVTLVLEN = 0xC2;
    public static final int ESME_RMISSINGTLV = 0xC3;
    public static final int ESME_RINVTLVVAL = 0xC4;
    public static final int ESME_RUNKNOWNERR = 0xFF;
    /** SMPP 5.0 only: invalid data_coding. */
    public static final int ESME_RINVDCS = 0x104;

    private SmppStatus() {}

    /** "0x00000058" style, for tags and logs. */
    public static String hex(int status) {
        return String.format("0x%08X", status);
    }
}
