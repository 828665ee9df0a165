package io.mgw.bench.smpp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One SMPP bind of the load tool over Netty: every bind of a run shares one event loop thread, which writes the
 * submits, reads their responses and the receipts, and answers the receipts, with one socket write per batch.
 *
 * <p>Why not jSMPP here as well: jSMPP blocks a thread per outstanding submit and hands every PDU between its reader
 * thread, a PDU worker and the waiting submitter, and writes each PDU with a system call of its own. On a two-core
 * machine that the node under test shares with the tool and the SMSC simulator, the tool's CPU is taken from the
 * node. Here the dispatcher hands the submits due in one schedule tick to the event loop in one task
 * ({@link #enqueue}, {@link #flush}), which writes them with one flush; the deliver_sm_resp of everything read in one
 * go are flushed together too.
 *
 * <p>What it speaks (SMPP 3.4): bind_transmitter/receiver/transceiver and their responses, submit_sm out and
 * submit_sm_resp in (a generic_nack for a submit counts as its response), deliver_sm in (answered ROK), data_sm in
 * (answered ESME_RINVCMDID: the tool does not take it), enquire_link both ways, unbind both ways; any other request is
 * answered generic_nack ESME_RINVCMDID. The PDUs are written and read here, not with protocol-smpp's
 * {@code PduWriter}/{@code PduBodyReader}: a load tool that shares the server's codec would share its mistakes
 * too (as jSMPP did not), and writing into the ByteBuf saves a copy per PDU. Threading: {@link #enqueue} and
 * {@link #flush} on the dispatcher thread only; everything else on the event loop.
 */
final class NettyBind {

  static final int BIND_RECEIVER = 0x00000001;
  static final int BIND_TRANSMITTER = 0x00000002;
  static final int BIND_TRANSCEIVER = 0x00000009;
  private static final int GENERIC_NACK = 0x80000000;
  private static final int SUBMIT_SM = 0x00000004;
  private static final int SUBMIT_SM_RESP = 0x80000004;
  private static final int DELIVER_SM = 0x00000005;
  private static final int DELIVER_SM_RESP = 0x80000005;
  private static final int UNBIND = 0x00000006;
  private static final int UNBIND_RESP = 0x80000006;
  private static final int ENQUIRE_LINK = 0x00000015;
  private static final int ENQUIRE_LINK_RESP = 0x80000015;
  private static final int DATA_SM = 0x00000103;
  private static final int DATA_SM_RESP = 0x80000103;
  private static final int ESME_RINVCMDID = 0x03;
  private static final int TAG_RECEIPTED_MESSAGE_ID = 0x001E;
  private static final int TAG_MESSAGE_PAYLOAD = 0x0424;
  private static final int MAX_PDU = 64 * 1024;
  private static final long ENQUIRE_LINK_MILLIS = 30_000;
  private static final long TIMEOUT_CHECK_MILLIS = 100;

  /** What a bind reports to its run (called on the event loop). */
  interface Events {
    /** A submit's response came: its command_status and, when accepted, the message id. */
    void response(int status, String messageId, long intendedNanos, long sentNanos, long doneNanos, boolean measured);

    /** A submit had no response within the response timeout. */
    void timeout();

    /** A submit could not be sent ({@code kind} says why). */
    void error(String kind);

    /**
     * A deliver_sm came.
     *
     * @param receipt whether its esm_class says SMSC delivery receipt
     * @param text its short_message (or message_payload)
     * @param receiptedId the receipted_message_id TLV's value, or null
     */
    void deliverSm(boolean receipt, byte[] text, byte[] receiptedId, long nowNanos);

    /** Another PDU than a receipt that the tool does not take (data_sm). */
    void other();

    /** The bind closed while the run still used it. */
    void lost(String which);
  }

  /** A submit waiting for the event loop: its part and intended start. */
  private record Pending(MessageFactory.Part part, long intendedNanos, boolean measured) {}

  /** A submit written and not yet answered. */
  private record Outstanding(long intendedNanos, long sentNanos, boolean measured) {}

  private final LoadConfig cfg;
  private final Events events;
  private final Semaphore window;
  private final String name;
  private final byte sourceTon;
  private final byte[] source;
  private volatile Channel channel;
  private final CompletableFuture<Integer> bindResponse = new CompletableFuture<>();
  private final CompletableFuture<Void> unbound = new CompletableFuture<>();
  /** Event loop only. */
  private final Map<Integer, Outstanding> outstanding = new HashMap<>();
  /** Event loop only. */
  private int sequence;
  private volatile boolean bound;
  private volatile boolean closing;
  /** Dispatcher thread only. */
  private List<Pending> batch = new ArrayList<>();

  private NettyBind(LoadConfig cfg, Events events, Semaphore window, String name) {
    this.cfg = requireNonNull(cfg, "cfg");
    this.events = requireNonNull(events, "events");
    this.window = window == null ? new Semaphore(0) : window;
    this.name = requireNonNull(name, "name");
    this.source = cfg.sourceAddr().getBytes(US_ASCII);
    this.sourceTon = (byte) (cfg.sourceAddr().chars().allMatch(Character::isDigit) ? 0 : 5);
  }

  /**
   * Connects and binds.
   *
   * @param bindCommand {@link #BIND_TRANSCEIVER}, {@link #BIND_TRANSMITTER} or {@link #BIND_RECEIVER}
   * @param window the bind's submit window, released as submits end (null for a receiver)
   * @throws IOException when the connection or the bind fails
   */
  static NettyBind open(EventLoopGroup group, LoadConfig cfg, int bindCommand, Semaphore window, Events events,
      String name, long timeoutMillis) throws IOException {
    NettyBind bind = new NettyBind(cfg, events, window, name);
    Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeoutMillis)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(MAX_PDU, 0, 4, -4, 0));
            ch.pipeline().addLast(bind.new Handler());
          }
        });
    ChannelFuture f = b.connect(cfg.host(), cfg.port());
    try {
      f.sync();
      bind.channel = f.channel();
      ByteBuf pdu = f.channel().alloc().buffer(64);
      int start = begin(pdu, bindCommand, 0, 1);
      cString(pdu, cfg.systemId());
      cString(pdu, cfg.password());
      cString(pdu, cfg.systemType());
      pdu.writeByte(0x34); // interface_version 3.4
      pdu.writeByte(0); // addr_ton
      pdu.writeByte(0); // addr_npi
      pdu.writeByte(0); // address_range ""
      end(pdu, start);
      f.channel().eventLoop().execute(() -> {
        bind.sequence = 1;
        f.channel().writeAndFlush(pdu, f.channel().voidPromise());
      });
      int status = bind.bindResponse.get(timeoutMillis, TimeUnit.MILLISECONDS);
      if (status != 0) {
        f.channel().close();
        throw new IOException("bind refused: command_status " + hex(status));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.channel().close();
      throw new IOException("interrupted while binding", e);
    } catch (ExecutionException | TimeoutException e) {
      f.channel().close();
      throw new IOException("no bind response: " + (e.getCause() == null ? e : e.getCause()), e);
    } catch (RuntimeException e) { // Netty rethrows connect failures undeclared
      f.channel().close();
      throw new IOException(e.toString(), e);
    }
    bind.bound = true;
    f.channel().eventLoop().scheduleAtFixedRate(bind::expire, TIMEOUT_CHECK_MILLIS, TIMEOUT_CHECK_MILLIS,
        TimeUnit.MILLISECONDS);
    f.channel().eventLoop().scheduleAtFixedRate(bind::enquireLink, ENQUIRE_LINK_MILLIS, ENQUIRE_LINK_MILLIS,
        TimeUnit.MILLISECONDS);
    return bind;
  }

  boolean isBound() {
    return bound && channel.isActive();
  }

  /** Queues a submit for the next {@link #flush} (dispatcher thread; its window permit is already taken). */
  void enqueue(MessageFactory.Part part, long intendedNanos, boolean measured) {
    batch.add(new Pending(part, intendedNanos, measured));
  }

  /** Hands the queued submits to the event loop, which writes them with one flush (dispatcher thread). */
  void flush() {
    if (batch.isEmpty()) {
      return;
    }
    List<Pending> b = batch;
    batch = new ArrayList<>();
    channel.eventLoop().execute(() -> write(b));
  }

  /** Unbinds (waiting up to five seconds for the response) and closes. */
  void unbindAndClose() {
    closing = true;
    if (channel.isActive()) {
      channel.eventLoop().execute(() -> {
        ByteBuf pdu = channel.alloc().buffer(16);
        int start = begin(pdu, UNBIND, 0, nextSequence());
        end(pdu, start);
        channel.writeAndFlush(pdu);
      });
      try {
        unbound.get(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        // closed below either way
      }
    }
    channel.close().syncUninterruptibly();
  }

  private void write(List<Pending> submits) {
    if (!channel.isActive()) {
      for (int i = 0; i < submits.size(); i++) {
        events.error("session-not-bound");
        window.release();
      }
      return;
    }
    for (Pending p : submits) {
      int seq = nextSequence();
      MessageFactory.Part part = p.part();
      byte[] dest = part.destination().getBytes(US_ASCII);
      ByteBuf pdu = channel.alloc().buffer(64 + source.length + dest.length + part.shortMessage().length);
      int start = begin(pdu, SUBMIT_SM, 0, seq);
      pdu.writeByte(0); // service_type ""
      pdu.writeByte(sourceTon);
      pdu.writeByte(0);
      pdu.writeBytes(source);
      pdu.writeByte(0);
      pdu.writeByte(1); // international
      pdu.writeByte(1); // ISDN
      pdu.writeBytes(dest);
      pdu.writeByte(0);
      pdu.writeByte(part.esmClass());
      pdu.writeByte(0); // protocol_id
      pdu.writeByte(0); // priority_flag
      pdu.writeByte(0); // schedule_delivery_time ""
      pdu.writeByte(0); // validity_period ""
      pdu.writeByte(cfg.registeredDelivery());
      pdu.writeByte(0); // replace_if_present_flag
      pdu.writeByte(part.dataCoding());
      pdu.writeByte(0); // sm_default_msg_id
      pdu.writeByte(part.shortMessage().length);
      pdu.writeBytes(part.shortMessage());
      end(pdu, start);
      outstanding.put(seq, new Outstanding(p.intendedNanos(), System.nanoTime(), p.measured()));
      channel.write(pdu, channel.voidPromise());
    }
    channel.flush();
  }

  private int nextSequence() {
    sequence = sequence == 0x7FFFFFFF ? 1 : sequence + 1;
    return sequence;
  }

  /** Submits unanswered for longer than the response timeout are given up (event loop). */
  private void expire() {
    long now = System.nanoTime();
    long limit = cfg.responseTimeout().toNanos();
    for (Iterator<Outstanding> it = outstanding.values().iterator(); it.hasNext(); ) {
      if (now - it.next().sentNanos() > limit) {
        it.remove();
        events.timeout();
        window.release();
      }
    }
  }

  private void enquireLink() {
    if (channel.isActive() && !closing) {
      ByteBuf pdu = channel.alloc().buffer(16);
      end(pdu, begin(pdu, ENQUIRE_LINK, 0, nextSequence()));
      channel.writeAndFlush(pdu, channel.voidPromise());
    }
  }

  private final class Handler extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf pdu = (ByteBuf) msg;
      try {
        read(ctx, pdu);
      } finally {
        ReferenceCountUtil.release(pdu);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush(); // the answers to everything read in this go, in one write
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      bindResponse.completeExceptionally(new IOException("connection closed"));
      unbound.complete(null);
      if (bound && !closing) {
        events.lost(name);
      }
      for (int i = outstanding.size(); i > 0; i--) {
        events.error("session-not-bound");
        window.release();
      }
      outstanding.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      events.error(cause.getClass().getSimpleName());
      ctx.close();
    }

    private void read(ChannelHandlerContext ctx, ByteBuf pdu) {
      pdu.skipBytes(4);
      int command = pdu.readInt();
      int status = pdu.readInt();
      int seq = pdu.readInt();
      switch (command) {
        case SUBMIT_SM_RESP, GENERIC_NACK -> {
          long done = System.nanoTime();
          Outstanding o = outstanding.remove(seq);
          if (o == null) {
            return; // after its timeout, or a nack of something else
          }
          String id = status == 0 && pdu.isReadable() ? readCString(pdu) : "";
          // counted before the permit goes back: the run's end waits for all permits, then reads the counts
          events.response(status, id, o.intendedNanos(), o.sentNanos(), done, o.measured());
          window.release();
        }
        case DELIVER_SM -> {
          deliverSm(pdu, System.nanoTime());
          respond(ctx, DELIVER_SM_RESP, 0, seq, true);
        }
        case DATA_SM -> {
          events.other();
          respond(ctx, DATA_SM_RESP, ESME_RINVCMDID, seq, true);
        }
        case ENQUIRE_LINK -> respond(ctx, ENQUIRE_LINK_RESP, 0, seq, false);
        case UNBIND -> {
          ByteBuf resp = ctx.alloc().buffer(16);
          end(resp, begin(resp, UNBIND_RESP, 0, seq));
          ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        }
        case UNBIND_RESP -> {
          unbound.complete(null);
          ctx.close();
        }
        case BIND_RECEIVER | 0x80000000, BIND_TRANSMITTER | 0x80000000, BIND_TRANSCEIVER | 0x80000000 ->
            bindResponse.complete(status);
        case ENQUIRE_LINK_RESP -> {
          // the link is alive
        }
        default -> {
          if ((command & 0x80000000) == 0) {
            respond(ctx, GENERIC_NACK, ESME_RINVCMDID, seq, false);
          }
        }
      }
    }

    /** Parses a deliver_sm body up to its text and the TLVs the receipt check needs. */
    private void deliverSm(ByteBuf pdu, long now) {
      skipCString(pdu); // service_type
      pdu.skipBytes(2);
      skipCString(pdu); // source_addr
      pdu.skipBytes(2);
      skipCString(pdu); // destination_addr
      int esmClass = pdu.readUnsignedByte();
      pdu.skipBytes(2); // protocol_id, priority_flag
      skipCString(pdu); // schedule_delivery_time
      skipCString(pdu); // validity_period
      pdu.skipBytes(4); // registered_delivery, replace_if_present_flag, data_coding, sm_default_msg_id
      int smLength = pdu.readUnsignedByte();
      byte[] text = new byte[smLength];
      pdu.readBytes(text);
      byte[] receipted = null;
      while (pdu.readableBytes() >= 4) {
        int tag = pdu.readUnsignedShort();
        int length = pdu.readUnsignedShort();
        if (length > pdu.readableBytes()) {
          break;
        }
        if (tag == TAG_RECEIPTED_MESSAGE_ID) {
          receipted = new byte[length];
          pdu.readBytes(receipted);
        } else if (tag == TAG_MESSAGE_PAYLOAD && smLength == 0) {
          text = new byte[length];
          pdu.readBytes(text);
        } else {
          pdu.skipBytes(length);
        }
      }
      events.deliverSm((esmClass & 0x3C) == 0x04, text, receipted, now);
    }
  }

  /** Writes a response (a deliver_sm_resp or data_sm_resp with an empty message_id); flushed at read complete. */
  private static void respond(ChannelHandlerContext ctx, int command, int status, int seq, boolean messageId) {
    ByteBuf pdu = ctx.alloc().buffer(17);
    int start = begin(pdu, command, status, seq);
    if (messageId) {
      pdu.writeByte(0);
    }
    end(pdu, start);
    ctx.write(pdu, ctx.voidPromise());
  }

  private static int begin(ByteBuf pdu, int command, int status, int seq) {
    int start = pdu.writerIndex();
    pdu.writeInt(0);
    pdu.writeInt(command);
    pdu.writeInt(status);
    pdu.writeInt(seq);
    return start;
  }

  private static void end(ByteBuf pdu, int start) {
    pdu.setInt(start, pdu.writerIndex() - start);
  }

  private static void cString(ByteBuf pdu, String s) {
    pdu.writeBytes(s.getBytes(US_ASCII));
    pdu.writeByte(0);
  }

  private static String readCString(ByteBuf pdu) {
    int nul = pdu.indexOf(pdu.readerIndex(), pdu.writerIndex(), (byte) 0);
    int end = nul < 0 ? pdu.writerIndex() : nul;
    String s = pdu.toString(pdu.readerIndex(), end - pdu.readerIndex(), US_ASCII);
    pdu.readerIndex(nul < 0 ? end : end + 1);
    return s;
  }

  private static void skipCString(ByteBuf pdu) {
    int nul = pdu.indexOf(pdu.readerIndex(), pdu.writerIndex(), (byte) 0);
    pdu.readerIndex(nul < 0 ? pdu.writerIndex() : nul + 1);
  }

  private static String hex(int status) {
    return String.format(Locale.ROOT, "0x%08X", status);
  }

  /** Creates the one event loop a run's binds share. */
  static EventLoopGroup group() {
    return new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("smpp-load-io", true),
        NioIoHandler.newFactory());
  }

  @Override
  public String toString() {
    return "NettyBind[" + name + "]";
  }
}
