package io.mgw.core.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An HTTP response from an {@link HttpEndpoint}.
 *
 * @param status      status code
 * @param contentType the Content-Type header value
 * @param headers     extra headers
 * @param body        the body bytes
 */
public record HttpResponse(int status, String contentType, Map<String, String> headers, byte[] body) {

    public HttpResponse {
        headers = Map.copyOf(headers);
    }

    public static HttpResponse json(int status, String json) {
        return new HttpResponse(status, "application/json", Map.of(), json.getBytes(StandardCharsets.UTF_8));
    }

    public static HttpResponse text(int status, String text) {
        return new HttpResponse(status, "text/plain; charset=utf-8", Map.of(), text.getBytes(StandardCharsets.UTF_8));
    }
}
