package io.mgw.ops.http;

import io.mgw.core.http.HttpEndpoint;
import io.mgw.core.http.HttpResponse;
import io.mgw.core.log.LimitedLog;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/1.1 connection: reads a request, routes it, collects its body up to the endpoint's limit, runs the
 * endpoint on the handler executor and writes the answer back, one request at a time.
 *
 * <pre>
 *            head ok, body expected            last content
 *   IDLE ----------------------------> READING ------------> IN_FLIGHT --(response written, keep-alive)--> IDLE
 *    |  \                                 |                     |
 *    |   \ 404/405/417/400, no body       | over maxBodyBytes   | (not keep-alive)
 *    |    +--> DISCARDING --(last)--> IDLE |                     v
 *    |                                    +-----------------> CLOSING (answer written, input drained, closed)
 *    +-- bad head, oversize declared body, early answer with a body ----^
 * </pre>
 *
 * <p>The channel runs with auto-read off and asks for input ({@code ctx.read()}) only while it wants a request or more
 * body, never while a handler runs. Objects the decoder still produces from the last read (pipelined requests) are
 * queued and handled in order after the answer. That keeps responses in request order, bounds memory to one body and
 * one read buffer per connection, and stops reading from a client that does not read its responses (writability).
 * Every method runs on the channel's event loop; handler completions hop back onto it.
 */
