package io.mgw.core.spi;

import java.time.Duration;
import java.util.List;

/** What happened when an outbound connector tried to hand one message to its peer. */
public sealed interface SubmitOutcome {

    /** The peer took every segment; {@code remoteIds} holds the peer's id per segment, in order. */
    record Accepted(List<String> remoteIds) implements SubmitOutcome {
        public Accepted {
            remoteIds = List.copyOf(remoteIds);
        }
    }

    /** The peer asked us to slow down (ESME_RTHROTTLED, ESME_RMSGQFUL): retry the same message after the pause. */
    record Throttled(Duration retryAfter, String reason) implements SubmitOutcome {}

    /** A transient failure (no bind, system error, circuit open): retry the same message later. */
    record TemporaryFailure(int code, String reason) implements SubmitOutcome {}

    /** The peer refused the message for good (invalid address, barred): the message ends UNDELIVERABLE/REJECTED. */
    record PermanentFailure(int code, String reason) implements SubmitOutcome {}

    /**
     * The outcome is not known (response timeout): the peer may or may not have taken it. {@code acceptedRemoteIds}
     * holds the ids of segments that were acknowledged before the unknown one.
     */
    record Unknown(String reason, List<String> acceptedRemoteIds) implements SubmitOutcome {
        public Unknown {
            acceptedRemoteIds = List.copyOf(acceptedRemoteIds);
        }
    }
}
