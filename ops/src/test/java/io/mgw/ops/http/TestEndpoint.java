package io.mgw.ops.http;

import io.mgw.core.http.HttpEndpoint;
import io.mgw.core.http.HttpRequest;
import io.mgw.core.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** An endpoint made of a prefix, a body limit and a function, for tests. */
record TestEndpoint(String pathPrefix, int maxBodyBytes, Function<HttpRequest, CompletionStage<HttpResponse>> fn)
        implements HttpEndpoint {

    /** Answers 200 with "prefix path". */
    static TestEndpoint echoPrefix(String prefix) {
        return new TestEndpoint(prefix, 64 * 1024,
                r -> CompletableFuture.completedFuture(HttpResponse.text(200, prefix + " " + r.path())));
    }

    static TestEndpoint sync(String prefix, int maxBodyBytes, Function<HttpRequest, HttpResponse> fn) {
        return new TestEndpoint(prefix, maxBodyBytes, r -> CompletableFuture.completedFuture(fn.apply(r)));
    }

    @Override
    public CompletionStage<HttpResponse> handle(HttpRequest request) {
        return fn.apply(request);
    }
}
