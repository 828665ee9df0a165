package io.mgw.core.http;

import java.util.concurrent.CompletionStage;

/**
 * A piece of the node's HTTP API (admin API, REST messaging API, ParlayX SOAP, WCTP, MM7...), mounted on the node's
 * single HTTP listener under {@link #pathPrefix()}. The listener caps body size at {@link #maxBodyBytes()} before
 * calling, answers 413 above it, and runs {@link #handle} off the network threads, so a handler may block briefly.
 */
public interface HttpEndpoint {

    /** Path prefix this endpoint serves, e.g. "/api/v1/messages"; the longest matching prefix wins. */
    String pathPrefix();

    /** Largest request body accepted, in bytes. */
    default int maxBodyBytes() {
        return 64 * 1024;
    }

    CompletionStage<HttpResponse> handle(HttpRequest request);
}
