package io.mgw.core.config;

/**
 * The built-in SMSC simulator (for the demo and tests).
 *
 * @param host           listen address
 * @param port           listen port
 * @param receiptDelayMs delay before each delivery receipt
 * @param failureRatio   share of messages reported UNDELIV (0..1)
 * @param maxTps         submits per second before it answers ESME_RTHROTTLED; 0 for no limit
 */
public record SimulatorConfig(String host, int port, long receiptDelayMs, double failureRatio, int maxTps) {}
