package io.mgw.bench.smpp;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns logging down to WARN unless a logback configuration was given: with logback's default (DEBUG to the
 * console) jSMPP logs every PDU, which would cost more than the load itself.
 */
final class QuietLogging {

  private QuietLogging() {}

  /** Sets the root logger to WARN when {@code -Dlogback.configurationFile} is not set. */
  static void apply() {
    if (System.getProperty("logback.configurationFile") != null) {
      return;
    }
    if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
      root.setLevel(Level.WARN);
    }
  }
}
