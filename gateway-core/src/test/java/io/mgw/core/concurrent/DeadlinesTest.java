package io.mgw.core.concurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DeadlinesTest {

    @Test
    void aFutureNotDoneInTimeFailsWithATimeoutAndNotBefore() throws Exception {
        long start = System.nanoTime();
        CompletableFuture<String> f = Deadlines.orTimeout(new CompletableFuture<>(), Duration.ofMillis(80));
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutException.class);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(80));
    }

    @Test
    void aFutureDoneInTimeKeepsItsValueAndIsDropped() throws Exception {
        List<CompletableFuture<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            fs.add(Deadlines.orTimeout(new CompletableFuture<>(), Duration.ofMinutes(7)));
        }
        assertThat(Deadlines.pending()).isGreaterThanOrEqualTo(1_000);
        for (int i = 0; i < fs.size(); i++) {
            fs.get(i).complete(i);
        }
        // dropped at the next tick, long before the seven minutes are up
        await().atMost(Duration.ofSeconds(10)).until(() -> Deadlines.pending() == 0);
        for (int i = 0; i < fs.size(); i++) {
            assertThat(fs.get(i).get()).isEqualTo(i);
        }
    }

    @Test
    void aShortTimeoutIsNotHeldUpByALongerOneRegisteredBefore() {
        CompletableFuture<Void> longer = Deadlines.orTimeout(new CompletableFuture<>(), Duration.ofMinutes(5));
        CompletableFuture<Void> shorter = Deadlines.orTimeout(new CompletableFuture<>(), Duration.ofMillis(50));
        assertThatThrownBy(() -> shorter.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
        assertThat(longer).isNotDone();
        longer.complete(null);
    }

    @Test
    void anAlreadyCompletedFutureIsNotRegistered() {
        int before = Deadlines.pending();
        CompletableFuture<String> f = Deadlines.orTimeout(CompletableFuture.completedFuture("x"), Duration.ofMinutes(1));
        assertThat(f).isCompletedWithValue("x");
        assertThat(Deadlines.pending()).isLessThanOrEqualTo(before);
    }

    @Test
    void dependentActionsOfAnExpiredFutureDoNotRunOnTheTickingThread() throws Exception {
        AtomicReference<String> thread = new AtomicReference<>();
        CompletableFuture<Void> f = new CompletableFuture<>();
        CompletableFuture<Void> after = f.whenComplete((v, e) -> thread.set(Thread.currentThread().getName()));
        Deadlines.orTimeout(f, Duration.ofMillis(20));
        assertThatThrownBy(() -> after.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
        assertThat(thread.get()).isNotNull().isNotEqualTo("mgw-deadlines");
    }

    @Test
    void aTimeoutMustBePositive() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        assertThatThrownBy(() -> Deadlines.orTimeout(f, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
