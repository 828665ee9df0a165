package io.mgw.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a test opened, closed last first when the test ends ({@code @AutoClose} on the field), each even if closing an
 * earlier one failed: the multi-process tests must not leave node or broker processes behind.
 *
 * <p>A close that does not end within {@link #CLOSE_LIMIT} fails the test, after printing every thread's stack: a
 * node that cannot stop is a defect, and JUnit's timeouts do not cover {@code @AutoClose} (a node's close once hung
 * a CI run until its limit, with nothing to show where).
 */
final class Closer implements AutoCloseable {

    static final Duration CLOSE_LIMIT = Duration.ofMinutes(3);

    private final List<AutoCloseable> open = new ArrayList<>();

    /** Adds {@code c}, to be closed before everything added earlier; returns it. */
    synchronized <T extends AutoCloseable> T add(T c) {
        open.add(c);
        return c;
    }

    @Override
    public synchronized void close() throws InterruptedException {
        List<String> hung = new ArrayList<>();
        for (int i = open.size() - 1; i >= 0; i--) {
            AutoCloseable c = open.get(i);
            Thread closing = Thread.ofPlatform().daemon(true).name("test-closer").start(() -> {
                try {
                    c.close();
                } catch (Exception e) {
                    System.out.println("closing after the test: " + e); // best effort: the others still get closed
                }
            });
            if (!closing.join(CLOSE_LIMIT)) {
                hung.add(c.toString());
                System.out.println("closing after the test: " + c + " did not end within " + CLOSE_LIMIT
                        + "; every thread's stack:");
                printAllStacks();
            }
        }
        open.clear();
        if (!hung.isEmpty()) {
            throw new AssertionError("closes that did not end within " + CLOSE_LIMIT + ": " + hung);
        }
    }

    private static void printAllStacks() {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            b.append('"').append(e.getKey().getName()).append("\" ").append(e.getKey().getState()).append('\n');
            for (StackTraceElement f : e.getValue()) {
                b.append("\tat ").append(f).append('\n');
            }
        }
        System.out.println(b);
    }
}
