package org.offlinereset;

import com.sun.jna.Memory;
import java.nio.CharBuffer;
import java.util.Arrays;

/**
 * A password, wrapping key or plain export as UTF-8/bytes in off-heap memory the binding wipes on
 * {@link #close()}. The caller's own {@code char[]}/{@code byte[]} is copied, never kept: the
 * caller wipes it. A {@code String} cannot be wiped; its UTF-8 copy is.
 */
final class Secret implements AutoCloseable {
    final Memory memory;
    final long length;

    private Secret(byte[] bytes) {
        length = bytes.length;
        memory = new Memory(Math.max(1, bytes.length));
        memory.write(0, bytes, 0, bytes.length);
    }

    static Secret of(byte[] bytes) {
        return new Secret(bytes);
    }

    /** null stays null (no wrapping key): the call gets NULL and 0. */
    static Secret orNull(byte[] bytes) {
        return bytes == null ? null : new Secret(bytes);
    }

    static Secret of(String s) {
        byte[] b = OfflineReset.utf8(s);
        try {
            return new Secret(b);
        } finally {
            Arrays.fill(b, (byte) 0);
        }
    }

    static Secret of(char[] chars) {
        byte[] b = OfflineReset.strictUtf8(CharBuffer.wrap(chars));
        try {
            return new Secret(b);
        } finally {
            Arrays.fill(b, (byte) 0);
        }
    }

    static com.sun.jna.Pointer ptr(Secret s) {
        return s == null ? null : s.memory;
    }

    static long len(Secret s) {
        return s == null ? 0 : s.length;
    }

    @Override
    public void close() {
        memory.clear();
        memory.close();
    }
}
