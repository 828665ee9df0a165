package io.mgw.ops;

import static java.util.Objects.requireNonNull;

import io.mgw.core.http.HttpEndpoint;
import io.mgw.core.http.HttpRequest;
import io.mgw.core.http.HttpResponse;
import io.mgw.core.log.LimitedLog;
import io.mgw.core.model.MessageId;
import io.mgw.core.store.MessageRecord;
import io.mgw.core.store.Store;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's message trace: {@code GET /api/v1/messages/{id}}, where id is our 32-digit hex form (any case) or
 * its unsigned decimal form ({@link MessageId#parse}).
 *
 * <pre>
 * 200 {"id":"0192...","account":"demo","protocol":"smpp","kind":"SMS","direction":"MT",
 *      "source":"4711","destination":"491701234567","status":"DELIVERED",
 *      "receivedAt":"2026-11-23T09:00:00.123Z","validUntil":"...","updatedAt":"...","errorCode":0,
 *      "history":[{"at":"...","type":"ACCEPTED","status":"ACCEPTED","connector":"","detail":""}, ...]}
 * 400 malformed id    404 unknown id    405 method other than GET/HEAD
 * 401 no or wrong credentials, with WWW-Authenticate: Basic (see {@link BasicAuthenticator})    503 store failed
 * </pre>
 *
 * Instants are ISO-8601 in UTC; absent ones are null. The text preview is not shown. The store read is synchronous
 * and runs on the listener's handler thread.
 */
public final class MessageApiEndpoint implements HttpEndpoint {

    private static final Logger log = LoggerFactory.getLogger(MessageApiEndpoint.class);
    /**
     * The admin API's audit trail (ARCHITECTURE.md §9), a logger of its own so that it can be sent elsewhere: who read
     * which message, from where, and the answer. Refused requests are logged too, at most ten lines a minute (their
     * counts are in {@code gateway.http.auth.failed}).
     */
    private static final Logger audit = LoggerFactory.getLogger("mgw.audit");
    private final LimitedLog storeFailedLog = LimitedLog.warn(log);
    private final LimitedLog refusedLog = LimitedLog.warn(audit);

    /** Mount point. */
    public static final String PREFIX = "/api/v1/messages";

    private final Store store;
    private final Authenticator authenticator;

    /**
     * @param store         where messages and their history are read
     * @param authenticator who may read (every role may)
     */
    public MessageApiEndpoint(Store store, Authenticator authenticator) {
        this.store = requireNonNull(store, "store");
        this.authenticator = requireNonNull(authenticator, "authenticator");
    }

    @Override
    public String pathPrefix() {
        return PREFIX;
    }

    @Override
    public int maxBodyBytes() {
        return 0;
    }

    @Override
    public CompletionStage<HttpResponse> handle(HttpRequest request) {
        Optional<AdminPrincipal> principal = authenticator.authenticate(request);
        if (principal.isEmpty()) {
            refusedLog.log("admin API: refused (no valid credentials) from {}: {} {}", address(request),
                    request.method(), printable(request.path()));
            return CompletableFuture.completedFuture(Json.unauthorized());
        }
        HttpResponse response = answer(request);
        AdminPrincipal p = principal.get();
        audit.info("admin API: {} ({}) from {}: {} {} -> {}", p.name(),
                p.role().name().toLowerCase(Locale.ROOT), address(request), request.method(),
                printable(request.path()), response.status());
        return CompletableFuture.completedFuture(response);
    }

    /** The path as it may go into a log line: control characters (a decoded %0A) as '?', so no line is forged. */
    static String printable(String path) {
        StringBuilder b = new StringBuilder(Math.min(path.length(), 200));
        for (int i = 0; i < path.length() && i < 200; i++) {
            char c = path.charAt(i);
            b.append(c < 0x20 || c == 0x7F ? '?' : c);
        }
        return path.length() > 200 ? b.append("...").toString() : b.toString();
    }

    private static String address(HttpRequest request) {
        return request.remote() == null ? "?" : request.remote().getAddress().getHostAddress();
    }

    /** The answer to a caller signed in: reading needs only the viewer role, which every principal has. */
    private HttpResponse answer(HttpRequest request) {
        if (!Json.isRead(request.method())) {
            return Json.methodNotAllowed(request.method());
        }
        String rest = request.path().substring(Math.min(PREFIX.length(), request.path().length()));
        if (!rest.startsWith("/") || rest.length() == 1 || rest.indexOf('/', 1) >= 0) {
            return Json.error(404, "not_found", "no such resource: " + request.path());
        }
        String text = rest.substring(1);
        Optional<MessageId> id = MessageId.tryParse(text);
        if (id.isEmpty()) {
            return Json.error(400, "bad_message_id",
                    "not a message id (expected: 32 hex digits or an unsigned decimal number)");
        }
        Optional<MessageRecord> found;
        try {
            found = store.find(id.get());
        } catch (RuntimeException e) {
            storeFailedLog.log("message {}: store read failed", id.get(), e);
            return Json.error(503, "store_unavailable", "message store unavailable");
        }
        if (found.isEmpty()) {
            return Json.error(404, "message_not_found", "no message " + id.get());
        }
        return Json.response(200, MessageJson.of(found.get()));
    }
}
