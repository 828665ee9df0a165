package io.mgw.routing;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.mgw.core.store.Store;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds back work that acts on the outside world while the store refuses the writes that would record it.
 *
 * <p>The egress sends a message and then writes its submission record; a store that refuses writes (a full disk)
 * leaves the record in hand, retried, while the SMSC already has the message. Every message sent in that state is one
 * a crash of the node would send again (the record is what marks it submitted). So while {@link Store#writesRefused}
 * says so, {@link #open} answers false and its caller starts nothing new; what is already under way finishes as
 * before.
 *
 * <p>{@link Store#writesRefused} looks only at the store's own writes, so once they stop (nothing is sent, nothing is
 * written) it would say "refused" forever: the gate asks {@link Store#isHealthy} (the JDBC store then makes a write of
 * its own) on a virtual thread, at once and then every {@code probeEvery} while refused, and opens when the store
 * takes writes again. One failed write alone closes the gate only until that first check, which succeeds:
 * it is not logged or counted. An episode the check confirms is logged at WARN once, its end at INFO, and counted in
 * the given counter.
 *
 * <p>{@link #open} is for one thread (the caller's loop); the check's result is handed over through a future.
 */
final class StoreWriteGate {

    private static final Logger log = LoggerFactory.getLogger(StoreWriteGate.class);

    private final Store store;
    private final String owner;
    private final Counter episodes;
    private final long probeEveryNanos;
    private CompletableFuture<Boolean> probe;
    private long nextProbe;
    private boolean closedConfirmed;
    private long closedSince;

    /**
     * @param store      the store whose writes are watched
     * @param owner      who holds its work back, for the log ("egress smsc1")
     * @param episodes   counts the episodes a health check confirmed
     * @param probeEvery how often the store's health is checked while its writes are refused
     */
    StoreWriteGate(Store store, String owner, Counter episodes, Duration probeEvery) {
        this.store = requireNonNull(store, "store");
        this.owner = requireNonNull(owner, "owner");
        this.episodes = requireNonNull(episodes, "episodes");
        this.probeEveryNanos = probeEvery.toNanos();
    }

    /** Whether new work may start now; {@code tick} is {@link System#nanoTime()}. */
    boolean open(long tick) {
        if (!store.writesRefused()) {
            if (closedConfirmed) {
                closedConfirmed = false;
                log.info("{}: the store takes writes again; starting new work after {} ms held back", owner,
                        TimeUnit.NANOSECONDS.toMillis(tick - closedSince));
            }
            probe = null;
            return true;
        }
        CompletableFuture<Boolean> p = probe;
        if (p != null && p.isDone() && !p.getNow(Boolean.TRUE) && !closedConfirmed) {
            closedConfirmed = true;
            closedSince = tick;
            episodes.increment();
            log.warn("{}: the store refuses writes; no new work starts until it takes them again (what is under way"
                    + " finishes, its records kept until written)", owner);
        }
        // a check that found the store healthy while its writes are still refused began before a newer write
        // failed: check again at once; one that found it unhealthy, after probeEvery
        if (p == null || (p.isDone() && (p.getNow(Boolean.FALSE) || tick - nextProbe >= 0))) {
            nextProbe = tick + probeEveryNanos;
            CompletableFuture<Boolean> next = new CompletableFuture<>();
            probe = next;
            Thread.ofVirtual().name("mgw-store-check").start(() -> {
                try {
                    next.complete(store.isHealthy());
                } catch (RuntimeException e) {
                    log.debug("{}: store health check failed", owner, e);
                    next.complete(false);
                }
            });
        }
        return false;
    }
}
