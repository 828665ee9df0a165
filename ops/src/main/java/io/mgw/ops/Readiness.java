package io.mgw.ops;

/**
 * The node-wide "draining" switch (ARCHITECTURE.md §9): while draining, {@code /health/ready} answers 503 so load
 * balancers and orchestrators send no new work, whatever the health checks say. Thread-safe.
 */
public final class Readiness {

    private volatile boolean draining;

    /** Starts ({@code true}) or ends ({@code false}) a drain. */
    public void setDraining(boolean draining) {
        this.draining = draining;
    }

    /** Whether a drain is under way. */
    public boolean isDraining() {
        return draining;
    }
}
