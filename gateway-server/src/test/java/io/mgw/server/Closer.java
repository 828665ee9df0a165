package io.mgw.server;

import java.util.ArrayList;
import java.util.List;

/**
 * What a test opened, closed last first when the test ends ({@code @AutoClose} on the field), each even if closing an
 * earlier one failed: the multi-process tests must not leave node or broker processes behind.
 */
final class Closer implements AutoCloseable {

    private final List<AutoCloseable> open = new ArrayList<>();

    /** Adds {@code c}, to be closed before everything added earlier; returns it. */
    synchronized <T extends AutoCloseable> T add(T c) {
        open.add(c);
        return c;
    }

    @Override
    public synchronized void close() {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                System.out.println("closing after the test: " + e); // best effort: the others still get closed
            }
        }
        open.clear();
    }
}
