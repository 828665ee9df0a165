package io.mgw.store;

import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageStatus;
import java.time.Instant;
import java.util.List;

/**
 * A message's current status, as its history gives it: the events are applied in history order, and each sets the
 * status unless the status so far is final and the event's is not (a late ENROUTE never undoes DELIVERED).
 *
 * @param status    the resulting status
 * @param updatedAt the time of the event that set it
 * @param errorCode the last error code named by an event that set the status, 0 if none
 */
record StatusFold(MessageStatus status, Instant updatedAt, int errorCode) {

    /**
     * Folds a non-empty history, oldest first.
     *
     * @throws IllegalArgumentException if the history is empty
     */
    static StatusFold of(List<MessageEvent> history) {
        if (history.isEmpty()) {
            throw new IllegalArgumentException("history: empty (expected: at least the first event)");
        }
        MessageStatus status = null;
        Instant at = null;
        int code = 0;
        for (MessageEvent e : history) {
            if (status == null || !(status.isFinal() && !e.status().isFinal())) {
                status = e.status();
                at = e.at();
                code = Sql.errorCode(e.detail()).orElse(code);
            }
        }
        return new StatusFold(status, at, code);
    }
}
