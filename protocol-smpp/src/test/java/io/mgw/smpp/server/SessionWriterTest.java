package io.mgw.smpp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionWriterTest {

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    /** A socket whose peer stopped reading: writes block until released. */
    private static final class StuckStream extends OutputStream {
        final CountDownLatch release = new CountDownLatch(1);
        final ByteArrayOutputStream written = new ByteArrayOutputStream();

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            synchronized (written) {
                written.write(b, off, len);
            }
        }
    }

    @Test
    void writesEverythingInOrder() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SessionWriter w = new SessionWriter(out, executor, 16, () -> { });
        for (int i = 0; i < 100; i++) {
            w.enqueue(new byte[] {(byte) i});
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> w.queued() == 0);
        byte[] b = out.toByteArray();
        assertThat(b).hasSize(100);
        for (int i = 0; i < 100; i++) {
            assertThat(b[i]).isEqualTo((byte) i);
        }
    }

    @Test
    void aStuckPeerMakesTheReaderWaitInsteadOfQueueingWithoutBound() throws Exception {
        StuckStream out = new StuckStream();
        SessionWriter w = new SessionWriter(out, executor, 16, () -> { });
        for (int i = 0; i < 40; i++) {
            w.enqueue(new byte[] {1, 2, 3, 4});
        }
        assertThat(w.awaitCapacity(100)).isFalse(); // over the limit and not draining: the reader would wait
        out.release.countDown();
        assertThat(w.awaitCapacity(5_000)).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> w.queued() == 0);
        assertThat(out.written.size()).isEqualTo(160);
    }

    @Test
    void aWriteFailureClosesTheSessionAndDropsTheQueue() throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("reset by peer");
            }
        };
        SessionWriter w = new SessionWriter(broken, executor, 16, () -> closed.set(true));
        w.enqueue(new byte[] {1});
        await().atMost(Duration.ofSeconds(5)).untilTrue(closed);
        w.enqueue(new byte[] {2});
        assertThat(w.queued()).isZero();
        assertThat(w.awaitCapacity(10)).isTrue();
    }
}