final class HttpConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(HttpConnectionHandler.class);
    // once per request when an endpoint or what is behind it fails: shared by all connections, ten a minute each
    private static final LimitedLog timeoutLog = LimitedLog.warn(log);
    private static final LimitedLog failedLog = LimitedLog.warn(log);
    private static final LimitedLog noResponseLog = LimitedLog.warn(log);
    private static final LimitedLog unwritableLog = LimitedLog.warn(log);

    /** How long a connection we are closing keeps draining input, so the client can read our answer (no RST). */
    private static final long LINGER_MILLIS = 2_000;
    /** Most body buffer reserved before the bytes arrive, in bytes. */
    private static final int INITIAL_BODY_CAP = 256 * 1024;

    private enum State { IDLE, READING, DISCARDING, IN_FLIGHT, CLOSING }

    /** Marks a handler that did not answer within the request timeout. */
    private static final class RequestTimeout extends RuntimeException {
        RequestTimeout() {
            super("request timeout", null, false, false);
        }
    }

    private final ListenerContext context;

    private State state = State.IDLE;
    private HttpRequest head;
    private String endpointTag = ListenerContext.NO_ENDPOINT;
    private HttpEndpoint endpoint;
    private String path;
    private Map<String, List<String>> query;
    private ByteBuf body;
    private int maxBody;
    private long startNanos;
    private boolean keepAlive;
    private boolean headRequest;
    private int generation;
    private ScheduledFuture<?> timeout;
    private boolean drainWhenWritable;
    /** HTTP objects that arrived while a handler ran (pipelining): handled in order once it has answered. */
    private final ArrayDeque<Object> pending = new ArrayDeque<>();

    HttpConnectionHandler(ListenerContext context) {
        this.context = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.read();
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        state = State.CLOSING;
        generation++;
        releaseBody();
        pending.forEach(ReferenceCountUtil::release);
        pending.clear();
        cancelTimeout();
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.IN_FLIGHT || !pending.isEmpty()) {
            pending.add(msg);
            return;
        }
        handle(ctx, msg);
        readIfWanted(ctx);
    }

    /**
     * Handles what arrived while the last handler ran, until a new handler runs or nothing is left, then asks for
     * more. Waits instead while the client has not taken our earlier answers (the channel is not writable), so a
     * client that pipelines without reading cannot make us pile up answers.
     */
    private void drain(ChannelHandlerContext ctx) {
        if (!ctx.channel().isWritable()) {
            drainWhenWritable = true;
            return;
        }
        while (!pending.isEmpty() && state != State.IN_FLIGHT && state != State.CLOSING) {
            handle(ctx, pending.poll());
        }
        readIfWanted(ctx);
    }

    /** Asks for more input when nothing is queued and the state wants some (a request, body, or skipped body). */
    private void readIfWanted(ChannelHandlerContext ctx) {
        if (pending.isEmpty() && (state == State.IDLE || state == State.READING || state == State.DISCARDING)) {
            if (ctx.channel().isWritable()) {
                ctx.read();
            } else {
                drainWhenWritable = true;
            }
        }
    }

    private void handle(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest request) {
                if (state == State.IDLE) {
                    onHead(ctx, request);
                } else if (state != State.CLOSING) {
                    // A head before the last body part: the decoder never does this; refuse rather than mix requests.
                    log.debug("request head in state {} from {}: closing", state, ctx.channel().remoteAddress());
                    ctx.close();
                    return;
                }
            }
            if (msg instanceof HttpContent content) {
                onContent(ctx, content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(ChannelHandlerContext ctx, HttpRequest request) {
        startNanos = System.nanoTime();
        head = request;
        endpoint = null;
        endpointTag = ListenerContext.NO_ENDPOINT;
        keepAlive = HttpUtil.isKeepAlive(request);
        headRequest = HttpMethod.HEAD.equals(request.method());

        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            if (cause instanceof TooLongHttpLineException) {
                rejectAndClose(ctx, ErrorResponses.of(414, "uri_too_long", "request line too long"));
            } else if (cause instanceof TooLongHttpHeaderException) {
                rejectAndClose(ctx, ErrorResponses.of(431, "headers_too_large", "request headers too large"));
            } else if (cause instanceof TooLongFrameException) {
                rejectAndClose(ctx, ErrorResponses.of(400, "bad_request", "request too long"));
            } else {
                rejectAndClose(ctx, ErrorResponses.of(400, "bad_request", "malformed request"));
            }
            return;
        }
        if (!parseTarget(request.uri())) {
            earlyAnswer(ctx, ErrorResponses.of(400, "bad_request", "malformed request target"));
            return;
        }
        Optional<Router.Route> route = context.router().route(path);
        if (route.isEmpty()) {
            earlyAnswer(ctx, ErrorResponses.of(404, "not_found", "no endpoint for " + path));
            return;
        }
        endpoint = route.get().endpoint();
        endpointTag = route.get().prefix();
        String expect = request.headers().get(HttpHeaderNames.EXPECT);
        if (expect != null && !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect.strip())) {
            earlyAnswer(ctx, ErrorResponses.of(417, "expectation_failed", "only 100-continue is supported"));
            return;
        }
        maxBody = endpoint.maxBodyBytes();
        long declared = HttpUtil.getContentLength(request, -1L);
        if (declared > maxBody) {
            rejectAndClose(ctx, tooLarge());
            return;
        }
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
        }
        // A declared length is only a claim: grow towards it as bytes arrive rather than reserve it up front.
        int initial = (int) Math.min(declared >= 0 ? declared : 8 * 1024, Math.min(maxBody, INITIAL_BODY_CAP));
        body = ctx.alloc().heapBuffer(initial, maxBody);
        state = State.READING;
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent content) {
        switch (state) {
            case READING -> {
                if (content.decoderResult().isFailure()) {
                    releaseBody();
                    rejectAndClose(ctx, ErrorResponses.of(400, "bad_request", "malformed request body"));
                    return;
                }
                ByteBuf data = content.content();
                if ((long) body.readableBytes() + data.readableBytes() > maxBody) {
                    releaseBody();
                    rejectAndClose(ctx, tooLarge());
                    return;
                }
                body.writeBytes(data);
                if (content instanceof LastHttpContent last) {
                    dispatch(ctx, last.trailingHeaders());
                }
            }
            case DISCARDING -> {
                if (content instanceof LastHttpContent) {
                    state = State.IDLE;
                }
            }
            case IDLE, IN_FLIGHT, CLOSING -> {
                // IDLE: stray content after an answered request; CLOSING: input drained until the connection closes.
            }
        }
    }

    /** Answers before the body is read: keeps the connection when there is no body to skip, else closes it. */
    private void earlyAnswer(ChannelHandlerContext ctx, HttpResponse response) {
        boolean hasBody = HttpUtil.getContentLength(head, 0L) > 0 || HttpUtil.isTransferEncodingChunked(head);
        if (hasBody) {
            rejectAndClose(ctx, response);
            return;
        }
        ChannelFuture written = write(ctx, response, keepAlive);
        if (keepAlive) {
            state = State.DISCARDING;
        } else {
            state = State.CLOSING;
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * Writes a final answer with "Connection: close", half-closes, and keeps reading (and dropping) what the client
     * still sends for a moment: closing with unread input would reset the connection and could destroy the answer
     * before the client reads it.
     */
    private void rejectAndClose(ChannelHandlerContext ctx, HttpResponse response) {
        state = State.CLOSING;
        ChannelFuture written = write(ctx, response, false);
        written.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess() || !f.channel().isActive()) {
                f.channel().close();
                return;
            }
            if (f.channel() instanceof SocketChannel socket && ctx.pipeline().get(SslHandler.class) == null) {
                socket.shutdownOutput();
            }
            f.channel().config().setAutoRead(true);
            ctx.executor().schedule(() -> f.channel().close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
        });
    }

    private HttpResponse tooLarge() {
        return ErrorResponses.of(413, "payload_too_large",
                "request body over " + maxBody + " bytes for " + endpointTag);
    }

    private void dispatch(ChannelHandlerContext ctx, HttpHeaders trailers) {
        state = State.IN_FLIGHT;
        byte[] bytes = ByteBufUtil.getBytes(body);
        releaseBody();
        io.mgw.core.http.HttpRequest request = new io.mgw.core.http.HttpRequest(
                head.method().name().toUpperCase(Locale.ROOT),
                path,
                query,
                headers(head.headers(), trailers),
                bytes,
                remote(ctx));
        HttpEndpoint target = endpoint;
        int gen = ++generation;
        timeout = ctx.executor().schedule(() -> complete(ctx, gen, null, new RequestTimeout()),
                context.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
        try {
            context.executor().execute(() -> invoke(ctx, gen, target, request));
        } catch (RejectedExecutionException e) {
            complete(ctx, gen, null, e);
        }
    }

    /** Runs on the handler executor. */
    private void invoke(ChannelHandlerContext ctx, int gen, HttpEndpoint target, io.mgw.core.http.HttpRequest request) {
        CompletionStage<HttpResponse> stage;
        try {
            stage = target.handle(request);
            if (stage == null) {
                stage = CompletableFuture.failedFuture(new NullPointerException("handle returned null"));
            }
        } catch (Throwable t) {
            stage = CompletableFuture.failedFuture(t);
        }
        stage.whenComplete((response, error) -> {
            try {
                ctx.executor().execute(() -> complete(ctx, gen, response, error));
            } catch (RejectedExecutionException e) {
                log.debug("response for a closed listener dropped");
            }
        });
    }

    /** Runs on the event loop: writes the handler's answer, unless the request was answered or abandoned already. */
    private void complete(ChannelHandlerContext ctx, int gen, HttpResponse response, Throwable error) {
        if (state != State.IN_FLIGHT || gen != generation) {
            return;
        }
        cancelTimeout();
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        HttpResponse answer;
        if (cause instanceof RequestTimeout) {
            context.handlerFailed(endpointTag, "timeout").increment();
            timeoutLog.log("HTTP {} {} on {}: no response within {}", head.method(), path, endpointTag,
                    context.requestTimeout());
            answer = ErrorResponses.of(503, "timeout", "no response in time");
        } else if (cause instanceof RejectedExecutionException) {
            context.handlerFailed(endpointTag, "rejected").increment();
            answer = ErrorResponses.of(503, "unavailable", "server is shutting down or overloaded");
        } else if (cause != null) {
            context.handlerFailed(endpointTag, "exception").increment();
            failedLog.log("HTTP {} {} on {} failed", head.method(), path, endpointTag, cause);
            answer = ErrorResponses.of(500, "internal_error", "internal error");
        } else if (response == null) {
            context.handlerFailed(endpointTag, "exception").increment();
            noResponseLog.log("HTTP {} {} on {}: handler completed with no response", head.method(), path, endpointTag);
            answer = ErrorResponses.of(500, "internal_error", "internal error");
        } else {
            answer = response;
        }
        ChannelFuture written = write(ctx, answer, keepAlive);
        if (keepAlive) {
            state = State.IDLE;
            drain(ctx);
        } else {
            state = State.CLOSING;
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (drainWhenWritable && ctx.channel().isWritable()) {
            drainWhenWritable = false;
            drain(ctx);
        }
        super.channelWritabilityChanged(ctx);
    }

    private ChannelFuture write(ChannelHandlerContext ctx, HttpResponse response, boolean keep) {
        FullHttpResponse out;
        try {
            out = toNetty(response, keep);
        } catch (IllegalArgumentException | NullPointerException e) {
            // Status out of range, a header with CR/LF in it...: the endpoint's bug, not the client's.
            context.handlerFailed(endpointTag, "exception").increment();
            unwritableLog.log("HTTP {} {} on {}: unwritable response", head.method(), path, endpointTag, e);
            out = toNetty(ErrorResponses.of(500, "internal_error", "internal error"), keep);
        }
        int status = out.status().code();
        long start = startNanos;
        String tag = endpointTag;
        ChannelFuture f = ctx.writeAndFlush(out);
        f.addListener((ChannelFutureListener) done ->
                context.served(tag, status).record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
        return f;
    }

    private FullHttpResponse toNetty(HttpResponse response, boolean keep) {
        if (response.status() < 200 || response.status() > 599) {
            throw new IllegalArgumentException("status: " + response.status() + " (expected: 200..599)");
        }
        byte[] bytes = response.body() == null ? new byte[0] : response.body();
        FullHttpResponse out = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(response.status()),
                headRequest ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
        HttpHeaders h = out.headers();
        response.headers().forEach(h::set);
        // We always frame with Content-Length; an endpoint's own framing header would corrupt the connection.
        h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        h.set(HttpHeaderNames.DATE, DateFormatter.format(new Date()));
        if (response.contentType() != null && !response.contentType().isEmpty()) {
            h.set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        }
        h.set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        if (!keep) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (head != null && head.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        return out;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            if (state != State.IN_FLIGHT) {
                log.debug("closing idle HTTP connection from {}", ctx.channel().remoteAddress());
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTP connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    /** Splits the request target into a decoded path and query; false if it is not one we serve. */
    private boolean parseTarget(String uri) {
        String raw;
        if (uri.startsWith("/")) {
            raw = uri;
        } else {
            // Absolute form (RFC 9112 §3.2.2), which a server must accept too.
            try {
                URI u = new URI(uri);
                if (!u.isAbsolute() || u.getRawPath() == null) {
                    return false;
                }
                raw = (u.getRawPath().isEmpty() ? "/" : u.getRawPath())
                        + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
            } catch (URISyntaxException e) {
                return false;
            }
        }
        try {
            QueryStringDecoder decoder = new QueryStringDecoder(raw, StandardCharsets.UTF_8, true, 1024, true);
            path = decoder.path();
            Map<String, List<String>> params = new LinkedHashMap<>();
            decoder.parameters().forEach((k, v) -> params.put(k, List.copyOf(v)));
            query = Collections.unmodifiableMap(params);
        } catch (IllegalArgumentException e) {
            return false;
        }
        // Dot segments could slip past prefix-based access rules ("/api/../admin"): refuse them outright.
        for (String segment : path.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return path.startsWith("/");
    }

    private static Map<String, List<String>> headers(HttpHeaders headers, HttpHeaders trailers) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : headers) {
            map.computeIfAbsent(e.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>(1)).add(e.getValue());
        }
        for (Map.Entry<String, String> e : trailers) {
            map.computeIfAbsent(e.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>(1)).add(e.getValue());
        }
        Map<String, List<String>> frozen = new LinkedHashMap<>();
        map.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        return Collections.unmodifiableMap(frozen);
    }

    private static InetSocketAddress remote(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a
                ? a
                : InetSocketAddress.createUnresolved("unknown", 0);
    }

    private void releaseBody() {
        if (body != null) {
            body.release();
            body = null;
        }
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }
}
