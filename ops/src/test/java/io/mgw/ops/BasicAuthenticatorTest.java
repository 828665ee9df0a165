package io.mgw.ops;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mgw.core.config.PasswordHash;
import io.mgw.core.http.HttpRequest;
import java.net.InetSocketAddress;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BasicAuthenticatorTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicLong now = new AtomicLong(1_000);
    private final AtomicInteger checks = new AtomicInteger();
    /** Stands in for PBKDF2 (one test uses the real one): a "hash" is "h:" + the password. */
    private final BasicAuthenticator auth = new BasicAuthenticator(meters, (password, hash) -> {
        checks.incrementAndGet();
        return hash.equals("h:" + password);
    }, now::get);

    private static HttpRequest request(String authorization) {
        Map<String, List<String>> headers = authorization == null ? Map.of()
                : Map.of("authorization", List.of(authorization));
        return new HttpRequest("GET", "/api/v1/messages/1", Map.of(), headers, new byte[0],
                new InetSocketAddress("127.0.0.1", 40000));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(UTF_8));
    }

    private double failed(String reason) {
        return meters.counter("gateway.http.auth.failed", "reason", reason).count();
    }

    private void users(Optional<AdminRole> anonymous) {
        auth.update(List.of(new BasicAuthenticator.User("noc", "h:secret", AdminRole.VIEWER),
                new BasicAuthenticator.User("ops", "h:other", AdminRole.OPERATOR)), anonymous);
    }

    @Test
    void aRequestWithoutCredentialsGetsTheAnonymousRoleOrNothing() {
        users(Optional.of(AdminRole.VIEWER));
        assertThat(auth.authenticate(request(null))).contains(new AdminPrincipal("anonymous", AdminRole.VIEWER));
        assertThat(failed("missing")).isZero();

        users(Optional.empty());
        assertThat(auth.authenticate(request(null))).isEmpty();
        assertThat(failed("missing")).isEqualTo(1);
    }

    @Test
    void aUserSignsInWithItsPasswordAndGetsItsRole() {
        users(Optional.empty());
        assertThat(auth.authenticate(request(basic("noc", "secret")))).contains(
                new AdminPrincipal("noc", AdminRole.VIEWER));
        assertThat(auth.authenticate(request(basic("ops", "other")))).contains(
                new AdminPrincipal("ops", AdminRole.OPERATOR));
        // the scheme's name in any case; the password may hold ':'
        auth.update(List.of(new BasicAuthenticator.User("noc", "h:a:b", AdminRole.ADMIN)), Optional.empty());
        assertThat(auth.authenticate(request("bAsIc " + basic("noc", "a:b").substring(6)))).contains(
                new AdminPrincipal("noc", AdminRole.ADMIN));
    }

    @Test
    void aWrongPasswordAndAnUnknownUserAreRefusedCountedAndCostTheSameCheck() {
        users(Optional.of(AdminRole.VIEWER));
        assertThat(auth.authenticate(request(basic("noc", "guess")))).isEmpty();
        assertThat(failed("bad_password")).isEqualTo(1);
        assertThat(checks).hasValue(1);

        assertThat(auth.authenticate(request(basic("root", "secret")))).isEmpty();
        assertThat(failed("unknown_user")).isEqualTo(1);
        assertThat(checks).as("an unknown name is checked against a stand-in hash").hasValue(2);
    }

    @Test
    void malformedCredentialsAreRefusedAndCounted() {
        users(Optional.of(AdminRole.VIEWER));
        assertThat(auth.authenticate(request("Bearer abc"))).isEmpty();
        assertThat(auth.authenticate(request("Basic !!not base64!!"))).isEmpty();
        assertThat(auth.authenticate(request("Basic " + Base64.getEncoder().encodeToString("nocolon".getBytes(UTF_8)))))
                .isEmpty();
        assertThat(auth.authenticate(request("Basic"))).isEmpty();
        assertThat(failed("malformed")).isEqualTo(4);
        assertThat(checks).hasValue(0);
    }

    @Test
    void aCheckedHeaderIsTakenForAMinuteWithoutCheckingItsPasswordAgain() {
        users(Optional.empty());
        String header = basic("noc", "secret");
        auth.authenticate(request(header));
        auth.authenticate(request(header));
        now.addAndGet(BasicAuthenticator.REMEMBER_NANOS - 1);
        assertThat(auth.authenticate(request(header))).isPresent();
        assertThat(checks).hasValue(1);

        now.addAndGet(1);
        assertThat(auth.authenticate(request(header))).isPresent();
        assertThat(checks).hasValue(2);
    }

    @Test
    void aReloadForgetsWhatWasRemembered() {
        users(Optional.empty());
        String header = basic("noc", "secret");
        assertThat(auth.authenticate(request(header))).isPresent();

        auth.update(List.of(new BasicAuthenticator.User("noc", "h:changed", AdminRole.VIEWER)), Optional.empty());

        assertThat(auth.authenticate(request(header))).isEmpty();
        assertThat(auth.authenticate(request(basic("noc", "changed")))).isPresent();
    }

    /** A flood of sign-ins cannot take every core: beyond two checks at once, a request is refused without one. */
    @Test
    void checksBeyondTwoAtOnceAreRefusedAsBusy() throws Exception {
        CountDownLatch inCheck = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        BasicAuthenticator slow = new BasicAuthenticator(meters, (password, hash) -> {
            inCheck.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return hash.equals("h:" + password);
        }, now::get);
        slow.update(List.of(new BasicAuthenticator.User("noc", "h:secret", AdminRole.VIEWER)), Optional.empty());
        var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        var first = CompletableFuture.supplyAsync(() -> slow.authenticate(request(basic("noc", "secret"))), threads);
        var second = CompletableFuture.supplyAsync(() -> slow.authenticate(request(basic("noc", "wrong"))), threads);
        assertThat(inCheck.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(slow.authenticate(request(basic("noc", "secret")))).isEmpty();
        assertThat(failed("busy")).isEqualTo(1);

        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isPresent();
        assertThat(second.get(10, TimeUnit.SECONDS)).isEmpty();
        assertThat(slow.authenticate(request(basic("noc", "secret")))).isPresent();
        threads.close();
    }

    @Test
    void withTheRealPasswordHash() {
        BasicAuthenticator real = new BasicAuthenticator(meters);
        real.update(List.of(new BasicAuthenticator.User("noc", PasswordHash.hash("s3cret"), AdminRole.VIEWER)),
                Optional.empty());
        assertThat(real.authenticate(request(basic("noc", "s3cret")))).contains(
                new AdminPrincipal("noc", AdminRole.VIEWER));
        assertThat(real.authenticate(request(basic("noc", "s3cret!")))).isEmpty();
    }
}
