package io.mgw.ops.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.Executor;

/** What every connection of one listener shares: routing, the handler executor, limits and meters. */
record ListenerContext(Router router, Executor executor, Duration requestTimeout, MeterRegistry meters) {

    static final String NO_ENDPOINT = "none";

    Timer served(String endpoint, int status) {
        return Timer.builder("gateway.http.request.served")
                .description("HTTP requests answered, by endpoint prefix and status; time from request head to "
                        + "response written")
                .tag("endpoint", endpoint)
                .tag("status", Integer.toString(status))
                .register(meters);
    }

    Counter handlerFailed(String endpoint, String reason) {
        return Counter.builder("gateway.http.handler.failed")
                .description("HTTP handlers that threw, failed their stage, timed out or could not be scheduled")
                .tag("endpoint", endpoint)
                .tag("reason", reason)
                .register(meters);
    }
}
