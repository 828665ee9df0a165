package io.mgw.ops;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mgw.core.config.PasswordHash;
import io.mgw.core.http.HttpRequest;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.BiPredicate;
import java.util.function.LongSupplier;

/**
 * The admin API's users, signing in with HTTP Basic authentication ({@code Authorization: Basic base64(name:password)},
 * RFC 7617); a request without that header gets the anonymous role, if the config grants one.
 *
 * <p>Passwords are kept as PBKDF2 hashes, whose check costs tens of milliseconds of CPU by design. So that a dashboard
 * polling every few seconds does not pay that each time, a checked header is remembered (as its SHA-256, never in the
 * clear) for {@link #REMEMBER_NANOS}; and so that a flood of wrong passwords cannot take the node's CPU, at most
 * {@link #MAX_CHECKS} checks run at once: a request finding none free is refused like a wrong password. An unknown user
 * name costs the same check as a known one, so that the time of the answer does not tell which names exist.
 *
 * <p>Refusals are counted in {@code gateway.http.auth.failed} (tag {@code reason}: {@code missing}, {@code malformed},
 * {@code unknown_user}, {@code bad_password}, {@code busy}). {@link #update} replaces users and anonymous role (a
 * config reload) and forgets what was remembered.
 */
public final class BasicAuthenticator implements Authenticator {

    /** How long a checked Authorization header is taken without checking its password again. */
    static final long REMEMBER_NANOS = 60_000_000_000L;
    /** Password checks running at once, at most. */
    static final int MAX_CHECKS = 2;
    /** Remembered headers, at most (all are forgotten when full). */
    static final int MAX_REMEMBERED = 1_000;

    /** One user: its password hash and role. */
    public record User(String name, String passwordHash, AdminRole role) {
        public User {
            requireNonNull(name, "name");
            requireNonNull(passwordHash, "passwordHash");
            requireNonNull(role, "role");
        }

        @Override
        public String toString() {
            return "User[" + name + ", " + role + "]";
        }
    }

    private record Users(Map<String, User> byName, Optional<AdminPrincipal> anonymous) {}

    private record Remembered(AdminPrincipal principal, long until) {}

    /** A hash to check a password against when the user name is unknown: the same cost, never a match. */
    private static final String NOBODY = PasswordHash.hash("never a password: " + System.nanoTime());

    private final BiPredicate<String, String> verifier;
    private final LongSupplier nanoTime;
    private final Semaphore checks = new Semaphore(MAX_CHECKS);
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();
    private final Counter missing;
    private final Counter malformed;
    private final Counter unknownUser;
    private final Counter badPassword;
    private final Counter busy;
    private volatile Users users = new Users(Map.of(), Optional.empty());

    public BasicAuthenticator(MeterRegistry meters) {
        this(meters, PasswordHash::verify, System::nanoTime);
    }

    /** For tests: the password check ({@code (password, hash) -> matches}) and the clock. */
    BasicAuthenticator(MeterRegistry meters, BiPredicate<String, String> verifier, LongSupplier nanoTime) {
        this.verifier = requireNonNull(verifier, "verifier");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime");
        String name = "gateway.http.auth.failed";
        String what = "admin API requests refused for their credentials, by reason";
        missing = Counter.builder(name).tag("reason", "missing").description(what).register(meters);
        malformed = Counter.builder(name).tag("reason", "malformed").description(what).register(meters);
        unknownUser = Counter.builder(name).tag("reason", "unknown_user").description(what).register(meters);
        badPassword = Counter.builder(name).tag("reason", "bad_password").description(what).register(meters);
        busy = Counter.builder(name).tag("reason", "busy").description(what).register(meters);
    }

    /**
     * Replaces the users and the anonymous role (empty: a request without credentials is refused).
     */
    public void update(List<User> newUsers, Optional<AdminRole> anonymous) {
        Map<String, User> byName = new HashMap<>();
        for (User u : newUsers) {
            if (byName.put(u.name(), u) != null) {
                throw new IllegalArgumentException("duplicate admin user " + u.name());
            }
        }
        Users next = new Users(Map.copyOf(byName), anonymous.map(r -> new AdminPrincipal("anonymous", r)));
        synchronized (remembered) { // no sign-in checked against the old users is remembered after this
            users = next;
            remembered.clear();
        }
    }

    @Override
    public Optional<AdminPrincipal> anonymous() {
        return users.anonymous();
    }

    @Override
    public Optional<AdminPrincipal> authenticate(HttpRequest request) {
        Users u = users;
        Optional<String> header = request.header("authorization");
        if (header.isEmpty()) {
            if (u.anonymous().isEmpty()) {
                missing.increment();
            }
            return u.anonymous();
        }
        String value = header.get().trim();
        if (value.length() < 6 || !value.substring(0, 6).toLowerCase(Locale.ROOT).equals("basic ")) {
            malformed.increment();
            return Optional.empty();
        }
        String key = sha256(value);
        long now = nanoTime.getAsLong();
        Remembered r = remembered.get(key);
        if (r != null && now - r.until() < 0) {
            return Optional.of(r.principal());
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(value.substring(6).trim()), UTF_8);
        } catch (IllegalArgumentException e) {
            malformed.increment();
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            malformed.increment();
            return Optional.empty();
        }
        User user = u.byName().get(decoded.substring(0, colon));
        String password = decoded.substring(colon + 1);
        if (!checks.tryAcquire()) {
            busy.increment();
            return Optional.empty();
        }
        boolean ok;
        try {
            ok = verifier.test(password, user == null ? NOBODY : user.passwordHash()) && user != null;
        } finally {
            checks.release();
        }
        if (!ok) {
            (user == null ? unknownUser : badPassword).increment();
            return Optional.empty();
        }
        AdminPrincipal p = new AdminPrincipal(user.name(), user.role());
        synchronized (remembered) {
            if (users == u) { // not replaced meanwhile
                if (remembered.size() >= MAX_REMEMBERED) {
                    remembered.clear();
                }
                remembered.put(key, new Remembered(p, now + REMEMBER_NANOS));
            }
        }
        return Optional.of(p);
    }

    private static String sha256(String s) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(s.getBytes(UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
