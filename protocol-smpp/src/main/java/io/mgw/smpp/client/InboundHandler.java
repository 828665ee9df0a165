package io.mgw.smpp.client;

import io.micrometer.core.instrument.Counter;
import io.mgw.core.concurrent.Deadlines;
import io.mgw.core.log.LimitedLog;
import io.mgw.core.model.Address;
import io.mgw.core.model.AddressType;
import io.mgw.core.model.Concat;
import io.mgw.core.model.Content;
import io.mgw.core.model.Direction;
import io.mgw.core.model.Kind;
import io.mgw.core.model.Message;
import io.mgw.core.model.Origin;
import io.mgw.core.segment.UserDataHeader;
import io.mgw.core.spi.AdapterContext;
import io.mgw.core.spi.SouthReceipt;
import io.mgw.core.text.DataCoding;
import io.mgw.core.text.Gsm7;
import io.mgw.core.text.SmsEncoding;
import io.mgw.smpp.common.SmppStatus;
import io.mgw.smpp.receipt.ParsedReceipt;
import io.mgw.smpp.receipt.ReceiptParser;
import io.mgw.smpp.receipt.RemoteIdNormalizer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.AbstractSmCommand;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.Session;
import org.jsmpp.util.MessageId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes deliver_sm and data_sm from the SMSC (SMPP 3.4 §4.6, §4.7): delivery receipts (esm_class message type 0x04,
 * or 0x20 intermediate) go to the {@link io.mgw.core.spi.ReceiptSink}, everything else is an MO message for the
 * {@link io.mgw.core.spi.IngressSink}. The response is held back ({@link DeferringPduSender}) until that stage
 * completes: ROK, or ESME_RX_T_APPN (0x64, the SMSC retries) if it fails or takes longer than
 * {@code receiptAckTimeout}. A receipt without any message id gets ESME_RX_P_APPN (0x65): sending it again would not
 * help. Runs on jSMPP's PDU pool and returns at once.
 */
final class InboundHandler {

    private static final Logger log = LoggerFactory.getLogger(InboundHandler.class);
    // once per PDU when the SMSC sends bad receipts or a sink fails: ten lines a minute each (LimitedLog)
    private final LimitedLog notHandedOverLog = LimitedLog.warn(log);
    private final LimitedLog receiptRefusedLog = LimitedLog.warn(log);
    private static final short TAG_RECEIPTED_MESSAGE_ID = 0x001E;
    private static final short TAG_MESSAGE_STATE = 0x0427;
    private static final short TAG_NETWORK_ERROR_CODE = 0x0423;
    private static final short TAG_MESSAGE_PAYLOAD = 0x0424;
    private static final short TAG_SAR_REF = 0x020C;
    private static final short TAG_SAR_TOTAL = 0x020E;
    private static final short TAG_SAR_SEQ = 0x020F;

    private final String connectorId;
    private final SmppClientSettings settings;
    private final RemoteIdNormalizer normalizer;
    private final AdapterContext ctx;
    private final Executor executor;
    private final Counter receipts;
    private final Counter receiptsRefused;
    private final Counter mo;
    private final Counter inboundFailed;

    InboundHandler(String connectorId, SmppClientSettings settings, RemoteIdNormalizer normalizer,
            AdapterContext ctx, Executor executor) {
        this.connectorId = connectorId;
        this.settings = settings;
        this.normalizer = normalizer;
        this.ctx = ctx;
        this.executor = executor;
        var m = ctx.meters();
        this.receipts = Counter.builder("gateway.smpp.client.receipts.received").tag("connector", connectorId)
                .register(m);
        this.receiptsRefused = Counter.builder("gateway.smpp.client.receipts.unparsable").tag("connector", connectorId)
                .register(m);
        this.mo = Counter.builder("gateway.smpp.client.mo.received").tag("connector", connectorId).register(m);
        this.inboundFailed = Counter.builder("gateway.smpp.client.inbound.retried").tag("connector", connectorId)
                .description("receipts and MO answered RX_T_APPN because the stage failed").register(m);
    }

