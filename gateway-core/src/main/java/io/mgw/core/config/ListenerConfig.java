package io.mgw.core.config;

/**
 * A listening socket.
 *
 * @param host    bind address ("127.0.0.1" by default)
 * @param port    TCP port; 0 picks a free one
 * @param enabled whether to open it
 */
public record ListenerConfig(String host, int port, boolean enabled) {}
