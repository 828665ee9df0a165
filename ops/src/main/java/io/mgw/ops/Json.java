package io.mgw.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mgw.core.http.HttpResponse;
import java.io.UncheckedIOException;
import java.util.Map;

/** Shared Jackson mapper and the small JSON answers of the ops endpoints. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static HttpResponse response(int status, Object tree) {
        try {
            return new HttpResponse(status, "application/json", Map.of(), MAPPER.writeValueAsBytes(tree));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {"error": error, "message": message}. */
    static HttpResponse error(int status, String error, String message) {
        return response(status, object().put("error", error).put("message", message));
    }

    /** 405 for anything but GET and HEAD. */
    static HttpResponse methodNotAllowed(String method) {
        HttpResponse r = error(405, "method_not_allowed", method + " not allowed (expected: GET or HEAD)");
        return new HttpResponse(r.status(), r.contentType(), Map.of("allow", "GET, HEAD"), r.body());
    }

    /** 401 with a Basic challenge, so that a browser asks for a user. */
    static HttpResponse unauthorized() {
        HttpResponse r = error(401, "unauthorized", "credentials required (HTTP Basic)");
        return new HttpResponse(r.status(), r.contentType(),
                Map.of("www-authenticate", "Basic realm=\"mgw admin\", charset=\"UTF-8\""), r.body());
    }

    static boolean isRead(String method) {
        return method.equals("GET") || method.equals("HEAD");
    }
}
