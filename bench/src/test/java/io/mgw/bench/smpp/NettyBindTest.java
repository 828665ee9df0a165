package io.mgw.bench.smpp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The load tool's Netty bind against a peer written byte by byte here, so that each PDU an SMSC may send is seen
 * answered on the wire: enquire_link, an unknown command, data_sm, a receipt, unbind, and a bind refused.
 */
class NettyBindTest {

  private final EventLoopGroup group = NettyBind.group();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final NettyBind.Events recorder = new NettyBind.Events() {
    @Override
    public void response(int status, String messageId, long intended, long sent, long done, boolean measured) {
      events.add("response " + status + " " + messageId);
    }

    @Override
    public void timeout() {
      events.add("timeout");
    }

    @Override
    public void error(String kind) {
      events.add("error " + kind);
    }

    @Override
    public void deliverSm(boolean receipt, byte[] text, byte[] receiptedId, long now) {
      events.add("deliver_sm " + receipt + " " + new String(text, US_ASCII) + " "
          + (receiptedId == null ? "-" : new String(receiptedId, 0, receiptedId.length - 1, US_ASCII)));
    }

    @Override
    public void other() {
      events.add("other");
    }

    @Override
    public void lost(String which) {
      events.add("lost " + which);
    }
  };

  @AfterEach
  void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  private static LoadConfig config(int port, String... extra) {
    String[] base = {"--port", String.valueOf(port), "--system-id", "it", "--password", "pw", "--response-timeout",
        "300ms"};
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return LoadConfig.parse(all);
  }

  /** One PDU as read off the wire. */
  private record Pdu(int command, int status, int sequence, byte[] body) {}

  private static Pdu read(DataInputStream in) throws IOException {
    int length = in.readInt();
    int command = in.readInt();
    int status = in.readInt();
    int seq = in.readInt();
    byte[] body = new byte[length - 16];
    in.readFully(body);
    return new Pdu(command, status, seq, body);
  }

  private static void write(DataOutputStream out, int command, int status, int seq, byte[] body) throws IOException {
    out.writeInt(16 + body.length);
    out.writeInt(command);
    out.writeInt(status);
    out.writeInt(seq);
    out.write(body);
    out.flush();
  }

  /** Accepts the bind's connection and answers its bind with {@code status}. */
  private static Socket acceptBind(ServerSocket server, int status) throws IOException {
    Socket s = server.accept();
    s.setSoTimeout(5_000);
    Pdu bind = read(new DataInputStream(s.getInputStream()));
    assertThat(bind.command()).isEqualTo(NettyBind.BIND_TRANSCEIVER);
    assertThat(new String(bind.body(), US_ASCII)).startsWith("it\0pw\0");
    write(new DataOutputStream(s.getOutputStream()), 0x80000009, status, bind.sequence(), "smsc\0".getBytes(US_ASCII));
    return s;
  }

