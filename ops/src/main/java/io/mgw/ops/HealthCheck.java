package io.mgw.ops;

import static java.util.Objects.requireNonNull;

import java.util.function.Supplier;

/**
 * One readiness condition of the node (store reachable, Kafka producer connected, connectors bound...), reported by
 * {@link HealthEndpoint}. A {@linkplain #liveness() liveness} check is also a liveness condition: one the node does
 * not recover from while it runs (a restart does), so that an orchestrator restarts it. {@link #check()} runs on
 * every probe that needs it, on a handler thread: it must be quick and must not block on the network for long; a
 * slow check should cache its last result. A check that throws counts as down.
 */
public interface HealthCheck {

    /** Short stable name, the key under "checks" in the health JSON. */
    String name();

    /** The current state. */
    Result check();

    /** Whether a failure of this check also makes the node not live ({@code /health/live} 503); false by default. */
    default boolean liveness() {
        return false;
    }

    /**
     * @param up     whether the condition holds
     * @param detail a short explanation for operators ("" if none); never a secret
     */
    record Result(boolean up, String detail) {

        public Result {
            requireNonNull(detail, "detail");
        }

        /** A passing result. */
        public static Result up(String detail) {
            return new Result(true, detail);
        }

        /** A failing result. */
        public static Result down(String detail) {
            return new Result(false, detail);
        }
    }

    /** A liveness (and readiness) check from a name and a function: see {@link #liveness()}. */
    static HealthCheck liveness(String name, Supplier<Result> check) {
        return new OfFunction(name, check, true);
    }

    /** A check from a name and a function. */
    static HealthCheck of(String name, Supplier<Result> check) {
        return new OfFunction(name, check, false);
    }

    /** What {@link #of} and {@link #liveness(String, Supplier)} return. */
    record OfFunction(String name, Supplier<Result> function, boolean liveness) implements HealthCheck {
        public OfFunction {
            requireNonNull(name, "name");
            requireNonNull(function, "check");
        }

        @Override
        public Result check() {
            return function.get();
        }
    }
}
