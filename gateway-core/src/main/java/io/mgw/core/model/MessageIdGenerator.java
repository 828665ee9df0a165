package io.mgw.core.model;

import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes {@link MessageId}s for one node. Thread-safe and lock-free.
 *
 * <p>Uniqueness: (site, node) is unique in a deployment by configuration; within a node the 48-bit sequence
 * starts at a random value and increments, so two runs of the same node in the same millisecond do not collide
 * unless 2^48 ids were made in between.
 */
public final class MessageIdGenerator {

    private static final long SEQ_MASK = (1L << 48) - 1;

    private final int site;
    private final int node;
    private final InstantSource clock;
    private final AtomicLong sequence;

    public MessageIdGenerator(int site, int node, InstantSource clock) {
        if (site < 0 || site > 0xFFFF) {
            throw new IllegalArgumentException("site: " + site + " (expected: 0..65535)");
        }
        if (node < 0 || node > 0xFFFF) {
            throw new IllegalArgumentException("node: " + node + " (expected: 0..65535)");
        }
        this.site = site;
        this.node = node;
        this.clock = clock;
        this.sequence = new AtomicLong(new SecureRandom().nextLong() & SEQ_MASK);
    }

    public MessageId next() {
        long millis = clock.millis();
        long hi = (millis << 16) | site;
        long lo = ((long) node << 48) | (sequence.getAndIncrement() & SEQ_MASK);
        return new MessageId(hi, lo);
    }

    public int site() {
        return site;
    }

    public int node() {
        return node;
    }
}
