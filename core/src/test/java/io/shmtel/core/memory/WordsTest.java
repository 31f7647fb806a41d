package io.shmtel.core.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link Words}: every accessor stores and loads little-endian words at its offset, whatever the buffer order. */
class WordsTest {
    private static final int LONG_OFFSET = 8;
    private static final int INT_OFFSET = 20;
    private static final long LONG_VALUE = 0x0102_0304_0506_0708L;
    private static final int INT_VALUE = 0x0A0B_0C0D;

    /** Each way of storing a 64-bit word. */
    enum LongStore {
        PLAIN, OPAQUE, RELEASE, VOLATILE, COMPARE_AND_SET, GET_AND_ADD;

        void store(ByteBuffer b, int offset, long value) {
            switch (this) {
                case PLAIN: Words.putLongPlain(b, offset, value); break;
                case OPAQUE: Words.putLongOpaque(b, offset, value); break;
                case RELEASE: Words.putLongRelease(b, offset, value); break;
                case VOLATILE: Words.putLongVolatile(b, offset, value); break;
                case COMPARE_AND_SET: assertThat(Words.compareAndSetLong(b, offset, 0L, value)).isTrue(); break;
                default: assertThat(Words.getAndAddLong(b, offset, value)).isZero(); break;
            }
        }
    }

    /** Each way of storing a 32-bit word. */
    enum IntStore {
        PLAIN, OPAQUE, RELEASE, VOLATILE, COMPARE_AND_SET, GET_AND_ADD, GET_AND_BITWISE_OR;

        void store(ByteBuffer b, int offset, int value) {
            switch (this) {
                case PLAIN: Words.putIntPlain(b, offset, value); break;
                case OPAQUE: Words.putIntOpaque(b, offset, value); break;
                case RELEASE: Words.putIntRelease(b, offset, value); break;
                case VOLATILE: Words.putIntVolatile(b, offset, value); break;
                case COMPARE_AND_SET: assertThat(Words.compareAndSetInt(b, offset, 0, value)).isTrue(); break;
                case GET_AND_ADD: assertThat(Words.getAndAddInt(b, offset, value)).isZero(); break;
                default: assertThat(Words.getAndBitwiseOrInt(b, offset, value)).isZero(); break;
            }
        }
    }

    private static ByteBuffer bigEndianBuffer() {
        return ByteBuffer.allocateDirect(64).order(ByteOrder.BIG_ENDIAN);
    }

    @ParameterizedTest
    @EnumSource(LongStore.class)
    void longStoresAreLittleEndianAndEveryLoadSeesThem(LongStore store) {
        ByteBuffer b = bigEndianBuffer();
        store.store(b, LONG_OFFSET, LONG_VALUE);
        assertThat(b.duplicate().order(ByteOrder.LITTLE_ENDIAN).getLong(LONG_OFFSET)).isEqualTo(LONG_VALUE);
        assertThat(b.get(LONG_OFFSET)).isEqualTo((byte) 0x08);
        assertThat(Words.getLongPlain(b, LONG_OFFSET)).isEqualTo(LONG_VALUE);
        assertThat(Words.getLongOpaque(b, LONG_OFFSET)).isEqualTo(LONG_VALUE);
        assertThat(Words.getLongAcquire(b, LONG_OFFSET)).isEqualTo(LONG_VALUE);
        assertThat(Words.getLongVolatile(b, LONG_OFFSET)).isEqualTo(LONG_VALUE);
        assertThat(b.getLong(0)).isZero();
        assertThat(b.getLong(LONG_OFFSET + Long.BYTES)).isZero();
    }

    @ParameterizedTest
    @EnumSource(IntStore.class)
    void intStoresAreLittleEndianAndEveryLoadSeesThem(IntStore store) {
        ByteBuffer b = bigEndianBuffer();
        store.store(b, INT_OFFSET, INT_VALUE);
        assertThat(b.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(INT_OFFSET)).isEqualTo(INT_VALUE);
        assertThat(b.get(INT_OFFSET)).isEqualTo((byte) 0x0D);
        assertThat(Words.getIntPlain(b, INT_OFFSET)).isEqualTo(INT_VALUE);
        assertThat(Words.getIntOpaque(b, INT_OFFSET)).isEqualTo(INT_VALUE);
        assertThat(Words.getIntAcquire(b, INT_OFFSET)).isEqualTo(INT_VALUE);
        assertThat(Words.getIntVolatile(b, INT_OFFSET)).isEqualTo(INT_VALUE);
        assertThat(b.getInt(INT_OFFSET - Integer.BYTES)).isZero();
        assertThat(b.getInt(INT_OFFSET + Integer.BYTES)).isZero();
    }

    @Test
    void readModifyWritesReturnThePreviousValue() {
        ByteBuffer b = bigEndianBuffer();
        Words.putLongPlain(b, LONG_OFFSET, 5);
        assertThat(Words.compareAndSetLong(b, LONG_OFFSET, 4, 9)).isFalse();
        assertThat(Words.getAndAddLong(b, LONG_OFFSET, 2)).isEqualTo(5);
        assertThat(Words.getLongPlain(b, LONG_OFFSET)).isEqualTo(7);
        Words.putIntPlain(b, INT_OFFSET, 0b0110);
        assertThat(Words.compareAndSetInt(b, INT_OFFSET, 1, 2)).isFalse();
        assertThat(Words.getAndAddInt(b, INT_OFFSET, 1)).isEqualTo(0b0110);
        assertThat(Words.getAndBitwiseOrInt(b, INT_OFFSET, 0b1000)).isEqualTo(0b0111);
        assertThat(Words.getAndBitwiseAndInt(b, INT_OFFSET, ~0b0001)).isEqualTo(0b1111);
        assertThat(Words.getIntPlain(b, INT_OFFSET)).isEqualTo(0b1110);
    }

    @Test
    void orderedAccessesRefuseAMisalignedOffset() {
        ByteBuffer b = bigEndianBuffer();
        assertThatThrownBy(() -> Words.getLongAcquire(b, LONG_OFFSET + 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Words.putIntRelease(b, INT_OFFSET + 1, 1)).isInstanceOf(IllegalStateException.class);
    }
}
