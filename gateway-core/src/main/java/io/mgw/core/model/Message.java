package io.mgw.core.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The canonical message every adapter translates its protocol into (ARCHITECTURE.md §4). Immutable.
 *
 * @param id            our id, made by the accepting node
 * @param kind          what it is
 * @param direction     MT or MO
 * @param origin        protocol, account, node and sender reference
 * @param source        the sender address
 * @param destinations  one or more destination addresses (more than one only before fan-out)
 * @param content       text, binary or multipart body
 * @param priority      0 (normal) .. 3 (highest)
 * @param receivedAt    when the gateway accepted it
 * @param validUntil    after this instant the message expires (EXPIRED report)
 * @param scheduleAt    deliver no earlier than this, if present
 * @param reportRequest which reports the sender wants
 * @param concat        present when this message is one part of a longer one, as split by the sender
 * @param attributes    protocol extras kept verbatim (e.g. "smpp.tlv.1234" -> hex, "smpp.service_type")
 */
public record Message(
        MessageId id,
        Kind kind,
        Direction direction,
        Origin origin,
        Address source,
        List<Address> destinations,
        Content content,
        int priority,
        Instant receivedAt,
        Instant validUntil,
        Optional<Instant> scheduleAt,
        ReportRequest reportRequest,
        Optional<Concat> concat,
        Map<String, String> attributes) {

    public Message {
        requireNonNull(id, "id");
        requireNonNull(kind, "kind");
        requireNonNull(direction, "direction");
        requireNonNull(origin, "origin");
        requireNonNull(source, "source");
        destinations = List.copyOf(destinations);
        if (destinations.isEmpty()) {
            throw new IllegalArgumentException("destinations: empty (expected: at least one)");
        }
        requireNonNull(content, "content");
        if (priority < 0 || priority > 3) {
            throw new IllegalArgumentException("priority: " + priority + " (expected: 0..3)");
        }
        requireNonNull(receivedAt, "receivedAt");
        requireNonNull(validUntil, "validUntil");
        requireNonNull(scheduleAt, "scheduleAt");
        requireNonNull(reportRequest, "reportRequest");
        requireNonNull(concat, "concat");
        attributes = Map.copyOf(attributes);
    }

    /** The first (usually only) destination; also the Kafka key that keeps order per destination. */
    public Address destination() {
        return destinations.get(0);
    }

    public Message withId(MessageId newId) {
        return new Message(newId, kind, direction, origin, source, destinations, content, priority, receivedAt,
                validUntil, scheduleAt, reportRequest, concat, attributes);
    }

    public Message withDestinations(List<Address> newDestinations) {
        return new Message(id, kind, direction, origin, source, newDestinations, content, priority, receivedAt,
                validUntil, scheduleAt, reportRequest, concat, attributes);
    }

    public Message withContent(Content newContent, Optional<Concat> newConcat) {
        return new Message(id, kind, direction, origin, source, destinations, newContent, priority, receivedAt,
                validUntil, scheduleAt, reportRequest, newConcat, attributes);
    }

    public Message withAttributes(Map<String, String> newAttributes) {
        return new Message(id, kind, direction, origin, source, destinations, content, priority, receivedAt,
                validUntil, scheduleAt, reportRequest, concat, newAttributes);
    }

    /** A copy with one attribute added or replaced. */
    public Message withAttribute(String key, String value) {
        var m = new java.util.HashMap<>(attributes);
        m.put(key, value);
        return withAttributes(m);
    }

    public Optional<String> attribute(String key) {
        return Optional.ofNullable(attributes.get(key));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder with sensible defaults: SMS_TEXT, MT, priority 0, no report, no concat, 48 h validity. */
    public static final class Builder {
        private MessageId id;
        private Kind kind = Kind.SMS_TEXT;
        private Direction direction = Direction.MT;
        private Origin origin;
        private Address source;
        private List<Address> destinations = List.of();
        private Content content = new Content.Text("");
        private int priority;
        private Instant receivedAt;
        private Instant validUntil;
        private Optional<Instant> scheduleAt = Optional.empty();
        private ReportRequest reportRequest = ReportRequest.NONE;
        private Optional<Concat> concat = Optional.empty();
        private Map<String, String> attributes = Map.of();

        public Builder id(MessageId v) { this.id = v; return this; }
        public Builder kind(Kind v) { this.kind = v; return this; }
        public Builder direction(Direction v) { this.direction = v; return this; }
        public Builder origin(Origin v) { this.origin = v; return this; }
        public Builder source(Address v) { this.source = v; return this; }
        public Builder destination(Address v) { this.destinations = List.of(v); return this; }
        public Builder destinations(List<Address> v) { this.destinations = v; return this; }
        public Builder content(Content v) { this.content = v; return this; }
        public Builder text(String v) { this.content = new Content.Text(v); return this; }
        public Builder priority(int v) { this.priority = v; return this; }
        public Builder receivedAt(Instant v) { this.receivedAt = v; return this; }
        public Builder validUntil(Instant v) { this.validUntil = v; return this; }
        public Builder scheduleAt(Optional<Instant> v) { this.scheduleAt = v; return this; }
        public Builder reportRequest(ReportRequest v) { this.reportRequest = v; return this; }
        public Builder concat(Optional<Concat> v) { this.concat = v; return this; }
        public Builder attributes(Map<String, String> v) { this.attributes = v; return this; }

        public Message build() {
            Instant received = receivedAt != null ? receivedAt : Instant.now();
            Instant valid = validUntil != null ? validUntil : received.plus(java.time.Duration.ofHours(48));
            return new Message(id, kind, direction, origin, source, destinations, content, priority, received,
                    valid, scheduleAt, reportRequest, concat, attributes);
        }
    }
}
