package io.mgw.core.wire;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * A deliberately naive Protobuf writer for tests: it knows nothing of our schema, so the "other version" codecs in
 * {@link WireEvolutionTest} are written independently of {@link WireFormat}'s code.
 */
final class ProtoWriter {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

    ProtoWriter uint32(int field, int v) {
        return run(() -> out.writeUInt32(field, v));
    }

    ProtoWriter int32(int field, int v) {
        return run(() -> out.writeInt32(field, v));
    }

    ProtoWriter int64(int field, long v) {
        return run(() -> out.writeInt64(field, v));
    }

    ProtoWriter fixed64(int field, long v) {
        return run(() -> out.writeFixed64(field, v));
    }

    ProtoWriter fixed32(int field, int v) {
        return run(() -> out.writeFixed32(field, v));
    }

    ProtoWriter bool(int field, boolean v) {
        return run(() -> out.writeBool(field, v));
    }

    ProtoWriter string(int field, String v) {
        return run(() -> out.writeString(field, v));
    }

    ProtoWriter bytes(int field, byte[] v) {
        return run(() -> out.writeByteArray(field, v));
    }

    ProtoWriter nested(int field, ProtoWriter inner) {
        return bytes(field, inner.toBytes());
    }

    ProtoWriter timestamp(int field, Instant t) {
        return nested(field, new ProtoWriter().int64(1, t.getEpochSecond()).int32(2, t.getNano()));
    }

    byte[] toBytes() {
        run(out::flush);
        return bytes.toByteArray();
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private ProtoWriter run(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
