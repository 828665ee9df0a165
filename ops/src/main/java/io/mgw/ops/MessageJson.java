package io.mgw.ops;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.store.MessageRecord;
import java.time.Instant;

/**
 * The admin API's view of a stored message. Deliberately leaves out the text preview, the numbering plans and
 * anything about credentials: a trace shows who, where, when and what happened, not what was said.
 */
final class MessageJson {

    private MessageJson() {}

    static ObjectNode of(MessageRecord m) {
        ObjectNode n = Json.object();
        n.put("id", m.id().toString());
        n.put("account", m.account());
        n.put("protocol", m.protocol());
        n.put("kind", m.kind());
        n.put("direction", m.direction());
        n.put("source", m.source());
        n.put("destination", m.destination());
        n.put("status", m.status() == null ? null : m.status().name());
        n.put("receivedAt", iso(m.receivedAt()));
        n.put("validUntil", iso(m.validUntil()));
        n.put("updatedAt", iso(m.updatedAt()));
        n.put("errorCode", m.errorCode());
        ArrayNode history = n.putArray("history");
        for (MessageEvent e : m.history()) {
            history.addObject()
                    .put("at", iso(e.at()))
                    .put("type", e.type().name())
                    .put("status", e.status().name())
                    .put("connector", e.connector())
                    .put("detail", e.detail());
        }
        return n;
    }

    /** ISO-8601 in UTC ("2026-11-23T09:00:00.123Z"), or null. */
    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }
}
