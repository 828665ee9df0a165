package io.mgw.ops.http;

import static java.util.Objects.requireNonNull;

import io.mgw.core.http.HttpEndpoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Longest-prefix routing over endpoints, matching whole path segments: prefix "/api/v1/messages" serves
 * "/api/v1/messages" and "/api/v1/messages/42" but not "/api/v1/messagesX". Prefix "/" serves every path. A trailing
 * slash on a prefix is ignored, so "/health/" and "/health" are the same prefix (and may not both be mounted).
 */
final class Router {

    /** An endpoint with its normalised prefix. */
    record Route(String prefix, HttpEndpoint endpoint) {}

    private final List<Route> routes;

    Router(List<? extends HttpEndpoint> endpoints) {
        requireNonNull(endpoints, "endpoints");
        List<Route> list = new ArrayList<>(endpoints.size());
        Set<String> seen = new HashSet<>();
        for (HttpEndpoint e : endpoints) {
            requireNonNull(e, "endpoint");
            String prefix = normalise(requireNonNull(e.pathPrefix(), "pathPrefix"));
            if (e.maxBodyBytes() < 0) {
                throw new IllegalArgumentException(
                        "maxBodyBytes of " + prefix + ": " + e.maxBodyBytes() + " (expected: >= 0)");
            }
            if (!seen.add(prefix)) {
                throw new IllegalArgumentException("pathPrefix: " + prefix + " mounted twice (expected: unique)");
            }
            list.add(new Route(prefix, e));
        }
        list.sort(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed());
        this.routes = List.copyOf(list);
    }

    /** The route with the longest prefix that matches {@code path} on a segment boundary. */
    Optional<Route> route(String path) {
        for (Route r : routes) {
            if (matches(r.prefix(), path)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    static boolean matches(String prefix, String path) {
        if (prefix.equals("/")) {
            return path.startsWith("/");
        }
        return path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
    }

    static String normalise(String prefix) {
        if (!prefix.startsWith("/")) {
            throw new IllegalArgumentException("pathPrefix: '" + prefix + "' (expected: starting with '/')");
        }
        String p = prefix;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
