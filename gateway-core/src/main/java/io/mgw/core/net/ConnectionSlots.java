package io.mgw.core.net;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connections a server holds, bounded twice: {@code max} in all, and {@code maxPerAddress} from any one remote
 * address. The second keeps one client that opens connections in a loop (a reconnect bug, a flood) from taking
 * every slot and locking the other accounts out: the node's cap alone lets it.
 *
 * <p>A slot is taken when a connection is accepted, before its TLS handshake or bind, and given back exactly once
 * when it closes ({@link #release}). Thread-safe.
 */
public final class ConnectionSlots {

    /** Why a connection got no slot. */
    public enum Refusal {
        /** {@code max} connections open. */
        MAX_CONNECTIONS("max_connections"),
        /** {@code maxPerAddress} connections open from this address. */
        MAX_PER_ADDRESS("max_per_address");

        private final String tag;

        Refusal(String tag) {
            this.tag = tag;
        }

        /** The metric tag value ({@code reason=...}). */
        public String tag() {
            return tag;
        }
    }

    private final int max;
    private final int maxPerAddress;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> byAddress = new ConcurrentHashMap<>();

    public ConnectionSlots(int max, int maxPerAddress) {
        if (max < 1 || maxPerAddress < 1) {
            throw new IllegalArgumentException("max " + max + ", maxPerAddress " + maxPerAddress + " (expected: >= 1)");
        }
        this.max = max;
        this.maxPerAddress = maxPerAddress;
    }

    /**
     * Takes a slot for a connection from {@code address}.
     *
     * @return null if taken (give it back with {@link #release}), else why not
     */
    public Refusal acquire(InetAddress address) {
        boolean[] taken = {false};
        byAddress.compute(address, (a, n) -> {
            int held = n == null ? 0 : n;
            if (held >= maxPerAddress) {
                return n;
            }
            taken[0] = true;
            return held + 1;
        });
        if (!taken[0]) {
            return Refusal.MAX_PER_ADDRESS;
        }
        for (;;) {
            int n = open.get();
            if (n >= max) {
                decrement(address);
                return Refusal.MAX_CONNECTIONS;
            }
            if (open.compareAndSet(n, n + 1)) {
                return null;
            }
        }
    }

    /** Gives back a slot {@link #acquire} took for {@code address}; call once per slot taken. */
    public void release(InetAddress address) {
        decrement(address);
        open.decrementAndGet();
    }

    private void decrement(InetAddress address) {
        byAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }

    /** Connections holding a slot. */
    public int open() {
        return open.get();
    }

    /** Connections holding a slot from {@code address}. */
    public int open(InetAddress address) {
        return byAddress.getOrDefault(address, 0);
    }

    /** Addresses holding at least one slot (the map never keeps an address with none). */
    public int addresses() {
        return byAddress.size();
    }
}
