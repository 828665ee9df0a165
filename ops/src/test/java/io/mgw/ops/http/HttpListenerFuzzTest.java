package io.mgw.ops.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mgw.core.http.HttpRequest;
import io.mgw.core.http.HttpResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Coverage-guided fuzzing (Jazzer) of the HTTP listener's connection pipeline, driven without a socket: the handlers
 * {@link HttpListener#initPipeline} installs (idle timer, HTTP codec, {@link HttpConnectionHandler}) on an
 * {@link EmbeddedChannel} with auto-read off, fed a client's bytes (request lines, headers, fixed and chunked bodies,
 * pipelined requests, raw bytes) in fuzzed pieces, each only once the connection asked for input. Two endpoints:
 * {@code /echo} answers 200 with the body (1 KiB at most), {@code /never} never answers (503 at the request timeout).
 * Handlers run from a queue on the test thread, and time moves only when the test advances it, so a run is exact.
 *
 * <p>The oracle: nothing reaches the handler's {@code exceptionCaught} or is logged beyond the expected timeout; the
 * bytes written parse as HTTP responses, one per recorded response, framed by their Content-Length; every status is
 * one the listener documents (100, 400, 404, 413, 414, 417, 431) or an endpoint's answer, and the endpoints' answers
 * come back in request order; an endpoint never sees a body over its limit or a path outside its prefix; 413, 414 and
 * 431 say "Connection: close", nothing follows a "Connection: close" and the connection then closes; an open
 * connection always either waits for input or has an answer coming; and every buffer the channel allocated is
 * released at the end (a tracking allocator, exact where the leak detector samples and waits for GC).
 *
 * <p>In {@code ./mvnw verify} the test runs over its seeds in
 * {@code src/test/resources/io/mgw/ops/http/HttpListenerFuzzTestInputs/}; {@code JAZZER_FUZZ=1 ./mvnw -pl ops -am test
 * -Dtest=HttpListenerFuzzTest#connection -Dsurefire.failIfNoSpecifiedTests=false} fuzzes it (docs/FUZZING.md).
 */
class HttpListenerFuzzTest {

    private static final int ECHO_MAX_BODY = 1024;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
    /** The smallest header block the config allows, so that 431 is in reach. */
    private static final HttpListenerConfig CONFIG = new HttpListenerConfig("127.0.0.1", 0, 1024,
            HttpListenerConfig.DEFAULT_IDLE_TIMEOUT, 1, 1, 1, Runnable::run, REQUEST_TIMEOUT, Optional.empty());
    private static final SimpleMeterRegistry METERS = new SimpleMeterRegistry();

    /** Statuses the listener answers with itself (HttpListener's documentation). */
    private static final Set<Integer> LISTENER_STATUSES = Set.of(100, 400, 404, 413, 414, 417, 431);
    /** Statuses after which the connection closes. */
    private static final Set<Integer> CLOSING_STATUSES = Set.of(413, 414, 431);
    /** What the handler may log here: /never's timeout, and an idle connection closed. */
    private static final Set<String> EXPECTED_LOGS = Set.of(
            "HTTP {} {} on {}: no response within {}", "closing idle HTTP connection from {}");

    /**
     * The handler's own log (at DEBUG: its exceptionCaught logs there) and every WARN or ERROR of the rest (Netty
     * reports a task or listener that threw that way); kept out of the console.
     */
    private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();

    static {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        LOG.setContext(logging);
        LOG.start();
        ch.qos.logback.classic.Logger handler = logging.getLogger(HttpConnectionHandler.class);
        handler.setLevel(Level.DEBUG);
        handler.setAdditive(false);
        handler.addAppender(LOG);
        logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(LOG);
    }

    /** Gives the handler's logger and the root logger back as they were, for the test classes run after this one. */
    @AfterAll
    static void restoreLogging() {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        ch.qos.logback.classic.Logger handler = logging.getLogger(HttpConnectionHandler.class);
        handler.detachAppender(LOG);
        handler.setAdditive(true);
        handler.setLevel(null);
        logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(LOG);
        LOG.stop();
    }

    private static final String[] METHODS = {"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE", "CONNECT",
        "get", "PO ST", ""};
    private static final String[] VERSIONS = {"HTTP/1.1", "HTTP/1.0", "HTTP/1.1", "HTTP/2.0", "HTTP/1.1 ", "HTTP/1",
        "http/1.1", ""};

    @FuzzTest(maxDuration = "60s")
    void connection(FuzzedDataProvider in) {
        int piece = in.consumeInt(1, 2048);
        long settleFirst = in.consumeLong();
        byte[] bytes = clientBytes(in);

        Connection c = new Connection();
        try {
            c.feed(bytes, piece, settleFirst);
            c.check();
        } finally {
            c.close();
        }
        c.checkReleased();
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() {
        Connection c = run("GET /echo HTTP/1.1\r\n\r\n"
                + "POST /echo/x?y=1 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
                + "GET /never HTTP/1.1\r\n\r\n"
                + "HEAD /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
                + "GET /nothing HTTP/1.1\r\n\r\n"
                + "GET /echo/../never HTTP/1.1\r\n\r\n", 7);

        assertThat(c.written).extracting(Written::status).containsExactly(200, 200, 503, 200, 404, 400);
        assertThat(c.calls).extracting(Call::path).containsExactly("/echo", "/echo/x", "/never", "/echo");
        assertThat(c.openAtEnd).isTrue();
    }

    @Test
    void bodiesOverTheLimitAndOversizeHeadsCloseTheConnection() {
        assertThat(run("POST /echo HTTP/1.1\r\nContent-Length: 1025\r\n\r\n", 100).written)
                .extracting(Written::status).containsExactly(413);
        assertThat(run("POST /echo HTTP/1.1\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "400\r\n" + "x".repeat(1024) + "\r\n1\r\ny\r\n0\r\n\r\n", 300).written)
                .extracting(Written::status).containsExactly(100, 413);
        assertThat(run("GET /echo HTTP/1.1\r\nX-Pad: " + "p".repeat(1100) + "\r\n\r\n", 4096).written)
                .extracting(Written::status).containsExactly(431);
        assertThat(run("GET /echo/" + "a".repeat(9000) + " HTTP/1.1\r\n\r\n", 4096).written)
                .extracting(Written::status).containsExactly(414);
    }

    /** Runs the bytes through a connection in pieces of {@code piece} bytes, checks it, and returns it. */
    private static Connection run(String bytes, int piece) {
        Connection c = new Connection();
        try {
            c.feed(bytes.getBytes(StandardCharsets.ISO_8859_1), piece, 0);
            c.check();
            assertThat(c.openAtEnd).as("open after a close status")
                    .isEqualTo(c.written.stream().noneMatch(w -> CLOSING_STATUSES.contains(w.status())));
        } finally {
            c.close();
        }
        c.checkReleased();
        return c;
    }

    /** What a client sends: requests built from the fuzz data, and raw bytes between them. */
    private static byte[] clientBytes(FuzzedDataProvider in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int parts = in.consumeInt(1, 8);
        for (int p = 0; p < parts && in.remainingBytes() > 0; p++) {
            if (in.consumeInt(0, 4) == 0) {
                out.writeBytes(in.consumeBytes(in.consumeInt(0, 512)));
            } else {
                request(in, out);
            }
        }
        return out.toByteArray();
    }

    private static void request(FuzzedDataProvider in, ByteArrayOutputStream out) {
        String eol = in.consumeInt(0, 7) == 0 ? "\n" : "\r\n";
        String method = in.consumeInt(0, 9) == 0 ? in.consumeAsciiString(12) : in.pickValue(METHODS);
        String target = switch (in.consumeInt(0, 11)) {
            case 0, 1 -> "/echo";
            case 2 -> "/never";
            case 3 -> "/echo/" + in.consumeAsciiString(40);
            case 4 -> "/echo?" + in.consumeAsciiString(40);
            case 5 -> "/nothing";
            case 6 -> "http://mgw" + in.pickValue(new String[] {"/echo", "", "/never?x=1", "/echo/../never"});
            case 7 -> "/echo/" + "a".repeat(in.consumeInt(0, 9_000));
            case 8 -> in.pickValue(new String[] {"*", "/echo/..", "/echo/%2e%2e/never", "/%zz", "//echo", "echo"});
            default -> in.consumeAsciiString(80);
        };
        String version = in.consumeInt(0, 9) == 0 ? in.consumeAsciiString(10) : in.pickValue(VERSIONS);
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(' ').append(version)
                .append(eol);
        boolean chunked = false;
        int length = -1;
        int headers = in.consumeInt(0, 6);
        for (int h = 0; h < headers; h++) {
            switch (in.consumeInt(0, 10)) {
                case 0 -> head.append("Host: mgw");
                case 1 -> {
                    length = in.consumeInt(0, 2 * ECHO_MAX_BODY);
                    head.append("Content-Length: ").append(length);
                }
                case 2 -> head.append("Content-Length: ").append(in.consumeAsciiString(12));
                case 3 -> {
                    chunked = true;
                    head.append("Transfer-Encoding: chunked");
                }
                case 4 -> head.append("Transfer-Encoding: ")
                        .append(in.pickValue(new String[] {"gzip, chunked", "chunked, gzip", "identity", "Chunked"}));
                case 5 -> head.append("Expect: ")
                        .append(in.pickValue(new String[] {"100-continue", "100-Continue ", "200-ok", ""}));
                case 6 -> head.append("Connection: ")
                        .append(in.pickValue(new String[] {"close", "keep-alive", "Keep-Alive, Upgrade", ""}));
                case 7 -> head.append("X-Pad: ").append("p".repeat(in.consumeInt(0, 1_500)));
                case 8 -> head.append(" folded"); // obs-fold, a continuation line
                default -> head.append(in.consumeAsciiString(16)).append(": ").append(in.consumeAsciiString(32));
            }
            head.append(eol);
        }
        head.append(eol);
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (chunked && in.consumeBoolean()) {
            int chunks = in.consumeInt(0, 4);
            for (int i = 0; i < chunks; i++) {
                int size = in.consumeInt(0, 1_400);
                String ext = in.consumeBoolean() ? "" : ";" + in.consumeAsciiString(8);
                out.writeBytes((Integer.toHexString(size) + ext + eol).getBytes(StandardCharsets.ISO_8859_1));
                out.writeBytes(in.consumeBytes(size));
                out.writeBytes(eol.getBytes(StandardCharsets.ISO_8859_1));
            }
            String trailer = in.consumeBoolean() ? "" : "X-Trailer: " + in.consumeAsciiString(16) + eol;
            out.writeBytes(("0" + eol + trailer + eol).getBytes(StandardCharsets.ISO_8859_1));
        } else if (length >= 0) {
            out.writeBytes(in.consumeBytes(length)); // may come short: the next request is then read as body
        }
    }

    /** A request an endpoint was called with. */
    private record Call(String endpoint, String method, String path, byte[] body) {}

    /** A response the handler wrote, as it passed towards the codec. */
    private record Written(int status, String connection, String contentLength, byte[] content) {}

    /** One connection: the listener's pipeline on an embedded channel, and what the test saw of it. */
    private static final class Connection {

        private final Tracking alloc = new Tracking();
        private final ArrayDeque<Runnable> handlerTasks = new ArrayDeque<>();
        private final List<Call> calls = new ArrayList<>();
        private final List<HttpMethod> heads = new ArrayList<>();
        private final List<Written> written = new ArrayList<>();
        private final ByteArrayOutputStream wire = new ByteArrayOutputStream();
        private final EmbeddedChannel ch;
        private boolean readRequested;
        private boolean openAtEnd;

        Connection() {
            LOG.list.clear();
            Router router = new Router(List.of(
                    new TestEndpoint("/echo", ECHO_MAX_BODY, r -> {
                        calls.add(call("/echo", r));
                        return CompletableFuture.completedFuture(
                                new HttpResponse(200, "application/octet-stream", Map.of(), r.body()));
                    }),
                    new TestEndpoint("/never", ECHO_MAX_BODY, r -> {
                        calls.add(call("/never", r));
                        return new CompletableFuture<>();
                    })));
            ListenerContext context = new ListenerContext(router, handlerTasks::add, REQUEST_TIMEOUT, METERS);
            ch = new EmbeddedChannel(false, false);
            ch.config().setAllocator(alloc);
            ch.config().setAutoRead(false); // as the listener's child channels
            HttpListener.initPipeline(ch, CONFIG, context);
            ch.pipeline().addFirst("reads", new ChannelDuplexHandler() {
                @Override
                public void read(ChannelHandlerContext ctx) {
                    readRequested = true;
                    ctx.read();
                }
            });
            ch.pipeline().addAfter("http", "watch", new ChannelDuplexHandler() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (msg instanceof io.netty.handler.codec.http.HttpRequest request) {
                        heads.add(request.method());
                    }
                    ctx.fireChannelRead(msg);
                }

                @Override
                public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                    if (msg instanceof FullHttpResponse r && ctx.channel().isActive()) {
                        written.add(new Written(r.status().code(), r.headers().get(HttpHeaderNames.CONNECTION),
                                r.headers().get(HttpHeaderNames.CONTENT_LENGTH), ByteBufUtil.getBytes(r.content())));
                    }
                    ctx.write(msg, promise);
                }
            });
            try {
                ch.register();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            ch.freezeTime(); // from here on, time moves only when the test advances it
        }

        private static Call call(String endpoint, HttpRequest r) {
            return new Call(endpoint, r.method(), r.path(), r.body());
        }

        /**
         * Sends the bytes in pieces, each once the connection asked for input (auto-read is off); before a piece,
         * and whenever it has not asked, lets the handlers and the connection's tasks run first.
         */
        void feed(byte[] bytes, int piece, long settleFirst) {
            int at = 0;
            for (int i = 0; at < bytes.length && ch.isOpen(); i++) {
                if ((settleFirst >>> (i & 63) & 1) != 0 || !wantsInput()) {
                    settle();
                    if (!ch.isOpen()) {
                        break;
                    }
                    assertThat(wantsInput()).as("an open connection with no answer coming waits for input").isTrue();
                }
                int n = Math.min(piece, bytes.length - at);
                ByteBuf buf = alloc.buffer(n).writeBytes(bytes, at, n);
                at += n;
                readRequested = false;
                ch.writeInbound(buf);
                takeOutput();
            }
            settle();
            // past the linger of a rejected connection, and any request timeout (nothing is in flight after settle)
            ch.advanceTimeBy(5, TimeUnit.SECONDS);
            ch.runPendingTasks();
            takeOutput();
            openAtEnd = ch.isOpen();
        }

        private boolean wantsInput() {
            return readRequested || ch.config().isAutoRead();
        }

        /** Runs handler and channel tasks until none is left, moving time on while an endpoint has not answered. */
        private void settle() {
            for (int round = 0; ; round++) {
                assertThat(round).as("the connection settles").isLessThan(10_000);
                ch.runPendingTasks();
                Runnable task = handlerTasks.poll();
                if (task != null) {
                    task.run();
                } else if (ch.isOpen() && answers().size() < calls.size()) {
                    ch.advanceTimeBy(REQUEST_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
                } else {
                    takeOutput();
                    return;
                }
            }
        }

        private void takeOutput() {
            for (Object o; (o = ch.readOutbound()) != null; ) {
                ByteBuf b = (ByteBuf) o;
                try {
                    wire.writeBytes(ByteBufUtil.getBytes(b));
                } finally {
                    b.release();
                }
            }
        }

        /** The endpoints' answers: 200 only comes from /echo, 503 only from a timeout. */
        private List<Written> answers() {
            return written.stream().filter(w -> w.status() == 200 || w.status() == 503).toList();
        }

        void check() {
            assertThat(LOG.list).as("logged").allSatisfy(e -> assertThat(e.getMessage())
                    .as("%s %s", e.getLevel(), e.getFormattedMessage()).isIn(EXPECTED_LOGS));
            ch.checkException();
            assertThat(ch.inboundMessages()).as("reached the end of the pipeline").isEmpty();

            for (Call c : calls) {
                assertThat(c.body().length).as("body of %s", c).isLessThanOrEqualTo(ECHO_MAX_BODY);
                assertThat(Router.matches(c.endpoint(), c.path())).as("path of %s", c).isTrue();
                assertThat(c.path().split("/", -1)).as("path of %s", c).doesNotContain(".", "..");
            }

            List<Written> finals = written.stream().filter(w -> w.status() != 100).toList();
            assertThat(finals.size()).as("final responses for %s request heads", heads.size())
                    .isLessThanOrEqualTo(heads.size());
            for (int i = 0; i < written.size(); i++) {
                Written w = written.get(i);
                assertThat(w.status()).as("status").satisfiesAnyOf(
                        s -> assertThat(s).isIn(LISTENER_STATUSES),
                        s -> assertThat(s).isIn(200, 503));
                if (CLOSING_STATUSES.contains(w.status())) {
                    assertThat(w.connection()).as("Connection of a %d", w.status())
                            .isEqualToIgnoringCase(HttpHeaderValues.CLOSE.toString());
                }
                if (HttpHeaderValues.CLOSE.contentEqualsIgnoreCase(w.connection())) {
                    assertThat(i).as("responses after a Connection: close").isEqualTo(written.size() - 1);
                    assertThat(ch.isOpen()).as("open after Connection: close").isFalse();
                }
            }
            for (int i = 0; i < finals.size(); i++) {
                Written w = finals.get(i);
                if (heads.get(i).equals(HttpMethod.HEAD)) {
                    assertThat(w.content()).as("content of the answer to HEAD").isEmpty();
                } else {
                    assertThat(w.contentLength()).as("Content-Length of a %d", w.status())
                            .isEqualTo(Integer.toString(w.content().length));
                }
            }

            List<Written> answers = answers();
            assertThat(answers.size()).as("answers to %s", calls).isLessThanOrEqualTo(calls.size());
            if (ch.isOpen()) {
                assertThat(answers).as("answers to %s", calls).hasSameSizeAs(calls);
            }
            for (int i = 0; i < answers.size(); i++) {
                Call c = calls.get(i);
                Written w = answers.get(i);
                if (c.endpoint().equals("/never")) {
                    assertThat(w.status()).as("answer to %s", c).isEqualTo(503);
                } else {
                    assertThat(w.status()).as("answer to %s", c).isEqualTo(200);
                    assertThat(w.content()).as("answer to %s", c)
                            .isEqualTo(c.method().equals("HEAD") ? new byte[0] : c.body());
                }
            }

            checkWire();
        }

        /** The bytes on the wire are the recorded responses, in order, each framed by its Content-Length. */
        private void checkWire() {
            Iterator<Written> expected = written.iterator();
            ResponseParser parser = new ResponseParser(expected);
            EmbeddedChannel client = new EmbeddedChannel(parser);
            try {
                client.writeInbound(Unpooled.wrappedBuffer(wire.toByteArray()));
                List<Integer> statuses = new ArrayList<>();
                List<String> bodies = new ArrayList<>();
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                for (Object o; (o = client.readInbound()) != null; ) {
                    try {
                        assertThat(((HttpObject) o).decoderResult().isSuccess()).as("parsed %s", o).isTrue();
                        if (o instanceof io.netty.handler.codec.http.HttpResponse r) {
                            statuses.add(r.status().code());
                            assertThat(r.protocolVersion().text()).isEqualTo("HTTP/1.1");
                        }
                        if (o instanceof HttpContent content) {
                            body.writeBytes(ByteBufUtil.getBytes(content.content()));
                        }
                        if (o instanceof LastHttpContent) {
                            bodies.add(body.toString(StandardCharsets.ISO_8859_1));
                            body.reset();
                        }
                    } finally {
                        ReferenceCountUtil.release(o);
                    }
                }
                assertThat(statuses).as("statuses on the wire")
                        .isEqualTo(written.stream().map(Written::status).toList());
                assertThat(bodies).as("bodies on the wire").isEqualTo(written.stream()
                        .map(w -> new String(w.content(), StandardCharsets.ISO_8859_1)).toList());
                assertThat(parser.leftover()).as("bytes after the last response").isZero();
            } finally {
                client.finishAndReleaseAll();
            }
        }

        void close() {
            takeOutput();
            ch.finishAndReleaseAll();
        }

        void checkReleased() {
            assertThat(alloc.unreleased()).as("buffers not released").isEmpty();
        }
    }

    /**
     * Parses responses; a response recorded with no content (an answer to HEAD, a 100) has none on the wire whatever
     * its Content-Length says, as a client that sent the request knows.
     */
    private static final class ResponseParser extends HttpResponseDecoder {

        private final Iterator<Written> expected;
        private final Map<HttpMessage, Boolean> empty = new IdentityHashMap<>();

        ResponseParser(Iterator<Written> expected) {
            this.expected = expected;
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            boolean none = empty.computeIfAbsent(msg, m -> expected.hasNext() && expected.next().content().length == 0);
            return none || super.isContentAlwaysEmpty(msg);
        }

        int leftover() {
            return actualReadableBytes();
        }
    }

    /** Unpooled buffers, each remembered so that the test can tell whether it was released. */
    private static final class Tracking extends AbstractByteBufAllocator {

        private final List<ByteBuf> allocated = new ArrayList<>();

        Tracking() {
            super(false);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            return track(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return track(new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity));
        }

        @Override
        public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
            return track(super.compositeHeapBuffer(maxNumComponents));
        }

        @Override
        public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
            return track(super.compositeDirectBuffer(maxNumComponents));
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }

        private <B extends ByteBuf> B track(B buf) {
            allocated.add(buf);
            return buf;
        }

        List<String> unreleased() {
            return allocated.stream().filter(b -> b.refCnt() > 0).map(ByteBuf::toString).toList();
        }
    }
}
