package io.mgw.routing.internal;

import io.mgw.core.model.Address;
import io.mgw.core.model.AddressType;
import io.mgw.core.model.Content;
import io.mgw.core.model.DeliveryReport;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.spi.ClientDelivery;
import io.mgw.core.store.MessageRecord;
import io.mgw.core.wire.WireFormat;
import io.mgw.routing.kafka.Topics;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Small helpers shared by the pipeline stages: asynchronous sends and report building. Not public API. */
public final class Sends {

    private Sends() {}

    /**
     * Sends a record; the future completes from the send callback (acks=all). A send that throws (closed producer,
     * metadata timeout) completes it exceptionally. May block the calling thread up to {@code max.block.ms}: call from
     * pipeline threads only, never from a network thread.
     */
    public static CompletableFuture<Void> send(Producer<String, byte[]> producer, String topic, String key,
            byte[] value) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, key, value), (md, e) -> {
                if (e == null) {
                    f.complete(null);
                } else {
                    f.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            f.completeExceptionally(e);
        }
        return f;
    }

    /** Publishes a client delivery to {@code gw.deliver.<account>}, keyed by {@code key}. */
    public static CompletableFuture<Void> deliver(Producer<String, byte[]> producer, ClientDelivery d, String key) {
        return send(producer, Topics.deliver(d.account()), key, WireFormat.encodeClientDelivery(d));
    }

    /** The first 20 characters of a text message, "" for other content. */
    public static String preview(Content content) {
        if (content instanceof Content.Text t) {
            String s = t.text();
            return s.length() <= 20 ? s : s.substring(0, 20);
        }
        return "";
    }

    /** A report on a message we still hold in full (routing and egress outcomes). */
    public static ClientDelivery.Report report(Message m, MessageStatus status, int errorCode, String errorSource,
            String reason, Instant at) {
        DeliveryReport r = new DeliveryReport(m.id(), status, errorCode, errorSource, m.receivedAt(), at,
                status == MessageStatus.DELIVERED ? 1 : 0, 1, reason);
        return new ClientDelivery.Report(m.origin().account(), r, m.source(), m.destination(), preview(m.content()));
    }

    /** A report on a message known from the store only (receipts). */
    public static ClientDelivery.Report report(MessageRecord rec, DeliveryReport r) {
        return new ClientDelivery.Report(rec.account(), r, address(rec.source(), rec.sourceTon(), rec.sourceNpi()),
                address(rec.destination(), rec.destTon(), rec.destNpi()), rec.textPreview());
    }

    private static Address address(String value, int ton, int npi) {
        AddressType type = switch (ton) {
            case 1 -> AddressType.MSISDN;
            case 3 -> AddressType.SHORT_CODE;
            case 5 -> AddressType.ALPHANUMERIC;
            default -> AddressType.UNKNOWN;
        };
        return new Address(type, value, ton, npi);
    }
}
