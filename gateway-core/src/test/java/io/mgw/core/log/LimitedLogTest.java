package io.mgw.core.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

class LimitedLogTest {

    private final AtomicLong nanos = new AtomicLong(1_000);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private Logger logger;

    @BeforeEach
    void capture() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        logger = context.getLogger("limited-log-test");
        logger.setAdditive(false);
        lines.setContext(context);
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    private LimitedLog limited(int burst) {
        return LimitedLog.of(logger, Level.WARN, burst, Duration.ofSeconds(60), nanos::get);
    }

    @Test
    void writesTheBurstThenSuppressesTheRestOfTheWindow() {
        LimitedLog log = limited(3);
        for (int i = 0; i < 10; i++) {
            log.log("message {} refused", i);
        }
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("message 0 refused", "message 1 refused", "message 2 refused");
        assertThat(lines.list).allMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN);
        assertThat(log.suppressed()).isEqualTo(7);
    }

    @Test
    void theFirstLineOfTheNextWindowSaysHowManyWereSuppressed() {
        LimitedLog log = limited(2);
        for (int i = 0; i < 5; i++) {
            log.log("message {} refused", i);
        }
        nanos.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(log.log("still in the window")).isFalse();
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(log.log("message {} refused", 9)).isTrue();
        assertThat(log.log("message {} refused", 10)).isTrue();
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("message 0 refused",
                "message 1 refused", "message 9 refused (4 more such lines suppressed before this one)",
                "message 10 refused");
        assertThat(log.suppressed()).isZero();
    }

    @Test
    void aTrailingThrowableKeepsItsStackTraceWhenTheCountIsAdded() {
        LimitedLog log = limited(1);
        log.log("first");
        log.log("second");
        nanos.addAndGet(Duration.ofMinutes(2).toNanos());
        IllegalStateException failure = new IllegalStateException("boom");
        log.log("read of {} failed", "x", failure);
        ILoggingEvent last = lines.list.getLast();
        assertThat(last.getFormattedMessage())
                .isEqualTo("read of x failed (1 more such lines suppressed before this one)");
        assertThat(last.getThrowableProxy()).isNotNull();
        assertThat(last.getThrowableProxy().getMessage()).isEqualTo("boom");
    }

    @Test
    void aDisabledLevelIsNeitherWrittenNorCounted() {
        logger.setLevel(ch.qos.logback.classic.Level.ERROR);
        try {
            LimitedLog log = limited(1);
            assertThat(log.log("hidden")).isFalse();
            assertThat(log.log("hidden")).isFalse();
            assertThat(lines.list).isEmpty();
            assertThat(log.suppressed()).isZero();
        } finally {
            logger.setLevel(null);
        }
    }

    @Test
    void errorLinesAreErrors() {
        LimitedLog log = LimitedLog.of(logger, Level.ERROR, 1, Duration.ofSeconds(1), nanos::get);
        log.log("rejected");
        assertThat(lines.list).singleElement()
                .satisfies(e -> assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.ERROR));
    }
}