  @Test
  void everyRequestAPeerSendsIsAnswered() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        try {
          NettyBind.open(group, config(server.getLocalPort()), NettyBind.BIND_TRANSCEIVER, new Semaphore(1), recorder,
              "bind 0", 5_000);
        } catch (IOException e) {
          events.add("open failed " + e.getMessage());
        }
      });
      try (Socket s = acceptBind(server, 0)) {
        DataInputStream in = new DataInputStream(s.getInputStream());
        DataOutputStream out = new DataOutputStream(s.getOutputStream());

        write(out, 0x00000015, 0, 7, new byte[0]); // enquire_link
        assertThat(read(in)).satisfies(p -> {
          assertThat(p.command()).isEqualTo(0x80000015);
          assertThat(p.sequence()).isEqualTo(7);
          assertThat(p.status()).isZero();
        });

        write(out, 0x00000099, 0, 8, new byte[] {1, 2, 3}); // no such command
        assertThat(read(in)).satisfies(p -> {
          assertThat(p.command()).isEqualTo(0x80000000);
          assertThat(p.status()).isEqualTo(0x03);
          assertThat(p.sequence()).isEqualTo(8);
        });

        write(out, 0x00000103, 0, 9, new byte[] {0, 0, 0, '1', 0, 0, 0, '2', 0, 0, 0, 0}); // data_sm
        assertThat(read(in)).satisfies(p -> {
          assertThat(p.command()).isEqualTo(0x80000103);
          assertThat(p.status()).isEqualTo(0x03);
        });

        write(out, 0x00000005, 0, 10, receipt("AB12", "DELIVRD")); // deliver_sm receipt with the TLV
        assertThat(read(in)).satisfies(p -> {
          assertThat(p.command()).isEqualTo(0x80000005);
          assertThat(p.status()).isZero();
          assertThat(p.sequence()).isEqualTo(10);
          assertThat(p.body()).containsExactly(0);
        });

        write(out, 0x00000006, 0, 11, new byte[0]); // unbind
        assertThat(read(in)).satisfies(p -> {
          assertThat(p.command()).isEqualTo(0x80000006);
          assertThat(p.sequence()).isEqualTo(11);
        });
        assertThat(in.read()).as("closed after the unbind_resp").isEqualTo(-1);
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("lost bind 0"));
      assertThat(events).containsExactly("other", "deliver_sm true id:AB12 stat:DELIVRD AB12", "lost bind 0");
    }
  }

  @Test
  void aRefusedBindIsAnIoExceptionWithItsStatus() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        try (Socket s = acceptBind(server, 0x0E)) {
          s.getInputStream().read(); // until the tool closes
        } catch (IOException e) {
          // the test fails on the assertion below
        }
      });
      assertThatThrownBy(() -> NettyBind.open(group, config(server.getLocalPort()), NettyBind.BIND_TRANSCEIVER,
          new Semaphore(1), recorder, "bind 0", 5_000))
          .isInstanceOf(IOException.class).hasMessageContaining("0x0000000E");
    }
  }

  @Test
  void aSubmitWithoutAResponseTimesOutAndGivesItsPermitBack() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Semaphore window = new Semaphore(1);
      NettyBind[] bind = new NettyBind[1];
      Thread opener = Thread.ofVirtual().start(() -> {
        try {
          bind[0] = NettyBind.open(group, config(server.getLocalPort()), NettyBind.BIND_TRANSCEIVER, window,
              recorder, "bind 0", 5_000);
        } catch (IOException e) {
          events.add("open failed " + e.getMessage());
        }
      });
      try (Socket s = acceptBind(server, 0)) {
        opener.join(5_000);
        window.acquire();
        bind[0].enqueue(new MessageFactory(MessageMix.parse("gsm:100"), "4479", 10).message(0).get(0),
            System.nanoTime(), true);
        bind[0].flush();
        Pdu submit = read(new DataInputStream(s.getInputStream()));
        assertThat(submit.command()).isEqualTo(0x00000004);
        // no answer: after the response timeout (300 ms) it counts as a timeout and its permit is free again
        await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("timeout"));
        assertThat(window.availablePermits()).isEqualTo(1);
        // a response after that is ignored
        write(new DataOutputStream(s.getOutputStream()), 0x80000004, 0, submit.sequence(), "late\0".getBytes(US_ASCII));
        bind[0].unbindAndClose();
        assertThat(events).containsExactly("timeout");
      }
    }
  }

  /** A deliver_sm body of a receipt for {@code id}, the id also in receipted_message_id. */
  private static byte[] receipt(String id, String stat) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(0); // service_type
    b.write(new byte[] {1, 1});
    b.write("4479\0".getBytes(US_ASCII));
    b.write(new byte[] {0, 0});
    b.write("12345\0".getBytes(US_ASCII));
    b.write(0x04); // esm_class: SMSC delivery receipt
    b.write(new byte[] {0, 0, 0, 0, 0, 0, 0, 0});
    byte[] text = ("id:" + id + " stat:" + stat).getBytes(US_ASCII);
    b.write(text.length);
    b.write(text);
    byte[] tlv = (id + "\0").getBytes(US_ASCII);
    b.write(new byte[] {0x00, 0x1E, 0, (byte) tlv.length});
    b.write(tlv);
    return b.toByteArray();
  }
}