    /** A jSMPP listener for one session, answering through that session's sender. */
    MessageReceiverListener listenerFor(DeferringPduSender sender) {
        return new MessageReceiverListener() {
            @Override
            public void onAcceptDeliverSm(DeliverSm d) throws ProcessRequestException {
                CompletionStage<Void> stage = take(d, d.getShortMessage());
                sender.deferDeliverSm(d.getSequenceNumber());
                answerWhenDone(sender, d.getSequenceNumber(), stage);
            }

            @Override
            public DataSmResult onAcceptDataSm(DataSm d, Session source) throws ProcessRequestException {
                CompletionStage<Void> stage = take(d, new byte[0]);
                sender.deferDataSm(d.getSequenceNumber());
                answerWhenDone(sender, d.getSequenceNumber(), stage);
                try {
                    return new DataSmResult(new MessageId(""), new OptionalParameter[0]);
                } catch (org.jsmpp.PDUStringException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void onAcceptAlertNotification(AlertNotification alertNotification) {
                log.debug("connector {}: alert_notification ignored", connectorId);
            }
        };
    }

    private void answerWhenDone(DeferringPduSender sender, int sequence, CompletionStage<Void> stage) {
        CompletableFuture<Void> f = stage.toCompletableFuture();
        if (f.isDone()) {
            // already durable (or failed): answer from this pool thread, no hop, no timer
            answer(sender, sequence, f.isCompletedExceptionally() ? failure(f) : null);
            return;
        }
        // later: answer from a virtual thread, never from the thread that completed the stage (a Kafka callback)
        Deadlines.orTimeout(f, settings.receiptAckTimeout())
                .whenCompleteAsync((v, err) -> answer(sender, sequence, err), executor);
    }

    private void answer(DeferringPduSender sender, int sequence, Throwable err) {
        if (err != null) {
            inboundFailed.increment();
            log.debug("connector {}: inbound seq {} not taken: {}", connectorId, sequence, err.toString());
        }
        sender.complete(sequence, err == null ? SMPPConstant.STAT_ESME_ROK : SmppStatus.ESME_RX_T_APPN);
    }

    private static Throwable failure(CompletableFuture<Void> f) {
        try {
            f.join();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** Hands the PDU to the right sink; throws for input that no retry can fix. */
    private CompletionStage<Void> take(AbstractSmCommand pdu, byte[] shortMessage) throws ProcessRequestException {
        byte[] body = tlv(pdu, TAG_MESSAGE_PAYLOAD).orElse(shortMessage == null ? new byte[0] : shortMessage);
        int type = pdu.getEsmClass() & 0x3C;
        try {
            if (type == 0x04 || type == 0x20) {
                return receipt(pdu, body);
            }
            return mobileOriginated(pdu, body);
        } catch (RuntimeException e) {
            // a sink that throws instead of failing its stage: let the SMSC retry
            notHandedOverLog.log("connector {}: inbound PDU not handed over: {}", connectorId, e.toString());
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletionStage<Void> receipt(AbstractSmCommand pdu, byte[] body) throws ProcessRequestException {
        ParsedReceipt p;
        try {
            p = ReceiptParser.parse(new String(body, StandardCharsets.ISO_8859_1),
                    tlv(pdu, TAG_RECEIPTED_MESSAGE_ID).map(InboundHandler::cString),
                    tlv(pdu, TAG_MESSAGE_STATE).filter(v -> v.length == 1).map(v -> OptionalInt.of(v[0] & 0xFF))
                            .orElse(OptionalInt.empty()),
                    tlv(pdu, TAG_NETWORK_ERROR_CODE).filter(v -> v.length == 3)
                            .map(v -> OptionalInt.of(((v[1] & 0xFF) << 8) | (v[2] & 0xFF)))
                            .orElse(OptionalInt.empty()));
        } catch (IllegalArgumentException e) {
            receiptsRefused.increment();
            receiptRefusedLog.log("connector {}: receipt refused: {}", connectorId, e.getMessage());
            throw new ProcessRequestException(e.getMessage(), SmppStatus.ESME_RX_P_APPN);
        }
        receipts.increment();
        // the receipt comes from the handset: its source address is where the message went; with the quoted text it
        // lets a receipt whose remote id we never learned (a lost submit_sm_resp) find its message
        String handset = pdu.getSourceAddr() == null ? "" : pdu.getSourceAddr();
        var r = new SouthReceipt(connectorId, normalizer.fromReceipt(p.remoteId()), p.status(), p.errorCode(),
                p.submitDate(), p.doneDate(), ctx.clock().instant(), handset, p.text());
        return ctx.receipts().onReceipt(r);
    }

    private CompletionStage<Void> mobileOriginated(AbstractSmCommand pdu, byte[] body) {
        mo.increment();
        int dc = pdu.getDataCoding() & 0xFF;
        byte[] udh = new byte[0];
        byte[] data = body;
        Optional<Concat> concat = Optional.empty();
        if ((pdu.getEsmClass() & 0x40) != 0 && body.length > 0) {
            try {
                UserDataHeader h = UserDataHeader.parse(body);
                udh = Arrays.copyOfRange(body, 0, h.length());
                data = Arrays.copyOfRange(body, h.length(), body.length);
                concat = h.concat();
            } catch (IllegalArgumentException e) {
                log.debug("connector {}: MO with unreadable UDH kept as binary: {}", connectorId, e.getMessage());
            }
        }
        if (concat.isEmpty()) {
            concat = sar(pdu);
        }
        Content content = null;
        Kind kind = Kind.SMS_TEXT;
        if (concat.isPresent() && DataCoding.cutsSurrogatePair(data, dc)) {
            // a character split between parts: the MO reassembly joins the octets before it decodes them
            content = new Content.Binary(udh, data, dc);
        } else if (DataCoding.isValid(dc) && DataCoding.textEncoding(dc).isPresent()) {
            try {
                content = new Content.Text(moText(data, udh.length, dc, settings.segmentation().packGsm7()));
            } catch (IllegalArgumentException e) {
                content = null;
            }
        }
        if (content == null) {
            content = new Content.Binary(udh, data, dc);
            kind = Kind.SMS_BINARY;
        }
        Map<String, String> attrs = new HashMap<>();
        attrs.put("smpp.data_coding", Integer.toString(dc));
        attrs.put("smpp.esm_class", Integer.toString(pdu.getEsmClass() & 0xFF));
        if (pdu.getServiceType() != null && !pdu.getServiceType().isEmpty()) {
            attrs.put("smpp.service_type", pdu.getServiceType());
        }
        Message m = Message.builder()
                .id(ctx.ids().next())
                .kind(kind)
                .direction(Direction.MO)
                .origin(new Origin("smpp", connectorId, ctx.nodeId(), Integer.toString(pdu.getSequenceNumber())))
                .source(address(pdu.getSourceAddr(), pdu.getSourceAddrTon(), pdu.getSourceAddrNpi()))
                .destination(address(pdu.getDestAddress(), pdu.getDestAddrTon(), pdu.getDestAddrNpi()))
                .content(content)
                .receivedAt(ctx.clock().instant())
                .concat(concat)
                .attributes(attrs)
                .build();
        return ctx.ingress().accept(m);
    }

    /**
     * The text of an MO short_message (or message_payload) after its UDH. A connector set to {@code packGsm7} sends
     * GSM 7-bit packed, and its SMSC is taken to deliver packed too: GSM 7-bit data codings are then unpacked first.
     * With a UDH the septets form one bit stream with it (3GPP TS 23.040 §9.2.3.24): they start on the first septet
     * boundary after the UDH, so {@code data} begins with {@link Gsm7#fillBits(int) fill bits}. As only the octet
     * length is known, a final CR that exactly fills the last octet is padding and dropped ({@link Gsm7#unpackAll}).
     *
     * @param data      the octets after the UDH (all of them when there is none)
     * @param udhOctets the UDH length in octets including its UDHL octet, 0 when there is none
     * @param dc        a valid text data_coding
     * @param packGsm7  the connector's {@code packGsm7} setting
     * @throws IllegalArgumentException if {@code data} is not text in {@code dc}
     */
    static String moText(byte[] data, int udhOctets, int dc, boolean packGsm7) {
        if (packGsm7 && DataCoding.encodingOf(dc) == SmsEncoding.GSM7) {
            return Gsm7.decode(Gsm7.unpackAll(data, Gsm7.fillBits(udhOctets)));
        }
        return DataCoding.decode(data, dc);
    }

    private static Optional<Concat> sar(AbstractSmCommand pdu) {
        Optional<byte[]> ref = tlv(pdu, TAG_SAR_REF);
        Optional<byte[]> total = tlv(pdu, TAG_SAR_TOTAL);
        Optional<byte[]> seq = tlv(pdu, TAG_SAR_SEQ);
        if (ref.isEmpty() || total.isEmpty() || seq.isEmpty() || ref.get().length != 2 || total.get().length != 1
                || seq.get().length != 1) {
            return Optional.empty();
        }
        int r = ((ref.get()[0] & 0xFF) << 8) | (ref.get()[1] & 0xFF);
        try {
            return Optional.of(new Concat(r, total.get()[0] & 0xFF, seq.get()[0] & 0xFF, r > 0xFF));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static Address address(String value, byte ton, byte npi) {
        String v = value == null ? "" : value;
        AddressType type;
        if (ton == 5) {
            type = AddressType.ALPHANUMERIC;
        } else if (!v.isEmpty() && v.chars().allMatch(Character::isDigit)) {
            type = v.length() <= 6 ? AddressType.SHORT_CODE : AddressType.MSISDN;
        } else {
            type = AddressType.UNKNOWN;
        }
        return new Address(type, v, ton & 0xFF, npi & 0xFF);
    }

    /** The value octets of an optional parameter, whatever class jSMPP decoded it into. */
    static Optional<byte[]> tlv(AbstractSmCommand pdu, short tag) {
        OptionalParameter p = pdu.getOptionalParameter(tag);
        if (p == null) {
            return Optional.empty();
        }
        byte[] all = p.serialize();
        return Optional.of(Arrays.copyOfRange(all, 4, all.length));
    }

    private static String cString(byte[] v) {
        int end = v.length;
        while (end > 0 && v[end - 1] == 0) {
            end--;
        }
        return new String(v, 0, end, StandardCharsets.ISO_8859_1);
    }
}
