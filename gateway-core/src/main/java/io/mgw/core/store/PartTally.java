package io.mgw.core.store;

import io.mgw.core.model.MessageStatus;

/**
 * Final outcomes recorded so far for the parts of one message.
 *
 * @param parts     parts in all
 * @param delivered parts reported DELIVERED
 * @param failed    parts reported with another final status
 * @param worst     the most severe final status seen among failed parts, or DELIVERED if none failed
 */
public record PartTally(int parts, int delivered, int failed, MessageStatus worst) {

    /** Every part has a final outcome. */
    public boolean complete() {
        return delivered + failed >= parts;
    }

    /** The message's overall final status once complete: DELIVERED only if every part was. */
    public MessageStatus overall() {
        return failed == 0 ? MessageStatus.DELIVERED : worst;
    }
}
