package io.mgw.testkit.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.util.concurrent.atomic.AtomicBoolean;
import org.h2.store.fs.FileBase;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * An H2 file system ({@link #url}: {@code jdbc:h2:fulldisk:/path}) over the real disk whose writes fail with "No
 * space left on device" while {@link #setFull} says so: a disk that fills up and is freed again, for the store alone
 * and without root (a tiny tmpfs needs a mount). The failure reaches H2 where a full disk's would: from its file
 * channel's write and force. One switch per JVM: every database opened through this file system shares it.
 */
public final class FullDiskFileSystem extends FilePathWrapper {

    private static final AtomicBoolean FULL = new AtomicBoolean();

    private static final String SCHEME = "fulldisk";

    static {
        FilePath.register(new FullDiskFileSystem());
    }

    /** Public for H2, which makes instances by reflection; use {@link #url}. */
    public FullDiskFileSystem() {}

    /**
     * The JDBC URL of an H2 database at {@code path} (without H2's file suffix) on this file system, which is
     * registered with H2 by the time this returns.
     */
    public static String url(java.nio.file.Path path) {
        return "jdbc:h2:" + SCHEME + ":" + path.toAbsolutePath();
    }

    /** Fills the disk (every write and force fails from now on) or frees it. */
    public static void setFull(boolean full) {
        FULL.set(full);
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        return new Channel(super.open(mode));
    }

    private static final class Channel extends FileBase {
        private final FileChannel base;

        Channel(FileChannel base) {
            this.base = base;
        }

        private static void failIfFull() throws IOException {
            if (FULL.get()) {
                throw new IOException("No space left on device (test)");
            }
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return base.read(dst);
        }

        @Override
        public synchronized int read(ByteBuffer dst, long position) throws IOException {
            return base.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            failIfFull();
            return base.write(src);
        }

        @Override
        public synchronized int write(ByteBuffer src, long position) throws IOException {
            failIfFull();
            return base.write(src, position);
        }

        @Override
        public long position() throws IOException {
            return base.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            base.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return base.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            base.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            failIfFull();
            base.force(metaData);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return base.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            base.close();
        }
    }
}
