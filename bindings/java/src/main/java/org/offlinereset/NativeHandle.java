package org.offlinereset;

import com.sun.jna.Memory;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongConsumer;

/**
 * One owned C handle, freed (and its secrets wiped) exactly once: by {@link #close()}, by
 * try-with-resources, or as a safety net by a {@link Cleaner} once the object is unreachable. The
 * C thread rules are enforced with a read-write lock: calls on a const handle share it; rotate,
 * setters, prune, redeem (on the ledger) and close take it exclusively. A call after close throws
 * {@link IllegalStateException}; it never reaches native code.
 */
abstract class NativeHandle implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    /** The state the cleaner frees: must not refer to the handle object. */
    private static final class State implements Runnable {
        private long handle;
        private final LongConsumer free;

        State(long handle, LongConsumer free) {
            this.handle = handle;
            this.free = free;
        }

        @Override
        public synchronized void run() {
            long h = handle;
            handle = 0;
            if (h != 0) free.accept(h);
        }
    }

    @FunctionalInterface
    interface Call<T> {
        T apply(long handle);
    }

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final State state;
    private final Cleaner.Cleanable cleanable;
    private volatile boolean closed;

    NativeHandle(long handle, LongConsumer free) {
        this.state = new State(handle, free);
        this.cleanable = CLEANER.register(this, state);
    }

    final <T> T shared(Call<T> call) {
        lock.readLock().lock();
        try {
            return call.apply(live());
        } finally {
            lock.readLock().unlock();
            Reference.reachabilityFence(this);
        }
    }

    final <T> T exclusive(Call<T> call) {
        lock.writeLock().lock();
        try {
            return call.apply(live());
        } finally {
            lock.writeLock().unlock();
            Reference.reachabilityFence(this);
        }
    }

    private long live() {
        if (closed) throw new IllegalStateException(getClass().getSimpleName() + " is closed");
        return state.handle;
    }

    /** Frees the native object and wipes its secrets; a second close does nothing. */
    @Override
    public final void close() {
        lock.writeLock().lock();
        try {
            closed = true;
            cleanable.clean();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Whether {@link #close()} has run. */
    public final boolean isClosed() {
        return closed;
    }

    interface ExportFn {
        int call(long handle, com.sun.jna.Pointer key, long keyLen, com.sun.jna.Pointer out, long cap, long[] outLen);
    }

    interface ImportFn {
        int call(com.sun.jna.Pointer bytes, long len, com.sun.jna.Pointer key, long keyLen, long[] out, byte[] details);
    }

    /**
     * The wrapping key an {@code export} requires: {@code null} is the caller's mistake (a plain export
     * is {@code exportPlain()}, named so that keys are never written in the clear by accident); an
     * empty or wrong-length key is the library's INVALID_KEY_MATERIAL.
     */
    static byte[] requiredKey(byte[] wrappingKey) {
        if (wrappingKey == null) {
            throw new NullPointerException("wrappingKey: export needs a wrapping key (OfflineReset.generateWrappingKey()); "
                    + "exportPlain() writes the secrets in the clear");
        }
        return wrappingKey;
    }

    /** An export (size query, then the bytes), the native buffer wiped after the copy. */
    static byte[] export(long h, ExportFn fn, byte[] wrappingKey) {
        try (Secret key = Secret.orNull(wrappingKey)) {
            long[] needed = new long[1];
            int status = fn.call(h, Secret.ptr(key), Secret.len(key), null, 0, needed);
            if (status != Status.BUFFER_TOO_SMALL.number()) OfflineReset.check(status);
            try (Memory out = new Memory(Math.max(1, needed[0]))) {
                long[] n = new long[1];
                try {
                    OfflineReset.check(fn.call(h, Secret.ptr(key), Secret.len(key), out, needed[0], n));
                    return out.getByteArray(0, (int) n[0]);
                } finally {
                    out.clear();
                }
            }
        }
    }

    /** An import: the bytes and key copied off-heap and wiped after the call; returns the handle. */
    static long importHandle(ImportFn fn, byte[] data, byte[] wrappingKey) {
        try (Secret bytes = Secret.of(data); Secret key = Secret.orNull(wrappingKey)) {
            long[] out = new long[1];
            byte[] d = OfflineReset.details();
            OfflineReset.check(fn.call(bytes.memory, bytes.length, Secret.ptr(key), Secret.len(key), out, d), d);
            return out[0];
        }
    }
}
